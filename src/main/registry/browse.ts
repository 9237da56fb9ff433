/**
 * Catalog and tag listing with paging (`n`, `last`, `Link: rel="next"`); tags are paged on the
 * client when the registry ignores `n` (distribution 2.8 returns every tag, unordered).
 */
import type { PageOptions } from '../../shared/api';
import { BerthError } from '../../shared/errors';
import type { CatalogPage, TagsPage } from '../../shared/types';
import type { RegistryClient } from './client';
import { bodyText } from './responses';
import { assertRepository } from './manifest';
import { MAX_PAGE_SIZE, clampPageSize, nextCursor, pageLocally, pageQuery } from './paging';

function stringList(value: unknown, what: string, host: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new BerthError('UNEXPECTED_RESPONSE', `${host} answered a malformed ${what} list. Check that the URL points at a container registry.`);
  }
  return value as string[];
}

async function getJson(client: RegistryClient, url: string, scope: Parameters<RegistryClient['request']>[0]['scope'], signal?: AbortSignal) {
  const res = await client.request({ method: 'GET', url, scope, headers: { accept: 'application/json' }, signal });
  const text = await bodyText(res, signal);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new BerthError('UNEXPECTED_RESPONSE', `${client.config.host} answered ${new URL(url, client.config.baseUrl).pathname} with something that is not JSON. Check that the URL points at a container registry.`);
  }
  return { json: json ?? {}, link: res.headers.link, url: res.url };
}

/** One page of `_catalog`; `next` is the `last` cursor from the Link header. */
export async function listRepositories(client: RegistryClient, page?: PageOptions, signal?: AbortSignal): Promise<CatalogPage> {
  const { json, link, url } = await getJson(client, `/v2/_catalog${pageQuery(page)}`, 'catalog', signal);
  const repositories = stringList(json.repositories, 'repository', client.config.host);
  return { repositories, next: nextCursor(link, url) };
}

/** Every repository, following pages of 1000. */
export async function listAllRepositories(client: RegistryClient, signal?: AbortSignal): Promise<string[]> {
  const all: string[] = [];
  let last: string | undefined;
  for (;;) {
    const p = await listRepositories(client, { n: MAX_PAGE_SIZE, last }, signal);
    all.push(...p.repositories);
    // A cursor that does not advance would loop forever on a misbehaving registry.
    if (!p.next || p.next === last) return all;
    last = p.next;
  }
}

interface RawTags {
  tags: string[];
  next: string | null;
  /** False when the registry ignored `n`/`last` and sent the whole list. */
  serverPaged: boolean;
}

async function fetchTags(client: RegistryClient, repository: string, page: PageOptions | undefined, signal?: AbortSignal): Promise<RawTags> {
  assertRepository(repository);
  const { json, link, url } = await getJson(client, `/v2/${repository}/tags/list${pageQuery(page)}`, { repository, actions: ['pull'] }, signal);
  const tags = stringList(json.tags, 'tag', client.config.host);
  if (link !== undefined) return { tags, next: nextCursor(link, url), serverPaged: true };
  // Without a Link this is the last (or only) page: put it in the spec's lexical order.
  tags.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = clampPageSize(page?.n);
  const ignoredN = n !== undefined && tags.length > n;
  const ignoredLast = page?.last !== undefined && tags.some((t) => t <= page.last!);
  return { tags, next: null, serverPaged: !(ignoredN || ignoredLast) };
}

/** One page of a repository's tags; `"tags": null` (every tag deleted) is an empty list. */
export async function listTags(client: RegistryClient, repository: string, page?: PageOptions, signal?: AbortSignal): Promise<TagsPage> {
  const raw = await fetchTags(client, repository, page, signal);
  if (raw.serverPaged) return { tags: raw.tags, next: raw.next };
  const local = pageLocally(raw.tags, page);
  return { tags: local.items, next: local.next };
}

/** Every tag of a repository, following pages of 1000 (one request when the registry ignores `n`). */
export async function listAllTags(client: RegistryClient, repository: string, signal?: AbortSignal): Promise<string[]> {
  const all: string[] = [];
  let last: string | undefined;
  for (;;) {
    const raw = await fetchTags(client, repository, { n: MAX_PAGE_SIZE, last }, signal);
    if (!raw.serverPaged) {
      const rest = last === undefined ? raw.tags : raw.tags.filter((t) => t > last!);
      return [...new Set([...all, ...rest])];
    }
    all.push(...raw.tags);
    if (!raw.next || raw.next === last) return all;
    last = raw.next;
  }
}
