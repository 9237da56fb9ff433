/**
 * How pushes and copies ride out registry faults: one policy decides, for undici's RetryHandler
 * (idempotent requests, and requests the registry never saw) and for the upload loop alike,
 * whether a failure is worth another try and how long to wait — honouring `Retry-After`
 * (RFC 9110 §10.2.3) up to a bound, retrying an unreachable registry for a bounded time — and
 * tells the progress panel what it is waiting for.
 */
import { BerthError } from '../../shared/errors';
import type { PushNotice } from '../../shared/types';

/** Timings of the fault handling; tests shorten them. */
export interface RetryTimings {
  /** Longest `Retry-After` honoured; a registry asking for more gets a clear error instead. */
  maxRetryAfterMs: number;
  /** How long a registry that refuses or drops connections is retried. */
  unreachableForMs: number;
  /** An upload that moves no byte for this long is aborted and resumed. */
  stallMs: number;
}

/** Defaults: a minute for Retry-After, half a minute for an unreachable registry, 10 s for a stall. */
export const DEFAULT_TIMINGS: RetryTimings = { maxRetryAfterMs: 60_000, unreachableForMs: 30_000, stallMs: 10_000 };

/** Tries for a registry error that is not about rate limits or reachability (500, 502, 504). */
export const SERVER_ERROR_TRIES = 4;
/** Waits a rate-limited request may go through before the push gives up. */
export const RATE_LIMIT_TRIES = 6;
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 4000;

/** Why a request is waiting; the words the progress panel shows. */
export type WaitReason = PushNotice['kind'];

/** What a failure was, as far as retrying goes. */
export type FailureKind = 'rate-limited' | 'unreachable' | 'cut' | 'stalled' | 'server-error' | 'final';

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

/** Backoff before retry `n` (1-based): 0.5 s, 1 s, 2 s, then 4 s each; no jitter, so the budget is predictable. */
export function backoffMs(n: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** Math.max(0, n - 1));
}

/** Sum of the backoffs of retries 1..n: how long a request has been kept waiting by them. */
export function waitedMs(n: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += backoffMs(i);
  return sum;
}

/** `Retry-After` as milliseconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Node/undici error codes that mean "the request never reached the registry". */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Codes of a connection that broke while a request was under way. */
const CUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** Kind of a raw undici failure or HTTP status (what RetryHandler hands its `retry` function). */
export function classifyRaw(status: number | undefined, code: string | undefined): FailureKind {
  if (status === 429 || status === 503) return 'rate-limited';
  if (status === 500 || status === 502 || status === 504) return 'server-error';
  if (status !== undefined) return 'final';
  if (code && REFUSED_CODES.has(code)) return 'unreachable';
  if (code && CUT_CODES.has(code)) return 'cut';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'stalled';
  return 'final';
}

/** Kind of a BerthError as the client reports it (the hand-written upload loop sees these). */
export function classify(err: unknown): FailureKind {
  if (!(err instanceof BerthError)) return 'final';
  if ((err.detail as { stalled?: boolean } | undefined)?.stalled) return 'stalled';
  switch (err.code) {
    case 'TOOMANYREQUESTS':
      return 'rate-limited';
    case 'SERVER_ERROR':
      return (err.detail as { status?: number } | undefined)?.status === 503 ? 'rate-limited' : 'server-error';
    case 'CONNECTION_REFUSED':
      return 'unreachable';
    case 'NETWORK':
      return 'cut';
    case 'TIMEOUT':
      return 'stalled';
    default:
      return 'final';
  }
}

/** The progress line for a wait. */
export function noticeText(reason: WaitReason, host: string, ms: number): string {
  const s = `${Math.max(1, Math.round(ms / 1000))} s`;
  switch (reason) {
    case 'rate-limited':
      return `${host} asked to wait, retrying in ${s}`;
    case 'unreachable':
      return `${host} unreachable, retrying in ${s}`;
    case 'stalled':
      return `upload to ${host} stalled, resuming in ${s}`;
    case 'cut':
      return `connection to ${host} was cut, resuming in ${s}`;
    case 'server-error':
      return `${host} had an error, retrying in ${s}`;
  }
}

/** Shared state of one push's fault handling: timings, the wait announcer and what went wrong so far. */
export class RetryPolicy {
  /** Connections cut during the push (for the "network problem" message). */
  cuts = 0;
  /** The last `Retry-After` (ms) that exceeded the bound, for the error message. */
  refusedWaitMs: number | null = null;

  constructor(
    readonly host: string,
    readonly timings: RetryTimings,
    private readonly announce: (notice: PushNotice | null) => void = () => {},
    /** The push's cancel: ends any wait at once (uploads in flight get a grace period, waits need none). */
    private readonly cancelSignal?: AbortSignal,
  ) {}

  /**
   * How long to wait before retry number `attempt` (1-based) after a failure of `kind`, or null
   * to give up. `retryAfterMs` is the registry's `Retry-After`, when it sent one.
   */
  delayFor(kind: FailureKind, attempt: number, retryAfterMs: number | null = null): number | null {
    switch (kind) {
      case 'rate-limited': {
        if (attempt > RATE_LIMIT_TRIES) return null;
        if (retryAfterMs === null) return backoffMs(attempt);
        if (retryAfterMs > this.timings.maxRetryAfterMs) {
          this.refusedWaitMs = retryAfterMs;
          return null;
        }
        return retryAfterMs;
      }
      case 'unreachable':
      case 'cut':
      case 'stalled':
        // Bounded by time, not tries: a registry restarting takes a few seconds whatever we do.
        return waitedMs(attempt - 1) >= this.timings.unreachableForMs ? null : backoffMs(attempt);
      case 'server-error':
        return attempt >= SERVER_ERROR_TRIES ? null : backoffMs(attempt);
      case 'final':
        return null;
    }
  }

  /** Waits `ms` with the reason shown in progress; rejects with CANCELLED when `signal` aborts. */
  async wait(kind: WaitReason, ms: number, signal?: AbortSignal): Promise<void> {
    const notice: PushNotice = { kind, message: noticeText(kind, this.host, ms), retryInSeconds: Math.max(1, Math.round(ms / 1000)) };
    // Several blobs may wait at once: the newest wait is shown until the last one ends.
    this.waits.add(notice);
    this.announce(notice);
    const signals = [signal, this.cancelSignal].filter((x): x is AbortSignal => x !== undefined);
    try {
      await sleep(ms, signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
    } finally {
      this.waits.delete(notice);
      this.announce([...this.waits].at(-1) ?? null);
    }
  }

  private readonly waits = new Set<PushNotice>();

  /** The push's error once retrying is over: rate limits, unreachability and cuts get their own words. */
  explain(err: unknown): unknown {
    if (!(err instanceof BerthError)) return err;
    const kind = classify(err);
    if (kind === 'rate-limited' && this.refusedWaitMs !== null) {
      const s = Math.round(this.refusedWaitMs / 1000);
      return new BerthError(
        'TOOMANYREQUESTS',
        `${this.host} asked Berth to wait ${s} s before trying again, longer than Berth waits (${Math.round(this.timings.maxRetryAfterMs / 1000)} s). Nothing was tagged; push again later.`,
        { ...(err.detail as object), retryAfterSeconds: s },
      );
    }
    if (kind === 'rate-limited') {
      return new BerthError('TOOMANYREQUESTS', `${this.host} kept refusing requests as too many or unavailable, even after waiting as it asked. Nothing was tagged; push again later. (${err.message})`, err.detail);
    }
    if (kind === 'unreachable') {
      return new BerthError(
        'CONNECTION_REFUSED',
        `${this.host} stayed unreachable for ${Math.round(this.timings.unreachableForMs / 1000)} s during the push. Nothing was tagged; check that the registry is running, then push again.`,
        err.detail,
      );
    }
    if ((kind === 'cut' || kind === 'stalled') && this.cuts > 0) return this.cutError();
    return err;
  }

  /** The connection kept breaking: a network problem, not the registry's storage. */
  cutError(): BerthError {
    return new BerthError(
      'NETWORK',
      `The connection to ${this.host} was cut ${this.cuts} time${this.cuts === 1 ? '' : 's'} during the push; check the network or proxy (a proxy's size or time limits do this), then push again. Nothing was tagged.`,
      { cuts: this.cuts },
    );
  }
}

/**
 * Runs `fn` again after failures `policy` calls worth another try, waiting as it says; the
 * caller vouches that `fn` is safe to repeat (a manifest PUT by tag, a GET). For clients that
 * were built without the retry interceptor (a copy's target and source).
 */
export async function withPolicy<T>(policy: RetryPolicy, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const kind = classify(err);
      const detail = (err instanceof BerthError ? err.detail : undefined) as { retryAfterSeconds?: number } | undefined;
      const retryAfter = typeof detail?.retryAfterSeconds === 'number' ? detail.retryAfterSeconds * 1000 : null;
      const delay = signal?.aborted || kind === 'final' ? null : policy.delayFor(kind, attempt, retryAfter);
      if (delay === null || kind === 'final') throw policy.explain(err);
      if (kind === 'cut') policy.cuts++;
      await policy.wait(kind, delay, signal);
    }
  }
}
