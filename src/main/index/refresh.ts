/**
 * Reads one repository into the index: `tags/list`, one HEAD per tag for its digest (the
 * manifest Accept list, as deletes use), then content only for digests the index does not know —
 * the ContentStore first, the registry (GET) last — and the config of each new image for its
 * created date, platform and labels. Digests the repository stored before and no tag reaches now
 * are confirmed with a HEAD by digest: kept as untagged manifests, or dropped on 404.
 */
import { setMaxListeners } from 'node:events';
import { BerthError, type ErrorCode } from '../../shared/errors';
import { listAllTags } from '../registry/browse';
import type { RegistryClient } from '../registry/client';
import { mapLimit } from '../../shared/limiter';
import { fetchBlobBytes, fetchManifest, headManifest } from '../registry/manifest';
import { DOCKER_SCHEMA1_SIGNED, manifestMediaType } from '../registry/media-types';
import { isValidTag } from '../../shared/reference';
import { BackgroundLane } from './lane';
import { emptyRepo, type RepoState } from './model';
import { applyConfig, opaqueRecord, recordFromManifest, type ManifestRecord } from './record';
import type { RegistryIndex } from './registry-index';

/** Tags read per repository at most (a registry answering more is refused for that repository). */
export const MAX_TAGS_PER_REPOSITORY = 100_000;
/** Image configs are read for created/labels only: larger ones are recorded without them. */
export const MAX_INDEX_CONFIG_BYTES = 1024 * 1024;
const HEAD_CONCURRENCY = 8;
const FETCH_CONCURRENCY = 4;
const MAX_DEPTH = 4;

/** What reading one repository did. */
export interface RefreshResult {
  repository: string;
  tags: number;
  untagged: number;
  /** Untagged manifests the registry no longer has (HEAD 404), dropped from the index. */
  dropped: number;
  manifestsFetched: number;
  configsFetched: number;
  /** Content that could not be read (the rest of the repository is indexed). */
  problems: string[];
}

/** Shared by the repositories of one build: the client (usually a background lane) and in-flight reads. */
export interface ReadContext {
  client: RegistryClient;
  index: RegistryIndex;
  signal?: AbortSignal;
  records: Map<number, Promise<ManifestRecord | 'absent' | null>>;
  configs: Map<number, Promise<unknown>>;
  counts: { manifests: number; configs: number };
}

/** A context for reading repositories of `index` through `client`. */
export function readContext(client: RegistryClient, index: RegistryIndex, signal?: AbortSignal): ReadContext {
  return { client, index, signal, records: new Map(), configs: new Map(), counts: { manifests: 0, configs: 0 } };
}

/** Errors about one piece of content (it is skipped), as opposed to the registry being unreachable. */
const CONTENT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'MANIFEST_UNKNOWN', 'MANIFEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'BLOB_UNKNOWN', 'NAME_UNKNOWN', 'UNSUPPORTED', 'DIGEST_MISMATCH', 'UNEXPECTED_RESPONSE',
]);
/** True for an error that concerns one piece of content only. */
export const isContentError = (err: unknown): err is BerthError => err instanceof BerthError && CONTENT_ERRORS.has(err.code);

/**
 * Refreshes one repository of `index` (e.g. before a delete when its part of the index is stale).
 * Foreground by default, since someone is waiting for it; pass a lane to run it in the background.
 */
export async function refreshRepository(
  client: RegistryClient,
  index: RegistryIndex,
  repository: string,
  opts: { signal?: AbortSignal; lane?: BackgroundLane } = {},
): Promise<RefreshResult> {
  // Every request in flight listens for the abort: one internal signal, so the caller's is listened to once.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const ctx = readContext(opts.lane ? opts.lane.view() : client, index, stop.signal);
  const build = index.model.build;
  try {
    // During a build, a repository read now counts as read by that build.
    return await readRepository(ctx, repository, build.running ? build.gen : (index.model.repo(repository)?.gen ?? 0));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Reads `repository` into the index and writes it to the index file before resolving. */
export async function readRepository(ctx: ReadContext, repository: string, gen: number): Promise<RefreshResult> {
  const { client, index, signal } = ctx;
  const model = index.model;
  const before = model.repo(repository);
  const oldStored = before ? model.stored(before) : new Set<number>();
  const start = { ...ctx.counts };
  const problems: string[] = [];

  let listed: string[];
  try {
    listed = await listAllTags(client, repository, signal);
  } catch (err) {
    // A repository whose last tag is gone may answer NAME_UNKNOWN: it has no tags.
    if (!(err instanceof BerthError && err.code === 'NAME_UNKNOWN')) throw err;
    listed = [];
  }
  if (listed.length > MAX_TAGS_PER_REPOSITORY) {
    throw new BerthError('UNEXPECTED_RESPONSE', `${repository} lists ${listed.length} tags; Berth indexes at most ${MAX_TAGS_PER_REPOSITORY} per repository.`);
  }
  const tags = listed.filter(isValidTag);
  const heads = await mapLimit(tags, HEAD_CONCURRENCY, (tag) => headManifest(client, repository, tag, signal));
  const state: RepoState = { ...emptyRepo(), gen, refreshedAt: Date.now() };
  tags.forEach((tag, i) => {
    const h = heads[i];
    if (!h) return; // deleted since the listing
    const id = model.digests.intern(h.digest);
    model.digests.setSize(id, h.size);
    state.tags.set(tag, id);
  });

  const knownMissing = before?.missing ?? new Set<number>();
  const visit = async (roots: number[]): Promise<void> => {
    let level = [...new Set(roots)];
    const seen = new Set<number>();
    for (let depth = 0; level.length && depth <= MAX_DEPTH; depth++) {
      level = level.filter((d) => !seen.has(d) && !(knownMissing.has(d) && !model.records.has(d)));
      level.forEach((d) => seen.add(d));
      const recs = await mapLimit(level, FETCH_CONCURRENCY, (d) => ensureRecord(ctx, repository, d, problems));
      const next: number[] = [];
      recs.forEach((rec, i) => {
        if (rec === 'absent') state.missing.add(level[i]);
        else if (rec) next.push(...rec.children);
      });
      level = next;
    }
    const reached = model.closure(roots);
    for (const d of knownMissing) if (reached.has(d) && !model.records.has(d)) state.missing.add(d);
  };
  await visit([...state.tags.values()]);

  // Digests stored before that no tag reaches now: still there (untagged) or gone?
  const reach = model.closure(state.tags.values());
  const candidates = [...oldStored].filter((d) => !reach.has(d));
  const alive = await mapLimit(candidates, HEAD_CONCURRENCY, (d) => headManifest(client, repository, model.digests.name(d), signal));
  candidates.forEach((d, i) => alive[i] && state.untagged.add(d));
  await visit([...state.untagged]);

  const images = [...model.closure([...state.tags.values(), ...state.untagged])]
    .map((d) => model.records.get(d))
    .filter((r): r is ManifestRecord => !!r && r.kind === 'image' && !r.configRead);
  await mapLimit(images, FETCH_CONCURRENCY, (rec) => ensureConfig(ctx, repository, rec, problems));

  state.error = problems.length ? problems.slice(0, 5).join(' ') : null;
  index.commitRepository(repository, state);
  await index.flush();
  return {
    repository,
    tags: state.tags.size,
    untagged: state.untagged.size,
    dropped: candidates.length - state.untagged.size,
    manifestsFetched: ctx.counts.manifests - start.manifests,
    configsFetched: ctx.counts.configs - start.configs,
    problems,
  };
}

/** The record of `digest`: known, or from the ContentStore, or fetched; 'absent' on 404; null when unreadable. */
function ensureRecord(ctx: ReadContext, repository: string, digest: number, problems: string[]): Promise<ManifestRecord | 'absent' | null> {
  const known = ctx.index.model.records.get(digest);
  if (known) return Promise.resolve(known);
  let p = ctx.records.get(digest);
  if (!p) {
    p = loadRecord(ctx, repository, digest, problems);
    ctx.records.set(digest, p);
    // Only a success is shared: another repository may have what this one lacked.
    p.then((r) => (r && r !== 'absent' ? undefined : ctx.records.delete(digest)), () => ctx.records.delete(digest));
  }
  return p;
}

async function loadRecord(ctx: ReadContext, repository: string, id: number, problems: string[]): Promise<ManifestRecord | 'absent' | null> {
  const { index, client, signal } = ctx;
  const table = index.model.digests;
  const digest = table.name(id);
  const cached = await index.readContent(digest);
  let rec: ManifestRecord | null = null;
  if (cached) {
    const json = parse(cached);
    if (json !== undefined) rec = recordFromManifest(table, digest, manifestMediaType(json, undefined), json, cached.length);
  }
  if (!rec) {
    try {
      const m = await fetchManifest(client, repository, digest, signal);
      ctx.counts.manifests++;
      await index.cache(m.digest, m.bytes);
      rec = recordFromManifest(table, m.digest, m.mediaType, m.json, m.bytes.length);
    } catch (err) {
      if (!isContentError(err)) throw err;
      if (err.code === 'MANIFEST_UNKNOWN' || err.code === 'NAME_UNKNOWN' || err.code === 'BLOB_UNKNOWN') return 'absent';
      problems.push(`${repository}@${digest}: ${err.message}`);
      if (err.code === 'DIGEST_MISMATCH') return null; // may be a proxy's fault: try again next time
      // Obsolete or unreadable content never changes: remember it as opaque (its size still counts).
      rec = opaqueRecord(id, err.code === 'UNSUPPORTED' ? DOCKER_SCHEMA1_SIGNED : 'application/octet-stream');
    }
  }
  index.addRecord(rec);
  return rec;
}

/** Reads an image's config (ContentStore first) for created, platform and labels; each config is read once per build. */
async function ensureConfig(ctx: ReadContext, repository: string, rec: ManifestRecord, problems: string[]): Promise<void> {
  let json: unknown = null;
  if (rec.config >= 0) {
    let p = ctx.configs.get(rec.config);
    if (!p) ctx.configs.set(rec.config, (p = loadConfig(ctx, repository, rec.config, problems)));
    const got = await p;
    if (got === RETRY) return;
    json = got;
  }
  applyConfig(rec, json);
  ctx.index.addRecord(rec);
}

/** Marks a config that could not be read this time but may be readable later (left unread). */
const RETRY = Symbol('retry');

async function loadConfig(ctx: ReadContext, repository: string, config: number, problems: string[]): Promise<unknown> {
  const { index, client, signal } = ctx;
  const digest = index.model.digests.name(config);
  const cached = await index.readContent(digest);
  if (cached) return parse(cached) ?? null;
  try {
    const bytes = await fetchBlobBytes(client, repository, digest, MAX_INDEX_CONFIG_BYTES, signal);
    ctx.counts.configs++;
    await index.cache(digest, bytes);
    return parse(bytes) ?? null;
  } catch (err) {
    if (!isContentError(err)) throw err;
    problems.push(`config ${digest} of ${repository}: ${err.message}`);
    // Missing, too large or not JSON stays so; a digest mismatch may be a proxy's fault.
    return err.code === 'DIGEST_MISMATCH' ? RETRY : null;
  }
}

function parse(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
