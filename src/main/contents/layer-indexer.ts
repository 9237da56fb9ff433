/**
 * Builds layer file indexes once per layer digest and keeps them in the content store (DESIGN
 * convention 5): a cached index is never rebuilt, two callers asking for the same layer share
 * one read, and indexing runs in its own lane (a few layers at a time) with progress and cancel.
 */
import type { Header } from 'tar-stream';
import { BerthError } from '../../shared/errors';
import { Limiter } from '../../shared/limiter';
import type { ContentStore } from '../store/content-store';
import { classify } from './entry-kinds';
import { LayerIndex, LayerIndexWriter } from './layer-index';
import type { FetchStats, LayerRef } from './layer-source';
import { readLayerTar } from './layer-stream';

/** Derived-content kind of layer indexes in the store. */
export const LAYER_FILES = 'layer-files';

/** How far one layer's indexing got. */
export interface LayerProgress {
  key: string;
  label: string;
  storedBytes: number;
  totalBytes: number | null;
  files: number;
  /** The index came from the cache (no byte was read). */
  cached: boolean;
  done: boolean;
}

/** Options of one indexing call. */
export interface IndexOptions {
  signal?: AbortSignal;
  onProgress?: (p: LayerProgress) => void;
}

/** Limits that bound what one hostile layer can cost. */
export interface IndexerLimits {
  /** Entries per layer (default 2,000,000: ~82 MB of columns). */
  maxEntries?: number;
  /** Bytes of one path or link (default 64 KiB). */
  maxNameBytes?: number;
  /** Uncompressed bytes allowed per stored byte (default 1100, above gzip's ~1030 maximum) … */
  maxExpansion?: number;
  /** … plus this many bytes (default 1 GiB). */
  expansionAllowance?: number;
}

interface Build {
  promise: Promise<LayerIndex>;
  controller: AbortController;
  waiters: number;
  listeners: Set<(p: LayerProgress) => void>;
}

/** What the last build of a key fetched (for tests and diagnostics). */
export type BuildStats = FetchStats & { storedBytes: number; tarBytes: number };

/** Indexes layers into a ContentStore. One per store; safe to share. */
export class LayerIndexer {
  private readonly builds = new Map<string, Build>();
  private readonly lane: Limiter;
  private readonly limits: Required<IndexerLimits>;
  /** Fetch statistics of the last builds done by this indexer (64 at most), by key. */
  readonly stats = new Map<string, BuildStats>();

  constructor(
    readonly store: ContentStore,
    opts: { concurrency?: number } & IndexerLimits = {},
  ) {
    this.lane = new Limiter(opts.concurrency ?? 2);
    this.limits = {
      maxEntries: opts.maxEntries ?? 2_000_000,
      maxNameBytes: opts.maxNameBytes ?? 64 * 1024,
      maxExpansion: opts.maxExpansion ?? 1100,
      expansionAllowance: opts.expansionAllowance ?? 2 ** 30,
    };
  }

  /** The cached index of a layer, or null (a damaged entry is dropped and counts as a miss). */
  async cached(key: string): Promise<LayerIndex | null> {
    const bytes = await this.store.getDerivedBytes(LAYER_FILES, key);
    if (!bytes) return null;
    const index = LayerIndex.fromBuffer(bytes);
    if (!index || index.meta.key !== key) {
      await this.store.dropDerived(LAYER_FILES, key);
      return null;
    }
    return index;
  }

  /** The index of `ref`: from the cache, or by reading the layer once (shared with concurrent callers). */
  async index(ref: LayerRef, opts: IndexOptions = {}): Promise<LayerIndex> {
    const { signal, onProgress } = opts;
    if (signal?.aborted) throw cancelled(ref);
    const hit = await this.cached(ref.key);
    if (hit) {
      onProgress?.({ key: ref.key, label: ref.label, storedBytes: 0, totalBytes: ref.size, files: hit.count, cached: true, done: true });
      return hit;
    }
    let build = this.builds.get(ref.key);
    // A build whose callers all left is winding down: start afresh rather than join it.
    if (!build || build.controller.signal.aborted) {
      const controller = new AbortController();
      const b: Build = { controller, waiters: 0, listeners: new Set(), promise: Promise.resolve(null as unknown as LayerIndex) };
      b.promise = this.build(ref, controller.signal, (p) => b.listeners.forEach((l) => l(p))).finally(() => {
        if (this.builds.get(ref.key) === b) this.builds.delete(ref.key);
      });
      build = b;
      this.builds.set(ref.key, build);
    }
    return this.wait(build, ref, signal, onProgress);
  }

  /** Waits for a shared build; the build is cancelled only when every waiter has gone. */
  private wait(build: Build, ref: LayerRef, signal?: AbortSignal, onProgress?: (p: LayerProgress) => void): Promise<LayerIndex> {
    build.waiters++;
    if (onProgress) build.listeners.add(onProgress);
    return new Promise<LayerIndex>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        if (onProgress) build.listeners.delete(onProgress);
        build.waiters--;
      };
      const onAbort = (): void => {
        leave();
        if (build.waiters > 0) return reject(cancelled(ref));
        // The last waiter: stop the read and let it clean up its temporary file first.
        build.controller.abort();
        build.promise.then(
          () => reject(cancelled(ref)),
          () => reject(cancelled(ref)),
        );
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      build.promise.then(
        (v) => (left ? undefined : (leave(), resolve(v))),
        (e) => (left ? undefined : (leave(), reject(e))),
      );
    });
  }

  private async build(ref: LayerRef, signal: AbortSignal, progress: (p: LayerProgress) => void): Promise<LayerIndex> {
    const release = await this.lane.acquire(signal).catch(() => {
      throw cancelled(ref);
    });
    try {
      // Another process (or an earlier build) may have finished it meanwhile.
      const hit = await this.cached(ref.key);
      if (hit) return hit;
      await this.store.writeDerived(LAYER_FILES, ref.key, async (fh) => {
        const writer = new LayerIndexWriter(fh);
        await writer.start();
        const report = throttle(progress, ref);
        const { maxEntries, maxNameBytes } = this.limits;
        const result = await readLayerTar(ref, {
          signal,
          verify: true,
          maxTarBytes: ref.size === null ? undefined : ref.size * this.limits.maxExpansion + this.limits.expansionAllowance,
          onBytes: (stored) => report(stored, writer.count, false),
          onEntry: async (entry) => {
            if (writer.count >= maxEntries) {
              throw new BerthError('ARCHIVE_TOO_LARGE', `${ref.label} has more than ${maxEntries.toLocaleString('en')} entries; Berth stops there to bound memory.`);
            }
            const h = entry.header;
            const { kind, path, link } = classify(h);
            if (path.length > maxNameBytes || link.length > maxNameBytes) {
              throw new BerthError('ARCHIVE_TOO_LARGE', `${ref.label} has an entry name longer than ${maxNameBytes} bytes; Berth refuses it.`);
            }
            const { uid, gid, mtime } = numbers(h);
            await writer.add(kind, path, link, h.size ?? 0, (h.mode ?? 0) & 0o7777, uid, gid, mtime, (h as Header & { byteOffset?: number }).byteOffset ?? 0);
          },
        });
        if (writer.stringTableBytes >= 2 ** 32) throw new BerthError('ARCHIVE_TOO_LARGE', `${ref.label} has more than 4 GiB of names; Berth refuses it.`);
        await writer.finish({ key: ref.key, compression: result.compression, storedBytes: result.storedBytes, tarBytes: result.tarBytes });
        this.stats.set(ref.key, { ...result.fetch, storedBytes: result.storedBytes, tarBytes: result.tarBytes });
        if (this.stats.size > 64) this.stats.delete(this.stats.keys().next().value as string);
        report(result.storedBytes, writer.count, true);
      });
      const index = await this.cached(ref.key);
      if (!index) throw new BerthError('INTERNAL', `The file index of ${ref.label} could not be read back from ${this.store.root}; check the disk.`);
      return index;
    } finally {
      release();
    }
  }
}

/** uid, gid and mtime with pax overrides (tar-stream applies only path, linkpath and size). */
function numbers(h: Header): { uid: number; gid: number; mtime: number } {
  const pax = (h.pax ?? null) as Record<string, string> | null;
  const num = (v: string | undefined, fallback: number): number => {
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : fallback;
  };
  const mtime = h.mtime instanceof Date ? h.mtime.getTime() / 1000 : 0;
  return {
    uid: num(pax?.uid, h.uid ?? 0),
    gid: num(pax?.gid, h.gid ?? 0),
    mtime: num(pax?.mtime, Number.isFinite(mtime) ? mtime : 0),
  };
}

function throttle(progress: (p: LayerProgress) => void, ref: LayerRef): (stored: number, files: number, done: boolean) => void {
  let last = 0;
  return (stored, files, done) => {
    const now = Date.now();
    if (!done && now - last < 100) return;
    last = now;
    progress({ key: ref.key, label: ref.label, storedBytes: stored, totalBytes: ref.size, files, cached: false, done });
  };
}

function cancelled(ref: LayerRef): BerthError {
  return new BerthError('CANCELLED', `Indexing ${ref.label} was cancelled.`);
}
