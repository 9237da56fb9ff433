/**
 * Runs pushes for the app's service (Electron and web shells): one worker thread per push, so
 * compression and hashing never block the main event loop; progress and outcomes as events.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { BerthError, toWireError } from '../../shared/errors';
import { initialProgress } from '../../shared/push-phase';
import type { PushId, PushOutcome, PushProgress, PushSummary } from '../../shared/types';
import { makeSpoolDir } from '../archive/temp-root';
import type { PushJob, PushJobInput } from './run';
import { failedOutcome } from './outcome';
import type { GzipEngine } from './parallel-gzip';
import type { FromWorker, PushWorkerData } from './worker-protocol';
import { defaultWorkerUrl } from './worker-url';

export type { PushJobInput } from './run';

/** Finished pushes kept for `list()`. */
const KEEP_FINISHED = 50;
/** How long a cancelled worker may take to DELETE its uploads before it is terminated. */
const CANCEL_GRACE_MS = 15_000;

interface Running {
  summary: PushSummary;
  worker?: Worker;
  controller?: AbortController;
  /** Cancel was asked for before the worker started. */
  cancelled?: boolean;
  done: Promise<void>;
}

/** Starts, tracks and cancels pushes. */
export class PushManager {
  private readonly pushes = new Map<PushId, Running>();
  private readonly events = new EventEmitter();
  private readonly cacheDir: string;
  private readonly workerUrl: URL | null;
  private readonly inProcess: boolean;
  private readonly gzip: GzipEngine | undefined;

  /** `cacheDir` and `gzip` come from the service's settings (BERTH_CACHE_DIR, BERTH_GZIP). */
  constructor(opts: { cacheDir: string; gzip?: GzipEngine; workerUrl?: URL; inProcess?: boolean }) {
    this.cacheDir = opts.cacheDir;
    this.gzip = opts.gzip;
    this.inProcess = opts.inProcess === true;
    this.workerUrl = this.inProcess ? null : (opts.workerUrl ?? defaultWorkerUrl());
  }

  /** Starts a push and returns its id at once; follow it with `on('progress' | 'done')`. */
  start(input: PushJobInput): PushId {
    const pushId = randomUUID();
    const summary: PushSummary = { pushId, request: input.request, fileName: input.fileName, progress: initialProgress(pushId), outcome: null };
    const job: PushJob = { ...input, pushId, cacheDir: this.cacheDir, ...(this.gzip ? { gzip: this.gzip } : {}) };
    const entry: Running = { summary, done: Promise.resolve() };
    this.pushes.set(pushId, entry);
    entry.done = this.inProcess ? this.runInProcess(entry, job) : this.runInWorker(entry, { job });
    this.prune();
    return pushId;
  }

  /** Cancels a running push (its uploads are DELETEd, no tag is written); resolves when it has stopped. */
  async cancel(pushId: PushId): Promise<void> {
    const entry = this.pushes.get(pushId);
    if (!entry) throw new BerthError('INVALID_ARGUMENT', `There is no push ${pushId}; it may have finished long ago. Refresh the push list.`);
    if (entry.summary.outcome) return;
    entry.cancelled = true;
    entry.controller?.abort();
    const timer = entry.worker ? stopWorker(entry.worker) : null;
    await entry.done;
    if (timer) clearTimeout(timer);
  }

  /** Every push of this session, newest first. */
  list(): PushSummary[] {
    return [...this.pushes.values()].map((e) => structuredClone(e.summary)).reverse();
  }

  /** Subscribes to progress (at most ~10/s per push) or outcomes; returns the unsubscribe function. */
  on(event: 'progress', l: (p: PushProgress) => void): () => void;
  on(event: 'done', l: (o: PushOutcome) => void): () => void;
  on(event: 'progress' | 'done', l: (v: PushProgress & PushOutcome) => void): () => void {
    this.events.on(event, l);
    return () => this.events.off(event, l);
  }

  /** Cancels every running push and waits for them. */
  async close(): Promise<void> {
    const running = [...this.pushes.values()].filter((e) => !e.summary.outcome);
    await Promise.all(running.map((e) => this.cancel(e.summary.pushId).catch(() => undefined)));
  }

  private progress(entry: Running, p: PushProgress): void {
    if (entry.summary.outcome) return;
    entry.summary.progress = p;
    this.events.emit('progress', p);
  }

  private finish(entry: Running, outcome: PushOutcome): void {
    if (entry.summary.outcome) return;
    entry.summary.outcome = outcome;
    this.events.emit('done', outcome);
  }

  private async runInProcess(entry: Running, job: PushWorkerData['job']): Promise<void> {
    entry.controller = new AbortController();
    const { runPush } = await import('./run');
    const outcome = await runPush(job, { signal: entry.controller.signal, onProgress: (p) => this.progress(entry, p) });
    this.finish(entry, outcome);
  }

  private async runInWorker(entry: Running, data: PushWorkerData): Promise<void> {
    // The worker's own temp folder: whatever it spools is removed when it ends, even if it died.
    const spoolDir = await makeSpoolDir('worker').catch(() => undefined);
    try {
      await this.workerRun(entry, { ...data, spoolDir });
    } finally {
      if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    }
  }

  private workerRun(entry: Running, data: PushWorkerData): Promise<void> {
    const pushId = entry.summary.pushId;
    return new Promise<void>((resolve) => {
      const fail = (why: string): void => {
        this.finish(entry, failedOutcome(pushId, new BerthError('INTERNAL', `The push worker stopped unexpectedly (${why}). Try the push again; if it repeats, report it as a bug.`)));
      };
      let worker: Worker;
      try {
        worker = new Worker(this.workerUrl!, { workerData: data });
      } catch (err) {
        fail(toWireError(err).message);
        resolve();
        return;
      }
      entry.worker = worker;
      if (entry.cancelled) stopWorker(worker);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress') this.progress(entry, m.progress);
        else if (m.type === 'done') {
          this.finish(entry, m.outcome);
          resolve();
          // The worker ends by itself once its sockets close; make sure a stuck one does not linger.
          setTimeout(() => void worker.terminate(), 5000).unref();
        }
      });
      worker.on('error', (err: Error & { code?: string }) => fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : err.message));
      worker.on('exit', (code) => {
        if (!entry.summary.outcome) fail(`exit code ${code}`);
        entry.worker = undefined;
        resolve();
      });
    });
  }

  private prune(): void {
    const finished = [...this.pushes.values()].filter((e) => e.summary.outcome);
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.pushes.delete(e.summary.pushId);
  }
}

/** Asks a worker to cancel (it DELETEs its uploads), and terminates it if it has not stopped in time. */
function stopWorker(worker: Worker): ReturnType<typeof setTimeout> {
  worker.postMessage({ type: 'cancel' });
  return setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS).unref();
}
