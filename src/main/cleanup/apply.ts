/**
 * Applies a cleanup plan. One snapshot of tag → digest is read right before the deletes (and
 * read again only when it is older than SNAPSHOT_MAX_AGE_MS), and every digest is checked
 * against it: if a tag the plan did not name now points at a digest, that digest is refused with
 * TAGS_CHANGED and the others go on. A dry run makes the same checks and deletes nothing.
 */
import type { CleanupDigest, CleanupDigestResult, CleanupPlan, CleanupProgress, CleanupResult } from '../../shared/cleanup-types';
import { BerthError, toWireError, type ErrorCode, type WireError } from '../../shared/errors';
import { isValidDigest, isValidRepository } from '../../shared/reference';
import { deleteDigest, headManifest, type RegistryClient } from '../registry';
import { SNAPSHOT_MAX_AGE_MS, takeSnapshot, unexpectedTags, type TagSnapshot } from './snapshot';

/** Options of applyCleanup. */
export interface ApplyOptions {
  /** Delete nothing; report what would be deleted as the registry stands now. */
  dryRun: boolean;
  /** Called before each digest (`current`) and once at the end (`current: null`). */
  onProgress?: (p: CleanupProgress) => void;
  signal?: AbortSignal;
  /** How old the tag snapshot may get before it is read again (default SNAPSHOT_MAX_AGE_MS). */
  snapshotMaxAgeMs?: number;
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
    isValidRepository(p.repository) &&
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
  const run = await runDigests(client, plan, opts, progress);
  progress(run.deleted.length, null);
  return { repository, dryRun: opts.dryRun, ...run };
}

type Run = Pick<CleanupResult, 'deleted' | 'notAttempted' | 'stopped'>;

function stop(deleted: CleanupDigestResult[], rest: CleanupDigest[], error: WireError): Run {
  return { deleted, notAttempted: rest.map((d) => ({ digest: d.digest, tags: [...d.tags] })), stopped: error };
}

function tagsChanged(d: CleanupDigest, now: string[], unexpected: string[], dryRun: boolean): WireError {
  const list = unexpected.map((t) => `"${t}"`).join(', ');
  const verb = unexpected.length === 1 ? 'has' : 'have';
  const outcome = dryRun ? 'applying would refuse this digest' : 'this digest was not deleted';
  return {
    code: 'TAGS_CHANGED',
    message: `Since the cleanup was planned, ${list} ${verb} come to point at ${d.digest}; ${outcome}. Plan the cleanup again.`,
    detail: { unexpected, current: now },
  };
}

function gone(client: RegistryClient, repository: string, digest: string): WireError {
  return {
    code: 'MANIFEST_UNKNOWN',
    message: `${repository}@${digest} is no longer on ${client.config.host}; it was probably deleted already. Plan the cleanup again.`,
  };
}

async function runDigests(client: RegistryClient, plan: CleanupPlan, opts: ApplyOptions, progress: (done: number, current: string | null) => void): Promise<Run> {
  const { repository } = plan;
  const { signal, dryRun } = opts;
  const maxAge = opts.snapshotMaxAgeMs ?? SNAPSHOT_MAX_AGE_MS;
  const digests = plan.deleteDigests;
  const deleted: CleanupDigestResult[] = [];
  const cancelled: WireError = { code: 'CANCELLED', message: 'The cleanup was cancelled; the digests not yet deleted are still there.' };
  if (signal?.aborted) return stop(deleted, digests, cancelled);
  let snap: TagSnapshot | null = null;
  for (let i = 0; i < digests.length; i++) {
    const d = digests[i];
    if (signal?.aborted) return stop(deleted, digests.slice(i), cancelled);
    progress(i, d.digest);
    try {
      if (!snap || Date.now() - snap.takenAt > maxAge) snap = await takeSnapshot(client, repository, signal);
      const { now, unexpected } = unexpectedTags(snap, d.digest, d.tags);
      if (unexpected.length) {
        deleted.push({ digest: d.digest, tags: dryRun ? now : [...d.tags], ok: false, error: tagsChanged(d, now, unexpected, dryRun) });
        continue;
      }
      if (dryRun) {
        // Untagged but planned: only a HEAD by digest tells "still there" from "already gone".
        if (now.length === 0 && !(await headManifest(client, repository, d.digest, signal))) {
          deleted.push({ digest: d.digest, tags: [], ok: false, error: gone(client, repository, d.digest) });
        } else deleted.push({ digest: d.digest, tags: now, ok: true });
        continue;
      }
      await deleteDigest(client, repository, d.digest, signal);
      snap.byDigest.delete(d.digest);
      deleted.push({ digest: d.digest, tags: now, ok: true });
    } catch (err) {
      let error = toWireError(err);
      if (error.code === 'MANIFEST_UNKNOWN') error = gone(client, repository, d.digest);
      deleted.push({ digest: d.digest, tags: [...d.tags], ok: false, error });
      if (STOP_CODES.has(error.code)) return stop(deleted, digests.slice(i + 1), error);
    }
  }
  return { deleted, notAttempted: [], stopped: null };
}
