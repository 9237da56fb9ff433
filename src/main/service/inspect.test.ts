/** The service reads dropped archives in the engine worker, and cleans up after a crashed Berth at start. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appTempRoot } from '../archive/temp-root';
import { buildArchive } from '../../../test/support/archives/archive';
import { bundleForTest } from '../../../test/support/engine/bundle';
import { BerthService } from './service';

let dir: string;
let workerFile: string;
let service: BerthService;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-inspect-'));
  process.env.TMPDIR = dir;
  workerFile = await bundleForTest('src/main/push/worker.ts', 'push-worker');
  service = new BerthService({ workerUrl: pathToFileURL(workerFile) });
});
afterAll(async () => {
  await service?.close();
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(dir, { recursive: true, force: true });
  if (workerFile) await rm(workerFile, { force: true });
});

/** Runs `work` and returns what it resolved to plus every name seen in the app's temp root meanwhile. */
async function watchRoot<T>(work: Promise<T>): Promise<{ value: T; seen: Set<string> }> {
  const root = (await appTempRoot())!;
  const seen = new Set<string>();
  let done = false;
  const value = work.finally(() => (done = true));
  while (!done) {
    for (const name of await readdir(root)) seen.add(name);
    await new Promise((r) => setTimeout(r, 2));
  }
  return { value: await value, seen };
}

describe('inspectArchive', () => {
  it('reads the archive in the engine worker (its own temp folder, gone afterwards)', async () => {
    const built = await buildArchive(join(dir, 'w.tar.gz'), { layout: 'docker-legacy', gzipWhole: true, images: [{ tags: ['w:1'], layers: [{ sizeBytes: 16 * 1024 * 1024 }] }] });
    const file = await service.registerPath(built.path, { name: 'w.tar.gz' });
    const { value, seen } = await watchRoot(service.inspectArchive(file.handle));
    expect(value).toMatchObject({ handle: file.handle, name: 'w.tar.gz', compressed: true, images: [{ tags: ['w:1'] }] });
    expect([...seen].some((n) => n.startsWith(`berth-worker-${process.pid}-`))).toBe(true);
    expect(await readdir((await appTempRoot())!)).toEqual([]);
  });

  it('keeps an uploaded file until the inspection reading it ends, even when it is released meanwhile', async () => {
    const built = await buildArchive(join(dir, 'upload.tar.gz'), { layout: 'docker-oci', gzipWhole: true, images: [{ tags: ['u:1'], layers: [{ sizeBytes: 8 * 1024 * 1024 }] }] });
    const file = await service.registerPath(built.path, { name: 'u.tar.gz', temp: true });
    const inspecting = service.inspectArchive(file.handle);
    await service.releaseFile(file.handle);
    expect(existsSync(built.path)).toBe(true);
    expect((await inspecting).images[0].tags).toEqual(['u:1']);
    await expect.poll(() => existsSync(built.path)).toBe(false);
  });
});

describe('start-up', () => {
  it('removes the spool and upload folders a crashed Berth left behind', async () => {
    const root = (await appTempRoot())!;
    const dead = await new Promise<number>((resolve) => {
      const p = spawn(process.execPath, ['-e', '']);
      p.on('exit', () => resolve(p.pid!));
    });
    const left = [`berth-archive-${dead}-a1b2c3`, `berth-upload-${dead}-d4e5f6`];
    for (const name of left) {
      await mkdir(join(root, name));
      await writeFile(join(root, name, '0.blob'), Buffer.alloc(4096));
      await utimes(join(root, name), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    }
    const fresh = new BerthService();
    try {
      await expect.poll(() => readdir(root)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
