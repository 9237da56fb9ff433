import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildArchive } from '../../../test/support/archives/archive';
import { CACHE_FILE } from './cache';
import { pushTo } from '../../../test/support/engine/push';
import { startProxy } from '../../../test/support/proxy/proxy';
import { readBack } from '../../../test/support/registry/read-back';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-repush-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const layers = [{ sizeBytes: 2 * 1024 * 1024 }, { sizeBytes: 9 * 1024 * 1024 }, { files: { 'app/run.sh': 'echo hi\n' } }];

describe('re-push with the local cache', () => {
  it('a second push of the same archive uploads 0 bytes and compresses nothing', async () => {
    const cacheDir = join(dir, 'cache-a');
    const built = await buildArchive(join(dir, 'again.tar'), { layout: 'docker-legacy', images: [{ tags: ['again:1'], layers }] });
    const first = await pushTo(reg, built.path, {}, { cacheDir });
    expect(first.error).toBeUndefined();
    expect(first.bytesUploaded).toBeGreaterThan(11 * 1024 * 1024 * 0.9);
    const cache = JSON.parse(await readFile(join(cacheDir, CACHE_FILE), 'utf8')) as { layers: Record<string, { digest: string }> };
    expect(Object.keys(cache.layers)).toHaveLength(layers.length);

    const second = await pushTo(reg, built.path, {}, { cacheDir });
    expect(second.error).toBeUndefined();
    expect(second.bytesUploaded).toBe(0);
    expect(second.pushed[0].digest).toBe(first.pushed[0].digest);
    const states = second.events.at(-1)!.layers.map((l) => l.state);
    expect(states.every((s) => s === 'exists')).toBe(true);
    // Nothing was ever compressed: no event shows a layer compressing or uploading.
    expect(second.events.some((e) => e.layers.some((l) => l.state === 'compressing' || l.state === 'uploading'))).toBe(false);
  });

  it('without the cache it recompresses but still skips what the registry has (deterministic gzip)', async () => {
    const built = await buildArchive(join(dir, 'nocache.tar'), { layout: 'docker-oci', seed: 'nocache', images: [{ tags: ['nocache:1'], layers }] });
    const first = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'cache-b1') });
    expect(first.error).toBeUndefined();
    const second = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'cache-b2') });
    expect(second.error).toBeUndefined();
    expect(second.pushed[0].digest).toBe(first.pushed[0].digest);
    // Blobs that fit one request are HEADed once their digest is known, before any upload starts.
    expect(second.bytesUploaded).toBeLessThan(first.bytesUploaded - 2 * 1024 * 1024);
    expect(second.events.at(-1)!.layers.filter((l) => l.state === 'exists').length).toBeGreaterThanOrEqual(2);
  });

  it('mounts layers into another repository of the same registry instead of uploading them', async () => {
    const cacheDir = join(dir, 'cache-c');
    const built = await buildArchive(join(dir, 'mount.tar'), { layout: 'docker-legacy', seed: 'mount', images: [{ tags: ['mount-src:1'], layers }] });
    const first = await pushTo(reg, built.path, {}, { cacheDir });
    expect(first.error).toBeUndefined();
    const second = await pushTo(reg, built.path, { target: 'mount-dst:2' }, { cacheDir });
    expect(second.error).toBeUndefined();
    expect(second.bytesUploaded).toBe(0);
    const states = second.events.at(-1)!.layers.map((l) => l.state);
    // Every layer and the config.
    expect(states.filter((s) => s === 'mounted')).toHaveLength(layers.length + 1);
    const stored = await readBack(reg, 'mount-dst', '2');
    expect(stored.diffIds).toEqual(built.images[0].diffIds);
  });

  it('two tags of one image: the manifest is PUT under each, blobs pushed once', async () => {
    const built = await buildArchive(join(dir, 'twotags.tar'), { layout: 'docker-legacy', seed: 'two', images: [{ tags: ['two:a', 'two:b'], layers: [{ sizeBytes: 4000 }] }] });
    const proxy = await startProxy(reg.url);
    try {
      const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'cache-d'), baseUrl: proxy.url });
      expect(out.error).toBeUndefined();
      expect(out.pushed.map((p) => p.tag)).toEqual(['two:a', 'two:b'].map((t) => t.split(':')[1]));
      expect(new Set(out.pushed.map((p) => p.digest)).size).toBe(1);
      expect(proxy.requests['PUT manifests']).toBe(2);
      // One upload per blob (layer + config), not per tag.
      expect(proxy.requests['POST uploads']).toBe(2);
      expect((await readBack(reg, 'two', 'a')).digest).toBe((await readBack(reg, 'two', 'b')).digest);
    } finally {
      await proxy.stop();
    }
  });
});
