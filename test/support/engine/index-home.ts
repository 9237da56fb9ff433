/** Registry indexes in temporary folders, for the index's integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '../../../src/main/store/content-store';
import { RegistryIndex } from '../../../src/main/index/registry-index';

/** A temporary folder with a ContentStore and a way to open (or reopen, like after a restart) the index of one registry. */
export async function tempIndexHome(): Promise<{ dir: string; content: ContentStore; open: (sub?: string) => Promise<RegistryIndex>; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-index-it-'));
  const content = new ContentStore(join(dir, 'content'));
  return {
    dir,
    content,
    async open(sub = 'index') {
      const idx = new RegistryIndex('test', join(dir, sub), content);
      await idx.load();
      return idx;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
