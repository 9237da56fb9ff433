import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../e2e/support/registry';
import { buildArchive } from '../archive/test-fixtures';
import { CHUNK_SIZE } from './blob-push';
import { startProxy } from './test-proxy';
import { openUploads, pushTo, readBack, tagsOf } from './test-push-helpers';

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

describe('interrupted uploads', () => {
  it('resumes from the registry\'s Range after the connection is cut mid-PATCH', async () => {
    const built = await bigArchive('resume-drop');
    const proxy = await startProxy(reg.url, { patchNumber: 2, afterBytes: 1024 * 1024, mode: 'drop' });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c1'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(proxy.cut).toBe(true);
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
      await proxy.close();
    }
  });

  it('recovers when the registry got part of the cut PATCH (distribution drops such a session)', async () => {
    const built = await bigArchive('resume-partial');
    const proxy = await startProxy(reg.url, { patchNumber: 2, afterBytes: 1024 * 1024, mode: 'forward-partial' });
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'c2'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(proxy.cut).toBe(true);
      const stored = await readBack(reg, 'resume-partial', '1');
      expect(stored.diffIds).toEqual(built.images[0].diffIds);
    } finally {
      await proxy.close();
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
          if (p.layers.some((l) => l.state === 'uploading') && proxy.patches > 0) controller.abort();
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
      await proxy.close();
    }
  });
});
