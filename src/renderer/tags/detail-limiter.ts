/**
 * A bound on concurrent tag-detail requests. Rows ask for their details when they are rendered;
 * a fast scroll renders and unrenders hundreds of rows, so queued requests whose row left the
 * view (its query's AbortSignal fired) are dropped before they are ever sent.
 */

/** Runs tasks with at most `max` in flight, first come first served. */
export interface Limiter {
  /** Runs `task` when a slot is free; rejects with an AbortError (and never starts it) if `signal` aborts first. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks started and not yet settled. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly queued: number;
}

interface Entry {
  start: () => void;
}

function abortError(): DOMException {
  return new DOMException('The row left the view before its details were requested.', 'AbortError');
}

/** Creates a limiter; the tags table shares one with `max` ≈ 6 (a browser's per-host connection count). */
export function createLimiter(max: number): Limiter {
  const queue: Entry[] = [];
  let active = 0;

  const pump = () => {
    while (active < max && queue.length > 0) queue.shift()!.start();
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(abortError());
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          const i = queue.indexOf(entry);
          if (i >= 0) {
            queue.splice(i, 1);
            reject(abortError());
          }
        };
        const entry: Entry = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            active++;
            // Once sent, a request runs to the end: the contract has no cancel, and its answer is still worth caching.
            let p: Promise<T>;
            try {
              p = task();
            } catch (err) {
              p = Promise.reject(err);
            }
            p.then(resolve, reject).finally(() => {
              active--;
              pump();
            });
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
        pump();
      });
    },
  };
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Most tag-detail requests in flight at once, across the whole renderer. */
export const MAX_DETAIL_REQUESTS = 6;
/** While scrolling, a row must stay rendered this long before it asks: rows that flash by never do. */
export const DETAIL_DWELL_MS = 60;
/** A scroll this recent counts as "still scrolling". */
const SCROLL_QUIET_MS = 150;
let lastScrollAt = -Infinity;

/** Called from the table's scroll handler. */
export function markScrolled(): void {
  lastScrollAt = performance.now();
}

/** The dwell a new detail request waits: none when nothing scrolls (the first screen asks at once). */
export function currentDwell(): number {
  return performance.now() - lastScrollAt < SCROLL_QUIET_MS ? DETAIL_DWELL_MS : 0;
}
/** The renderer's shared limiter for `getTagDetail`. */
export const detailLimiter = createLimiter(MAX_DETAIL_REQUESTS);
