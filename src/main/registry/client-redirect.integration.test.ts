/**
 * Issue #9 item 1: a registry redirects a blob GET to another origin, and that origin asks for
 * credentials with its own Bearer realm. The registry's credentials must never reach it, and no
 * token it hands out may be used against the registry.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, type PushedImage } from '../../../test/support/images/push';
import { listTags } from './browse';
import { fetchBlobBytes } from './manifest';
import { clientFor, failure } from '../../../test/support/engine/client';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';

interface GreedyStorage {
  url: string;
  host: string;
  seen: { url: string; headers: IncomingMessage['headers'] }[];
  stop(): Promise<void>;
}

/** "Storage" on another origin that answers every request 401 with a Bearer realm of its own. */
async function startGreedyStorage(): Promise<GreedyStorage> {
  const seen: GreedyStorage['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ token: 'stolen-token', expires_in: 300 }));
    }
    const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="storage"`, 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    seen,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** A front for `reg` that redirects signed-in blob GETs to `storage` (the registry itself challenges the rest). */
function redirectingFront(reg: RunningRegistry, storageUrl: string): Promise<TestProxy> {
  return startProxy(reg.url, {
    answer: (req, res) => {
      if (req.method === 'GET' && req.headers.authorization && /\/blobs\/sha256:/.test(req.url ?? '')) {
        res.writeHead(307, { location: `${storageUrl}${req.url}` });
        res.end();
        return true;
      }
      return false;
    },
  });
}

for (const auth of ['htpasswd', 'token'] as const) {
  describe(`a blob redirect to an origin that asks for credentials (${auth} registry)`, () => {
    let reg: RunningRegistry;
    let img: PushedImage;
    beforeAll(async () => {
      reg = await startRegistry({ auth });
      img = await pushImage(reg, 'team/app', ['v1']);
    });
    afterAll(() => reg.stop());

    for (const warm of [true, false]) {
      it(`${warm ? 'after a first call' : 'on a fresh client'}: no Authorization and no realm request to the foreign origin, its token never used, an error that says why`, async () => {
        const storage = await startGreedyStorage();
        const front = await redirectingFront(reg, storage.url);
        const c = clientFor(reg, { baseUrl: front.url });
        try {
          // Warm: the blob GET carries credentials at once; fresh: it meets the registry's own challenge first.
          if (warm) await listTags(c, 'team/app');
          const e = await failure(fetchBlobBytes(c, 'team/app', img.configDigest, 1 << 20));
          expect(storage.seen.length).toBeGreaterThan(0);
          expect(storage.seen.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
          expect(storage.seen.filter((r) => r.url.startsWith('/token'))).toEqual([]);
          expect(front.seen.filter((r) => r.headers.authorization === 'Bearer stolen-token')).toEqual([]);
          expect(e.message).toContain(`redirected GET blob ${img.configDigest} in team/app to ${storage.host}, which asked for credentials`);
          expect(e.message).toContain('Berth refused to send the credentials saved for');
          expect(e.code).toBe('UNEXPECTED_RESPONSE');
          // The registry's own credentials did go to the registry (and, for token auth, to its realm on another origin).
          expect(front.seen.some((r) => r.url.includes('/blobs/') && r.headers.authorization !== undefined)).toBe(true);
          expect(c.authScheme).toBe(auth === 'token' ? 'bearer' : 'basic');
          if (auth === 'token') expect(reg.issuer!.requests).toBeGreaterThan(0);

          // The client still talks to the registry as before.
          expect((await listTags(c, 'team/app')).tags).toEqual(['v1']);
          expect(storage.seen.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
        } finally {
          await c.close();
          await Promise.all([front.stop(), storage.stop()]);
        }
      });
    }
  });
}
