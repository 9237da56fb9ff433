import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/registry/ports';
import type { RateLimit } from '../../shared/connection-types';
import { hubNextPage, isValidHubNamespace, listHubNamespace } from './hub';
import { failure } from '../../../test/support/engine/client';

/**
 * hub.docker.com is not reachable from the test machines, and no local program serves its
 * /v2/repositories/ API, so this imitates just the JSON fields Berth reads (results[].name,
 * next) plus a 404 and Hub's rate-limit headers. Everything else goes to real registries.
 */
function fakeHub(namespaces: Record<string, string[]>): Promise<{ base: string; seen: { url: string; authorization?: string }[]; server: Server }> {
  const seen: { url: string; authorization?: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    const m = /^\/v2\/repositories\/([^/]+)\/$/.exec(url.pathname);
    const names = m ? namespaces[m[1]] : undefined;
    if (!names) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'object not found', errinfo: {} }));
      return;
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Number(url.searchParams.get('page_size') ?? '10');
    const slice = names.slice((page - 1) * size, page * size);
    const more = page * size < names.length;
    const next = more ? `https://hub.docker.com/v2/repositories/${m![1]}/?page=${page + 1}&page_size=${size}` : null;
    res.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': String(180 - seen.length) });
    res.end(JSON.stringify({ count: names.length, next, previous: null, results: slice.map((name) => ({ name, namespace: m![1], star_count: 1, description: 'd' })) }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server })));
}

describe('listHubNamespace (against a loopback imitation of Hub)', () => {
  const dispatcher = new Agent();
  let hub: Awaited<ReturnType<typeof fakeHub>>;
  const library = Array.from({ length: 230 }, (_, i) => `image-${String(i).padStart(3, '0')}`);
  beforeAll(async () => {
    hub = await fakeHub({ library, acme: ['api', 'web', 'Bad Name!'] });
  });
  afterAll(async () => {
    hub.server.closeAllConnections();
    await new Promise((r) => hub.server.close(r));
    await dispatcher.close();
  });

  it('pages through a namespace, giving full repository names and the next page number', async () => {
    const limits: RateLimit[] = [];
    const opts = { dispatcher, apiBase: hub.base, onRateLimit: (l: RateLimit) => limits.push(l) };
    const all: string[] = [];
    let page: number | null = 1;
    const pages: number[] = [];
    while (page !== null) {
      const p = await listHubNamespace('library', page, opts);
      expect(p.namespace).toBe('library');
      pages.push(page);
      all.push(...p.repositories);
      page = p.next;
    }
    expect(pages).toEqual([1, 2, 3]);
    expect(all).toEqual(library.map((n) => `library/${n}`));
    expect(hub.seen.slice(-3).map((s) => s.url)).toEqual([1, 2, 3].map((n) => `/v2/repositories/library/?page=${n}&page_size=100`));
    expect(limits).toHaveLength(3);
    expect(limits[2]).toMatchObject({ limit: 180, remaining: 180 - hub.seen.length, windowSeconds: null });
  });

  it('sends the given Authorization and leaves out names that are not repository names', async () => {
    const p = await listHubNamespace('acme', 1, { dispatcher, apiBase: hub.base, authorization: 'Bearer hub-jwt' });
    expect(p).toEqual({ namespace: 'acme', repositories: ['acme/api', 'acme/web'], next: null });
    expect(hub.seen.at(-1)?.authorization).toBe('Bearer hub-jwt');
  });

  it('maps a missing namespace to NAME_UNKNOWN', async () => {
    const e = await failure(listHubNamespace('nobody-here', 1, { dispatcher, apiBase: hub.base }));
    expect(e.code).toBe('NAME_UNKNOWN');
    expect(e.message).toMatch(/no namespace "nobody-here" on Docker Hub/);
  });

  it('refuses bad namespaces and pages before sending anything', async () => {
    const before = hub.seen.length;
    for (const ns of ['', 'Acme', 'a/b', '..', '.hidden', 'a b', 'x'.repeat(256), 'acme?page=9']) {
      const e = await failure(listHubNamespace(ns, 1, { dispatcher, apiBase: hub.base }));
      expect(e.code).toBe('INVALID_ARGUMENT');
    }
    for (const page of [0, -1, 1.5, Number.NaN]) {
      expect((await failure(listHubNamespace('acme', page, { dispatcher, apiBase: hub.base }))).code).toBe('INVALID_ARGUMENT');
    }
    expect(hub.seen.length).toBe(before);
    expect(isValidHubNamespace('library')).toBe(true);
    expect(isValidHubNamespace('my-org.io_x')).toBe(true);
  });

  it("says Hub's API is unreachable (and that pinned repositories still work) when nothing answers", async () => {
    const port = await freePort(); // nothing listens there
    const e = await failure(listHubNamespace('library', 1, { dispatcher, apiBase: `http://127.0.0.1:${port}` }));
    expect(e.code).toBe('CONNECTION_REFUSED');
    expect(e.message).toMatch(/Docker Hub's API .* is not reachable from here/);
    expect(e.message).toMatch(/pinned repositories still work/);
  });

  it('reports a cancelled listing as CANCELLED', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await failure(listHubNamespace('library', 1, { dispatcher, apiBase: hub.base, signal: ac.signal }))).code).toBe('CANCELLED');
  });
});

describe('hubNextPage', () => {
  it("reads the page number of Hub's next URL", () => {
    expect(hubNextPage('https://hub.docker.com/v2/repositories/library/?page=4&page_size=100')).toBe(4);
    expect(hubNextPage(null)).toBeNull();
    expect(hubNextPage('')).toBeNull();
    expect(hubNextPage('https://hub.docker.com/v2/repositories/library/?page=zero')).toBeNull();
  });
});
