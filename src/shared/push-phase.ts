/** A push's phase as both sides tell it: where it starts, and the phase its outcome ends it in. */
import type { PushId, PushOutcome, PushProgress } from './types';

/** The phases a push ends in. */
export type FinalPhase = Extract<PushProgress['phase'], 'done' | 'failed' | 'cancelled'>;

/** The progress of a push that has not reported yet. */
export function initialProgress(pushId: PushId): PushProgress {
  return { pushId, phase: 'reading', layers: [], bytesDone: 0, bytesTotal: 0, rate: 0, eta: null };
}

/** The phase an outcome ends a push in: done, cancelled (a CANCELLED error) or failed. */
export function outcomePhase(outcome: Pick<PushOutcome, 'ok' | 'error'>): FinalPhase {
  if (outcome.ok) return 'done';
  return outcome.error?.code === 'CANCELLED' ? 'cancelled' : 'failed';
}
