/**
 * The non-file half of an image diff: runtime config (env, labels, entrypoint/cmd, user,
 * workdir, exposed ports, volumes, platform), history and layers (shared prefix, then the rest).
 */
import { readRuntimeConfig } from '../registry/image-config';
import type { ConfigChange, HistoryRow, LayerRow, PrefixDiff } from '../../shared/contents-types';
import type { ImageSource } from './image-source';

export type { ConfigChange, HistoryRow, LayerRow, PrefixDiff };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

function keyed(field: ConfigChange['field'], a: Map<string, string>, b: Map<string, string>): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const va = a.get(key) ?? null;
    const vb = b.get(key) ?? null;
    if (va !== vb) out.push({ field, key, a: va, b: vb });
  }
  return out;
}

const envMap = (env: string[]) => new Map(env.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, ''])));
const setMap = (items: string[]) => new Map(items.map((i) => [i, i]));

function platformOf(src: ImageSource): string | null {
  const c = src.config;
  const os = typeof c.os === 'string' ? c.os : src.platform?.os;
  const arch = typeof c.architecture === 'string' ? c.architecture : src.platform?.architecture;
  if (!os || !arch) return null;
  const variant = typeof c.variant === 'string' && c.variant ? `/${c.variant}` : '';
  return `${os}/${arch}${variant}`;
}

/** Differences of the runtime config and platform. */
export function diffConfig(a: ImageSource, b: ImageSource): ConfigChange[] {
  const ra = readRuntimeConfig(a.config);
  const rb = readRuntimeConfig(b.config);
  const out: ConfigChange[] = [];
  const pa = platformOf(a);
  const pb = platformOf(b);
  if (pa !== pb) out.push({ field: 'platform', a: pa, b: pb });
  out.push(...keyed('env', envMap(ra.env), envMap(rb.env)));
  for (const field of ['entrypoint', 'cmd'] as const) {
    if (JSON.stringify(ra[field]) !== JSON.stringify(rb[field])) out.push({ field, a: ra[field], b: rb[field] });
  }
  for (const field of ['user', 'workingDir'] as const) if (ra[field] !== rb[field]) out.push({ field, a: ra[field], b: rb[field] });
  out.push(...keyed('labels', new Map(Object.entries(ra.labels)), new Map(Object.entries(rb.labels))));
  out.push(...keyed('exposedPorts', setMap(ra.exposedPorts), setMap(rb.exposedPorts)));
  const volumes = (s: ImageSource) => Object.keys(obj(obj(s.config.config).Volumes));
  out.push(...keyed('volumes', setMap(volumes(a)), setMap(volumes(b))));
  return out;
}

function prefix<T>(a: T[], b: T[], same: (x: T, y: T) => boolean): PrefixDiff<T> {
  let shared = 0;
  while (shared < a.length && shared < b.length && same(a[shared], b[shared])) shared++;
  return { shared, a: a.slice(shared), b: b.slice(shared) };
}

function history(src: ImageSource): HistoryRow[] {
  const h = src.config.history;
  return (Array.isArray(h) ? h : []).map((raw) => {
    const r = obj(raw);
    return { createdBy: typeof r.created_by === 'string' ? r.created_by : '', created: typeof r.created === 'string' ? r.created : null, emptyLayer: r.empty_layer === true };
  });
}

/** History lines shared from the first step, then each image's own. */
export function diffHistory(a: ImageSource, b: ImageSource): PrefixDiff<HistoryRow> {
  return prefix(history(a), history(b), (x, y) => x.createdBy === y.createdBy && x.emptyLayer === y.emptyLayer);
}

/** Whether two layers hold the same tar: by diff ID when both know it (compression aside), else by digest. */
export function sameLayer(x: { diffId: string | null; digest: string | null }, y: { diffId: string | null; digest: string | null }): boolean {
  if (x.diffId && y.diffId) return x.diffId === y.diffId;
  return !!x.digest && x.digest === y.digest;
}

/** Layers shared from the bottom, then each image's own. */
export function diffLayers(a: ImageSource, b: ImageSource): PrefixDiff<LayerRow> {
  const rows = (s: ImageSource): LayerRow[] => s.layers.map((l, index) => ({ index, digest: l.digest, diffId: l.diffId, size: l.size }));
  return prefix(rows(a), rows(b), sameLayer);
}
