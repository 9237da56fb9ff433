/**
 * Applies a cleanup plan digest by digest through the engine's safe delete, which re-checks
 * right before each DELETE that no tag outside the plan now points at the digest (TAGS_CHANGED).
 * A dry run reads the registry once and reports what would go and what would be refused.
 */
import type { CleanupDigest, CleanupDigestResult, CleanupPlan, CleanupProgress, CleanupResult } from '../../shared/cleanup-types';
import { BerthError, toWireError, type ErrorCode, type WireError } from '../../shared/errors';
import { deleteManifest, headManifest, isValidDigest, listAllTags, mapLimit, type RegistryClient } from '../registry';
import { TAG_CONCURRENCY } from './inspect';

/** Options of applyCleanup. */
export interface ApplyOptions {
  /** Delete nothing; report what would be deleted as the registry stands now. */
  dryRun: boolean;
  /** Called before each digest (`current`) and once at the end (`current: null`). */
  onProgress?: (p: CleanupProgress) => void;
  signal?: AbortSignal;
}

/**
 * Failures that every remaining digest would hit too (delete disabled, no permission, registry
 * unreachable, cancelled): the run stops there instead of repeating them.
 */
const STOP_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UNSUPPORTED',
  'CANCELLED',
  'UNAUTHORIZED',
  'DENIED',
  'AUTH_FAILED',
  'CONNECTION_REFUSED',
  'DNS_FAILURE',
  'TLS_UNTRUSTED',
  'TLS_FAILURE',
  'INSECURE_REFUSED',
]);

function checkPlan(plan: unknown): asserts plan is CleanupPlan {
  const p = plan as CleanupPlan | null;
  const ok =
    typeof p === 'object' &&
    p !== null &&
    typeof p.repository === 'string' &&
    Array.isArray(p.deleteDigests) &&
    p.deleteDigests.every(
      (d) => typeof d === 'object' && d !== null && typeof d.digest === 'string' && isValidDigest(d.digest) && Array.isArray(d.tags) && d.tags.every((t) => typeof t === 'string'),
    );
  if (!ok) throw new BerthError('INVALID_ARGUMENT', 'That is not a cleanup plan Berth can apply. Plan the cleanup again.');
}

/** Deletes (or, with `dryRun`, checks) every digest of `plan`; one failure does not stop the others. */
export async function applyCleanup(client: RegistryClient, plan: CleanupPlan, opts: ApplyOptions): Promise<CleanupResult> {
  checkPlan(plan);
  const { repository } = plan;
  const total = plan.deleteDigests.length;
  const progress = (done: number, current: string | null): void => opts.onProgress?.({ repository, done, total, current });
  const run = opts.dryRun ? await dryRun(client, plan, progress, opts.signal) : await deleteAll(client, plan, progress, opts.signal);
  progress(run.deleted.length, null);
  return { repository, dryRun: opts.dryRun, ...run };
}

type Run = Pick<CleanupResult, 'deleted' | 'notAttempted' | 'stopped'>;

async function deleteAll(client: RegistryClient, plan: CleanupPlan, progress: (done: number, current: string | null) => void, signal?: AbortSignal): Promise<Run> {
  const deleted: CleanupDigestResult[] = [];
  const digests = plan.deleteDigests;
  for (let i = 0; i < digests.length; i++) {
    const d = digests[i];
    if (signal?.aborted) return stop(deleted, digests.slice(i), { code: 'CANCELLED', message: 'The cleanup was cancelled; the digests not yet deleted are still there.' });
    progress(i, d.digest);
    try {
      const r = await deleteManifest(client, plan.repository, d.digest, d.tags, signal);
      deleted.push({ digest: d.digest, tags: r.deletedTags, ok: true });
    } catch (err) {
      const error = toWireError(err);
      deleted.push({ digest: d.digest, tags: [...d.tags], ok: false, error });
      if (STOP_CODES.has(error.code)) return stop(deleted, digests.slice(i + 1), error);
    }
  }
  return { deleted, notAttempted: [], stopped: null };
}

function stop(deleted: CleanupDigestResult[], rest: CleanupDigest[], error: WireError): Run {
  return { deleted, notAttempted: rest.map((d) => ({ digest: d.digest, tags: [...d.tags] })), stopped: error };
}

/** One snapshot of tag → digest, then the same checks deleteManifest makes, without deleting. */
async function dryRun(client: RegistryClient, plan: CleanupPlan, progress: (done: number, current: string | null) => void, signal?: AbortSignal): Promise<Run> {
  const { repository } = plan;
  let tags: string[];
  try {
    tags = await listAllTags(client, repository, signal);
  } catch (err) {
    if (err instanceof BerthError && err.code === 'NAME_UNKNOWN') tags = [];
    else throw err;
  }
  const heads = await mapLimit(tags, TAG_CONCURRENCY, (tag) => headManifest(client, repository, tag, signal));
  const current = new Map<string, string[]>();
  tags.forEach((tag, i) => {
    const digest = heads[i]?.digest;
    if (digest) current.set(digest, [...(current.get(digest) ?? []), tag]);
  });
  const deleted: CleanupDigestResult[] = [];
  for (let i = 0; i < plan.deleteDigests.length; i++) {
    const d = plan.deleteDigests[i];
    progress(i, d.digest);
    const now = current.get(d.digest) ?? [];
    const planned = new Set(d.tags);
    const unexpected = now.filter((t) => !planned.has(t));
    if (unexpected.length) {
      const list = unexpected.map((t) => `"${t}"`).join(', ');
      deleted.push({
        digest: d.digest,
        tags: now,
        ok: false,
        error: {
          code: 'TAGS_CHANGED',
          message: `Since the cleanup was planned, ${list} ${unexpected.length === 1 ? 'has' : 'have'} come to point at ${d.digest}; applying would refuse this digest. Plan the cleanup again.`,
          detail: { unexpected, current: now },
        },
      });
    } else if (now.length === 0 && !(await headManifest(client, repository, d.digest, signal))) {
      deleted.push({
        digest: d.digest,
        tags: [],
        ok: false,
        error: { code: 'MANIFEST_UNKNOWN', message: `${repository}@${d.digest} is no longer on ${client.config.host}; it was probably deleted already. Plan the cleanup again.` },
      });
    } else {
      deleted.push({ digest: d.digest, tags: now, ok: true });
    }
  }
  return { deleted, notAttempted: [], stopped: null };
}
