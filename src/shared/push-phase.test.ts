import { describe, expect, it } from 'vitest';
import { initialProgress, outcomePhase } from './push-phase';

describe('push phases', () => {
  it('a push starts reading, with nothing counted yet', () => {
    expect(initialProgress('p1')).toEqual({ pushId: 'p1', phase: 'reading', layers: [], bytesDone: 0, bytesTotal: 0, rate: 0, eta: null });
  });

  it('an outcome ends it done, cancelled (CANCELLED) or failed', () => {
    expect(outcomePhase({ ok: true })).toBe('done');
    expect(outcomePhase({ ok: false, error: { code: 'CANCELLED', message: 'x' } })).toBe('cancelled');
    expect(outcomePhase({ ok: false, error: { code: 'NETWORK', message: 'x' } })).toBe('failed');
    expect(outcomePhase({ ok: false })).toBe('failed');
  });
});
