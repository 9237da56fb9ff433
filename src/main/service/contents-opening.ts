/**
 * One open of an image's files shared by every caller that asks for the same source meanwhile:
 * its per-layer progress summed into `contents:progress` events (a few per second), cancelled
 * by `cancelImageFiles` or when every caller has gone (a closed tab, an aborted CLI).
 */
import type { ContentsProgress } from '../../shared/contents-types';
import { BerthError } from '../../shared/errors';
import type { ImageFiles, OpenProgress } from '../contents/engine';

const EMIT_EVERY_MS = 200;

/** An open in flight. */
export class Opening {
  readonly controller = new AbortController();
  readonly promise: Promise<ImageFiles>;
  private waiters = 0;
  private readonly perLayer = new Map<number, { bytes: number; total: number | null; files: number; done: boolean }>();
  private lastEmit = 0;
  private layers = 0;

  constructor(
    readonly key: string,
    private label: string,
    private readonly emit: (p: ContentsProgress) => void,
    run: (signal: AbortSignal, onProgress: (p: OpenProgress) => void, setLabel: (label: string) => void) => Promise<ImageFiles>,
  ) {
    this.promise = run(this.controller.signal, (p) => this.progress(p), (l) => (this.label = l)).then(
      (img) => {
        this.send('done', true);
        return img;
      },
      (err: unknown) => {
        const cancelled = this.controller.signal.aborted;
        this.send(cancelled ? 'cancelled' : 'failed', true);
        throw cancelled ? new BerthError('CANCELLED', `Opening the files of ${this.label} was cancelled.`) : err;
      },
    );
    // Callers that left before the end must not see an unhandled rejection.
    this.promise.catch(() => undefined);
  }

  /** Waits for the open; when `signal` fires the caller leaves, and the last one to leave stops it. */
  join(signal?: AbortSignal): Promise<ImageFiles> {
    this.waiters++;
    return new Promise<ImageFiles>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        this.waiters--;
      };
      const onAbort = (): void => {
        leave();
        if (this.waiters === 0) this.controller.abort();
        reject(new BerthError('CANCELLED', `Opening the files of ${this.label} was cancelled.`));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.promise.then(
        (v) => (left ? undefined : (leave(), resolve(v))),
        (e) => (left ? undefined : (leave(), reject(e))),
      );
    });
  }

  private progress(p: OpenProgress): void {
    this.layers = p.layers;
    if (p.phase === 'index') this.perLayer.set(p.layer, { bytes: p.cached ? 0 : p.storedBytes, total: p.cached ? 0 : p.totalBytes, files: p.files, done: p.done });
    const now = Date.now();
    if (p.phase === 'merge' || now - this.lastEmit >= EMIT_EVERY_MS) this.send(p.phase === 'merge' ? 'merge' : 'index', false);
  }

  private send(phase: ContentsProgress['phase'], final: boolean): void {
    // An image whose every layer was cached says nothing while it opens: only its end, if anything was said.
    if (final && this.lastEmit === 0) return;
    this.lastEmit = Date.now();
    let bytes = 0;
    let files = 0;
    let done = 0;
    let total: number | null = 0;
    for (const l of this.perLayer.values()) {
      bytes += l.bytes;
      files += l.files;
      if (l.done) done++;
      total = total === null || l.total === null ? null : total + l.total;
    }
    this.emit({ key: this.key, label: this.label, phase, layers: this.layers, layersDone: done, bytes, totalBytes: total, files });
  }
}
