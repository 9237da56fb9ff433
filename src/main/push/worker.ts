/**
 * Entry of the push worker (`out/main/push-worker.js`): runs one push off the main thread so the
 * app's event loop stays free, posting progress and the outcome, and cancelling on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../../shared/errors';
import { runPush } from './run';
import type { FromWorker, PushWorkerData, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('push-worker.js must run in a worker thread (PushManager starts it).');
const { job } = workerData as PushWorkerData;
const controller = new AbortController();
const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m?.type === 'cancel') controller.abort();
});

runPush(job, { signal: controller.signal, onProgress: (progress) => post({ type: 'progress', progress }) })
  .catch((err: unknown) => ({ pushId: job.pushId, ok: false, pushed: [], error: toWireError(err), bytesUploaded: 0, seconds: 0 }))
  .then((outcome) => {
    post({ type: 'done', outcome });
    // Let the message flush, then end the thread (keep-alive sockets would otherwise hold it open).
    port.close();
  });
