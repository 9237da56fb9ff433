/**
 * The registry doctor: `GET /v2/` (reachability, API version, auth scheme, credentials) and
 * side-effect-free probes for the catalog, the referrers API, HTTP garbage collection and
 * whether deletes are enabled.
 */
import { BerthError, toWireError } from '../../shared/errors';
import type { AuthScheme, RegistryCheck } from '../../shared/types';
import { listRepositories } from './browse';
import { parseChallenges } from './challenge';
import type { RegistryClient } from './client';

const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;
/** Used for the delete probe when the catalog names no repository. */
const PROBE_REPOSITORY = 'berth-probe/nonexistent';

function header(h: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = h[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function specCodes(text: string): string[] {
  try {
    const j = JSON.parse(text) as { errors?: { code?: unknown }[] };
    return Array.isArray(j.errors) ? j.errors.map((e) => String(e.code ?? '').toUpperCase()) : [];
  } catch {
    return [];
  }
}

const isCancel = (err: unknown): boolean => err instanceof BerthError && err.code === 'CANCELLED';

/** A check before anything was learned (every probe unknown); the service fills credentials and rate limit. */
export function emptyCheck(): RegistryCheck {
  return {
    reachable: false,
    apiVersion: null,
    authScheme: 'none',
    authenticated: false,
    catalog: null,
    deleteEnabled: null,
    referrers: null,
    httpGarbageCollect: null,
    credentials: null,
    rateLimit: null,
  };
}

/** Runs the doctor; network and auth failures come back in `error`, only cancellation throws. */
export async function checkRegistry(client: RegistryClient, signal?: AbortSignal): Promise<RegistryCheck> {
  const result = emptyCheck();
  try {
    const anon = await client.probe('GET', '/v2/', { auth: false, signal });
    result.reachable = true;
    result.apiVersion = header(anon.headers, 'docker-distribution-api-version');
    result.authScheme = schemeOf(anon.status, anon.headers['www-authenticate']);
    if (anon.status !== 200 && anon.status !== 401) {
      throw new BerthError(
        'UNEXPECTED_RESPONSE',
        `${client.config.host} answered GET /v2/ with HTTP ${anon.status}; it does not look like a container registry. Check the URL.`,
      );
    }
    const authed = await client.request({ method: 'GET', url: '/v2/', scope: null, signal });
    await authed.body.dump();
    result.authenticated = true;
  } catch (err) {
    if (isCancel(err)) throw err;
    result.error = toWireError(err);
    return result;
  }
  let repo: string | null = null;
  try {
    const page = await listRepositories(client, { n: 1 }, signal);
    result.catalog = true;
    repo = page.repositories[0] ?? null;
  } catch (err) {
    if (isCancel(err)) throw err;
    const code = err instanceof BerthError ? err.code : '';
    // Registries without a catalog answer 404, UNSUPPORTED, or refuse the catalog scope.
    result.catalog = ['CATALOG_UNAVAILABLE', 'NAME_UNKNOWN', 'UNSUPPORTED', 'UNAUTHORIZED', 'DENIED', 'AUTH_FAILED'].includes(code) ? false : null;
  }
  const [referrers, gc, del] = await Promise.all([
    repo ? probeReferrers(client, repo, signal) : Promise.resolve(null),
    probeGc(client, signal),
    probeDelete(client, repo ?? PROBE_REPOSITORY, signal),
  ]);
  result.referrers = referrers;
  result.httpGarbageCollect = gc;
  result.deleteEnabled = del;
  return result;
}

function schemeOf(status: number, wwwAuthenticate: string | string[] | undefined): AuthScheme {
  if (status !== 401) return 'none';
  const schemes = parseChallenges(wwwAuthenticate).map((c) => c.scheme);
  if (schemes.includes('bearer')) return 'bearer';
  if (schemes.includes('basic')) return 'basic';
  return 'none';
}

/** 200, or 404 with a JSON index, means the referrers API exists; a plain 404 means it does not. */
async function probeReferrers(client: RegistryClient, repo: string, signal?: AbortSignal): Promise<boolean | null> {
  try {
    const r = await client.probe('GET', `/v2/${repo}/referrers/${ZERO_DIGEST}`, { scope: { repository: repo, actions: ['pull'] }, signal });
    if (r.status === 200) return true;
    if (r.status === 404) {
      try {
        const j = JSON.parse(r.text) as { manifests?: unknown };
        return Array.isArray(j.manifests);
      } catch {
        return false;
      }
    }
    return null;
  } catch (err) {
    if (isCancel(err)) throw err;
    return null;
  }
}

/** OPTIONS never runs a GC: 404 means no such endpoint, 2xx or 405 (route exists) means present. */
async function probeGc(client: RegistryClient, signal?: AbortSignal): Promise<boolean | null> {
  try {
    const r = await client.probe('OPTIONS', '/v2/_gc', { scope: null, signal });
    if (r.status === 404) return false;
    if ((r.status >= 200 && r.status < 300) || r.status === 405) return true;
    return null;
  } catch (err) {
    if (isCancel(err)) throw err;
    return null;
  }
}

/**
 * DELETE of the all-zero digest, which no manifest can have: distribution answers 405
 * UNSUPPORTED when deletes are disabled and 404 MANIFEST_UNKNOWN when enabled; nothing is removed.
 */
async function probeDelete(client: RegistryClient, repo: string, signal?: AbortSignal): Promise<boolean | null> {
  try {
    const r = await client.probe('DELETE', `/v2/${repo}/manifests/${ZERO_DIGEST}`, { scope: { repository: repo, actions: ['pull', 'delete'] }, signal });
    const codes = specCodes(r.text);
    if (r.status === 405 || codes.includes('UNSUPPORTED')) return false;
    if (r.status === 404 && codes.includes('MANIFEST_UNKNOWN')) return true;
    if (r.status === 202) return true;
    return null;
  } catch (err) {
    if (isCancel(err)) throw err;
    return null;
  }
}
