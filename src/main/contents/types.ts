/**
 * Plain, JSON-serialisable results of the contents engine (what the contract will carry):
 * per-layer figures, one node of the merged filesystem, listings and searches.
 */
import type { KindName } from './entry-kinds';

/** What one layer contributes to the merged filesystem. */
export interface LayerFilesSummary {
  /** Position in the image, 0 = bottom. */
  index: number;
  /** Cache key of its index (the digest its bytes were verified against). */
  key: string;
  digest: string | null;
  diffId: string | null;
  /** Stored (compressed) size, when known. */
  storedSize: number | null;
  /** Tar entries, whiteouts included. */
  entries: number;
  /** Bytes of the regular files in the layer. */
  fileBytes: number;
  /** Paths this layer created, changed (replaced, or a directory's mode/owner) and removed. */
  added: number;
  changed: number;
  removed: number;
  /** Bytes of this layer's files that nobody sees: overwritten or deleted by a later entry. */
  wastedBytes: number;
}

/** A path whose earlier versions were overwritten or deleted (dive's "inefficient files"). */
export interface WastedPath {
  path: string;
  bytes: number;
  versions: number;
}

/** Figures of a whole image's files. */
export interface ImageFilesSummary {
  layers: LayerFilesSummary[];
  /** Non-directory paths of the merged filesystem. */
  files: number;
  dirs: number;
  /** Bytes of the regular files of the merged filesystem (hard links counted once). */
  totalBytes: number;
  /** Bytes of the regular files of all layers together. */
  layerFileBytes: number;
  wastedBytes: number;
  /**
   * 1 − wastedBytes / layerFileBytes (1 when the layers hold no file bytes). dive computes
   * Σ(smallest version per path) / Σ(every version per path); both are 1 for an image that
   * never overwrites or deletes, ours counts every hidden version in full.
   */
  efficiency: number;
  /** The paths that waste most, largest first (at most 100). */
  topWasted: WastedPath[];
}

/** How a node relates to a layer (with a layer filter) or to the image (without one). */
export type NodeStatus = 'added' | 'changed' | 'removed' | 'unchanged';

/** One path of the merged filesystem (or a deleted one). */
export interface FileNode {
  /** Without a leading slash; '' for the root. */
  path: string;
  name: string;
  kind: KindName;
  /** Files: bytes (a hard link: its target's); directories: bytes of the files below. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink target as written, or a hard link's target path. */
  link: string | null;
  /** The layer that (last) created the path, the layers that changed it after, the one that removed it. */
  addedIn: number | null;
  changedIn: number[];
  removedIn: number | null;
  /** Deleted by a layer: not part of the merged filesystem. */
  removed: boolean;
  /** A directory no layer listed (created for its children). */
  implicit: boolean;
  /** A hard link whose target was missing. */
  brokenLink: boolean;
  /** Directories: number of entries listed under it with the same filter. */
  children: number;
  status: NodeStatus;
}

/** Which nodes a listing or search shows. */
export interface TreeFilter {
  /** Classify against this layer ("changed in layer N"); without it, against the whole image. */
  layer?: number;
  /**
   * Statuses to show. Default with a layer: added, changed, removed (what the layer did);
   * without one: added, changed (the merged filesystem; 'removed' adds deleted paths).
   */
  show?: NodeStatus[];
}

/** A page of a directory listing. */
export interface DirListing {
  path: string;
  /** Entries matching the filter (directories that only contain matches included). */
  total: number;
  offset: number;
  entries: FileNode[];
}
