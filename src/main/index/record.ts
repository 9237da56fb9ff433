/**
 * What the index keeps about one manifest digest: read from the manifest and its config, both
 * immutable, so a record never changes once its config is read. Parsing treats the registry's
 * JSON as untrusted: invalid digests are dropped and every list and string is capped.
 */
import { isAttestation, readDescriptor, readImageManifest, readPlatform, readRuntimeConfig } from '../registry/image-config';
import { isIndexType, isImageType } from '../registry/media-types';
import { isValidDigest } from '../../shared/reference';
import type { DigestTable } from './digests';

/** Kind of manifest: an image (config + layers), an index (child manifests) or anything else (artifact, unreadable). */
export type RecordKind = 'image' | 'index' | 'other';

/** One manifest as the index holds it; digests are DigestTable ids. */
export interface ManifestRecord {
  digest: number;
  kind: RecordKind;
  mediaType: string;
  /** Config descriptor's digest id, -1 when none. */
  config: number;
  /** Layer digest ids in order (sizes in the DigestTable). */
  layers: Int32Array;
  /** Positions in `layers` of foreign layers (with `urls`): not stored in the registry. */
  foreign: Int32Array | null;
  /** Child manifest ids of an index. */
  children: Int32Array;
  /** Per child: `os/arch[/variant]`, or null when the descriptor has none. */
  childPlatforms: (string | null)[];
  /** Per child: 1 for a buildx attestation manifest. */
  childAttestation: Uint8Array;
  /** `os/arch[/variant]` of an image, from its config. */
  platform: string | null;
  /** Config `created`, in ms since the epoch (NaN when unknown). */
  created: number;
  labels: Record<string, string> | null;
  /** OCI 1.1 `subject` digest id (what this artifact refers to), -1 when none. */
  subject: number;
  artifactType: string | null;
  /** Whether the config was read (or found unreadable): created/labels/platform are final. */
  configRead: boolean;
}

const MAX_LAYERS = 1000;
const MAX_CHILDREN = 1000;
const MAX_LABELS = 100;
const MAX_LABEL_KEY = 256;
const MAX_LABEL_VALUE = 1024;
const MAX_TEXT = 256;

const EMPTY_INT = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const text = (v: unknown): string | null => (typeof v === 'string' && v.length <= MAX_TEXT ? v : null);

/** `os/arch[/variant]` of a platform object in lower case (as search compares it), or null. */
export function platformKey(p: { os: string; architecture: string; variant?: string } | null | undefined): string | null {
  if (!p) return null;
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/').slice(0, MAX_TEXT).toLowerCase();
}

/** A record for a manifest whose content could not be read: kind `other`, nothing referenced. */
export function opaqueRecord(digest: number, mediaType: string): ManifestRecord {
  return {
    digest,
    kind: 'other',
    mediaType,
    config: -1,
    layers: EMPTY_INT,
    foreign: null,
    children: EMPTY_INT,
    childPlatforms: [],
    childAttestation: EMPTY_U8,
    platform: null,
    created: NaN,
    labels: null,
    subject: -1,
    artifactType: null,
    configRead: true,
  };
}

/** Reads a parsed manifest into a record, interning its digests (sizes of config and layers go to the table). */
export function recordFromManifest(table: DigestTable, digest: string, mediaType: string, json: unknown, byteLength: number): ManifestRecord {
  const id = table.intern(digest);
  table.setSize(id, byteLength, true);
  const m = obj(json) ?? {};
  const rec = opaqueRecord(id, mediaType.slice(0, MAX_TEXT));
  const subject = readDescriptor(m.subject).digest;
  if (isValidDigest(subject)) rec.subject = table.intern(subject);
  rec.artifactType = text(m.artifactType);
  if (isImageType(mediaType)) {
    const { config, layers } = readImageManifest(m);
    rec.kind = 'image';
    rec.configRead = false;
    if (isValidDigest(config.digest)) {
      rec.config = table.intern(config.digest);
      table.setSize(rec.config, config.size);
    }
    if (!rec.artifactType && config.mediaType && !/\.image\.|container\.image/.test(config.mediaType)) rec.artifactType = text(config.mediaType);
    const valid = layers.filter((l) => isValidDigest(l.digest)).slice(0, MAX_LAYERS);
    rec.layers = Int32Array.from(valid, (l) => {
      const lid = table.intern(l.digest);
      table.setSize(lid, l.size);
      return lid;
    });
    const foreign = valid.flatMap((l, i) => (l.urls?.length ? [i] : []));
    rec.foreign = foreign.length ? Int32Array.from(foreign) : null;
  } else if (isIndexType(mediaType)) {
    rec.kind = 'index';
    const entries = (Array.isArray(m.manifests) ? m.manifests : []).map(readDescriptor).filter((d) => isValidDigest(d.digest)).slice(0, MAX_CHILDREN);
    rec.children = Int32Array.from(entries, (d) => table.intern(d.digest));
    rec.childPlatforms = entries.map((d) => platformKey(d.platform));
    rec.childAttestation = Uint8Array.from(entries, (d) => (isAttestation(d) ? 1 : 0));
  }
  return rec;
}

/** Fills created, labels and platform from an image config's JSON (null: the config could not be read). */
export function applyConfig(rec: ManifestRecord, configJson: unknown): void {
  rec.configRead = true;
  if (configJson === null || configJson === undefined) return;
  const created = obj(configJson)?.created;
  rec.created = typeof created === 'string' ? Date.parse(created) : NaN;
  rec.platform = platformKey(readPlatform(configJson));
  const labels = Object.entries(readRuntimeConfig(configJson).labels)
    .filter(([k, v]) => k.length <= MAX_LABEL_KEY && v.length <= MAX_LABEL_VALUE)
    .slice(0, MAX_LABELS);
  rec.labels = labels.length ? Object.fromEntries(labels) : null;
}

/** Sum of config and layer sizes of an image record (what the tags table calls its size); NaN if unknown. */
export function imageBytes(table: DigestTable, rec: ManifestRecord): number {
  let sum = rec.config >= 0 ? table.size(rec.config) : 0;
  for (const l of rec.layers) sum += table.size(l);
  return sum;
}
