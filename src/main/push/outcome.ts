/** How a push ends when it does not finish: the one failed outcome every exit (run, worker, manager) reports. */
import { toWireError } from '../../shared/errors';
import type { PushOutcome } from '../../shared/types';

/** The outcome of a push that failed or was cancelled (a CANCELLED error): nothing was tagged. */
export function failedOutcome(pushId: string, error: unknown, sofar: { bytesUploaded?: number; seconds?: number } = {}): PushOutcome {
  return { pushId, ok: false, pushed: [], error: toWireError(error), bytesUploaded: sofar.bytesUploaded ?? 0, seconds: sofar.seconds ?? 0 };
}
