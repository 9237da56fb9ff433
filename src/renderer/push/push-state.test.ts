import { describe, expect, it } from 'vitest';
import type { PushSummary } from '../../shared/types';
import type { PushOutcome, PushProgress } from '../../shared/types';
import { initialProgress } from '../../shared/push-phase';
import { addPush, applyOutcome, applyProgress, formatDuration, isFinished, isWaiting, percent, reconcile, shownPhase, withoutSuperseded } from './push-state';

const summary = (pushId: string): PushSummary => ({
  pushId,
  request: { handle: 'h', registryId: 'r' },
  fileName: 'a.tar',
  progress: initialProgress(pushId),
  outcome: null,
});

describe('push list folding', () => {
  it('applies progress to the right push and ignores unknown ones', () => {
    const list = [summary('a'), summary('b')];
    const next = applyProgress(list, { ...initialProgress('b'), phase: 'blobs', bytesDone: 5, bytesTotal: 10 });
    expect(next?.[1].progress).toMatchObject({ phase: 'blobs', bytesDone: 5 });
    expect(next?.[0]).toBe(list[0]);
    expect(applyProgress(list, initialProgress('zzz'))).toBeNull();
  });

  it('settles the phase from the outcome and never rewinds a finished push', () => {
    const list = [summary('a')];
    const cancelled = applyOutcome(list, { pushId: 'a', ok: false, pushed: [], error: { code: 'CANCELLED', message: 'x' }, bytesUploaded: 0, seconds: 1 })!;
    expect(shownPhase(cancelled[0])).toBe('cancelled');
    expect(cancelled[0].progress.phase).toBe('cancelled');
    const late = applyProgress(cancelled, { ...initialProgress('a'), phase: 'blobs' });
    expect(late?.[0].progress.phase).toBe('cancelled');
    const failed = applyOutcome(list, { pushId: 'a', ok: false, pushed: [], error: { code: 'DENIED', message: 'x' }, bytesUploaded: 0, seconds: 1 })!;
    expect(shownPhase(failed[0])).toBe('failed');
    const done = applyOutcome(list, { pushId: 'a', ok: true, pushed: [], bytesUploaded: 0, seconds: 1 })!;
    expect(shownPhase(done[0])).toBe('done');
  });

  it('adds new pushes first, once', () => {
    const list = addPush([summary('a')], summary('b'));
    expect(list.map((s) => s.pushId)).toEqual(['b', 'a']);
    expect(addPush(list, summary('a'))).toBe(list);
  });

  it('calls a push waiting while nothing moved', () => {
    expect(isWaiting(summary('a'))).toBe(true);
    const moving = { ...summary('a'), progress: { ...initialProgress('a'), phase: 'blobs' as const, layers: [{ digest: 'd', state: 'uploading' as const, bytesDone: 1, bytesTotal: 2 }] } };
    expect(isWaiting(moving)).toBe(false);
  });
});

const at = (pushId: string, seq: number, bytesDone: number): PushProgress => ({ ...initialProgress(pushId), phase: 'blobs', seq, bytesDone, bytesTotal: 100 });
const done = (pushId: string): PushOutcome => ({ pushId, ok: true, pushed: [{ repository: 'r', tag: '1', digest: 'sha256:x' }], bytesUploaded: 100, seconds: 1 });

describe('one source of truth: the cache fed by events, reconciled with listPushes', () => {
  it('a late or replayed snapshot never rewinds a newer one', () => {
    const list = [{ ...summary('a'), progress: at('a', 5, 50) }];
    expect(applyProgress(list, at('a', 4, 40))).toBe(list);
    expect(applyProgress(list, at('a', 6, 60))?.[0].progress.bytesDone).toBe(60);
  });

  it('a push:done that never arrived is settled by the list (the row does not stay running)', () => {
    const cached = [{ ...summary('a'), progress: at('a', 9, 90) }];
    const server = [{ ...summary('a'), progress: { ...at('a', 12, 100), phase: 'done' as const }, outcome: done('a') }];
    const next = reconcile(server, cached, cached);
    expect(isFinished(next[0])).toBe(true);
    expect(shownPhase(next[0])).toBe('done');
    expect(next[0].outcome).toEqual(done('a'));
  });

  it('events that arrived while the list was on its way win over the older list', () => {
    const before = [{ ...summary('a'), progress: at('a', 3, 30) }];
    const now = [{ ...summary('a'), progress: at('a', 8, 80), outcome: done('a') }];
    const server = [{ ...summary('a'), progress: at('a', 5, 50) }];
    const next = reconcile(server, before, now);
    expect(next[0].outcome).toEqual(done('a'));
    expect(shownPhase(next[0])).toBe('done');
    const progressOnly = reconcile(server, before, [{ ...summary('a'), progress: at('a', 8, 80) }]);
    expect(progressOnly[0].progress.bytesDone).toBe(80);
  });

  it('a running push the engine no longer knows (server restarted) ends as failed, saying so', () => {
    const before = [{ ...summary('a'), progress: at('a', 3, 30) }, { ...summary('old'), outcome: done('old') }];
    const next = reconcile([], before, before);
    const a = next.find((s) => s.pushId === 'a')!;
    expect(shownPhase(a)).toBe('failed');
    expect(a.outcome?.error?.message).toMatch(/lost track of this push/);
    // A finished push the engine pruned keeps its result.
    expect(shownPhase(next.find((s) => s.pushId === 'old')!)).toBe('done');
  });

  it('a push started while the list was on its way is kept, first', () => {
    const now = [summary('new'), { ...summary('a'), progress: at('a', 1, 10) }];
    const next = reconcile([{ ...summary('a'), progress: at('a', 2, 20) }], [{ ...summary('a'), progress: at('a', 1, 10) }], now);
    expect(next.map((s) => s.pushId)).toEqual(['new', 'a']);
    expect(isFinished(next[0])).toBe(false);
  });
});

describe('a retried push replaces its failed row', () => {
  const failed = (pushId: string, handle: string): PushSummary => ({
    ...summary(pushId),
    request: { handle, registryId: 'r' },
    outcome: { pushId, ok: false, pushed: [], error: { code: 'CANCELLED', message: 'x' }, bytesUploaded: 0, seconds: 1 },
  });
  it('drops a failed or cancelled push when a newer push of the same file exists', () => {
    const retried = { ...summary('b'), request: { handle: 'h1', registryId: 'other' } };
    const list = [retried, failed('a', 'h1'), failed('c', 'h2')];
    expect(withoutSuperseded(list).map((s) => s.pushId)).toEqual(['b', 'c']);
  });
  it('keeps a finished push that succeeded, and leaves an unchanged list as it is', () => {
    const list = [summary('b'), { ...failed('a', 'h'), outcome: done('a') }];
    expect(withoutSuperseded(list)).toBe(list);
  });
});

describe('formatting', () => {
  it('durations and percents', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(0.2)).toBe('< 1 s');
    expect(formatDuration(65)).toBe('1 min 5 s');
    expect(formatDuration(7380)).toBe('2 h 3 min');
    expect(percent(45, 100)).toBe(45);
    expect(percent(5, 0)).toBe(0);
    expect(percent(200, 100)).toBe(100);
  });
});
