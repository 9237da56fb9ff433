/**
 * A counting semaphore for requests to one registry, with two lanes: what the user is looking at
 * (foreground) always goes first; background work (indexing) takes a slot only when no foreground
 * request waits, and never holds more than `backgroundMax` slots, so a foreground request arriving
 * during a long background batch finds a free slot at once. Waiters whose AbortSignal fires before
 * they get a slot leave the queue without ever being sent.
 */
import { BerthError } from '../../shared/errors';

/** Which lane a request waits in. */
export type Priority = 'foreground' | 'background';

interface Waiter {
  start: () => void;
  onAbort: () => void;
}

/** Bounds concurrent work; `acquire` resolves to a release function (idempotent). */
export class Limiter {
  /** Most slots background work may hold at once (default `max - 2`, at least 1). */
  readonly backgroundMax: number;
  private active = 0;
  private activeBackground = 0;
  private readonly queues: Record<Priority, Waiter[]> = { foreground: [], background: [] };

  constructor(
    readonly max: number,
    backgroundMax?: number,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new BerthError('INVALID_ARGUMENT', `maxConcurrency must be a positive integer, got ${max}.`);
    this.backgroundMax = Math.min(max, Math.max(1, backgroundMax ?? max - 2));
  }

  /** Number of holders right now (for tests and diagnostics). */
  get running(): number {
    return this.active;
  }

  /** Holders from the background lane. */
  get runningBackground(): number {
    return this.activeBackground;
  }

  /** Number of waiters (both lanes). */
  get waiting(): number {
    return this.queues.foreground.length + this.queues.background.length;
  }

  /** Waiters of one lane. */
  waitingIn(priority: Priority): number {
    return this.queues[priority].length;
  }

  /** Waits for a slot in `priority`'s lane; rejects with CANCELLED (without taking a slot) if `signal` aborts first. */
  acquire(signal?: AbortSignal, priority: Priority = 'foreground'): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.canStart(priority)) return Promise.resolve(this.take(priority));
    return new Promise((resolve, reject) => {
      const queue = this.queues[priority];
      const entry: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          resolve(this.take(priority));
        },
        onAbort: () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          reject(cancelled());
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      queue.push(entry);
    });
  }

  private canStart(priority: Priority): boolean {
    if (this.active >= this.max) return false;
    if (priority === 'foreground') return this.queues.foreground.length === 0;
    return this.queues.foreground.length === 0 && this.queues.background.length === 0 && this.activeBackground < this.backgroundMax;
  }

  private take(priority: Priority): () => void {
    this.active++;
    if (priority === 'background') this.activeBackground++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      if (priority === 'background') this.activeBackground--;
      this.dispatch();
    };
  }

  /** Hands free slots to waiters: every foreground waiter first, then background within its cap. */
  private dispatch(): void {
    while (this.active < this.max) {
      const fg = this.queues.foreground.shift();
      if (fg) {
        fg.start();
        continue;
      }
      if (this.activeBackground >= this.backgroundMax) return;
      const bg = this.queues.background.shift();
      if (!bg) return;
      bg.start();
    }
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
