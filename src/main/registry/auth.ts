/**
 * Registry authentication: Basic, and Docker token auth (Bearer) with a per-scope token cache
 * (https://distribution.github.io/distribution/spec/auth/token/ — `token` or `access_token`,
 * `expires_in` defaulting to 60 s).
 */
import type { Dispatcher } from 'undici';
import { BerthError } from '../../shared/errors';
import { networkError } from './errors';
import { isLoopbackHost } from './reference';
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
  insecure?: boolean;
  signal?: AbortSignal;
}

/** Asks the token issuer for a token; failures become AUTH_FAILED / UNAUTHORIZED with advice. */
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
  const hasCreds = req.username !== undefined;
  if (url.protocol === 'http:' && hasCreds && !isLoopbackHost(url.hostname) && !req.insecure) {
    throw new BerthError(
      'INSECURE_REFUSED',
      `The registry's token service ${url.origin} uses plain http; refusing to send the password over it. Mark the registry insecure if you trust this network.`,
    );
  }
  if (req.service) url.searchParams.set('service', req.service);
  for (const s of req.scopes) if (s) url.searchParams.append('scope', s);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (hasCreds) headers.authorization = basicHeader(req.username!, req.password ?? '');
  let res: Dispatcher.ResponseData;
  try {
    res = await req.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers, signal: req.signal });
  } catch (err) {
    throw networkError(err, url);
  }
  let text: string;
  try {
    text = await res.body.text();
  } catch (err) {
    throw networkError(err, url);
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
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new BerthError('AUTH_FAILED', `The token service at ${url.host} answered something that is not JSON. Check the registry's auth configuration.`);
  }
  const token = typeof body.token === 'string' && body.token ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
  if (!token) {
    throw new BerthError('AUTH_FAILED', `The token service at ${url.host} answered without a token. Check the credentials in the registry's settings.`);
  }
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
  return { token, expiresIn };
}
