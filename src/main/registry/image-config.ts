/**
 * Pure readers of manifests and image configs (OCI image spec "config.json", Docker image
 * spec v1.2): descriptors, platform, history lined up with layers.
 */
import type { Descriptor, HistoryLine, Platform } from '../../shared/types';

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const strArray = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);

/** Platform from an index descriptor's `platform` or a config's top-level fields; null if no os/arch. */
export function readPlatform(src: unknown): Platform | null {
  const p = obj(src);
  if (!p) return null;
  const os = str(p.os);
  const architecture = str(p.architecture);
  if (!os || !architecture) return null;
  const out: Platform = { os, architecture };
  const variant = str(p.variant);
  if (variant) out.variant = variant;
  const osVersion = str(p['os.version']);
  if (osVersion) out.osVersion = osVersion;
  return out;
}

/** A descriptor as the contract carries it (unknown fields dropped). */
export function readDescriptor(src: unknown): Descriptor {
  const d = obj(src) ?? {};
  const out: Descriptor = {
    mediaType: str(d.mediaType) ?? '',
    digest: str(d.digest) ?? '',
    size: typeof d.size === 'number' ? d.size : 0,
  };
  const urls = strArray(d.urls);
  if (urls && urls.length) out.urls = urls;
  const ann = obj(d.annotations);
  if (ann) out.annotations = Object.fromEntries(Object.entries(ann).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const platform = readPlatform(d.platform);
  if (platform) out.platform = platform;
  return out;
}

/** Config descriptor and layers of an image manifest. */
export function readImageManifest(json: unknown): { config: Descriptor; layers: Descriptor[] } {
  const m = obj(json) ?? {};
  const layers = Array.isArray(m.layers) ? m.layers.map(readDescriptor) : [];
  return { config: readDescriptor(m.config), layers };
}

/** Config + layer bytes of an image manifest. */
export function imageSize(json: unknown): number {
  const { config, layers } = readImageManifest(json);
  return config.size + layers.reduce((sum, l) => sum + l.size, 0);
}

/**
 * Lines history up with layers: entries with `empty_layer: true` get no layer, the others take
 * the layers in order. Layers left over (configs without full history) get a line each.
 */
export function alignHistory(history: unknown, layers: Descriptor[]): HistoryLine[] {
  const entries = Array.isArray(history) ? history : [];
  let next = 0;
  const lines: HistoryLine[] = entries.map((raw) => {
    const h = obj(raw) ?? {};
    const emptyLayer = h.empty_layer === true;
    const layer = emptyLayer ? null : (layers[next++] ?? null);
    return {
      createdBy: str(h.created_by) ?? '',
      created: str(h.created) ?? null,
      comment: str(h.comment) ?? null,
      emptyLayer,
      layer,
    };
  });
  for (; next < layers.length; next++) {
    lines.push({ createdBy: '', created: null, comment: null, emptyLayer: false, layer: layers[next] });
  }
  return lines;
}

/** The runtime fields of an image config (`config` object): env, entrypoint, cmd, labels, ports. */
export interface RuntimeConfig {
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  user: string | null;
  labels: Record<string, string>;
  exposedPorts: string[];
}

/** Reads the runtime fields; absent values become empty lists / null. */
export function readRuntimeConfig(configJson: unknown): RuntimeConfig {
  const c = obj(obj(configJson)?.config) ?? {};
  const labels = obj(c.Labels) ?? {};
  return {
    env: strArray(c.Env) ?? [],
    entrypoint: strArray(c.Entrypoint),
    cmd: strArray(c.Cmd),
    workingDir: str(c.WorkingDir) || null,
    user: str(c.User) || null,
    labels: Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    exposedPorts: Object.keys(obj(c.ExposedPorts) ?? {}),
  };
}

/** `created` of a config, or null. */
export function readCreated(configJson: unknown): string | null {
  return str(obj(configJson)?.created) ?? null;
}

/** Annotation buildx puts on attestation manifests in an index. */
export const ATTESTATION_TYPE_KEY = 'vnd.docker.reference.type';
export const ATTESTATION_DIGEST_KEY = 'vnd.docker.reference.digest';

/** True for a buildx attestation manifest descriptor. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_TYPE_KEY] === 'attestation-manifest';
}

/** The platform an index entry shows: none for attestations and `unknown/unknown`. */
export function displayPlatform(d: Descriptor): Platform | null {
  if (!d.platform || isAttestation(d)) return null;
  if (d.platform.os === 'unknown' && d.platform.architecture === 'unknown') return null;
  return d.platform;
}
