/**
 * Messages between PushManager (main thread) and the push worker. Plain data: they cross
 * `postMessage` by structured clone.
 */
import type { PushOutcome, PushProgress } from '../../shared/types';
import type { PushJobInput } from './run';

/** `workerData` of a push worker. */
export interface PushWorkerData {
  job: PushJobInput & { pushId: string; cacheDir: string };
}

/** Main → worker. */
export type ToWorker = { type: 'cancel' };

/** Worker → main. */
export type FromWorker = { type: 'progress'; progress: PushProgress } | { type: 'done'; outcome: PushOutcome };
