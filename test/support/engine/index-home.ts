/** Test helper (integration tests only): indexes in temporary folders, blob-store sizes, stopping a registry for GC. */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningRegistry } from '../registry/start';
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

/** Every blob in the registry's filesystem storage, digest → bytes of its `data` file. */
export async function storedBlobs(reg: RunningRegistry): Promise<Map<string, number>> {
  const root = join(reg.storageDir, 'docker/registry/v2/blobs/sha256');
  const out = new Map<string, number>();
  for (const prefix of await readdir(root).catch(() => [])) {
    for (const hex of await readdir(join(root, prefix))) {
      const s = await stat(join(root, prefix, hex, 'data')).catch(() => null);
      if (s) out.set(`sha256:${hex}`, s.size);
    }
  }
  return out;
}

/** Sum of a blob map's sizes. */
export const sumSizes = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/** Stops the registry process (keeping its storage, unlike `stop()`) and waits until it is gone. */
export async function haltRegistry(reg: RunningRegistry): Promise<void> {
  process.kill(reg.pid, 'SIGTERM');
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(reg.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`docker-registry (pid ${reg.pid}) did not stop`);
}
