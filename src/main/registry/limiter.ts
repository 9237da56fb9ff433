/**
 * A counting semaphore for requests to one registry. Waiters whose AbortSignal fires before
 * they get a slot leave the queue without ever being sent.
 */
import { BerthError } from '../../shared/errors';

/** Bounds concurrent work; `acquire` resolves to a release function (idempotent). */
export class Limiter {
  private active = 0;
  private readonly queue: { start: () => void; signal?: AbortSignal; onAbort: () => void }[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new BerthError('INVALID_ARGUMENT', `maxConcurrency must be a positive integer, got ${max}.`);
  }

  /** Number of holders right now (for tests and diagnostics). */
  get running(): number {
    return this.active;
  }

  /** Number of waiters. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Waits for a slot; rejects with CANCELLED (without taking a slot) if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        signal,
        start: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          this.active++;
          resolve(this.releaser());
        },
        onAbort: () => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          reject(cancelled());
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      const next = this.queue.shift();
      if (next) next.start();
    };
  }
}

function cancelled(): BerthError {
  return new BerthError('CANCELLED', 'The request was cancelled before it was sent.');
}

/** Maps `items` through `fn` with at most `limit` in flight, keeping order; the first failure rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
