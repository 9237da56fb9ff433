/**
 * The background lane of a registry client: the same client (connection pool, tokens, counters)
 * whose requests wait in the limiter's background lane and pause, rather than fail, when the
 * registry asks for it — a 429 or 503 with `Retry-After`, or Docker Hub's pull budget running low
 * (`ratelimit-remaining`, https://docs.docker.com/docker-hub/usage/pulls/). The existing protocol
 * functions (browse, manifest, delete) run unchanged on top of it.
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from '../registry/client';
import type { RegistryRequest, RegistryResponse } from '../registry/types';

/** Why and until when background requests are held back. */
export interface LanePause {
  until: number;
  reason: 'retry-after' | 'rate-limit';
}

/** Knobs of the background lane (defaults suit a real registry; tests shorten them). */
export interface LaneOptions {
  /** Consecutive 429/503 answers to one request before it fails with TOOMANYREQUESTS (default 6). */
  maxRetries?: number;
  /** Pause when no Retry-After is given: this many ms, doubled per retry (default 1000). */
  backoffMs?: number;
  /** Longest pause honoured from one answer (default 1 hour); longer ones are clipped. */
  maxPauseMs?: number;
  /** Keep this many Hub pulls for the screens: below it, background work pauses (default 10). */
  reservePulls?: number;
  now?: () => number;
}

const OK_2XX = Array.from({ length: 100 }, (_, i) => 200 + i);
const RETRY_STATUSES = [429, 503];

/** Shared pause state of one registry's background work, and the counters progress reports. */
export class BackgroundLane {
  /** Requests sent through the lane (retries included). */
  requests = 0;
  private pausedUntil = 0;
  private pauseReason: LanePause['reason'] = 'retry-after';
  private readonly opts: Required<LaneOptions>;

  constructor(
    readonly client: RegistryClient,
    options: LaneOptions = {},
  ) {
    this.opts = { maxRetries: 6, backoffMs: 1000, maxPauseMs: 3_600_000, reservePulls: 10, now: Date.now, ...options };
  }

  /** The pause in force now, or null. */
  get pause(): LanePause | null {
    return this.pausedUntil > this.opts.now() ? { until: this.pausedUntil, reason: this.pauseReason } : null;
  }

  /**
   * A RegistryClient whose `request` goes through this lane. Everything else is the base client's:
   * the view inherits it, and `request`/`probe` run on the base so auth state stays in one place.
   */
  view(): RegistryClient {
    const base = this.client;
    const view = Object.create(base) as RegistryClient;
    Object.defineProperty(view, 'request', { value: (req: RegistryRequest) => this.request(req) });
    Object.defineProperty(view, 'probe', { value: (...args: Parameters<RegistryClient['probe']>) => base.probe(...args) });
    return view;
  }

  /** One background request: waits out any pause, retries 429/503 after the pause the registry asks for. */
  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const replayable = req.body === undefined || req.body === null || typeof req.body === 'string' || req.body instanceof Uint8Array;
    const wanted = req.expect ?? OK_2XX;
    const handleRetry = replayable && !RETRY_STATUSES.some((s) => wanted.includes(s));
    for (let attempt = 0; ; attempt++) {
      await this.ready(req.signal);
      this.requests++;
      const res = await this.client.request({
        ...req,
        priority: 'background',
        expect: handleRetry ? [...wanted, ...RETRY_STATUSES] : req.expect,
      });
      this.watchBudget();
      if (!handleRetry || !RETRY_STATUSES.includes(res.status)) return res;
      await res.body.dump().catch(() => undefined);
      const status = res.status;
      if (attempt >= this.opts.maxRetries) {
        const host = this.client.config.host;
        const tries = `after ${attempt + 1} tries. The index build stopped; started again, it resumes where it stopped.`;
        throw status === 429
          ? new BerthError('TOOMANYREQUESTS', `${host} kept answering 429 (too many requests) ${tries}`, { status, retriesExhausted: true })
          : new BerthError('SERVER_ERROR', `${host} kept answering 503 (unavailable) ${tries}`, { status, retriesExhausted: true });
      }
      const asked = retryAfterMs(res.headers['retry-after'], this.opts.now());
      this.hold(asked ?? this.opts.backoffMs * 2 ** attempt, 'retry-after');
    }
  }

  /** Resolves when no pause is in force (rejects with CANCELLED when `signal` aborts first). */
  async ready(signal?: AbortSignal): Promise<void> {
    this.watchBudget();
    for (;;) {
      if (signal?.aborted) throw new BerthError('CANCELLED', 'The index build was cancelled.');
      const wait = this.pausedUntil - this.opts.now();
      if (wait <= 0) return;
      await sleep(Math.min(wait, 60_000), signal);
    }
  }

  /** Holds background requests for `ms` (never shortening a longer pause already in force). */
  hold(ms: number, reason: LanePause['reason']): void {
    const until = this.opts.now() + Math.min(Math.max(ms, 0), this.opts.maxPauseMs);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauseReason = reason;
    }
  }

  /** Hub's budget (seen on any answer, the screens' included): keep the last pulls for the user. */
  private watchBudget(): void {
    const limit = this.client.rateLimit;
    if (!limit || limit.remaining > this.opts.reservePulls) return;
    // The window is rolling; without it, look again in a minute.
    const windowMs = limit.windowSeconds !== null ? limit.windowSeconds * 1000 : 60_000;
    const until = limit.seenAt + windowMs;
    if (until > this.opts.now()) this.hold(until - this.opts.now(), 'rate-limit');
  }
}

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date; null when absent or garbled. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return null;
  if (/^\d{1,10}$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new BerthError('CANCELLED', 'The index build was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
