/**
 * Broken archives, one per failure openArchive must name: each comes with the error code it
 * must produce (null when it opens fine and the push must find the problem).
 */
import { stat, truncate, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { ErrorCode } from '../../../src/shared/errors';
import { hexOf, sha256 } from '../digest';
import { writeTar } from '../images/tar';
import { buildArchive, type BuiltArchive } from './archive';

/** Every way an archive can be broken that openArchive (or the push) must name. */
export type BrokenKind =
  | 'not-tar'
  | 'empty'
  | 'zero-blocks'
  | 'truncated'
  | 'truncated-gzip'
  | 'cut-before-manifest'
  | 'gzip-not-tar'
  | 'zstd-whole'
  | 'no-manifest'
  | 'bad-json'
  | 'bad-config-json'
  | 'bad-config-digest'
  | 'missing-layer'
  | 'missing-config'
  | 'missing-oci-manifest'
  | 'dotdot'
  | 'absolute'
  | 'manifest-dotdot'
  | 'symlink-escape'
  | 'huge-manifest'
  | 'dense-manifest'
  | 'layer-count-mismatch'
  | 'wrong-diff-id';

/** Cuts a file down to `size` bytes. */
export async function truncateFile(path: string, size: number): Promise<void> {
  await truncate(path, size);
}

const one = (layout: 'docker-legacy' | 'docker-oci' | 'oci' = 'docker-legacy') => ({
  layout,
  images: [{ tags: ['broken:1'], layers: [{ sizeBytes: 64 * 1024 }, { files: { 'etc/hostname': 'broken\n' } }] }],
});

/** Builds a broken archive of the given kind at `path`; `expectedCode` is what openArchive must throw. */
export async function buildBrokenArchive(path: string, kind: BrokenKind): Promise<{ path: string; expectedCode: ErrorCode | null; built?: BuiltArchive }> {
  const expect = (expectedCode: ErrorCode | null, built?: BuiltArchive) => ({ path, expectedCode, built });
  switch (kind) {
    case 'not-tar':
      await writeFile(path, 'this is a text file, not a tar archive\n'.repeat(40));
      return expect('ARCHIVE_NOT_TAR');
    case 'empty':
      await writeFile(path, '');
      return expect('ARCHIVE_EMPTY');
    case 'zero-blocks':
      await writeFile(path, Buffer.alloc(1024));
      return expect('ARCHIVE_EMPTY');
    case 'truncated': {
      const built = await buildArchive(path, { ...one(), manifestAtEnd: false });
      // Cut in the middle of the 64 KiB layer.
      await truncateFile(path, (await stat(path)).size - 40 * 1024);
      return expect('ARCHIVE_TRUNCATED', built);
    }
    case 'truncated-gzip': {
      const built = await buildArchive(path, { ...one(), gzipWhole: true });
      await truncateFile(path, Math.floor((await stat(path)).size / 2));
      return expect('ARCHIVE_TRUNCATED', built);
    }
    case 'cut-before-manifest': {
      // Ends on a block boundary with no end-of-archive marker, before manifest.json.
      const built = await buildArchive(path, { ...one(), manifestAtEnd: true, omitEntries: ['manifest.json', 'repositories'] });
      await truncateFile(path, (await stat(path)).size - 1024);
      return expect('ARCHIVE_TRUNCATED', built);
    }
    case 'gzip-not-tar':
      await writeFile(path, gzipSync(Buffer.from('not a tar inside this gzip\n'.repeat(100))));
      return expect('ARCHIVE_NOT_TAR');
    case 'zstd-whole':
      await writeFile(path, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600, 1)]));
      return expect('ARCHIVE_UNSUPPORTED');
    case 'no-manifest':
      await writeTar(path, [{ name: 'hello.txt', data: 'just a file\n' }]);
      return expect('ARCHIVE_NO_MANIFEST');
    case 'bad-json':
      return expect('ARCHIVE_BAD_JSON', await buildArchive(path, { ...one(), replaceEntries: { 'manifest.json': '[{"Config": ' } }));
    case 'bad-config-json':
      // A config that is valid JSON but no image config (no rootfs).
      return expect('ARCHIVE_BAD_JSON', await badConfigShape(path));
    case 'bad-config-digest': {
      const probe = await buildArchive(path, one());
      const cfg = probe.images[0].configEntry;
      // Same name, different bytes: the config no longer hashes to the digest it is named by.
      const changed = probe.images[0].config.toString().replace('"os":"linux"', '"os":"Linux"');
      return expect('DIGEST_MISMATCH', await buildArchive(path, { ...one(), replaceEntries: { [cfg]: changed } }));
    }
    case 'missing-layer': {
      const probe = await buildArchive(path, one());
      return expect('ARCHIVE_MISSING_BLOB', await buildArchive(path, { ...one(), omitEntries: [probe.images[0].layerEntries[1]] }));
    }
    case 'missing-config': {
      const probe = await buildArchive(path, one('docker-oci'));
      return expect('ARCHIVE_MISSING_BLOB', await buildArchive(path, { ...one('docker-oci'), omitEntries: [probe.images[0].configEntry] }));
    }
    case 'missing-oci-manifest': {
      const probe = await buildArchive(path, one('oci'));
      const name = `blobs/sha256/${hexOf(probe.images[0].manifestDigest!)}`;
      return expect('ARCHIVE_MISSING_BLOB', await buildArchive(path, { ...one('oci'), omitEntries: [name] }));
    }
    case 'dotdot':
      return expect('ARCHIVE_UNSAFE_PATH', await buildArchive(path, { ...one(), extraEntries: [{ name: '../escape.txt', data: 'x' }] }));
    case 'absolute':
      return expect('ARCHIVE_UNSAFE_PATH', await buildArchive(path, { ...one(), extraEntries: [{ name: '/etc/escape', data: 'x' }] }));
    case 'symlink-escape':
      return expect(
        'ARCHIVE_UNSAFE_PATH',
        await buildArchive(path, { ...one(), extraEntries: [{ name: 'sub/evil.tar', type: 'symlink', target: '../../outside.tar' }] }),
      );
    case 'manifest-dotdot': {
      const manifest = JSON.stringify([{ Config: '../outside.json', RepoTags: ['x:1'], Layers: [] }]);
      return expect('ARCHIVE_UNSAFE_PATH', await buildArchive(path, { ...one(), replaceEntries: { 'manifest.json': manifest } }));
    }
    case 'huge-manifest': {
      const huge = `[${' '.repeat(17 * 1024 * 1024)}]`;
      return expect('ARCHIVE_TOO_LARGE', await buildArchive(path, { ...one(), replaceEntries: { 'manifest.json': huge } }));
    }
    case 'dense-manifest': {
      // Under the size cap, but more JSON values than the reader parses from one archive (each costs heap).
      const dense = `[${'0,'.repeat(2_100_000)}0]`;
      return expect('ARCHIVE_TOO_LARGE', await buildArchive(path, { ...one(), replaceEntries: { 'manifest.json': dense } }));
    }
    case 'layer-count-mismatch': {
      const probe = await buildArchive(path, one());
      const item = { Config: probe.images[0].configEntry, RepoTags: ['x:1'], Layers: probe.images[0].layerEntries.slice(0, 1) };
      return expect('ARCHIVE_BAD_JSON', await buildArchive(path, { ...one(), replaceEntries: { 'manifest.json': JSON.stringify([item]) } }));
    }
    case 'wrong-diff-id':
      return expect(null, await buildArchive(path, { ...one(), wrongDiffId: true }));
  }
}

async function badConfigShape(path: string): Promise<BuiltArchive> {
  const probe = await buildArchive(path, one());
  const notConfig = Buffer.from(JSON.stringify({ hello: 'world' }));
  const name = `${hexOf(sha256(notConfig))}.json`;
  const manifest = JSON.stringify([{ Config: name, RepoTags: ['x:1'], Layers: probe.images[0].layerEntries }]);
  return buildArchive(path, { ...one(), replaceEntries: { 'manifest.json': manifest }, extraEntries: [{ name, data: notConfig }] });
}
