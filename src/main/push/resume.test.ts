import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildArchive } from '../../../test/support/archives/archive';
import { CHUNK_SIZE } from '../registry/upload-chunks';
import { pushTo } from '../../../test/support/engine/push';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { openUploads, uploadFolders } from '../../../test/support/registry/storage';
import { readBack, resentBytes, tagsOf } from '../../../test/support/registry/read-back';
import { nthChunk, type FaultRule } from '../../../test/support/proxy/request';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-resume-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const LAYER = 26 * 1024 * 1024;

async function bigArchive(name: string) {
  // Pseudo-random bytes barely compress, so the gzip blob is about as large as the layer.
  return buildArchive(join(dir, `${name}.tar`), { layout: 'docker-legacy', seed: name, images: [{ tags: [`${name}:1`], layers: [{ sizeBytes: LAYER }, { sizeBytes: 1000 }] }] });
}

/** Cuts the `n`th PATCH carrying a whole chunk after 1 MiB of its body, forwarding that MiB or not. */
function cutChunk(n: number, forward: boolean): FaultRule {
  const nth = nthChunk(CHUNK_SIZE);
  return (r) => (nth(r) === n ? { kind: 'cut', afterBytes: 1024 * 1024, forward } : null);
}

describe('interrupted uploads', () => {
  it('resumes from the registry\'s Range after the connection is cut mid-PATCH', async () => {
    const built = await bigArchive('resume-drop');
    const proxy = await startProxy(reg.url, { fault: cutChunk(2, false) });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c1'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(proxy.faults).toBe(1);
      const stored = await readBack(reg, 'resume-drop', '1');
      expect(stored.diffIds).toEqual(built.images[0].diffIds);
      const blobBytes = stored.manifest.layers.reduce((a, l) => a + l.size, 0) + built.images[0].config.length;
      const sent = (proxy.bodyBytes.PATCH ?? 0) + (proxy.bodyBytes.PUT ?? 0);
      const manifestBytes = (await reg.fetch('/v2/resume-drop/manifests/1', { headers: { accept: stored.mediaType } }).then((r) => r.arrayBuffer())).byteLength;
      const resent = sent - blobBytes - manifestBytes;
      // Only the cut part of one chunk went twice, far less than the layer.
      expect(resent).toBeGreaterThan(0);
      expect(resent).toBeLessThan(CHUNK_SIZE);
      expect(resent).toBeLessThan(LAYER);
      expect(out.bytesUploaded).toBe(blobBytes);
      expect(await openUploads(reg, 'resume-drop')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('recovers when the registry got part of the cut PATCH: only that blob starts over, its old session DELETEd', async () => {
    const built = await bigArchive('resume-partial');
    const proxy = await startProxy(reg.url, { fault: cutChunk(2, true) });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c2'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(proxy.faults).toBe(1);
      const stored = await readBack(reg, 'resume-partial', '1');
      expect(stored.diffIds).toEqual(built.images[0].diffIds);
      // distribution drops a session asked about with a stale offset: the big blob went again from
      // its start (what it had sent: one chunk and the cut part), the small ones did not.
      const resent = await resentBytes(reg, proxy, 'resume-partial', '1');
      expect(resent).toBeGreaterThan(CHUNK_SIZE);
      expect(resent).toBeLessThan(2 * CHUNK_SIZE);
      expect(proxy.requests['DELETE uploads']).toBe(1);
      // distribution 2.8 can neither resume nor DELETE a session that got part of a chunk (its
      // signed offset no longer matches): it keeps that one until its upload purging. Only that one.
      expect(await openUploads(reg, 'resume-partial')).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('after a cut and a 2 s outage, asks the registry where the upload stands and continues at its offset', async () => {
    const built = await bigArchive('resume-outage');
    let proxy: TestProxy | null = null;
    let outage: Promise<void> | null = null;
    // A buffering proxy in front of a registry that restarts: the cut chunk never reached it, and
    // for 2 s nothing answers.
    const nth = nthChunk(CHUNK_SIZE);
    proxy = await startProxy(reg.url, {
      fault: (r) => {
        if (nth(r) !== 2) return null;
        outage = new Promise((ok) => setTimeout(ok, 100)).then(() => proxy!.down(2000));
        return { kind: 'cut', afterBytes: 1024 * 1024, forward: false };
      },
    });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-outage'), baseUrl: proxy.url });
      await outage;
      expect(out.error).toBeUndefined();
      expect((await readBack(reg, 'resume-outage', '1')).diffIds).toEqual(built.images[0].diffIds);
      expect(proxy.requests['GET uploads']).toBeGreaterThanOrEqual(1);
      const resent = await resentBytes(reg, proxy, 'resume-outage', '1');
      expect(resent).toBe(1024 * 1024);
      expect(proxy.requests['POST uploads']).toBe(3);
      expect(proxy.requests['DELETE uploads'] ?? 0).toBe(0);
      console.log(`[measure] cut + 2 s outage: ${resent} bytes re-sent of a ${LAYER}-byte layer, ${out.seconds.toFixed(1)} s`);
    } finally {
      await proxy.stop();
    }
  });
});

describe('faults that keep coming', () => {
  const cutEvery = (forward: boolean): FaultRule => (r) => (r.kind === 'PATCH uploads' ? { kind: 'cut', afterBytes: 256 * 1024, forward } : null);

  it.each([
    ['the registry got part of each chunk', true],
    ['nothing of each chunk reached the registry', false],
  ])('a connection cut every time (%s) is named a network problem, and leaves no session it could DELETE', async (_what, forward) => {
    const repo = `cut-always-${forward ? 'fwd' : 'drop'}`;
    const built = await bigArchive(repo);
    const proxy = await startProxy(reg.url, { fault: cutEvery(forward) });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, `c-${repo}`), baseUrl: proxy.url, timings: { unreachableForMs: 2000 } });
      expect(out.error?.code).toBe('NETWORK');
      expect(out.error?.message).toMatch(new RegExp(`The connection to ${new URL(proxy.url).host.replace(/\./g, '\\.')} was cut \\d+ times during the push; check the network or proxy`));
      expect(out.error?.message).not.toMatch(/storage/);
      expect(await tagsOf(reg, repo)).toEqual([]);
      // Every session was DELETEd except, on distribution 2.8, those that got part of a cut chunk.
      const cutSessions = new Set(proxy.seen.filter((l) => l.fault).map((l) => /\/uploads\/([^/?]+)/.exec(l.url)![1]));
      const left = await openUploads(reg, repo);
      if (forward) for (const id of left) expect(cutSessions).toContain(id);
      else expect(left).toEqual([]);
      console.log(`[measure] ${repo}: ${proxy.requests['POST uploads']} sessions opened, ${(await uploadFolders(reg, repo)).length} _uploads folders left (empty), ${proxy.faults} cuts`);
    } finally {
      await proxy.stop();
    }
  });

  it('bytes damaged on the way (DIGEST_INVALID after a clean read) are sent once more, then the push goes on', async () => {
    const built = await bigArchive('flip-once');
    const nth = nthChunk(CHUNK_SIZE);
    const proxy = await startProxy(reg.url, { fault: (r) => (nth(r) === 1 ? { kind: 'flip', atByte: 1000 } : null) });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-flip'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(proxy.faults).toBe(1);
      expect((await readBack(reg, 'flip-once', '1')).diffIds).toEqual(built.images[0].diffIds);
      expect(await openUploads(reg, 'flip-once')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('bytes damaged every time: says they were damaged on the way, not that the archive is bad', async () => {
    const built = await bigArchive('flip-always');
    const proxy = await startProxy(reg.url, { fault: (r) => (r.kind === 'PATCH uploads' ? { kind: 'flip', atByte: 10 } : null) });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c-flip2'), baseUrl: proxy.url });
      expect(out.error?.code).toBe('DIGEST_INVALID');
      expect(out.error?.message).toMatch(/received different bytes for sha256:[0-9a-f]{64} than Berth sent \(2 times; the archive read was intact\): the data was damaged on the way/);
      expect(await tagsOf(reg, 'flip-always')).toEqual([]);
      expect(await openUploads(reg, 'flip-always')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

describe('cancel', () => {
  it('leaves no tag and no open upload', async () => {
    const built = await bigArchive('cancel-me');
    const proxy = await startProxy(reg.url);
    const controller = new AbortController();
    try {
      const out = await pushTo(reg, built.path, {}, {
        cacheDir: join(dir, 'c3'),
        baseUrl: proxy.url,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.layers.some((l) => l.state === 'uploading') && (proxy.requests['PATCH uploads'] ?? 0) > 0) controller.abort();
        },
      });
      expect(out.ok).toBe(false);
      expect(out.error?.code).toBe('CANCELLED');
      expect(out.events.at(-1)?.phase).toBe('cancelled');
      expect(proxy.locations.length).toBeGreaterThan(0);
      expect(await tagsOf(reg, 'cancel-me')).toEqual([]);
      expect(await openUploads(reg, 'cancel-me')).toEqual([]);
      for (const loc of new Set(proxy.locations)) {
        const direct = new URL(loc);
        const res = await reg.fetch(direct.pathname + direct.search);
        await res.body?.cancel();
        expect(res.status).toBe(404);
      }
    } finally {
      await proxy.stop();
    }
  });
});
