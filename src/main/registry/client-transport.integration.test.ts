import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/registry/ports';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { listAllTags, listTags } from './browse';
import { RegistryClient } from './client';
import { fetchBlobBytes, fetchManifest, headManifest } from './manifest';
import { clientFor, failure } from '../../../test/support/engine/client';
import { startProxy } from '../../../test/support/proxy/proxy';
import { basicAuth } from '../../../test/support/images/seed-client';

describe('TLS', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ tls: true });
    await pushImage(reg, 'secure/app', ['v1']);
  });
  afterAll(() => reg.stop());

  it('trusts the registry CA given in the config', async () => {
    const c = clientFor(reg);
    try {
      expect((await listTags(c, 'secure/app')).tags).toEqual(['v1']);
    } finally {
      await c.close();
    }
  });

  it('refuses an unknown CA with TLS_UNTRUSTED, even when marked insecure, unless verification is skipped', async () => {
    const strict = clientFor(reg, { caPem: undefined });
    const insecure = clientFor(reg, { caPem: undefined, insecure: true });
    const skip = clientFor(reg, { caPem: undefined, tlsSkipVerify: true });
    try {
      for (const c of [strict, insecure]) {
        const e = await failure(listTags(c, 'secure/app'));
        expect(e.code).toBe('TLS_UNTRUSTED');
        expect(e.message).toMatch(/is self-signed, so no known authority vouches for it\. If you trust this registry, trust its CA file or its certificate in the registry's settings\./);
      }
      expect((await listTags(skip, 'secure/app')).tags).toEqual(['v1']);
    } finally {
      await Promise.all([strict.close(), insecure.close(), skip.close()]);
    }
  });

  it('explains plain http sent to the TLS port', async () => {
    const c = clientFor(reg, { baseUrl: reg.url.replace('https:', 'http:') });
    try {
      expect((await failure(listTags(c, 'secure/app'))).code).toBe('TLS_FAILURE');
    } finally {
      await c.close();
    }
  });
});

describe('transport', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushImage(reg, 'team/app', ['a', 'b', 'c', 'd', 'e', 'f']);
  });
  afterAll(() => reg.stop());

  it('maps a closed port to CONNECTION_REFUSED', async () => {
    const port = await freePort();
    const c = new RegistryClient({ baseUrl: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` });
    try {
      const e = await failure(listTags(c, 'x'));
      expect(e.code).toBe('CONNECTION_REFUSED');
      expect(e.message).toContain(`Nothing is listening at 127.0.0.1:${port}; is the registry running?`);
    } finally {
      await c.close();
    }
  });

  it('maps a stalled registry to TIMEOUT', async () => {
    const proxy = await startProxy(reg.url, { answer: () => true }); // never answers
    const c = new RegistryClient({ baseUrl: proxy.url, host: 'stall' }, { headersTimeoutMs: 300 });
    try {
      expect((await failure(listTags(c, 'x'))).code).toBe('TIMEOUT');
    } finally {
      await c.close();
      await proxy.stop();
    }
  });

  it('cancels a request in flight, and names a body that stalls mid-way', async () => {
    const proxy = await startProxy(reg.url, {
      answer: (req, res) => {
        if (req.url?.includes('/manifests/')) {
          res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '1000' });
          res.write('{"schemaVersion":');
          return true; // …and never finishes
        }
        return true; // never answers
      },
    });
    const c = new RegistryClient({ baseUrl: proxy.url, host: 'stall' }, { bodyTimeoutMs: 300 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      expect((await failure(listTags(c, 'x', undefined, ac.signal))).code).toBe('CANCELLED');
      expect((await failure(fetchManifest(c, 'x', 'v1'))).code).toBe('TIMEOUT');
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(new Error('user closed the window')), 100);
      expect((await failure(fetchManifest(c, 'x', 'v1', ac2.signal))).code).toBe('CANCELLED');
    } finally {
      await c.close();
      await proxy.stop();
    }
  });

  it('bounds concurrency and drops queued requests whose signal aborted', async () => {
    const proxy = await startProxy(reg.url, { delayMs: 50 });
    const c = clientFor(reg, { baseUrl: proxy.url, maxConcurrency: 2 });
    try {
      await listTags(c, 'team/app');
      proxy.seen.length = 0;
      const tags = await listAllTags(c, 'team/app');
      const heads = await Promise.all(tags.map((t) => headManifest(c, 'team/app', t)));
      expect(heads.every((h) => h !== null)).toBe(true);
      expect(proxy.peak).toBeLessThanOrEqual(2);
      // Hold both slots with unread bodies, queue a third and abort it: it is never sent.
      const held = await Promise.all([1, 2].map(() => c.request({ method: 'GET', url: '/v2/team/app/tags/list', scope: { repository: 'team/app', actions: ['pull'] } })));
      const sent = c.requestCount;
      const ac = new AbortController();
      const queued = c.request({ method: 'GET', url: '/v2/team/app/tags/list', scope: { repository: 'team/app', actions: ['pull'] }, signal: ac.signal });
      ac.abort();
      expect((await failure(queued)).code).toBe('CANCELLED');
      await Promise.all(held.map((r) => r.body.dump()));
      expect(c.requestCount).toBe(sent);
      expect((await listTags(c, 'team/app')).tags).toHaveLength(6); // slots were released
    } finally {
      await c.close();
      await proxy.stop();
    }
  });

  it('follows blob redirects without sending Authorization to another origin', async () => {
    const img = await pushImage(reg, 'team/redirected', ['v1']);
    // "Object storage": another origin that serves blobs with its own (presigned) access.
    const storage = await startProxy(reg.url, {
      rewrite: (out) => {
        out.headers.authorization = basicAuth(reg.username!, reg.password!);
      },
    });
    const front = await startProxy(reg.url, {
      answer: (req, res) => {
        if (req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '')) {
          res.writeHead(307, { location: `${storage.url}${req.url}` });
          res.end();
          return true;
        }
        return false;
      },
    });
    const c = clientFor(reg, { baseUrl: front.url });
    try {
      await listTags(c, 'team/redirected'); // learns Basic, so the blob GET carries credentials
      const bytes = await fetchBlobBytes(c, 'team/redirected', img.configDigest, 1 << 20);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(img.config);
      const blobHits = storage.seen.filter((r) => r.url.includes('/blobs/'));
      expect(blobHits.length).toBe(1);
      expect(blobHits[0].headers.authorization).toBeUndefined();
      expect(front.seen.some((r) => r.url.includes('/blobs/') && r.headers.authorization?.startsWith('Basic '))).toBe(true);
    } finally {
      await c.close();
      await Promise.all([front.stop(), storage.stop()]);
    }
  });

  it('gives up after 5 redirects', async () => {
    const loop = await startProxy(reg.url, {
      answer: (req, res) => {
        res.writeHead(302, { location: req.url ?? '/' });
        res.end();
        return true;
      },
    });
    const c = new RegistryClient({ baseUrl: loop.url, host: 'loop' });
    try {
      const e = await failure(fetchBlobBytes(c, 'team/app', `sha256:${'1'.repeat(64)}`, 10));
      expect(e.code).toBe('UNEXPECTED_RESPONSE');
      expect(c.requestCount).toBe(6);
    } finally {
      await c.close();
      await loop.stop();
    }
  });
});
