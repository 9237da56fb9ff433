/**
 * Entry of the engine worker (`out/main/push-worker.js`): runs one push, or opens one archive to
 * list its images, off the main thread, so neither a long push nor a hostile archive can stall
 * or crash the app's event loop. Posts progress and the outcome, and cancels on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../../shared/errors';
import { setSpoolParent } from '../archive/temp-root';
import { failedOutcome } from './outcome';
import type { FromWorker, InspectWorkerData, PushWorkerData, ToWorker, WorkerData } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('push-worker.js must run in a worker thread (PushManager or ArchiveInspector starts it).');
const data = workerData as WorkerData;
const controller = new AbortController();
const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m?.type === 'cancel') controller.abort();
});
setSpoolParent(data.spoolDir ?? null);

async function inspect({ path, name, handle }: InspectWorkerData): Promise<void> {
  const { openArchive, toArchiveInfo } = await import('../archive/index');
  try {
    const opened = await openArchive(path, { displayName: name, signal: controller.signal });
    try {
      post({ type: 'inspected', info: toArchiveInfo(opened, handle, name) });
    } finally {
      await opened.close();
    }
  } catch (err) {
    post({ type: 'failed', error: toWireError(err) });
  }
}

async function push({ job }: PushWorkerData): Promise<void> {
  const { runPush } = await import('./run');
  const outcome = await runPush(job, { signal: controller.signal, onProgress: (progress) => post({ type: 'progress', progress }) }).catch((err: unknown) => failedOutcome(job.pushId, err));
  post({ type: 'done', outcome });
}

void (data.task === 'inspect' ? inspect(data) : push(data)).finally(() => {
  // Let the message flush, then end the thread (keep-alive sockets would otherwise hold it open).
  port.close();
});
