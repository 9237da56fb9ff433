/**
 * Messages between the main thread (PushManager, ArchiveInspector) and the engine worker. Plain
 * data: they cross `postMessage` by structured clone. One worker entry runs either task.
 */
import type { WireError } from '../../shared/errors';
import type { ArchiveInfo, PushOutcome, PushProgress } from '../../shared/types';
import type { PushJob } from './run';

/** `workerData` of a push. */
export interface PushWorkerData {
  task?: 'push';
  job: PushJob;
  /** The worker's own temp folder (made and removed by the main thread): a .tar.gz is spooled under it. */
  spoolDir?: string;
}

/** `workerData` of an archive inspection (open, list images, close). */
export interface InspectWorkerData {
  task: 'inspect';
  path: string;
  /** The name the user knows the file by, for messages. */
  name: string;
  handle: string;
  spoolDir?: string;
}

/** Any worker's `workerData`. */
export type WorkerData = PushWorkerData | InspectWorkerData;

/** Main → worker. */
export type ToWorker = { type: 'cancel' };

/** Worker → main. */
export type FromWorker =
  | { type: 'progress'; progress: PushProgress }
  | { type: 'done'; outcome: PushOutcome }
  | { type: 'inspected'; info: ArchiveInfo }
  | { type: 'failed'; error: WireError };
