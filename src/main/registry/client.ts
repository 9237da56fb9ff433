/**
 * The one low-level client per registry: an undici Agent with the registry's TLS settings,
 * auth (Basic, Bearer with a per-scope token cache and one retry on 401), a concurrency bound,
 * redirects followed by hand (Authorization never crosses origins, and only the registry's own
 * challenges are answered with its credentials) and error mapping.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { BerthError } from '../../shared/errors';
import { allowsPlainHttpRealm, basicHeader, fetchToken, scopeString, scopeStrings, TokenCache } from './auth';
import { bearerChallenge, parseChallenges } from './challenge';
import { Agent } from './http-agent';
import { httpError, redirectTargetChallenge } from './errors';
import { mapFailure, readText } from './responses';
import { Limiter } from '../../shared/limiter';
import { connectorFor } from './tls';
import { parseRateLimit } from './rate-limit';
import type { RateLimit } from '../../shared/connection-types';
import { isLoopbackHost } from '../../shared/reference';
import type { RegistryConfig, RegistryRequest, RegistryResponse, Scope } from './types';

/** Transport knobs; defaults follow the issue (connect 10 s, headers 30 s). */
export interface ClientOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** undici interceptors around the agent (the push adds its retry policy), outermost last. */
  interceptors?: Dispatcher.DispatcherComposeInterceptor[];
}

/** Answer of `probe`: status, headers and up to 64 KiB of body text; never throws on HTTP status. */
export interface ProbeResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  url: URL;
  text: string;
}

/** Auth scheme as learned from the registry's challenges. */
export type LearnedScheme = 'unknown' | 'none' | 'basic' | 'bearer';

const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 64 * 1024;
type Body = RegistryRequest['body'];

interface Exchange {
  method: string;
  url: URL;
  scope: Scope;
  headers?: Record<string, string>;
  body?: Body;
  signal?: AbortSignal;
  /** false: send without any Authorization (for the anonymous /v2/ probe). */
  auth?: boolean;
}

/** A client for one registry; create one per registry profile and `close()` it when done. */
export class RegistryClient {
  readonly config: RegistryConfig;
  private readonly agent: Dispatcher;
  private readonly limiter: Limiter;
  private readonly base: URL;
  private readonly tokens = new TokenCache();
  private readonly inflightTokens = new Map<string, Promise<string>>();
  private bearer: { realm: string; service?: string } | null = null;
  private scheme: LearnedScheme = 'unknown';
  private sent = 0;
  private tokenSent = 0;
  private lastRateLimit: RateLimit | null = null;

  constructor(config: RegistryConfig, options: ClientOptions = {}) {
    this.config = config;
    this.base = new URL(config.baseUrl);
    // TLS per registry (roots, roots + CA, pin or skip); `insecure` is only about plain http.
    const agent = new Agent({
      connect: connectorFor(config, { timeoutMs: options.connectTimeoutMs ?? 10_000 }),
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 120_000,
      keepAliveTimeout: 30_000,
    });
    this.agent = options.interceptors?.length ? agent.compose(...options.interceptors) : agent;
    this.limiter = new Limiter(config.maxConcurrency ?? 8);
  }

  /** HTTP requests sent to the registry (and redirect targets); token requests are not included. */
  get requestCount(): number {
    return this.sent;
  }

  /** Requests sent to the token issuer. */
  get tokenRequestCount(): number {
    return this.tokenSent;
  }

  /** What the registry's 401 challenges said so far (`unknown` before any exchange). */
  get authScheme(): LearnedScheme {
    return this.scheme;
  }

  /** The undici dispatcher (shares this registry's TLS settings and keep-alive pool). */
  get dispatcher(): Dispatcher {
    return this.agent;
  }

  /** The latest `ratelimit-*` headers the registry sent (Docker Hub), or null when none were seen. */
  get rateLimit(): RateLimit | null {
    return this.lastRateLimit;
  }

  /**
   * Sends one request with auth and error mapping; statuses outside `expect` (default 2xx) throw.
   * The caller must consume or `dump()` the body: the concurrency slot is held until then.
   */
  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const url = this.resolve(req.url);
    const release = await this.limiter.acquire(req.signal, req.priority);
    let res: RegistryResponse;
    try {
      res = await this.exchange({ ...req, url });
    } catch (err) {
      release();
      throw mapFailure(err, url, req.signal);
    }
    const ok = req.expect ? req.expect.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) {
      const text = await readText(res.body, ERROR_BODY_LIMIT).catch(() => '');
      release();
      throw this.failure(res, text, req);
    }
    // The slot is held until the caller has consumed or dumped the body (bodyless answers free it now).
    const bodyless = req.method === 'HEAD' || res.status === 204 || res.status === 304 || res.headers['content-length'] === '0';
    if (bodyless || res.body.readableEnded || res.body.destroyed) release();
    else {
      res.body.once('close', release);
      res.body.once('end', release);
      res.body.once('error', release);
    }
    return res;
  }

  private failure(res: RegistryResponse, text: string, req: RegistryRequest): BerthError {
    if (res.status === 401 && !this.isRegistry(res.url)) return redirectTargetChallenge(this.base.host, req.method, this.resolve(req.url), res.url);
    const hasCredentials = this.config.username !== undefined || this.config.identityToken !== undefined;
    if (res.status === 401 && hasCredentials && bearerChallenge(parseChallenges(res.headers['www-authenticate']))?.error === 'insufficient_scope') {
      // The token was issued, just without the actions asked for: a permission problem, not a password one.
      return new BerthError(
        'DENIED',
        `${this.base.host} did not grant "${scopeString(req.scope)}" to ${this.config.username}. Check that the account has permission for this action.`,
        { status: 401 },
      );
    }
    return httpError(res.status, text, { method: req.method, url: res.url, hasCredentials });
  }

  /** Sends a request (any method, optionally without auth) and reads a little of the body. */
  async probe(method: string, path: string, opts: { scope?: Scope; auth?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const url = this.resolve(path);
    const release = await this.limiter.acquire(opts.signal);
    try {
      const res = await this.exchange({ method, url, scope: opts.scope ?? null, headers: opts.headers, signal: opts.signal, auth: opts.auth });
      const text = await readText(res.body, ERROR_BODY_LIMIT);
      return { status: res.status, headers: res.headers, url: res.url, text };
    } catch (err) {
      throw mapFailure(err, url, opts.signal);
    } finally {
      release();
    }
  }

  /** Closes the keep-alive pool; the client must not be used afterwards. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Whether `url` is on the registry's own origin (scheme, host and port), the only one its credentials go to. */
  private isRegistry(url: URL): boolean {
    return url.origin === this.base.origin;
  }

  private resolve(u: string | URL): URL {
    const url = new URL(u, this.base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BerthError('INVALID_ARGUMENT', `Refusing to request ${url.href}: only http(s) URLs are allowed.`);
    }
    return url;
  }

  private async exchange(ex: Exchange): Promise<RegistryResponse> {
    const key = scopeString(ex.scope);
    const replayable = ex.body === undefined || ex.body === null || typeof ex.body === 'string' || ex.body instanceof Uint8Array;
    for (let attempt = 0; ; attempt++) {
      const authorization = ex.auth === false ? undefined : await this.authorization(ex.scope, key, ex.signal);
      const res = await this.send(ex, authorization);
      if (res.status !== 401 || ex.auth === false || attempt > 0 || !replayable) return res;
      // Only the registry's own challenges are answered with its credentials: a redirect target
      // (object storage, a CDN, or anyone the registry points at) never learns them.
      if (!this.isRegistry(res.url)) return res;
      // Whether to retry depends on what THIS request carried, not on what the client learned
      // meanwhile: concurrent first requests all meet the challenge without credentials.
      const challenges = parseChallenges(res.headers['www-authenticate']);
      const bearer = bearerChallenge(challenges);
      if (bearer) {
        this.scheme = 'bearer';
        this.bearer = { realm: bearer.realm, ...(bearer.service ? { service: bearer.service } : {}) };
        // Drop the refused token only if it is still the cached one; a sibling may have fetched a newer one.
        const sent = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
        if (sent !== undefined && this.tokens.get(key) === sent) this.tokens.delete(key);
      } else if (challenges.some((c) => c.scheme === 'basic')) {
        this.scheme = 'basic';
        if (authorization?.startsWith('Basic ') || this.config.username === undefined) return res;
      } else {
        return res;
      }
      await res.body.dump();
    }
  }

  /** Authorization header value for a scope, fetching a token when the registry wants Bearer. */
  private async authorization(scope: Scope, key: string, signal?: AbortSignal): Promise<string | undefined> {
    const { username, password } = this.config;
    if (this.scheme === 'basic') return username !== undefined ? basicHeader(username, password ?? '') : undefined;
    if (this.scheme !== 'bearer' || !this.bearer) return undefined;
    const hit = this.tokens.get(key);
    if (hit) return `Bearer ${hit}`;
    let pending = this.inflightTokens.get(key);
    if (!pending) {
      const bearer = this.bearer;
      this.tokenSent++;
      pending = fetchToken({
        dispatcher: this.agent,
        realm: bearer.realm,
        service: bearer.service,
        scopes: scopeStrings(scope),
        username,
        password,
        identityToken: this.config.identityToken,
        allowPlainHttp: allowsPlainHttpRealm(this.config.baseUrl, this.config.insecure),
      })
        .then(({ token, expiresIn }) => {
          this.tokens.set(key, token, expiresIn);
          return token;
        })
        .finally(() => this.inflightTokens.delete(key));
      this.inflightTokens.set(key, pending);
    }
    // The fetch is shared by every request waiting on this scope, so one caller's abort only stops its own wait.
    return `Bearer ${await abortable(pending, signal)}`;
  }

  /** One HTTP exchange, following GET/HEAD redirects by hand (max 5) without leaking Authorization. */
  private async send(ex: Exchange, authorization: string | undefined): Promise<RegistryResponse> {
    let url = ex.url;
    const followable = ex.method === 'GET' || ex.method === 'HEAD';
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...ex.headers };
      if (authorization && this.isRegistry(url)) headers.authorization = authorization;
      this.sent++;
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: ex.method as Dispatcher.HttpMethod,
        headers,
        body: toUndiciBody(ex.body),
        signal: ex.signal,
        // undici closes the connection after every HEAD (for servers that wrongly send a body);
        // registries do not, and a re-push or tag list is mostly HEADs: keep the connection.
        ...(ex.method === 'HEAD' ? { reset: false } : {}),
      });
      // Any registry answer may carry Hub's pull budget (object storage behind a redirect never does).
      const limit = this.isRegistry(url) ? parseRateLimit(res.headers) : null;
      if (limit) this.lastRateLimit = limit;
      const location = res.headers.location;
      if (!followable || res.statusCode < 300 || res.statusCode >= 400 || res.statusCode === 304 || typeof location !== 'string') {
        if (this.scheme === 'unknown' && res.statusCode !== 401 && this.isRegistry(url) && !authorization && res.statusCode < 400) {
          this.scheme = 'none';
        }
        return { status: res.statusCode, headers: res.headers, url, body: res.body };
      }
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) {
        throw new BerthError('UNEXPECTED_RESPONSE', `${this.base.host} redirected more than ${MAX_REDIRECTS} times for ${ex.url.pathname}. Check the registry's storage redirect settings.`);
      }
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new BerthError('UNEXPECTED_RESPONSE', `${this.base.host} redirected to a non-http URL (${next.protocol}). Check the registry's storage settings.`);
      }
      if (next.protocol === 'http:' && url.protocol === 'https:' && !isLoopbackHost(next.hostname) && !this.config.insecure) {
        throw new BerthError('INSECURE_REFUSED', `${this.base.host} redirected from https to plain http (${next.host}); refusing. Mark the registry insecure if you trust this network.`);
      }
      url = next;
    }
  }
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new BerthError('CANCELLED', 'The request was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new BerthError('CANCELLED', 'The request was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function toUndiciBody(body: Body): Dispatcher.DispatchOptions['body'] {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable) return body;
  return Readable.from(body);
}
