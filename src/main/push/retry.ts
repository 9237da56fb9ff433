/**
 * Bounded retries with exponential backoff for the failures a retry can fix: rate limiting,
 * registry 5xx, and connections dropped mid-request.
 */
import { BerthError } from '../../shared/errors';

/** Attempts per operation (the first try included). */
export const MAX_TRIES = 4;
const BASE_DELAY_MS = 200;

/** True for errors worth another attempt (429, 5xx, reset/dropped connections, timeouts). */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof BerthError)) return false;
  return err.code === 'TOOMANYREQUESTS' || err.code === 'SERVER_ERROR' || err.code === 'NETWORK' || err.code === 'TIMEOUT';
}

/** Resolves after `ms`, or rejects with CANCELLED when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = (): void => {
      clearTimeout(t);
      reject(cancelled());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error a cancelled push reports. */
export function cancelled(): BerthError {
  return new BerthError('CANCELLED', 'The push was cancelled; nothing was tagged. Start it again to push the image.');
}

/** Delay before attempt `n` (1-based retries): 200 ms, 400 ms, 800 ms … with ±25 % jitter. */
export function backoffMs(n: number): number {
  const base = BASE_DELAY_MS * 2 ** (n - 1);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * Runs `fn` up to MAX_TRIES times while it fails with a retryable error; `onRetry` may repair
 * state (e.g. ask the registry where an upload stands) before the next try.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: { signal?: AbortSignal; tries?: number; onRetry?: (err: unknown, attempt: number) => Promise<void> | void } = {},
): Promise<T> {
  const tries = opts.tries ?? MAX_TRIES;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled();
      if (attempt >= tries || !isRetryable(err)) throw err;
      await sleep(backoffMs(attempt), opts.signal);
      await opts.onRetry?.(err, attempt);
    }
  }
}
