/**
 * Berth's one concurrency helper, for main and renderer alike. `Limiter` is a counting semaphore
 * with two lanes: what the user is looking at (foreground) always goes first; background work
 * (indexing) takes a slot only when no foreground request waits, and never holds more than
 * `backgroundMax` slots, so a foreground request arriving during a long background batch finds a
 * free slot at once. Waiters whose signal fires before they get a slot leave the queue without
 * ever running — the renderer's tag rows that scrolled away, a cancelled push. `mapLimit` runs a
 * list through a bounded pool.
 */
import { BerthError } from './errors';

/** Which lane a task waits in. */
export type Priority = 'foreground' | 'background';

/** The part of an AbortSignal the limiter reads (shared code sees neither Node's nor the DOM's typings). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of Limiter. */
export interface LimiterOptions {
  /** Most slots background work may hold at once (default `max - 2`, at least 1). */
  backgroundMax?: number;
  /** The error a waiter gets when its signal fires first (default: CANCELLED). */
  cancelled?: () => Error;
}

interface Waiter {
  start: () => void;
  onAbort: () => void;
}

/** Bounds concurrent work; `acquire` resolves to a release function (idempotent), `run` wraps a task. */
export class Limiter {
  /** Most slots background work may hold at once. */
  readonly backgroundMax: number;
  private active = 0;
  private activeBackground = 0;
  private readonly queues: Record<Priority, Waiter[]> = { foreground: [], background: [] };
  private readonly cancelled: () => Error;

  constructor(
    readonly max: number,
    opts: LimiterOptions = {},
  ) {
    if (!Number.isInteger(max) || max < 1) throw new BerthError('INVALID_ARGUMENT', `maxConcurrency must be a positive integer, got ${max}.`);
    this.backgroundMax = Math.min(max, Math.max(1, opts.backgroundMax ?? max - 2));
    this.cancelled = opts.cancelled ?? (() => new BerthError('CANCELLED', 'The request was cancelled before it was sent.'));
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

  /** Waits for a slot in `priority`'s lane; rejects (without taking a slot) if `signal` aborts first. */
  acquire(signal?: AbortSignalLike, priority: Priority = 'foreground'): Promise<() => void> {
    return new Promise((resolve, reject) => this.enter(signal, priority, (release) => resolve(release), reject));
  }

  /**
   * Runs `task` once a slot is free — at once, synchronously, when one is — and frees the slot when
   * it settles. A started task runs to its end whatever its signal does later.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignalLike, priority: Priority = 'foreground'): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.enter(signal, priority, (release) => {
        let p: Promise<T>;
        try {
          p = task();
        } catch (err) {
          p = Promise.reject(err);
        }
        p.then(resolve, reject).finally(release);
      }, reject),
    );
  }

  /** Starts `go` with a slot now or when one frees up; `fail` when the signal fires while waiting. */
  private enter(signal: AbortSignalLike | undefined, priority: Priority, go: (release: () => void) => void, fail: (err: Error) => void): void {
    if (signal?.aborted) return fail(this.cancelled());
    if (this.canStart(priority)) return go(this.take(priority));
    const queue = this.queues[priority];
    const entry: Waiter = {
      start: () => {
        signal?.removeEventListener('abort', entry.onAbort);
        go(this.take(priority));
      },
      onAbort: () => {
        const i = queue.indexOf(entry);
        if (i >= 0) queue.splice(i, 1);
        fail(this.cancelled());
      },
    };
    signal?.addEventListener('abort', entry.onAbort, { once: true });
    queue.push(entry);
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

/**
 * Maps `items` through `fn` with at most `limit` in flight, keeping order. After a failure no new
 * item starts, and it rejects only once every started one has settled — so the caller's cleanup
 * sees everything that was opened (upload sessions) — with the first failure that is not a
 * cancellation it caused in the others.
 */
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
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (errors.length) throw errors.find((e) => !(e instanceof BerthError && e.code === 'CANCELLED')) ?? errors[0];
  return out;
}
