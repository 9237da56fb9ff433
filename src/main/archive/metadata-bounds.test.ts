/** What the reader keeps of an archive's metadata is bounded in all, not only per file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_TOTAL } from './contents';
import { openArchive } from './index';
import { hexOf, sha256 } from '../../../test/support/digest';
import { type TarEntry, writeTar } from '../../../test/support/images/tar';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-metadata-bounds-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('metadata bounds', () => {
  it('refuses an archive whose configs together hold more metadata than any image archive (they stay in memory)', async () => {
    const entries: TarEntry[] = [];
    const manifest = [];
    // Five images with 14 MiB configs: each under the per-file cap, 70 MiB together.
    for (let i = 0; i < 5; i++) {
      const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] }, pad: `${i}`.repeat(14 * 1024 * 1024) }));
      const name = `${hexOf(sha256(config))}.json`;
      entries.push({ name, data: config });
      manifest.push({ Config: name, RepoTags: [`big/config${i}:1`], Layers: [] });
    }
    entries.push({ name: 'manifest.json', data: JSON.stringify(manifest) });
    const path = join(dir, 'configs.tar');
    await writeTar(path, entries);
    // Compared field by field: printing an opened archive with 70 MiB of configs would take the test runner down.
    const err = await openArchive(path).then(
      async (opened) => (await opened.close(), null),
      (e: Error & { code?: string }) => e,
    );
    expect(err?.code).toBe('ARCHIVE_TOO_LARGE');
    expect(err?.message).toContain(`configs.tar holds more than ${METADATA_TOTAL / 1024 / 1024} MiB of metadata`);
  });
});
