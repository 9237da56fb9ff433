import { describe, expect, it } from 'vitest';
import type { PushSummary } from '../../shared/types';
import { addPush, applyOutcome, applyProgress, formatDuration, initialProgress, isWaiting, percent, shownPhase } from './push-state';

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
