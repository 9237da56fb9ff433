/**
 * A bound on concurrent tag-detail requests. Rows ask for their details when they are rendered;
 * a fast scroll renders and unrenders hundreds of rows, so queued requests whose row left the
 * view (its query's AbortSignal fired) are dropped before they are ever sent.
 */
import { Limiter } from '../../shared/limiter';

function abortError(): DOMException {
  return new DOMException('The row left the view before its details were requested.', 'AbortError');
}

/**
 * A limiter for the tags table (`max` ≈ 6, a browser's per-host connection count): the shared
 * Limiter, first come first served, whose dropped waiters reject with the AbortError TanStack
 * Query expects of a cancelled query. Once sent, a request runs to the end: the contract has no
 * cancel, and its answer is still worth caching.
 */
export function createLimiter(max: number): Limiter {
  return new Limiter(max, { cancelled: abortError });
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
