/**
 * distribution 2.8's filesystem storage, read and written directly: blobs, repository links,
 * upload sessions. Writing is for bulk seeding (benches); reading checks what the registry
 * really holds, beneath its API.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hexOf } from '../digest';
import type { RunningRegistry } from './start';

// The layout, as `find` shows it after an API push:
//   blobs/sha256/<2 hex>/<hex>/data
//   repositories/<name>/_layers/sha256/<hex>/link                  (config and layers)
//   repositories/<name>/_manifests/revisions/sha256/<hex>/link
//   repositories/<name>/_manifests/tags/<tag>/current/link
//   repositories/<name>/_manifests/tags/<tag>/index/sha256/<hex>/link
//   repositories/<name>/_uploads/<session id>/{data,startedat,hashstates/}
// Synchronous writes: thousands of tiny files go several times faster than through the thread pool.

const v2 = (reg: RunningRegistry): string => join(reg.storageDir, 'docker/registry/v2');
const blobData = (reg: RunningRegistry, digest: string): string => join(v2(reg), 'blobs/sha256', hexOf(digest).slice(0, 2), hexOf(digest), 'data');
const uploadsDir = (reg: RunningRegistry, repo: string): string => join(v2(reg), 'repositories', repo, '_uploads');

function link(dir: string, digest: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'link'), digest);
}

/** Stores blob bytes in the registry's global blob store (bypassing the API: for bench seeding only). */
export function writeStoredBlob(reg: RunningRegistry, digest: string, bytes: Buffer): void {
  const path = blobData(reg, digest);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
}

/** Links stored blobs (config, layers) into a repository. */
export function linkStoredLayers(reg: RunningRegistry, repo: string, digests: string[]): void {
  for (const d of digests) link(join(v2(reg), 'repositories', repo, '_layers/sha256', hexOf(d)), d);
}

/** Links a stored manifest blob into a repository and points `tag` at it. */
export function linkStoredManifest(reg: RunningRegistry, repo: string, tag: string, digest: string): void {
  const r = join(v2(reg), 'repositories', repo, '_manifests');
  link(join(r, 'revisions/sha256', hexOf(digest)), digest);
  link(join(r, 'tags', tag, 'index/sha256', hexOf(digest)), digest);
  link(join(r, 'tags', tag, 'current'), digest);
}

/** Lets other work run between batches of synchronous writes. */
export const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A manifest the registry stores for a repository (any revision, tagged or not). */
export interface StoredManifest {
  digest: string;
  bytes: Buffer;
  json: Record<string, unknown>;
}

/** Every manifest revision of `repo` that parses as JSON, in digest order. */
export function storedManifests(reg: RunningRegistry, repo: string): StoredManifest[] {
  const dir = join(v2(reg), 'repositories', repo, '_manifests/revisions/sha256');
  if (!existsSync(dir)) return [];
  const out: StoredManifest[] = [];
  for (const hex of readdirSync(dir).sort()) {
    const data = blobData(reg, `sha256:${hex}`);
    if (!existsSync(data)) continue;
    const bytes = readFileSync(data);
    try {
      out.push({ digest: `sha256:${hex}`, bytes, json: JSON.parse(bytes.toString('utf8')) as Record<string, unknown> });
    } catch {
      // not JSON: not a manifest with a subject
    }
  }
  return out;
}

/** Every blob in the registry's storage, digest → bytes of its `data` file. */
export async function storedBlobs(reg: RunningRegistry): Promise<Map<string, number>> {
  const root = join(v2(reg), 'blobs/sha256');
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

/**
 * Upload sessions the registry still holds for a repository. distribution 2.8 recreates an
 * empty `hashstates/` folder after a DELETE, so a session counts as open while its `startedat`
 * (what the registry needs to resume it) or `data` file exists.
 */
export async function openUploads(reg: RunningRegistry, repo: string): Promise<string[]> {
  const live: string[] = [];
  for (const id of await uploadFolders(reg, repo)) {
    const files = await readdir(join(uploadsDir(reg, repo), id)).catch(() => [] as string[]);
    if (files.includes('startedat') || files.includes('data')) live.push(id);
  }
  return live;
}

/** Every folder under the repository's `_uploads` (live sessions and the empty ones distribution leaves). */
export async function uploadFolders(reg: RunningRegistry, repo: string): Promise<string[]> {
  return readdir(uploadsDir(reg, repo)).catch(() => [] as string[]);
}
