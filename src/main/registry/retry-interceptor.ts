/**
 * undici interceptors for a client that uploads (the push's). `retry`: undici's own RetryHandler
 * with the push's policy — idempotent requests (GET, HEAD, DELETE, manifest PUT) are retried on
 * rate limits, 5xx and broken connections; every request is retried when the registry never saw
 * it (refused connection, 429/503 before the body was read). `pieces`: upload bodies handed to
 * undici in 64 KiB pieces, so an upload that stops moving is called stalled and aborted.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type RetryHandler from 'undici/types/retry-handler';
import { BerthError } from '../../shared/errors';
import { classifyRaw, parseRetryAfter, type RetryPolicy } from './retry';

const requireCjs = createRequire(import.meta.url);

type Interceptor = Dispatcher.DispatcherComposeInterceptor;

/** undici's retry interceptor, loaded without undici's index (see registry/http-agent.ts for why). */
function loadRetry(): (opts: RetryHandler.RetryOptions) => Interceptor {
  try {
    return requireCjs('undici/lib/interceptor/retry.js') as (opts: RetryHandler.RetryOptions) => Interceptor;
  } catch {
    return (requireCjs('undici') as typeof import('undici')).interceptors.retry;
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** True for requests that may be sent twice whatever happened to the first (manifest PUT by tag is idempotent). */
function idempotent(method: string, path: string): boolean {
  return IDEMPOTENT.has(method) || (method === 'PUT' && /\/manifests\/[^/?]+(\?|$)/.test(path));
}

function abortError(): Error {
  return Object.assign(new Error('The request was cancelled.'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}

/** undici's retry interceptor deciding with `policy`; waits are announced and end early on the request's signal. */
export function retryInterceptor(policy: RetryPolicy): Interceptor {
  const retry: RetryHandler.RetryCallback = (err, { state, opts }, cb) => {
    const e = err as Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[] | undefined> };
    const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
    const kind = classifyRaw(status, e.code === 'UND_ERR_REQ_RETRY' ? undefined : e.code);
    const method = String(opts.method ?? 'GET').toUpperCase();
    // A refused connection or a 429/503 answer means the registry did not act on the request;
    // anything else may have half-happened, which only the upload loop knows how to repair.
    const safe = idempotent(method, String(opts.path ?? '')) || kind === 'unreachable' || kind === 'rate-limited';
    const delay = safe ? policy.delayFor(kind, state.counter, kind === 'rate-limited' ? parseRetryAfter(e.headers?.['retry-after']) : null) : null;
    if (delay === null || kind === 'final') {
      cb(err);
      return null;
    }
    if (kind === 'cut') policy.cuts++;
    const signal = (opts as { signal?: AbortSignal }).signal;
    policy.wait(kind, delay, signal).then(
      () => cb(null),
      () => cb(abortError()),
    );
    return null;
  };
  // throwOnError false: a response that is not retried (401, 404, a 429 given up on) reaches the
  // client as a response, so its error mapping and auth handling stay the same as without retries.
  return loadRetry()({ retry, throwOnError: false, maxRetries: 100 });
}

/** How long an upload body may sit still: between pieces, and after the last one until the answer. */
export interface BodyWatch {
  stallMs: number;
  afterBodyMs: number;
}

const watches = new WeakMap<object, BodyWatch>();

/** Watches the request whose body is exactly `body` (the same object) for stalls; forgotten with it. */
export function watchBody(body: Uint8Array, watch: BodyWatch): void {
  watches.set(body, watch);
}

const PIECE = 64 * 1024;

function stallError(origin: string, ms: number): BerthError {
  const host = origin.replace(/^[a-z]+:\/\//, '');
  return new BerthError('TIMEOUT', `The upload to ${host} stalled: nothing moved for ${Math.round(ms / 1000)} s.`, { stalled: true });
}

type Controller = { abort(reason: Error): void };
type Handler = Dispatcher.DispatchHandler & Record<string, unknown>;

/**
 * One dispatch of a watched upload: the body goes to undici in 64 KiB pieces (undici takes the
 * next one as the socket drains), and a timer re-armed by each piece aborts the request when
 * nothing moves — before undici's own 30 s headers timeout would.
 */
function watched(dispatch: Dispatcher['dispatch'], opts: Dispatcher.DispatchOptions, handler: Handler, body: Uint8Array, watch: BodyWatch): boolean {
  let controller: Controller | null = null;
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const arm = (ms: number): void => {
    stop();
    timer = setTimeout(() => controller?.abort(stallError(String(opts.origin), ms)), ms);
    timer.unref?.();
  };
  let pos = 0;
  const stream = new Readable({
    highWaterMark: PIECE,
    read() {
      if (pos >= body.length) return void this.push(null);
      const piece = body.subarray(pos, Math.min(body.length, pos + PIECE));
      pos += piece.length;
      arm(pos >= body.length ? watch.afterBodyMs : watch.stallMs);
      this.push(piece);
    },
  });
  const wrapper: Dispatcher.DispatchHandler = {
    onRequestStart: (c, context) => {
      controller = c as unknown as Controller;
      arm(watch.stallMs);
      handler.onRequestStart?.(c, context);
    },
    onRequestUpgrade: (c, status, headers, socket) => handler.onRequestUpgrade?.(c, status, headers, socket),
    onResponseStart: (c, status, headers, message) => {
      stop();
      handler.onResponseStart?.(c, status, headers, message);
    },
    onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
    onResponseEnd: (c, trailers) => {
      stop();
      handler.onResponseEnd?.(c, trailers);
    },
    onResponseError: (c, err) => {
      stop();
      handler.onResponseError?.(c, err);
    },
  };
  return dispatch({ ...opts, body: stream }, wrapper);
}

/** Hands watched upload bodies to undici piece by piece, each dispatch afresh (so retries get a new stream). */
export function piecesInterceptor(): Interceptor {
  return (dispatch) => (opts, handler) => {
    const body = opts.body as unknown;
    const watch = body && typeof body === 'object' ? watches.get(body) : undefined;
    if (!watch || !(body instanceof Uint8Array) || body.length === 0) return dispatch(opts, handler);
    return watched(dispatch, opts, handler as Handler, body, watch);
  };
}
