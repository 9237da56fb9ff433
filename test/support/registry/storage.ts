import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningRegistry } from './start';

// distribution 2.8's filesystem driver layout, as `find` shows it after an API push:
//   blobs/sha256/<2 hex>/<hex>/data
//   repositories/<name>/_layers/sha256/<hex>/link                  (config and layers)
//   repositories/<name>/_manifests/revisions/sha256/<hex>/link
//   repositories/<name>/_manifests/tags/<tag>/current/link
//   repositories/<name>/_manifests/tags/<tag>/index/sha256/<hex>/link
// Synchronous calls: thousands of tiny files go several times faster than through the thread pool.

const v2 = (reg: RunningRegistry): string => join(reg.storageDir, 'docker/registry/v2');
const hex = (digest: string): string => digest.slice('sha256:'.length);

function link(dir: string, digest: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'link'), digest);
}

/** Stores blob bytes in the registry's global blob store (bypassing the API: for bench seeding only). */
export function writeStoredBlob(reg: RunningRegistry, digest: string, bytes: Buffer): void {
  const dir = join(v2(reg), 'blobs/sha256', hex(digest).slice(0, 2), hex(digest));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'data'), bytes);
}

/** Links stored blobs (config, layers) into a repository. */
export function linkStoredLayers(reg: RunningRegistry, repo: string, digests: string[]): void {
  for (const d of digests) link(join(v2(reg), 'repositories', repo, '_layers/sha256', hex(d)), d);
}

/** Links a stored manifest blob into a repository and points `tag` at it. */
export function linkStoredManifest(reg: RunningRegistry, repo: string, tag: string, digest: string): void {
  const r = join(v2(reg), 'repositories', repo, '_manifests');
  link(join(r, 'revisions/sha256', hex(digest)), digest);
  link(join(r, 'tags', tag, 'index/sha256', hex(digest)), digest);
  link(join(r, 'tags', tag, 'current'), digest);
}

/** Lets other work run between batches of synchronous writes. */
export const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
