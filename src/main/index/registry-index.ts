/**
 * The index of one registry as the rest of the engine uses it: the in-memory model, persisted
 * in one JSON-lines file (see README.md), with manifests and configs themselves in the shared
 * ContentStore. Builds and refreshes commit whole repositories; the screens' reads and Berth's
 * own deletes feed it through the `observe…` and `forget…` calls.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { digestOf } from '../registry/digest';
import { isValidDigest } from '../../shared/reference';
import type { ContentStore } from '../store/content-store';
import { encodeRecord, type Line } from './codec';
import { Journal } from './journal';
import { IndexModel, type RepoState } from './model';
import { applyConfig, type ManifestRecord } from './record';
import { describeManifest, describeRepository, type IndexedManifest, type IndexedRepository } from './views';

/** Rewrite the file once this many bytes of it are superseded lines (and they outweigh the live ones). */
const COMPACT_MIN_DEAD = 4 * 1024 * 1024;
/** How long observed changes wait before they are written (they come in bursts from the screens). */
const OBSERVE_FLUSH_MS = 300;

/** The index of one registry (open it through IndexStore). */
export class RegistryIndex {
  /** The in-memory state (replaced only when a file of another format is set aside on load). */
  model = new IndexModel();
  private readonly journal: Journal;
  private readonly dirtyRepos = new Set<string>();
  private readonly removedRepos = new Set<string>();
  private readonly newRecords = new Set<number>();
  private buildDirty = false;
  private readonly lineBytes = new Map<string, number>();
  private deadBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly key: string,
    readonly dir: string,
    readonly content: ContentStore,
  ) {
    this.journal = new Journal(join(dir, 'index.jsonl'));
  }

  /** Loads the file (a file of another format is set aside; a damaged tail is rewritten away). */
  async load(): Promise<void> {
    let foreign = false;
    const res = await this.journal.load((v) => {
      if (!foreign && !this.model.apply(v)) foreign = true;
    });
    if (foreign) {
      await rename(this.journal.path, `${this.journal.path}.format-${Date.now()}`);
      this.model = new IndexModel();
      return;
    }
    if (res.bad > 0 || res.tornTail) await this.compact();
  }

  /** Version of the content (changes with every update); figures are cached per version. */
  get version(): number {
    return this.model.version;
  }

  /** Repository names the index knows, sorted. */
  repositories(): string[] {
    return [...this.model.repos.keys()].sort(byCodeUnit);
  }

  /** One repository's tags, untagged manifests and freshness; null when the index never saw it. */
  repository(name: string): IndexedRepository | null {
    const r = this.model.repo(name);
    return r ? describeRepository(this.model, name, r) : null;
  }

  /** What the index knows about a manifest digest; null when it never read it. */
  manifest(digest: string): IndexedManifest | null {
    const id = this.model.digests.id(digest);
    const rec = id >= 0 ? this.model.records.get(id) : undefined;
    return rec ? describeManifest(this.model, rec) : null;
  }

  /** Berth deleted `digest` from `repository`: its tags go, an index's children stay as untagged manifests. */
  forgetManifest(repository: string, digest: string): void {
    const id = this.model.digests.id(digest);
    if (id < 0 || !this.model.repo(repository)) return;
    this.model.forget(repository, id);
    this.touch(repository);
  }

  /** Stores a record and queues it for the file. */
  addRecord(rec: ManifestRecord): void {
    this.model.putRecord(rec);
    this.newRecords.add(rec.digest);
  }

  /** Replaces a repository after a full read and queues it for the file. */
  commitRepository(name: string, state: RepoState): void {
    this.model.replaceRepo(name, state);
    this.dirtyRepos.add(name);
    this.removedRepos.delete(name);
  }

  /** Drops a repository (it left the catalog). */
  removeRepository(name: string): void {
    this.model.removeRepo(name);
    this.dirtyRepos.delete(name);
    this.removedRepos.add(name);
  }

  /** Queues the build state for the file. */
  markBuildChanged(): void {
    this.buildDirty = true;
    this.model.version++;
  }

  /** Bytes cached under `digest` (null when never read, or when the digest's algorithm cannot be cached). */
  async readContent(digest: string): Promise<Buffer | null> {
    if (!/^sha(256|512):/.test(digest)) return null;
    return this.content.get(digest);
  }

  /** Caches content under its digest; false when the bytes do not match it. */
  async cache(digest: string, bytes: Uint8Array): Promise<boolean> {
    if (!isValidDigest(digest)) return false;
    if (!/^sha(256|512):/.test(digest)) return true;
    try {
      await this.content.put(digest, bytes);
      return true;
    } catch (err) {
      if (err instanceof BerthError && err.code === 'DIGEST_MISMATCH') return false;
      throw err;
    }
  }

  /** Writes every queued change (records, repositories, build state); compacts when the file is mostly superseded lines. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const lines: Line[] = [];
    if (this.buildDirty) lines.push(this.model.buildLine());
    for (const id of this.newRecords) {
      const rec = this.model.records.get(id);
      if (rec) lines.push(encodeRecord(this.model.digests, rec));
    }
    for (const n of this.removedRepos) lines.push({ k: 'rm', n });
    for (const n of this.dirtyRepos) {
      if (!this.model.repo(n)) continue;
      const line = this.model.repoLine(n);
      lines.push(line);
      const bytes = JSON.stringify(line).length + 1;
      this.deadBytes += this.lineBytes.get(n) ?? 0;
      this.lineBytes.set(n, bytes);
    }
    this.buildDirty = false;
    this.newRecords.clear();
    this.removedRepos.clear();
    this.dirtyRepos.clear();
    await this.journal.append(lines);
    if (this.deadBytes > COMPACT_MIN_DEAD && this.deadBytes * 2 > this.journal.bytes) await this.compact();
  }

  /** Rewrites the file with only what is live now (atomic: old file or new, never half). */
  async compact(): Promise<void> {
    this.buildDirty = false;
    this.newRecords.clear();
    this.removedRepos.clear();
    this.dirtyRepos.clear();
    this.deadBytes = 0;
    this.lineBytes.clear();
    await this.journal.rewrite(() => this.model.lines());
  }

  /** Writes what is queued and stops the flush timer. */
  async close(): Promise<void> {
    await this.flush();
    await this.journal.idle();
  }

  /** Queues a repository changed in place (by an observation) for the file, written shortly after. */
  touch(repository: string): void {
    this.dirtyRepos.add(repository);
    this.schedule();
  }

  /** Writes queued changes shortly (observations come in bursts from the screens). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failed write is retried by the next flush; nothing to report from a timer.
      this.flush().catch(() => undefined);
    }, OBSERVE_FLUSH_MS);
    this.timer.unref();
  }
}

/** Opens one index per registry key under a root folder, sharing one ContentStore. */
export class IndexStore {
  private readonly open = new Map<string, Promise<RegistryIndex>>();

  constructor(
    readonly root: string,
    readonly content: ContentStore,
  ) {}

  /** The index of the registry named `key` (a saved registry's id, or its host), loaded once. */
  index(key: string): Promise<RegistryIndex> {
    let p = this.open.get(key);
    if (!p) {
      const idx = new RegistryIndex(key, join(this.root, folderName(key)), this.content);
      p = idx.load().then(() => idx);
      p.catch(() => this.open.delete(key));
      this.open.set(key, p);
    }
    return p;
  }

  /** Writes every open index's pending changes. */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.close()));
  }
}

/** A folder name for a key: readable, filesystem-safe, and unique through a hash of the key. */
export function folderName(key: string): string {
  const slug = key.toLowerCase().replace(/[^a-z0-9.-]+/g, '_').replace(/^[._]+/, '').slice(0, 40);
  return `${slug || 'registry'}-${digestOf(key).slice('sha256:'.length, 'sha256:'.length + 12)}`;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The JSON in `bytes`, or undefined when they are not JSON. */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Applies a cached config (when there is one) to an image record. */
export function applyConfigFrom(rec: ManifestRecord, bytes: Buffer | null): void {
  if (bytes) applyConfig(rec, parseJson(bytes) ?? null);
}
