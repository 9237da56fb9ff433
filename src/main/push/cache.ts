/**
 * The push cache: which compressed digest a layer (diff ID + encoding) got last time, and in which
 * repositories of which registry that digest was seen — so a re-push neither compresses nor
 * uploads again. A JSON file written atomically; losing it only costs time.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** File name of the cache inside the cache directory. */
export const CACHE_FILE = 'push-cache.json';
const MAX_REPOS_PER_DIGEST = 16;
const MAX_LAYERS = 5000;

interface CacheData {
  version: 1;
  /** `<diffId>|<encoding>` → the blob it became. */
  layers: Record<string, { digest: string; size: number; at: number }>;
  /** host → digest → repositories where it was seen (newest first). */
  seen: Record<string, Record<string, string[]>>;
}

function empty(): CacheData {
  return { version: 1, layers: {}, seen: {} };
}

async function load(file: string): Promise<CacheData> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as CacheData;
    if (data?.version !== 1 || typeof data.layers !== 'object' || typeof data.seen !== 'object') return empty();
    return data;
  } catch {
    return empty();
  }
}

/** In-memory view of the cache; `save()` merges with what other pushes wrote meanwhile. */
export class PushCache {
  private data: CacheData = empty();
  private readonly fresh = empty();
  private readonly forgotten = new Set<string>();

  private constructor(private readonly file: string) {}

  /** Loads the cache of `cacheDir` (a missing or corrupt file is an empty cache). */
  static async open(cacheDir: string): Promise<PushCache> {
    const cache = new PushCache(join(cacheDir, CACHE_FILE));
    cache.data = await load(cache.file);
    return cache;
  }

  /** The blob a layer became with this encoding, if known. */
  layer(diffId: string, encoding: string): { digest: string; size: number } | undefined {
    const key = `${diffId}|${encoding}`;
    const hit = this.fresh.layers[key] ?? this.data.layers[key];
    return hit ? { digest: hit.digest, size: hit.size } : undefined;
  }

  /** Records the blob a layer became (both hashes were computed in the same pass). */
  putLayer(diffId: string, encoding: string, blob: { digest: string; size: number }): void {
    this.fresh.layers[`${diffId}|${encoding}`] = { ...blob, at: Date.now() };
  }

  /** Repositories of `host` where `digest` was seen, newest first. */
  seenIn(host: string, digest: string): string[] {
    const a = this.fresh.seen[host]?.[digest] ?? [];
    const b = this.data.seen[host]?.[digest] ?? [];
    return [...new Set([...a, ...b])];
  }

  /** Notes that `repository` on `host` holds `digest`. */
  addSeen(host: string, digest: string, repository: string): void {
    const byHost = (this.fresh.seen[host] ??= {});
    const list = (byHost[digest] ??= []);
    if (!list.includes(repository)) list.unshift(repository);
    this.forgotten.delete(`${host}|${digest}|${repository}`);
  }

  /** Forgets that `repository` holds `digest` (it was deleted or garbage-collected there). */
  forgetSeen(host: string, digest: string, repository: string): void {
    for (const d of [this.fresh, this.data]) {
      const list = d.seen[host]?.[digest];
      if (list) d.seen[host][digest] = list.filter((r) => r !== repository);
    }
    this.forgotten.add(`${host}|${digest}|${repository}`);
  }

  /** Merges this push's findings into the file on disk (write to a temp file, then rename). */
  async save(): Promise<void> {
    const disk = await load(this.file);
    const layers = { ...disk.layers, ...this.data.layers, ...this.fresh.layers };
    const seen: CacheData['seen'] = {};
    for (const src of [disk.seen, this.data.seen, this.fresh.seen]) {
      for (const [host, digests] of Object.entries(src)) {
        for (const [digest, repos] of Object.entries(digests)) {
          const cur = (seen[host] ??= {})[digest] ?? [];
          seen[host][digest] = [...new Set([...repos, ...cur])].slice(0, MAX_REPOS_PER_DIGEST);
        }
      }
    }
    for (const key of this.forgotten) {
      const [host, digest, repo] = key.split('|');
      const list = seen[host]?.[digest];
      if (list) seen[host][digest] = list.filter((r) => r !== repo);
    }
    const entries = Object.entries(layers).sort((a, b) => b[1].at - a[1].at).slice(0, MAX_LAYERS);
    const out: CacheData = { version: 1, layers: Object.fromEntries(entries), seen };
    await mkdir(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(out));
    await rename(tmp, this.file);
    this.data = out;
  }
}
