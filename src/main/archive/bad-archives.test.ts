import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import { openArchive } from './index';
import { buildArchive } from '../../../test/support/archives/archive';
import { type BrokenKind, buildBrokenArchive } from '../../../test/support/archives/broken';
import { sha256 } from '../../../test/support/digest';

let dir: string;
let spool: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-bad-archive-'));
  spool = join(dir, 'spool');
  await mkdir(spool);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kinds: BrokenKind[] = [
  'not-tar',
  'empty',
  'zero-blocks',
  'truncated',
  'truncated-gzip',
  'cut-before-manifest',
  'gzip-not-tar',
  'zstd-whole',
  'no-manifest',
  'bad-json',
  'bad-config-json',
  'bad-config-digest',
  'missing-layer',
  'missing-config',
  'missing-oci-manifest',
  'dotdot',
  'absolute',
  'manifest-dotdot',
  'symlink-escape',
  'huge-manifest',
  'dense-manifest',
  'layer-count-mismatch',
];

describe('openArchive: every bad input has its code and an actionable message', () => {
  for (const kind of kinds) {
    it(kind, async () => {
      const file = `${kind}.tar`;
      const { path, expectedCode } = await buildBrokenArchive(join(dir, file), kind);
      const err = await openArchive(path, { tempDir: spool }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BerthError);
      expect(err).toMatchObject({ code: expectedCode, message: expect.stringContaining(file) });
      // Every message says what to do, not only what happened.
      expect((err as Error).message).toMatch(/docker save|copy it again|decompress|trust/);
      // Nothing left behind (spooled .tar.gz entries are removed on failure).
      expect(await readdir(spool)).toEqual([]);
    });
  }

  it('bad JSON names the file', async () => {
    const { path } = await buildBrokenArchive(join(dir, 'named.tar'), 'bad-json');
    await expect(openArchive(path)).rejects.toMatchObject({ code: 'ARCHIVE_BAD_JSON', message: expect.stringContaining('manifest.json') });
  });

  it('a missing blob is named', async () => {
    const { path, built } = await buildBrokenArchive(join(dir, 'missing-named.tar'), 'missing-layer');
    await expect(openArchive(path)).rejects.toMatchObject({ detail: { entry: built!.images[0].layerEntries[1] } });
  });

  it('a wrong diff ID is not an open-time error', async () => {
    const { path, expectedCode } = await buildBrokenArchive(join(dir, 'wrong-diff.tar'), 'wrong-diff-id');
    expect(expectedCode).toBeNull();
    const opened = await openArchive(path);
    const layer = opened.images[0].layers[0];
    const chunks: Buffer[] = [];
    for await (const c of opened.openBlob(layer.source!)) chunks.push(c as Buffer);
    expect(sha256(Buffer.concat(chunks))).not.toBe(layer.diffId);
  });

  it('a file that does not exist, or a folder, is an invalid argument', async () => {
    await expect(openArchive(join(dir, 'nope.tar'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openArchive(spool)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('an aborted open is CANCELLED and leaves no spool behind', async () => {
    const built = await buildArchive(join(dir, 'abort.tar.gz'), { layout: 'docker-oci', gzipWhole: true, images: [{ tags: ['a:1'], layers: [{ sizeBytes: 4 * 1024 * 1024 }] }] });
    const ac = new AbortController();
    const opening = openArchive(built.path, { tempDir: spool, signal: ac.signal });
    ac.abort();
    await expect(opening).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await readdir(spool)).toEqual([]);
  });
});
