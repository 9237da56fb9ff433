import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import type { PushOutcome, PushProgress } from '../../shared/types';
import { buildArchive } from '../../../test/support/archives/archive';
import { PushManager, type PushJobInput } from './manager';
import { bundleForTest } from '../../../test/support/engine/bundle';
import { openUploads } from '../../../test/support/registry/storage';
import { readBack, tagsOf } from '../../../test/support/registry/read-back';

let reg: RunningRegistry;
let dir: string;
let workerUrl: URL;
let workerFile: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-manager-'));
  // The worker is an ES module bundle like electron-vite's out/main/push-worker.js.
  workerFile = await bundleForTest('src/main/push/worker.ts', 'push-worker');
  workerUrl = pathToFileURL(workerFile);
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (workerFile) await rm(workerFile, { force: true });
});

function job(archivePath: string, request: Partial<PushJobInput['request']> = {}): PushJobInput {
  return { archivePath, fileName: 'x.tar', registry: { baseUrl: reg.url, host: reg.host }, request: { handle: 'h', registryId: 'r', ...request } };
}

function waitDone(m: PushManager, id: string): Promise<PushOutcome> {
  return new Promise((res) => {
    const off = m.on('done', (o) => {
      if (o.pushId !== id) return;
      off();
      res(o);
    });
  });
}

describe('PushManager', () => {
  for (const mode of ['worker', 'in-process'] as const) {
    it(`pushes in a ${mode} and reports throttled progress then the outcome`, async () => {
      const m = new PushManager(mode === 'worker' ? { cacheDir: join(dir, `cache-${mode}`), workerUrl } : { cacheDir: join(dir, `cache-${mode}`), inProcess: true });
      const built = await buildArchive(join(dir, `${mode}.tar`), { layout: 'docker-oci', seed: mode, images: [{ tags: [`mgr-${mode}:1`], layers: [{ sizeBytes: 12 * 1024 * 1024 }, { sizeBytes: 1000 }] }] });
      const progress: { p: PushProgress; t: number }[] = [];
      m.on('progress', (p) => progress.push({ p, t: performance.now() }));
      const t0 = performance.now();
      const id = m.start(job(built.path));
      expect(m.list().map((s) => s.pushId)).toContain(id);
      const outcome = await waitDone(m, id);
      expect(outcome.error).toBeUndefined();
      expect(outcome.ok).toBe(true);
      expect(outcome.pushed[0].tag).toBe('1');
      expect((await readBack(reg, `mgr-${mode}`, '1')).diffIds).toEqual(built.images[0].diffIds);
      expect(progress.at(-1)!.p.phase).toBe('done');
      expect(progress.every((e) => e.p.pushId === id)).toBe(true);
      // At most ~10 events a second, plus the final one.
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.length).toBeLessThanOrEqual(Math.ceil((performance.now() - t0) / 100) + 2);
      const summary = m.list().find((s) => s.pushId === id)!;
      expect(summary.outcome?.ok).toBe(true);
      expect(summary.progress.phase).toBe('done');
      await m.close();
    });
  }

  it('cancels a push running in a worker: no tag, no open upload', async () => {
    const m = new PushManager({ cacheDir: join(dir, 'cache-cancel'), workerUrl });
    const built = await buildArchive(join(dir, 'cancel.tar'), { layout: 'docker-legacy', seed: 'cancel', images: [{ tags: ['mgr-cancel:1'], layers: [{ sizeBytes: 40 * 1024 * 1024 }] }] });
    const id = m.start(job(built.path));
    const done = waitDone(m, id);
    await new Promise<void>((res) => {
      const off = m.on('progress', (p) => {
        if (p.bytesDone > 4 * 1024 * 1024) {
          off();
          res();
        }
      });
    });
    await m.cancel(id);
    const outcome = await done;
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('CANCELLED');
    expect(await tagsOf(reg, 'mgr-cancel')).toEqual([]);
    expect(await openUploads(reg, 'mgr-cancel')).toEqual([]);
    await m.close();
  });

  it('reports a worker that cannot start as a failed push', async () => {
    const m = new PushManager({ cacheDir: join(dir, 'cache-bad'), workerUrl: pathToFileURL(join(dir, 'no-such-worker.js')) });
    const id = m.start(job(join(dir, 'whatever.tar')));
    const outcome = await waitDone(m, id);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('INTERNAL');
    await m.close();
  });
});
