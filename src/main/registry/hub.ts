/**
 * Docker Hub has no `_catalog`; the repositories of a namespace are listed through Hub's own API
 * (`GET https://hub.docker.com/v2/repositories/{namespace}/?page=N&page_size=100`, paged by a
 * `next` URL). Pinned repositories never need this: they are read from the registry itself.
 */
import type { Dispatcher } from 'undici';
import { BerthError } from '../../shared/errors';
import type { NamespacePage, RateLimit } from '../../shared/connection-types';
import { networkError } from './errors';
import { parseRateLimit } from './rate-limit';
import { isValidRepository } from '../../shared/reference';

/** Hub's API origin (not the registry's, which is registry-1.docker.io). */
export const DOCKER_HUB_WEB_API = 'https://hub.docker.com';
/** Hub caps page_size at 100. */
export const HUB_PAGE_SIZE = 100;
const BODY_LIMIT = 8 * 1024 * 1024;
// Hub namespaces (users and organisations) are lowercase; a leading letter or digit also keeps `.`/`..` out of the path.
const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,254}$/;

/** Options of listHubNamespace. */
export interface HubListOptions {
  /** Whose TLS settings and pool to use (normally the Docker Hub profile's client dispatcher). */
  dispatcher: Dispatcher;
  /** Default https://hub.docker.com; tests point it at a loopback imitation. */
  apiBase?: string;
  signal?: AbortSignal;
  /** `Authorization` for Hub's API (e.g. `Bearer JWT`), to see private repositories; sent to apiBase only. */
  authorization?: string;
  /** Called with Hub's rate-limit headers when the answer carries them. */
  onRateLimit?: (limit: RateLimit) => void;
}

/** Whether `namespace` can be a Docker Hub namespace (`library` for official images). */
export function isValidHubNamespace(namespace: string): boolean {
  return NAMESPACE.test(namespace);
}

/** One page (1-based) of a Hub namespace's repositories, as full names (`library/ubuntu`). */
export async function listHubNamespace(namespace: string, page: number, opts: HubListOptions): Promise<NamespacePage> {
  if (!isValidHubNamespace(namespace)) {
    throw new BerthError('INVALID_ARGUMENT', `"${namespace}" is not a Docker Hub namespace. Use the user or organisation name as Hub shows it (lowercase letters, digits, . _ -), or "library" for official images.`);
  }
  if (!Number.isSafeInteger(page) || page < 1) {
    throw new BerthError('INVALID_ARGUMENT', `Page ${String(page)} is not valid; pages are numbered from 1.`);
  }
  const url = new URL(`/v2/repositories/${namespace}/`, opts.apiBase ?? DOCKER_HUB_WEB_API);
  url.searchParams.set('page', String(page));
  url.searchParams.set('page_size', String(HUB_PAGE_SIZE));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.authorization) headers.authorization = opts.authorization;
  let status: number;
  let text: string;
  try {
    // undici's request() never follows redirects, so the Authorization header cannot leave apiBase.
    const res = await opts.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers, signal: opts.signal });
    status = res.statusCode;
    const limit = parseRateLimit(res.headers);
    if (limit) opts.onRateLimit?.(limit);
    text = await readCapped(res.body);
  } catch (err) {
    throw unreachable(err, url, opts.signal);
  }
  if (status === 404) {
    throw new BerthError('NAME_UNKNOWN', `There is no namespace "${namespace}" on Docker Hub. Check the spelling (user or organisation name), or pin the repositories you need instead.`, { status });
  }
  if (status < 200 || status >= 300) throw statusError(status, namespace);
  return readPage(namespace, text);
}

function readPage(namespace: string, text: string): NamespacePage {
  let body: { results?: unknown; next?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new BerthError('UNEXPECTED_RESPONSE', `Docker Hub's API answered the listing of "${namespace}" with something that is not JSON. Try again later; pinned repositories still work.`);
  }
  if (!body || typeof body !== 'object' || !Array.isArray(body.results)) {
    throw new BerthError('UNEXPECTED_RESPONSE', `Docker Hub's API answered the listing of "${namespace}" without a result list. Try again later; pinned repositories still work.`);
  }
  const repositories: string[] = [];
  for (const r of body.results as unknown[]) {
    const name = (r as { name?: unknown } | null)?.name;
    // Entries Berth could not open as a repository are left out rather than shown broken.
    if (typeof name === 'string' && isValidRepository(`${namespace}/${name}`)) repositories.push(`${namespace}/${name}`);
  }
  return { namespace, repositories, next: hubNextPage(body.next) };
}

/** The `page` number of Hub's `next` URL; null at the end (or when it is unreadable). */
export function hubNextPage(next: unknown): number | null {
  if (typeof next !== 'string' || !next) return null;
  try {
    const n = Number(new URL(next, DOCKER_HUB_WEB_API).searchParams.get('page'));
    return Number.isSafeInteger(n) && n >= 1 ? n : null;
  } catch {
    return null;
  }
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > BODY_LIMIT) {
      body.destroy();
      throw new BerthError('UNEXPECTED_RESPONSE', `Docker Hub's API sent more than ${BODY_LIMIT / 1024 / 1024} MiB for one page of repositories. Try again later; pinned repositories still work.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusError(status: number, namespace: string): BerthError {
  const detail = { status };
  if (status === 401 || status === 403) {
    return new BerthError(status === 401 ? 'UNAUTHORIZED' : 'DENIED', `Docker Hub refused to list "${namespace}" (HTTP ${status}). Check the Docker Hub login in the registry's settings; pinned repositories still work.`, detail);
  }
  if (status === 429) {
    return new BerthError('TOOMANYREQUESTS', `Docker Hub is rate limiting its API. Wait a few minutes before listing "${namespace}" again; pinned repositories still work.`, detail);
  }
  if (status >= 500) {
    return new BerthError('SERVER_ERROR', `Docker Hub's API failed (HTTP ${status}) while listing "${namespace}". Try again later; pinned repositories still work.`, detail);
  }
  return new BerthError('UNEXPECTED_RESPONSE', `Docker Hub's API answered HTTP ${status} to the listing of "${namespace}". Try again later; pinned repositories still work.`, detail);
}

const REASONS: Partial<Record<string, string>> = {
  CONNECTION_REFUSED: 'the connection was refused',
  DNS_FAILURE: 'its name did not resolve',
  TIMEOUT: 'it timed out',
  TLS_UNTRUSTED: 'its certificate is not trusted',
  TLS_FAILURE: 'the TLS handshake failed',
};

/** No answer at all: keep the network code, but say plainly that it is Hub's website API that is out of reach. */
function unreachable(err: unknown, url: URL, signal?: AbortSignal): BerthError {
  if (signal?.aborted) return new BerthError('CANCELLED', 'The request was cancelled.');
  if (err instanceof BerthError) return err;
  const e = networkError(err, url);
  if (e.code === 'CANCELLED') return e;
  const why = REASONS[e.code] ?? 'the network failed';
  return new BerthError(
    e.code,
    `Docker Hub's API (${url.host}) is not reachable from here (${why}), so namespaces cannot be listed. Check this machine's internet access or proxy; pinned repositories still work, since they are read from the registry directly.`,
    { cause: e.message },
  );
}
