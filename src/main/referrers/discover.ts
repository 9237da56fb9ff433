/**
 * Every referrer of a subject, wherever the registry keeps it: the referrers API (or, without
 * it, the tag schema's fallback index) and cosign's `.sig`/`.att`/`.sbom` tags — merged by
 * digest, classified, and followed down (a signature of an SBOM) for the delete and the view.
 */
import { BerthError } from '../../shared/errors';
import { compareNatural } from '../../shared/natural-order';
import { headManifest } from '../registry/manifest';
import { mapLimit } from '../../shared/limiter';
import {
  COSIGN_SUFFIXES,
  fallbackTag,
  fetchFallbackIndex,
  fetchReferrersApi,
  parseReferrerTag,
  type ReferrerDescriptor,
} from '../registry/referrers';
import { artifactTypeOf, classifyReferrer } from './classify';
import { manifestByDigest, type ContentSource } from './content';
import type { Referrer, ReferrerNode, ReferrerSource } from './types';

/** Options of listReferrers. */
export interface ListReferrersOptions {
  /** Only referrers of this artifact type (passed to the API; applied here otherwise). */
  artifactType?: string;
  /** The repository's tags when the caller has them: cosign tags are then looked up here, not HEADed. */
  tags?: readonly string[];
  /** false: skip the referrers API (a registry known not to have it). */
  useApi?: boolean;
}

/** What listReferrers found, and whether the registry has the referrers API. */
export interface ReferrerList {
  subject: string;
  referrers: Referrer[];
  /** true: answered by the referrers API; false: the tag schema was used. */
  api: boolean;
  /** The tag schema's fallback index (`sha256-<hex>`) when one exists: deleted with the subject. */
  fallbackIndex: { tag: string; digest: string } | null;
  /** More than MAX_REFERRERS were listed; only the first ones were read. */
  truncated: boolean;
}

/** Referrer manifests read at once. */
const READ_CONCURRENCY = 4;
/** Referrers read per subject: a registry listing more is not followed further (each costs a manifest read). */
export const MAX_REFERRERS = 500;
/** How deep referrers of referrers are followed. */
export const MAX_REFERRER_DEPTH = 3;

async function cosignTags(src: ContentSource, subject: string, tags: readonly string[] | undefined): Promise<{ tag: string; digest: string; mediaType: string; size: number }[]> {
  const names = COSIGN_SUFFIXES.map((s) => `${fallbackTag(subject)}.${s}`);
  const wanted = tags ? names.filter((n) => tags.includes(n)) : names;
  const heads = await mapLimit(wanted, 3, async (tag) => {
    const h = await headManifest(src.client, src.repository, tag, src.signal);
    return h ? { tag, ...h } : null;
  });
  return heads.filter((h): h is NonNullable<typeof h> => h !== null);
}

/** Lists the referrers of `subject` in `src.repository` (one level), classified. */
export async function listReferrers(src: ContentSource, subject: string, opts: ListReferrersOptions = {}): Promise<ReferrerList> {
  const found = new Map<string, { d: ReferrerDescriptor; sources: Set<ReferrerSource>; tags: Set<string> }>();
  const add = (d: ReferrerDescriptor, source: ReferrerSource, tag?: string): void => {
    let e = found.get(d.digest);
    if (!e) found.set(d.digest, (e = { d, sources: new Set(), tags: new Set() }));
    if (!e.d.artifactType && d.artifactType) e.d = { ...e.d, artifactType: d.artifactType };
    e.sources.add(source);
    if (tag) e.tags.add(tag);
  };
  let api = false;
  let fallbackIndex: ReferrerList['fallbackIndex'] = null;
  if (opts.useApi !== false) {
    const answer = await fetchReferrersApi(src.client, src.repository, subject, { artifactType: opts.artifactType, signal: src.signal });
    api = answer.supported;
    for (const d of answer.descriptors) add(d, 'api');
  }
  if (!api) {
    const tag = fallbackTag(subject);
    if (!opts.tags || opts.tags.includes(tag)) {
      const index = await fetchFallbackIndex(src.client, src.repository, subject, src.signal);
      if (index.digest) fallbackIndex = { tag, digest: index.digest };
      for (const d of index.descriptors) add(d, 'fallback-index');
    }
  }
  for (const c of await cosignTags(src, subject, opts.tags)) add({ mediaType: c.mediaType, digest: c.digest, size: c.size }, 'cosign-tag', c.tag);

  const all = [...found.values()];
  const entries = all.slice(0, MAX_REFERRERS);
  const referrers = await mapLimit(entries, READ_CONCURRENCY, async ({ d, sources, tags }): Promise<Referrer | null> => {
    let manifest;
    try {
      manifest = await manifestByDigest(src, d.digest);
    } catch (err) {
      // A descriptor whose manifest is gone (deleted since the list was built) is not a referrer any more.
      if (err instanceof BerthError && (err.code === 'MANIFEST_UNKNOWN' || err.code === 'NAME_UNKNOWN')) return null;
      throw err;
    }
    const artifactType = artifactTypeOf(manifest.json, d.artifactType);
    if (opts.artifactType && artifactType !== opts.artifactType) return null;
    const suffix = [...tags].map((t) => parseReferrerTag(t)?.suffix ?? null).find((s) => s) ?? null;
    const annotations = { ...(manifest.json?.annotations ?? {}), ...(d.annotations ?? {}) } as Record<string, string>;
    return {
      subject,
      digest: d.digest,
      mediaType: manifest.mediaType,
      artifactType,
      size: manifest.bytes.length,
      annotations,
      kind: classifyReferrer(manifest.json, artifactType, suffix),
      sources: [...sources],
      tags: [...tags].sort(compareNatural),
    };
  });
  return { subject, referrers: referrers.filter((r): r is Referrer => r !== null), api, fallbackIndex, truncated: all.length > entries.length };
}

/** Referrers of `subject` and, below each, its own referrers (to MAX_REFERRER_DEPTH), each manifest once. */
export async function readReferrerTree(
  src: ContentSource,
  subject: string,
  opts: ListReferrersOptions = {},
): Promise<{ nodes: ReferrerNode[]; api: boolean; truncated: boolean; fallbackIndexes: { subject: string; tag: string; digest: string }[] }> {
  const seen = new Set<string>([subject]);
  const fallbackIndexes: { subject: string; tag: string; digest: string }[] = [];
  let api = false;
  let truncated = false;
  const walk = async (digest: string, depth: number): Promise<ReferrerNode[]> => {
    // Below the top, the API is asked only when the top answer showed the registry has it.
    const useApi = depth === 0 ? opts.useApi : api && opts.useApi !== false;
    const list = await listReferrers(src, digest, { ...opts, useApi, artifactType: depth === 0 ? opts.artifactType : undefined });
    api ||= list.api;
    truncated ||= list.truncated;
    if (list.fallbackIndex) fallbackIndexes.push({ subject: digest, ...list.fallbackIndex });
    const fresh = list.referrers.filter((r) => !seen.has(r.digest));
    for (const r of fresh) seen.add(r.digest);
    const out: ReferrerNode[] = [];
    for (const r of fresh) out.push({ ...r, children: depth + 1 < MAX_REFERRER_DEPTH ? await walk(r.digest, depth + 1) : [] });
    return out;
  };
  const nodes = await walk(subject, 0);
  return { nodes, api, truncated, fallbackIndexes };
}

/** The nodes of a tree, deepest first (the order to delete them in). */
export function deepestFirst(nodes: readonly ReferrerNode[]): ReferrerNode[] {
  const out: ReferrerNode[] = [];
  const visit = (n: ReferrerNode): void => {
    for (const c of n.children) visit(c);
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
