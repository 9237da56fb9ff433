/**
 * The contents engine: opens an image's merged filesystem, indexing (once, cached by digest)
 * whatever layers are not indexed yet, merging them (once, cached by the list of layer digests)
 * and answering listings, searches, file reads and diffs from the cache.
 */
import { BerthError } from '../../shared/errors';
import { digestOf } from '../registry/digest';
import type { ContentStore } from '../store/content-store';
import type { ImageSource } from './image-source';
import type { LayerIndex } from './layer-index';
import { type IndexerLimits, type LayerProgress, LayerIndexer } from './layer-indexer';
import { mergeLayers } from './merge';
import { MergedTree, writeMergedTree } from './merged-tree';
import { TreeView } from './tree-query';
import type { DirListing, FileNode, ImageFilesSummary, TreeFilter } from './types';

/** Derived-content kind of merged trees in the store. */
export const IMAGE_FILES = 'image-files';

/** Progress of opening an image: which layer, how far (see LayerProgress), or the merge. */
export type OpenProgress = ({ phase: 'index'; layer: number; layers: number } & LayerProgress) | { phase: 'merge'; layers: number };

/** Options of `openImage`. */
export interface OpenImageOptions {
  signal?: AbortSignal;
  onProgress?: (p: OpenProgress) => void;
}

/** Cache key of a merged tree: a digest of the format version and the ordered layer keys. */
export function mergedKey(layerKeys: string[]): string {
  return digestOf(`berth-image-files-v1\n${layerKeys.join('\n')}`);
}

/** The merged filesystem of one image, with the source it came from (for reading file bytes). */
export class ImageFiles {
  readonly view: TreeView;
  private readonly layerIndexes = new Map<number, Promise<LayerIndex>>();

  constructor(
    readonly source: ImageSource,
    readonly tree: MergedTree,
    private readonly indexer: LayerIndexer,
  ) {
    this.view = new TreeView(tree);
  }

  /** The file index of layer `layer` (from the cache; rebuilt only if it was removed from the store). */
  layerIndex(layer: number, signal?: AbortSignal): Promise<LayerIndex> {
    const ref = this.source.layers[layer];
    if (!ref) throw new BerthError('INVALID_ARGUMENT', `${this.source.label} has no layer ${layer}.`);
    let p = this.layerIndexes.get(layer);
    if (!p) {
      p = this.indexer.cached(ref.key).then((hit) => hit ?? this.indexer.index(ref, { signal }));
      p.catch(() => this.layerIndexes.delete(layer));
      // A few recent ones: a layer index of a big layer is tens of MB.
      if (this.layerIndexes.size >= 4) this.layerIndexes.delete(this.layerIndexes.keys().next().value as number);
      this.layerIndexes.set(layer, p);
    }
    return p;
  }

  get summary(): ImageFilesSummary {
    return this.tree.summary;
  }

  /** A page of a directory (see TreeView.list). */
  list(path: string, filter?: TreeFilter, offset?: number, limit?: number): DirListing {
    return this.view.list(path, filter, offset, limit);
  }

  /** One path, deleted ones included; null when the image never had it. */
  stat(path: string, filter?: TreeFilter): FileNode | null {
    return this.view.stat(path, filter);
  }

  /** Paths matching a glob. */
  find(pattern: string, filter?: TreeFilter, limit?: number): { total: number; entries: FileNode[] } {
    return this.view.find(pattern, filter, limit);
  }

  /** The largest files. */
  biggest(n?: number, filter?: TreeFilter): FileNode[] {
    return this.view.biggest(n, filter);
  }
}

/** Memory for parsed trees kept after use (a 500,000-file image's tree is about 40 MB). */
const RECENT_TREE_BYTES = 96 * 1024 * 1024;

/** One engine per content store; shares layer indexes and merged trees between every image opened. */
export class ContentsEngine {
  readonly indexer: LayerIndexer;
  private readonly merges = new Map<string, Promise<MergedTree>>();
  /** Trees opened lately, newest last: a reopen (back to an image, a diff after a browse) reads no file. */
  private readonly recent = new Map<string, { tree: MergedTree; bytes: number }>();
  private recentBytes = 0;

  constructor(
    readonly store: ContentStore,
    opts: { indexConcurrency?: number } & IndexerLimits = {},
  ) {
    this.indexer = new LayerIndexer(store, { ...opts, concurrency: opts.indexConcurrency });
  }

  /** The merged tree of `source` if it is cached (no layer is read), else null. */
  async cachedImage(source: ImageSource): Promise<ImageFiles | null> {
    const tree = await this.cachedTree(mergedKey(source.layers.map((l) => l.key)));
    return tree ? new ImageFiles(source, tree, this.indexer) : null;
  }

  /** Opens the merged filesystem of an image, indexing and merging what is not cached yet. */
  async openImage(source: ImageSource, opts: OpenImageOptions = {}): Promise<ImageFiles> {
    const key = mergedKey(source.layers.map((l) => l.key));
    const hit = await this.cachedTree(key);
    if (hit) return new ImageFiles(source, hit, this.indexer);
    let merging = this.merges.get(key);
    const shared = merging !== undefined;
    if (!merging) {
      merging = this.build(key, source, opts).finally(() => this.merges.delete(key));
      this.merges.set(key, merging);
    }
    try {
      return new ImageFiles(source, await merging, this.indexer);
    } catch (err) {
      // Joined someone else's open and they cancelled it: this caller still wants the files.
      if (shared && err instanceof BerthError && err.code === 'CANCELLED' && !opts.signal?.aborted) return this.openImage(source, opts);
      throw err;
    }
  }

  private async cachedTree(key: string): Promise<MergedTree | null> {
    const held = this.recent.get(key);
    if (held) {
      this.recent.delete(key);
      this.recent.set(key, held);
      return held.tree;
    }
    const bytes = await this.store.getDerivedBytes(IMAGE_FILES, key);
    if (!bytes) return null;
    const tree = MergedTree.fromBuffer(bytes);
    if (tree && tree.key === key) {
      this.hold(key, tree, bytes.length);
      return tree;
    }
    await this.store.dropDerived(IMAGE_FILES, key);
    return null;
  }

  /** Keeps a parsed tree in memory within RECENT_TREE_BYTES, dropping the least recently used. */
  private hold(key: string, tree: MergedTree, bytes: number): void {
    if (bytes > RECENT_TREE_BYTES) return;
    this.recent.set(key, { tree, bytes });
    this.recentBytes += bytes;
    for (const [k, v] of this.recent) {
      if (this.recentBytes <= RECENT_TREE_BYTES) break;
      this.recent.delete(k);
      this.recentBytes -= v.bytes;
    }
  }

  private async build(key: string, source: ImageSource, opts: OpenImageOptions): Promise<MergedTree> {
    const { signal, onProgress } = opts;
    const n = source.layers.length;
    if (n > 16_000) throw new BerthError('UNSUPPORTED', `${source.label} has ${n} layers; Berth lists the files of images with up to 16,000.`);
    // Every layer at once: the indexer's lane bounds how many are read together, and a failure stops the rest.
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const indexes = await Promise.all(
        source.layers.map((ref, layer) =>
          this.indexer
            .index(ref, { signal: inner.signal, onProgress: onProgress && ((p) => onProgress({ phase: 'index', layer, layers: n, ...p })) })
            .catch((err: unknown) => {
              inner.abort();
              throw err;
            }),
        ),
      ).catch((err: unknown) => {
        // Report the first real failure, not the cancellations it caused in sibling layers.
        throw signal?.aborted ? new BerthError('CANCELLED', `Opening the files of ${source.label} was cancelled.`) : err;
      });
      onProgress?.({ phase: 'merge', layers: n });
      const merged = mergeLayers(indexes);
      const infos = source.layers.map((l, i) => ({ key: l.key, digest: l.digest, diffId: l.diffId, storedSize: l.size, index: indexes[i] }));
      await this.store.writeDerived(IMAGE_FILES, key, (fh) => writeMergedTree(fh, key, merged, infos));
      const tree = await this.cachedTree(key);
      if (!tree) throw new BerthError('INTERNAL', `The file tree of ${source.label} could not be read back from ${this.store.root}; check the disk.`);
      return tree;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
