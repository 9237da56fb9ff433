/** Archive inspection in the engine worker: same answer as in-process, crashes contained, nothing left behind. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appTempRoot } from '../archive/temp-root';
import { buildArchive } from '../../../test/support/archives/archive';
import { ArchiveInspector } from './inspector';
import { bundleForTest } from '../../../test/support/engine/bundle';

let dir: string;
let workerFile: string;
let workerUrl: URL;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-inspector-'));
  workerFile = await bundleForTest('src/main/push/worker.ts', 'push-worker');
  workerUrl = pathToFileURL(workerFile);
  // A private TMPDIR: the test sees exactly which temp folders exist.
  process.env.TMPDIR = dir;
});
afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(dir, { recursive: true, force: true });
  if (workerFile) await rm(workerFile, { force: true });
});

async function leftovers(): Promise<string[]> {
  return readdir((await appTempRoot())!);
}

const images = [{ tags: ['insp:1'], layers: [{ sizeBytes: 3 * 1024 * 1024 }, { files: { 'etc/hostname': 'x\n' } }] }];

describe('ArchiveInspector', () => {
  it('lists the images in a worker exactly as in-process, and removes the worker’s temp folder', async () => {
    const built = await buildArchive(join(dir, 'a.tar.gz'), { layout: 'docker-oci', gzipWhole: true, images });
    const req = { path: built.path, name: 'a.tar.gz', handle: 'h1' };
    const inWorker = await new ArchiveInspector({ workerUrl }).inspect(req);
    const inProcess = await new ArchiveInspector({ inProcess: true }).inspect(req);
    expect(inWorker).toEqual(inProcess);
    expect(inWorker).toMatchObject({ handle: 'h1', name: 'a.tar.gz', format: 'docker-oci', compressed: true, images: [{ tags: ['insp:1'], layerCount: 2 }] });
    expect(await leftovers()).toEqual([]);
  });

  it('an archive error crosses the worker as the same error', async () => {
    const path = join(dir, 'not.tar');
    await buildArchive(path, { layout: 'docker-legacy', images, replaceEntries: { 'manifest.json': '[{"Config": ' } });
    await expect(new ArchiveInspector({ workerUrl }).inspect({ path, name: 'shown.tar', handle: 'h' })).rejects.toMatchObject({
      code: 'ARCHIVE_BAD_JSON',
      message: expect.stringContaining('shown.tar'),
    });
  });

  it('a worker that runs out of heap is an error about that file; the next archive is read as usual', async () => {
    // Under the reader's bounds (fewer than 2 million JSON values), yet ~100 MB of heap once parsed: more than this worker has.
    const huge = `[${'{},'.repeat(950_000)}{}]`;
    const path = join(dir, 'huge.tar');
    await buildArchive(path, { layout: 'docker-legacy', images, replaceEntries: { 'manifest.json': huge } });
    const small = new ArchiveInspector({ workerUrl, maxHeapMb: 32 });
    await expect(small.inspect({ path, name: 'huge.tar', handle: 'h' })).rejects.toMatchObject({
      code: 'ARCHIVE_TOO_LARGE',
      message: expect.stringMatching(/^Reading huge\.tar needed more than the 32 MB of memory .* \(the app is fine\)/),
    });
    const ok = await buildArchive(join(dir, 'ok.tar'), { layout: 'docker-legacy', images });
    expect((await small.inspect({ path: ok.path, name: 'ok.tar', handle: 'h2' })).images[0].tags).toEqual(['insp:1']);
    expect(await leftovers()).toEqual([]);
  });

  it('a worker that cannot start is an error, not a hang', async () => {
    const missing = new ArchiveInspector({ workerUrl: pathToFileURL(join(dir, 'no-such-worker.js')) });
    await expect(missing.inspect({ path: join(dir, 'x.tar'), name: 'x.tar', handle: 'h' })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('x.tar') });
  });

  it('cancels an inspection', async () => {
    const built = await buildArchive(join(dir, 'c.tar.gz'), { layout: 'docker-legacy', gzipWhole: true, images: [{ tags: ['c:1'], layers: [{ sizeBytes: 24 * 1024 * 1024 }] }] });
    const ac = new AbortController();
    const inspecting = new ArchiveInspector({ workerUrl }).inspect({ path: built.path, name: 'c.tar.gz', handle: 'h' }, ac.signal);
    ac.abort();
    await expect(inspecting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await leftovers()).toEqual([]);
  });
});
