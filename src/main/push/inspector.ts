/**
 * Opens archives for the app off the main thread: each inspection runs in its own engine worker
 * with a bounded heap and its own temp folder, so a hostile or broken archive costs that worker,
 * never the app. A worker that runs out of memory or dies becomes an error about that file.
 */
import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { BerthError, type WireError } from '../../shared/errors';
import type { ArchiveInfo } from '../../shared/types';
import { makeSpoolDir } from '../archive/temp-root';
import type { FromWorker, InspectWorkerData } from './worker-protocol';
import { defaultWorkerUrl } from './worker-url';

/** Heap an inspection may use; the reader needs far less for any archive it accepts. */
export const INSPECT_HEAP_MB = 512;
/** How long a cancelled inspection may take to stop before its worker is terminated. */
const CANCEL_GRACE_MS = 5_000;

/** Options of ArchiveInspector. */
export interface InspectorOptions {
  /** The bundled worker (default: next to the main bundle). */
  workerUrl?: URL;
  /** Open archives on the calling thread (tests, the CLI). */
  inProcess?: boolean;
  /** Old-generation heap limit of each inspection worker, in MB. */
  maxHeapMb?: number;
}

/** What to inspect: the file, the name the user knows it by, and its handle. */
export interface InspectRequest {
  path: string;
  name: string;
  handle: string;
}

function fromWire(e: WireError): BerthError {
  return new BerthError(e.code, e.message, e.detail);
}

/** Lists the images of archives, one worker per archive. */
export class ArchiveInspector {
  private readonly heapMb: number;
  constructor(private readonly opts: InspectorOptions = {}) {
    this.heapMb = opts.maxHeapMb ?? INSPECT_HEAP_MB;
  }

  /** Opens the archive, lists its images and closes it again (its spool is removed). */
  async inspect(req: InspectRequest, signal?: AbortSignal): Promise<ArchiveInfo> {
    if (this.opts.inProcess) {
      const { openArchive, toArchiveInfo } = await import('../archive/index');
      const opened = await openArchive(req.path, { displayName: req.name, signal });
      try {
        return toArchiveInfo(opened, req.handle, req.name);
      } finally {
        await opened.close();
      }
    }
    const spoolDir = await makeSpoolDir('worker');
    try {
      return await this.inWorker({ task: 'inspect', ...req, spoolDir }, signal);
    } finally {
      // Whatever the worker left (it may have died mid-spool) goes with its folder.
      await rm(spoolDir, { recursive: true, force: true });
    }
  }

  private inWorker(data: InspectWorkerData, signal?: AbortSignal): Promise<ArchiveInfo> {
    return new Promise((resolve, reject) => {
      let outcome: { info: ArchiveInfo } | { error: Error } | null = null;
      let worker: Worker;
      try {
        worker = new Worker(this.opts.workerUrl ?? defaultWorkerUrl(), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
      } catch (err) {
        reject(this.crashed(data.name, (err as Error).message));
        return;
      }
      const onAbort = () => {
        worker.postMessage({ type: 'cancel' });
        setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS).unref();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'inspected') outcome ??= { info: m.info };
        else if (m.type === 'failed') outcome ??= { error: fromWire(m.error) };
      });
      worker.on('error', (err: Error & { code?: string }) => {
        outcome ??= { error: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? this.outOfMemory(data.name) : this.crashed(data.name, err.message) };
      });
      // Settle on exit only: the worker's temp folder is removed once nothing writes to it any more.
      worker.on('exit', (code) => {
        signal?.removeEventListener('abort', onAbort);
        const o = outcome ?? { error: this.crashed(data.name, `exit code ${code}`) };
        if ('info' in o) resolve(o.info);
        else reject(o.error);
      });
    });
  }

  private outOfMemory(name: string): BerthError {
    return new BerthError(
      'ARCHIVE_TOO_LARGE',
      `Reading ${name} needed more than the ${this.heapMb} MB of memory Berth gives one archive, so Berth stopped reading it (the app is fine). The archive is damaged or not an image archive; create it again with \`docker save IMAGE -o file.tar\`.`,
    );
  }

  private crashed(name: string, why: string): BerthError {
    return new BerthError('INTERNAL', `The archive reader stopped unexpectedly while reading ${name} (${why}); the app is fine. Try again; if it repeats, report it as a bug.`);
  }
}
