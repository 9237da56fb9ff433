/**
 * Registry authentication: Basic, and Docker token auth (Bearer) with a per-scope token cache
 * (https://distribution.github.io/distribution/spec/auth/token/ — `token` or `access_token`,
 * `expires_in` defaulting to 60 s).
 */
import type { Dispatcher } from 'undici';
import { BerthError } from '../../shared/errors';
import { networkError } from './errors';
import { isLoopbackHost } from '../../shared/reference';
import type { Action, Scope } from './types';

/** The spec's default token lifetime when `expires_in` is missing. */
export const DEFAULT_TOKEN_SECONDS = 60;

/**
 * Scope string(s) for a token request: `repository:NAME:pull,push`, `registry:catalog:*`, or '' (none);
 * a scope with `also` gives every part joined by a space (the form the token cache is keyed by).
 */
export function scopeString(scope: Scope): string {
  return scopeStrings(scope).join(' ');
}

/** Each `scope` parameter of a token request, in a stable order ([] for none); duplicates merged. */
export function scopeStrings(scope: Scope): string[] {
  if (scope === null) return [];
  if (scope === 'catalog') return ['registry:catalog:*'];
  const wanted = new Map<string, Set<Action>>();
  for (const s of [scope, ...(scope.also ?? [])]) {
    const set = wanted.get(s.repository) ?? new Set<Action>();
    for (const a of s.actions) set.add(a);
    wanted.set(s.repository, set);
  }
  // The request's own repository first, the others sorted, so equal scopes share one cache key.
  const [own, ...others] = [...wanted.keys()];
  return [own, ...others.sort()].map((repo) => {
    const actions = [...wanted.get(repo)!].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    return `repository:${repo}:${actions.join(',')}`;
  });
}
const ORDER = ['pull', 'push', 'delete'];

/** `Authorization: Basic …` value. */
export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Bearer tokens keyed by scope string; entries expire a little before the issuer says. */
export class TokenCache {
  private readonly map = new Map<string, CachedToken>();
  constructor(private readonly now: () => number = Date.now) {}

  /** A still-valid token for `key`, or undefined. */
  get(key: string): string | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.token;
  }

  /** Stores a token valid for `seconds` (10% safety margin for clock and latency). */
  set(key: string, token: string, seconds: number): void {
    this.map.set(key, { token, expiresAt: this.now() + seconds * 900 });
  }

  /** Drops the token for `key` (after a 401 with it). */
  delete(key: string): void {
    this.map.delete(key);
  }
}

/** What a token fetch needs. */
export interface TokenRequest {
  dispatcher: Dispatcher;
  realm: string;
  service?: string;
  scopes: string[];
  username?: string;
  password?: string;
  /** Docker's saved `identitytoken`: exchanged by the OAuth2 refresh-token grant instead of Basic. */
  identityToken?: string;
  /** Credentials may go to a plain-http realm (see `allowsPlainHttpRealm`); default false. */
  allowPlainHttp?: boolean;
  signal?: AbortSignal;
}

/**
 * Whether a registry may have credentials sent to a plain-http token realm: only a registry that is
 * itself plain http, on loopback, or marked insecure (its realm may be on another host, e.g. Hub's).
 */
export function allowsPlainHttpRealm(registryBaseUrl: string, insecure?: boolean): boolean {
  const base = new URL(registryBaseUrl);
  return base.protocol === 'http:' || isLoopbackHost(base.hostname) || insecure === true;
}

/** The `client_id` Berth names itself with in OAuth2 token requests (the spec requires one). */
export const OAUTH_CLIENT_ID = 'berth';

/**
 * Asks the token issuer for a token; failures become AUTH_FAILED / UNAUTHORIZED with advice.
 * With an identity token it is the OAuth2 refresh-token grant
 * (https://distribution.github.io/distribution/spec/auth/oauth/), otherwise `GET realm` with Basic.
 */
export async function fetchToken(req: TokenRequest): Promise<{ token: string; expiresIn: number }> {
  let url: URL;
  try {
    url = new URL(req.realm);
  } catch {
    throw new BerthError('AUTH_FAILED', `The registry named an invalid token service "${req.realm}". Check the registry's auth configuration.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BerthError('AUTH_FAILED', `The registry's token service ${url.href} is not http(s). Check the registry's auth configuration.`);
  }
  const oauth = req.identityToken !== undefined && req.identityToken !== '';
  const hasCreds = req.username !== undefined || oauth;
  if (url.protocol === 'http:' && hasCreds && !req.allowPlainHttp) {
    throw new BerthError(
      'INSECURE_REFUSED',
      `The registry's token service ${url.origin} uses plain http; refusing to send the ${oauth ? 'saved login token' : 'password'} over it. Mark the registry insecure if you trust this network.`,
    );
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (oauth) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: req.identityToken!, client_id: OAUTH_CLIENT_ID });
    if (req.service) form.set('service', req.service);
    // One `scope` parameter, space-separated, as OAuth2 writes it (the GET form repeats the parameter).
    const scope = req.scopes.filter(Boolean).join(' ');
    if (scope) form.set('scope', scope);
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else {
    if (req.service) url.searchParams.set('service', req.service);
    for (const s of req.scopes) if (s) url.searchParams.append('scope', s);
    if (hasCreds) headers.authorization = basicHeader(req.username!, req.password ?? '');
  }
  let res: Dispatcher.ResponseData;
  let text: string;
  try {
    res = await req.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: oauth ? 'POST' : 'GET', headers, body, signal: req.signal });
    text = await res.body.text();
  } catch (err) {
    throw networkError(err, url);
  }
  if (oauth && (res.statusCode === 400 || res.statusCode === 401 || res.statusCode === 403)) {
    // RFC 6749 answers a revoked or expired refresh token with 400 invalid_grant; some issuers say 401/403.
    throw new BerthError(
      'AUTH_FAILED',
      `The token service at ${url.host} refused the saved login token (HTTP ${res.statusCode}); it may have expired or been revoked. Run \`docker login\` for this registry again, then retry.`,
      { status: res.statusCode },
    );
  }
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw hasCreds
      ? new BerthError('AUTH_FAILED', `The token service at ${url.host} refused the credentials (HTTP ${res.statusCode}). Check the username and password in the registry's settings.`)
      : new BerthError('UNAUTHORIZED', `The token service at ${url.host} refused anonymous access. Add a username and password in the registry's settings.`);
  }
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new BerthError(
      'AUTH_FAILED',
      `The token service at ${url.host} failed (HTTP ${res.statusCode}). Check the credentials in the registry's settings, or try again later.`,
      { status: res.statusCode },
    );
  }
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new BerthError('AUTH_FAILED', `The token service at ${url.host} answered something that is not JSON. Check the registry's auth configuration.`);
  }
  const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : '';
  if (!token) {
    throw new BerthError('AUTH_FAILED', `The token service at ${url.host} answered without a token. Check the credentials in the registry's settings.`);
  }
  const expiresIn = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_SECONDS;
  return { token, expiresIn };
}
