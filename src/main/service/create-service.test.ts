/** The composition root: settings read once from the environment, and one cache folder for every shell. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import type { PushOutcome } from '../../shared/types';
import { buildArchive } from '../../../test/support/archives/archive';
import { runPushCommand } from '../cli/commands/push';
import { digestOf } from '../registry/digest';
import { GZIP_LEVEL } from '../push/encode';
import { gzipEngine, parallelGzip } from '../push/parallel-gzip';
import { createService } from './create-service';
import { platformCacheDir, platformDataDir, readSettings } from './settings';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-create-service-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('readSettings', () => {
  it('takes the shell’s paths first, then BERTH_DATA_DIR / BERTH_CACHE_DIR, then the platform’s folders', () => {
    const env = { XDG_CACHE_HOME: '/xdg/cache', XDG_CONFIG_HOME: '/xdg/config' };
    expect(readSettings(env)).toEqual({ dataDir: '/xdg/config/berth', cacheDir: '/xdg/cache/berth', firstRegistry: { url: 'http://localhost:5000', insecure: false } });
    expect(readSettings({ ...env, BERTH_DATA_DIR: '/d', BERTH_CACHE_DIR: '/c' })).toMatchObject({ dataDir: '/d', cacheDir: '/c' });
    expect(readSettings({ ...env, BERTH_DATA_DIR: '/d' }, { dataDir: '/userData' })).toMatchObject({ dataDir: '/userData', cacheDir: '/xdg/cache/berth' });
    expect(platformCacheDir({ LOCALAPPDATA: 'C:\\Local' }, 'win32')).toBe(join('C:\\Local', 'berth', 'cache'));
    expect(platformDataDir({}, 'darwin')).toMatch(/Library[/\\]Application Support[/\\]berth$/);
  });

  it('reads the first registry and the gzip engine', () => {
    expect(readSettings({ REGISTRY_URL: ' http://registry.lan:5000 ', REGISTRY_INSECURE: 'yes', BERTH_GZIP: 'zlib' })).toMatchObject({
      firstRegistry: { url: 'http://registry.lan:5000', insecure: true },
      gzip: 'zlib',
    });
    expect(readSettings({ BERTH_GZIP: 'fast' }).gzip).toBeUndefined();
  });
});

describe('createService', () => {
  it('gives the desktop app (its userData only) and berth push one cache folder: a push by one is a re-push for the other', async () => {
    const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
    const cacheDir = join(dir, 'xdg', 'berth');
    // The call Electron makes: its data folder and nothing about the cache.
    const service = await createService({ dataDir: join(dir, 'userData'), env, pushInProcess: true });
    try {
      expect(service.dataDir).toBe(join(dir, 'userData'));
      expect(service.engines?.content.root).toBe(join(cacheDir, 'content'));
      expect(service.engines?.keys.list()).toEqual([]);
      const archive = join(dir, 'app.tar');
      await buildArchive(archive, { layout: 'docker-legacy', manifestAtEnd: true, seed: 'one-cache', images: [{ tags: ['demo:1'], layers: [{ sizeBytes: 200_000 }] }] });
      const file = await service.registerPath(archive);
      const registry = await service.addRegistry({ url: reg.host });
      const done = new Promise<PushOutcome>((ok) => service.events.on('push:done', ok));
      await service.startPush({ handle: file.handle, registryId: registry.id, target: 'desktop/app:1', compression: 'gzip' });
      expect(await done).toMatchObject({ ok: true });
      expect(existsSync(join(cacheDir, 'push-cache.json'))).toBe(true);

      const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, BERTH_CACHE_DIR: process.env.BERTH_CACHE_DIR };
      process.env.XDG_CACHE_HOME = env.XDG_CACHE_HOME;
      delete process.env.BERTH_CACHE_DIR;
      const out = { stdout: '', stderr: '' };
      const stream = (key: 'stdout' | 'stderr') => ({ isTTY: false, write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WriteStream;
      try {
        expect(await runPushCommand([archive, `${reg.host}/cli/app:1`, '--json'], { stdout: stream('stdout'), stderr: stream('stderr') })).toBe(0);
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      // The CLI knew every compressed digest from the desktop push and mounted instead of uploading.
      expect(JSON.parse(out.stdout)).toMatchObject({ ok: true, bytesUploaded: 0 });
    } finally {
      await service.close();
    }
  });

  // With libdeflate built the two engines frame gzip differently, so the layer's digest tells which one ran.
  it.skipIf(gzipEngine !== 'libdeflate')('passes BERTH_GZIP=zlib on to the push engine', async () => {
    const service = await createService({ dataDir: join(dir, 'gzip-data'), cacheDir: join(dir, 'gzip-cache'), env: { BERTH_GZIP: 'zlib' }, pushInProcess: true });
    try {
      const archive = join(dir, 'zlib.tar');
      const built = await buildArchive(archive, { layout: 'docker-legacy', manifestAtEnd: true, seed: 'zlib-engine', images: [{ tags: ['demo:1'], layers: [{ sizeBytes: 300_000 }] }] });
      const registry = await service.addRegistry({ url: reg.host });
      const done = new Promise<PushOutcome>((ok) => service.events.on('push:done', ok));
      await service.startPush({ handle: (await service.registerPath(archive)).handle, registryId: registry.id, target: 'zlib/app:1', compression: 'gzip' });
      expect(await done).toMatchObject({ ok: true });
      const tar = built.images[0].layerBlobs[0];
      const wire: Buffer[] = [];
      for await (const c of parallelGzip((async function* () { yield tar; })(), { level: GZIP_LEVEL, engine: 'zlib' })) wire.push(c);
      const summary = await service.getManifest(registry.id, 'zlib/app', '1');
      expect(summary.kind === 'image' && summary.layers[0]?.digest).toBe(digestOf(Buffer.concat(wire)));
    } finally {
      await service.close();
    }
  });
});
