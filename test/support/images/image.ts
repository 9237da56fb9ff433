/**
 * The one image builder of test code, above the layers: image configs, manifests (schema 2 or
 * OCI, artifacts with `subject`), indexes and buildx attestation manifests, with media types from
 * the engine's list. Archives, HTTP seeding, bulk seeding and the synthetic index all use it.
 */
import type { Platform } from '../../../src/shared/types';
import { sha256 } from '../digest';
import { MEDIA, OCI_CONFIG, OCI_MANIFEST, type ImageFormat } from './media-types';

export type { Platform };

/** Options that shape an image config. */
export interface ConfigOptions {
  created?: string;
  platform?: Platform;
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
  labels?: Record<string, string>;
  exposedPorts?: string[];
  /** History lines without a layer (`empty_layer`), added after the layers' own. */
  emptyHistory?: number;
  workingDir?: string;
}

/** Builds an image config object (Docker/OCI image spec) for layers with these diff IDs. */
export function buildConfig(diffIds: string[], o: ConfigOptions = {}): Record<string, unknown> {
  const created = o.created ?? '2024-05-01T12:00:00Z';
  const platform = o.platform ?? { os: 'linux', architecture: 'amd64' };
  const history: Record<string, unknown>[] = diffIds.map((d) => ({ created, created_by: `/bin/sh -c #(nop) ADD file:${d.slice(7, 23)} in / ` }));
  for (let i = 0; i < (o.emptyHistory ?? 0); i++) history.push({ created, created_by: `/bin/sh -c #(nop)  LABEL step=${i}`, empty_layer: true });
  const config: Record<string, unknown> = {
    Env: o.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Cmd: o.cmd ?? ['/bin/sh'],
    WorkingDir: o.workingDir ?? '/',
  };
  if (o.entrypoint) config.Entrypoint = o.entrypoint;
  if (o.labels) config.Labels = o.labels;
  if (o.exposedPorts) config.ExposedPorts = Object.fromEntries(o.exposedPorts.map((p) => [p.includes('/') ? p : `${p}/tcp`, {}]));
  const out: Record<string, unknown> = { architecture: platform.architecture, os: platform.os, created, config, rootfs: { type: 'layers', diff_ids: diffIds }, history };
  if (platform.variant) out.variant = platform.variant;
  if (platform.osVersion) out['os.version'] = platform.osVersion;
  return out;
}

/** A descriptor as manifests and indexes list them. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Record<string, string>;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

/** The descriptor of some bytes. */
export function descriptorOf(mediaType: string, bytes: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.length, ...extra };
}

/** An image manifest (schema 2 or OCI) for a config and layers; `extra` adds `artifactType`, `subject`, `annotations`. */
export function buildManifest(
  format: ImageFormat,
  config: Descriptor,
  layers: Descriptor[],
  extra: { artifactType?: string; subject?: Descriptor; annotations?: Record<string, string> } = {},
): Record<string, unknown> {
  const m: Record<string, unknown> = { schemaVersion: 2, mediaType: MEDIA[format].manifest };
  if (extra.artifactType) m.artifactType = extra.artifactType;
  Object.assign(m, { config, layers });
  if (extra.subject) m.subject = extra.subject;
  if (extra.annotations) m.annotations = extra.annotations;
  return m;
}

/** An image index (OCI) or manifest list (schema 2) of `manifests`. */
export function buildIndex(format: ImageFormat, manifests: Descriptor[]): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MEDIA[format].index, manifests };
}

/** A platform as a descriptor names it (variant only when there is one). */
export function platformField(p: Platform): Record<string, string> {
  const out: Record<string, string> = { architecture: p.architecture, os: p.os };
  if (p.variant) out.variant = p.variant;
  return out;
}

/** Serialises JSON the way registries store pushed manifests (bytes are what the digest covers). */
export const jsonBytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, null, 2));

/** The blobs of a buildx attestation (an SPDX in-toto statement) of `subject`, and its entry in the image index. */
export interface Attestation {
  statement: Buffer;
  config: Buffer;
  manifest: Buffer;
  /** The index entry: platform unknown/unknown, annotations naming the subject. */
  descriptor: Descriptor;
}

/** Builds a buildx-style attestation manifest describing `subject` (`name` is the statement's subject name). */
export function buildAttestation(subject: string, opts: { name?: string; created?: string } = {}): Attestation {
  const predicateType = 'https://spdx.dev/Document';
  const statement = jsonBytes({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType,
    subject: [{ name: opts.name ?? 'image', digest: { sha256: subject.slice('sha256:'.length) } }],
    predicate: { spdxVersion: 'SPDX-2.3', name: 'berth-test-sbom', packages: [] },
  });
  const config = jsonBytes({
    architecture: 'unknown',
    os: 'unknown',
    created: opts.created ?? '2024-05-01T12:00:00Z',
    config: {},
    rootfs: { type: 'layers', diff_ids: [sha256(statement)] },
  });
  const layer = descriptorOf('application/vnd.in-toto+json', statement, { annotations: { 'in-toto.io/predicate-type': predicateType } });
  const manifest = jsonBytes(buildManifest('oci', descriptorOf(OCI_CONFIG, config), [layer]));
  const descriptor = descriptorOf(OCI_MANIFEST, manifest, {
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': subject, 'vnd.docker.reference.type': 'attestation-manifest' },
  });
  return { statement, config, manifest, descriptor };
}
