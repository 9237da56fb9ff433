/**
 * Pure helpers over the push list: folding `push:progress` / `push:done` events into the cached
 * `PushSummary[]`, the phase to show, and the words for bytes, rate and time left.
 */
import { outcomePhase } from '../../shared/push-phase';
import type { PushOutcome, PushProgress, PushSummary } from '../../shared/types';

/** The phase of a push as shown (and as `data-phase`): the outcome wins over a stale progress. */
export type ShownPhase = PushProgress['phase'];

/** The phase to show: an outcome settles it even if the final progress event was missed. */
export function shownPhase(s: Pick<PushSummary, 'progress' | 'outcome'>): ShownPhase {
  return s.outcome ? outcomePhase(s.outcome) : s.progress.phase;
}

/** True once a push can no longer change (done, failed or cancelled). */
export function isFinished(s: Pick<PushSummary, 'progress' | 'outcome'>): boolean {
  const phase = shownPhase(s);
  return phase === 'done' || phase === 'failed' || phase === 'cancelled';
}

/** True while a push has started but nothing moved yet: the engine is still queuing or reading it. */
export function isWaiting(s: Pick<PushSummary, 'progress' | 'outcome'>): boolean {
  if (s.outcome) return false;
  return s.progress.phase === 'reading' || (s.progress.layers.length > 0 && s.progress.layers.every((l) => l.state === 'waiting'));
}

/** The list with one push's progress replaced; `null` when the push is not in the list. */
export function applyProgress(list: PushSummary[], p: PushProgress): PushSummary[] | null {
  const i = list.findIndex((s) => s.pushId === p.pushId);
  if (i < 0) return null;
  // A finished push keeps its final numbers, and a late or replayed snapshot never rewinds a newer one.
  if (list[i].outcome || !newer(p, list[i].progress)) return list;
  const next = [...list];
  next[i] = { ...list[i], progress: p };
  return next;
}

/** True when snapshot `a` is not older than `b` (snapshots without a sequence number always count as newer). */
function newer(a: PushProgress, b: PushProgress): boolean {
  return a.seq === undefined || b.seq === undefined || a.seq >= b.seq;
}

/** A summary with its outcome set and its phase settled by it. */
function settled(s: PushSummary, o: PushOutcome): PushSummary {
  return { ...s, outcome: o, progress: { ...s.progress, phase: shownPhase({ progress: s.progress, outcome: o }), eta: null, notice: null } };
}

/** The list with one push's outcome set (and its phase settled); `null` when the push is not in the list. */
export function applyOutcome(list: PushSummary[], o: PushOutcome): PushSummary[] | null {
  const i = list.findIndex((s) => s.pushId === o.pushId);
  if (i < 0) return null;
  const next = [...list];
  next[i] = settled(list[i], o);
  return next;
}

/** The outcome given to a push the engine no longer knows while it was running here (its server restarted). */
export function lostOutcome(s: PushSummary): PushOutcome {
  return {
    pushId: s.pushId,
    ok: false,
    pushed: [],
    error: {
      code: 'NETWORK',
      message: 'Berth lost track of this push before it finished (the Berth server restarted or dropped it); its result is unknown. Check the tags in the registry, or push again.',
    },
    bytesUploaded: 0,
    seconds: 0,
  };
}

/**
 * The engine's list merged with what the cache holds: the cache is the one source of truth,
 * fed by events and reconciled here with `listPushes`. An outcome beats none and the newer
 * snapshot wins (by `seq`), whichever side brought it. A push that was running in the cache
 * before the list was asked for (`before`) and that the engine no longer lists was lost: it ends
 * as failed instead of running forever. Pushes added while the list was on its way (`now` but not
 * `before`) and finished ones the engine pruned are kept.
 */
export function reconcile(server: PushSummary[], before: PushSummary[] | undefined, now: PushSummary[] | undefined): PushSummary[] {
  const cached = new Map((now ?? []).map((s) => [s.pushId, s]));
  const merged = server.map((s) => {
    const c = cached.get(s.pushId);
    if (!c) return s;
    const progress = newer(s.progress, c.progress) ? s.progress : c.progress;
    const outcome = s.outcome ?? c.outcome;
    return outcome ? settled({ ...s, progress }, outcome) : { ...s, progress };
  });
  const listed = new Set(server.map((s) => s.pushId));
  const wasRunning = new Set((before ?? []).filter((s) => !isFinished(s)).map((s) => s.pushId));
  const unlisted = (now ?? []).filter((s) => !listed.has(s.pushId));
  const added = unlisted.filter((s) => !(before ?? []).some((b) => b.pushId === s.pushId));
  const kept = unlisted.filter((s) => !added.includes(s)).map((s) => (!isFinished(s) && wasRunning.has(s.pushId) ? settled(s, lostOutcome(s)) : s));
  return [...added, ...merged, ...kept];
}

/**
 * The list without the failed or cancelled pushes a later push of the same file replaced (a
 * retry reuses the handle; a new drop always gets a new one): a retried push has one row, even
 * after a reload or in another window. `list` is newest first, as the engine lists it.
 */
export function withoutSuperseded(list: PushSummary[]): PushSummary[] {
  const newer = new Set<string>();
  const kept = list.filter((s) => {
    const replaced = newer.has(s.request.handle) && isFinished(s) && !s.outcome?.ok;
    newer.add(s.request.handle);
    return !replaced;
  });
  return kept.length === list.length ? list : kept;
}

/** Adds a push at the front (newest first) unless it is already listed. */
export function addPush(list: PushSummary[], s: PushSummary): PushSummary[] {
  return list.some((x) => x.pushId === s.pushId) ? list : [s, ...list];
}

/** `1 min 5 s`, `12 s`, `2 h 3 min`; `—` when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return '< 1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Whole percent of `done` over `total`, clamped to 0–100 (0 when the total is unknown). */
export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}
