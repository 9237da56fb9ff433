/**
 * Pushes against a real registry behind a fault proxy: rate limits with Retry-After, a registry
 * that goes away for two seconds, an upload that stalls. Each push must finish with the right
 * tag, and say in its progress what it waited for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildArchive } from '../../../test/support/archives/archive';
import { CHUNK_SIZE } from '../registry/upload-chunks';
import { pushTo } from '../../../test/support/engine/push';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { openUploads } from '../../../test/support/registry/storage';
import { readBack, resentBytes, tagsOf } from '../../../test/support/registry/read-back';
import { nthChunk } from '../../../test/support/proxy/request';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-faults-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const LAYER = 26 * 1024 * 1024;

async function archive(name: string, big = true) {
  const layers = big ? [{ sizeBytes: LAYER }, { sizeBytes: 1000 }] : [{ sizeBytes: 5000 }];
  return buildArchive(join(dir, `${name}.tar`), { layout: 'docker-legacy', seed: name, images: [{ tags: [`${name}:1`], layers }] });
}

async function withProxy<T>(proxy: TestProxy, fn: (p: TestProxy) => Promise<T>): Promise<T> {
  try {
    return await fn(proxy);
  } finally {
    await proxy.stop();
  }
}

describe('Retry-After', () => {
  it('waits as long as a 429 asks (not 200 ms) and shows the wait in progress', async () => {
    const built = await archive('ratelimited', false);
    let firstRefusal: number | null = null;
    // The manifest PUT is refused for 2.5 s after the first refusal, each time asking for 2 s.
    const proxy = await startProxy(reg.url, {
      fault: (r) => {
        if (r.kind !== 'PUT manifests') return null;
        firstRefusal ??= performance.now();
        return performance.now() - firstRefusal < 2500 ? { kind: 'respond', status: 429, headers: { 'retry-after': '2' } } : null;
      },
    });
    await withProxy(proxy, async () => {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-429'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect((await readBack(reg, 'ratelimited', '1')).diffIds).toEqual(built.images[0].diffIds);
      const puts = proxy.seen.filter((l) => l.kind === 'PUT manifests');
      expect(puts.length).toBe(3);
      // Each retry came no sooner than the registry asked.
      for (let i = 1; i < puts.length; i++) expect(puts[i].at - puts[i - 1].at).toBeGreaterThanOrEqual(1900);
      const notices = out.events.map((e) => e.notice).filter((n) => n);
      expect(notices[0]).toEqual({ kind: 'rate-limited', message: `${new URL(proxy.url).host} asked to wait, retrying in 2 s`, retryInSeconds: 2 });
      expect(out.events.at(-1)?.notice ?? null).toBeNull();
    });
  });

  it('honours Retry-After on 503 for uploads too, and resumes the upload where it stood', async () => {
    const built = await archive('unavailable');
    const nth = nthChunk(CHUNK_SIZE);
    const proxy = await startProxy(reg.url, { fault: (r) => (nth(r) === 2 ? { kind: 'respond', status: 503, headers: { 'retry-after': '2' } } : null) });
    await withProxy(proxy, async () => {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-503'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(out.events.some((e) => e.notice?.kind === 'rate-limited' && /retrying in 2 s/.test(e.notice.message))).toBe(true);
      const refused = proxy.seen.findIndex((l) => l.fault);
      const again = proxy.seen.slice(refused + 1).find((l) => l.url === proxy.seen[refused].url)!;
      expect(again.at - proxy.seen[refused].at).toBeGreaterThanOrEqual(1900);
      // The refused PATCH was sent again, nothing more.
      expect(await resentBytes(reg, proxy, 'unavailable', '1')).toBeLessThanOrEqual(CHUNK_SIZE);
    });
  });

  it('gives up at once, saying so, when the registry asks for longer than the bound', async () => {
    const built = await archive('toolong', false);
    const proxy = await startProxy(reg.url, { fault: (r) => (r.kind === 'PUT manifests' ? { kind: 'respond', status: 429, headers: { 'retry-after': '3600' } } : null) });
    await withProxy(proxy, async () => {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-long'), baseUrl: proxy.url });
      expect(out.error?.code).toBe('TOOMANYREQUESTS');
      expect(out.error?.message).toMatch(/asked Berth to wait 3600 s before trying again, longer than Berth waits \(60 s\)/);
      expect(proxy.requests['PUT manifests']).toBe(1);
    });
  });

  it('a cancel ends a wait at once, and leaves no tag', { timeout: 20_000 }, async () => {
    const built = await archive('cancel-wait', false);
    const proxy = await startProxy(reg.url, { fault: (r) => (r.kind === 'PUT manifests' ? { kind: 'respond', status: 429, headers: { 'retry-after': '50' } } : null) });
    const controller = new AbortController();
    await withProxy(proxy, async () => {
      const out = await pushTo(reg, built.path, {}, {
        cacheDir: join(dir, 'c-cancel-wait'),
        baseUrl: proxy.url,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.notice?.kind === 'rate-limited') controller.abort();
        },
      });
      expect(out.error?.code).toBe('CANCELLED');
      expect(proxy.requests['PUT manifests']).toBe(1);
      expect(await tagsOf(reg, 'cancel-wait')).toEqual([]);
    });
  });
});

describe('an unreachable registry', () => {
  it('a registry down for 2 s mid-push: the push waits, finishes and the tag is right', async () => {
    const built = await archive('outage');
    let proxy: TestProxy | null = null;
    let outage: Promise<void> | null = null;
    const nth = nthChunk(CHUNK_SIZE);
    proxy = await startProxy(reg.url, {
      fault: (r) => {
        if (nth(r) === 3) outage = proxy!.down(2000);
        return null;
      },
    });
    await withProxy(proxy, async (p) => {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-down'), baseUrl: p.url });
      await outage;
      expect(outage).not.toBeNull();
      expect(out.error).toBeUndefined();
      expect((await readBack(reg, 'outage', '1')).diffIds).toEqual(built.images[0].diffIds);
      expect(out.events.some((e) => e.notice?.kind === 'unreachable' && /unreachable, retrying in \d+ s/.test(e.notice.message))).toBe(true);
      expect(await openUploads(reg, 'outage')).toEqual([]);
      console.log(`[measure] push with a 2 s outage: ${out.seconds.toFixed(1)} s, ${await resentBytes(reg, p, 'outage', '1')} bytes re-sent`);
    });
  });

  it('a registry that stays down ends the push with a clear message after the bound', async () => {
    const built = await archive('gone', false);
    const proxy = await startProxy(reg.url);
    const url = proxy.url;
    await proxy.stop();
    const out = await pushTo(reg, built.path, { target: 'gone:1' }, { cacheDir: join(dir, 'c-gone'), baseUrl: url, timings: { unreachableForMs: 1500 } });
    expect(out.error?.code).toBe('CONNECTION_REFUSED');
    expect(out.error?.message).toMatch(/stayed unreachable for 2 s during the push.*check that the registry is running/);
  });
});

describe('a stalled upload', () => {
  it('is aborted after the stall time (not undici\'s 30 s) and resumed where the registry stood', { timeout: 25_000 }, async () => {
    const built = await archive('stalled');
    // A buffering proxy that stops reading the second chunk and never answers: nothing reached the registry.
    const nth = nthChunk(CHUNK_SIZE);
    const proxy = await startProxy(reg.url, { fault: (r) => (nth(r) === 2 ? { kind: 'stall', afterBytes: 512 * 1024 } : null) });
    await withProxy(proxy, async () => {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-stall'), baseUrl: proxy.url, timings: { stallMs: 1500 } });
      expect(out.error).toBeUndefined();
      expect(proxy.faults).toBe(1);
      expect(out.events.some((e) => e.notice?.kind === 'stalled')).toBe(true);
      expect((await readBack(reg, 'stalled', '1')).diffIds).toEqual(built.images[0].diffIds);
      const resent = await resentBytes(reg, proxy, 'stalled', '1');
      expect(resent).toBeLessThan(CHUNK_SIZE);
      console.log(`[measure] push with a stalled PATCH (stall 1.5 s): ${out.seconds.toFixed(1)} s, ${resent} bytes re-sent`);
    });
  });
});
