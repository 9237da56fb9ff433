import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../digest';
import { seedClient } from '../images/seed-client';
import { startRegistry, type RunningRegistry } from '../registry/start';
import { startProxy, textFilter } from './proxy';
import { cutDownloadOnce } from './request';

let reg: RunningRegistry;
const blob = Buffer.alloc(256 * 1024, 7);
const digest = sha256(blob);

beforeAll(async () => {
  reg = await startRegistry();
  await seedClient(reg).putBlob('t/app', digest, blob);
});
afterAll(() => reg?.stop());

describe('the test proxy', () => {
  it('counts by kind and body bytes, and keeps an upload on itself unless told to send the upstream its own Host', async () => {
    const proxy = await startProxy(reg.url);
    const direct = await startProxy(reg.url, { upstreamHost: true });
    try {
      const started = await fetch(`${proxy.url}/v2/t/up/blobs/uploads/`, { method: 'POST' });
      expect(started.status).toBe(202);
      const location = new URL(started.headers.get('location')!);
      expect(location.host).toBe(proxy.host);
      location.searchParams.set('digest', digest);
      expect((await fetch(location, { method: 'PUT', body: blob })).status).toBe(201);
      expect(proxy.requests).toEqual({ 'POST uploads': 1, 'PUT uploads': 1 });
      expect(proxy.bodyBytes.PUT).toBe(blob.length);
      expect(proxy.locations).toEqual([started.headers.get('location')]);
      await proxy.waitIdle(50);
      expect(proxy.seen.map((r) => [r.kind, r.status, r.complete])).toEqual([['POST uploads', 202, true], ['PUT uploads', 201, true]]);

      const elsewhere = await fetch(`${direct.url}/v2/t/up/blobs/uploads/`, { method: 'POST' });
      expect(new URL(elsewhere.headers.get('location')!).host).toBe(reg.host);
      proxy.reset();
      expect([proxy.seen.length, proxy.requests]).toEqual([0, {}]);
    } finally {
      await Promise.all([proxy.stop(), direct.stop()]);
    }
  });

  it('answers with a fault, cuts one download mid-body, and flips a byte on the way up', async () => {
    const proxy = await startProxy(reg.url, { fault: (r) => (r.kind === 'GET other' ? { kind: 'respond', status: 503 } : null) });
    try {
      const refused = await fetch(`${proxy.url}/v2/`);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });

      proxy.fault = cutDownloadOnce(digest, 1000);
      const cut = await fetch(`${proxy.url}/v2/t/app/blobs/${digest}`);
      await expect(cut.arrayBuffer()).rejects.toThrow();
      const whole = Buffer.from(await (await fetch(`${proxy.url}/v2/t/app/blobs/${digest}`)).arrayBuffer());
      expect(whole.equals(blob)).toBe(true);
      const gets = proxy.seen.filter((r) => r.kind === 'GET blobs');
      await proxy.waitIdle(50);
      expect(gets.map((r) => [r.fault, r.bytes, r.complete])).toEqual([['cut-response', 1000, false], [undefined, blob.length, true]]);

      proxy.fault = (r) => (r.kind === 'PUT uploads' ? { kind: 'flip', atByte: 10 } : null);
      const started = await fetch(`${proxy.url}/v2/t/flip/blobs/uploads/`, { method: 'POST' });
      const location = new URL(started.headers.get('location')!);
      location.searchParams.set('digest', digest);
      const put = await fetch(location, { method: 'PUT', body: blob });
      expect(put.status).toBe(400);
      expect(await put.json()).toMatchObject({ errors: [{ code: 'DIGEST_INVALID' }] });
      expect(proxy.faults).toBe(3);
    } finally {
      await proxy.stop();
    }
  });

  it('rewrites what goes up, changes what comes down, answers itself, and goes down for a while', async () => {
    const proxy = await startProxy(reg.url, {
      rewrite: (out) => {
        out.url = out.url.replace('/v2/alias/', '/v2/t/app/');
      },
      onResponse: (r, headers) => {
        headers['x-seen-by'] = 'proxy';
        return r.kind === 'GET tags' ? textFilter((text) => text.toUpperCase()) : undefined;
      },
      answer: (req, res) => {
        if (req.url !== '/teapot') return false;
        res.writeHead(418).end();
        return true;
      },
    });
    try {
      const head = await fetch(`${proxy.url}/v2/alias/blobs/${digest}`, { method: 'HEAD' });
      expect([head.status, head.headers.get('x-seen-by')]).toEqual([200, 'proxy']);
      expect(await (await fetch(`${proxy.url}/v2/t/app/tags/list`)).text()).toMatch(/^\{"ERRORS"/);
      expect((await fetch(`${proxy.url}/teapot`)).status).toBe(418);
      // Stops listening at once: the next connection is refused until it listens again.
      const down = proxy.down(1000);
      await expect(fetch(`${proxy.url}/v2/`)).rejects.toThrow();
      await down;
      expect((await fetch(`${proxy.url}/v2/`)).status).toBe(200);
    } finally {
      await proxy.stop();
    }
  });
});
