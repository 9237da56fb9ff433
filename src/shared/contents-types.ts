/**
 * Plain data of "inside the image" (issue 13): the merged filesystem of an image, its per-layer
 * figures, file listings and searches, the text view of a file and the diff of two images. The
 * contents engine produces these; the contract, the CLI's --json and the renderer carry them.
 * Layers are numbered from 0 (the bottom layer) here; screens and the CLI show them from 1.
 */
import type { FileHandle, Platform, RegistryId } from './types';

/** Entry kinds, in the order the engine stores them. */
export const ENTRY_KINDS = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'whiteout', 'opaque', 'other'] as const;
/** An entry kind by name. */
export type KindName = (typeof ENTRY_KINDS)[number];

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

/** What the text view shows: the text (maybe cut at the cap), or that the file is binary. */
export type TextView = { text: string; size: number; truncated: boolean } | { binary: true; size: number };

/** One config difference; `key` names the variable, label, port or volume for keyed fields. */
export interface ConfigChange {
  field: 'env' | 'labels' | 'entrypoint' | 'cmd' | 'user' | 'workingDir' | 'exposedPorts' | 'volumes' | 'platform';
  key?: string;
  a: string | string[] | null;
  b: string | string[] | null;
}

/** One history line (Dockerfile step). */
export interface HistoryRow {
  createdBy: string;
  created: string | null;
  emptyLayer: boolean;
}

/** One layer as the diff shows it. */
export interface LayerRow {
  index: number;
  digest: string | null;
  diffId: string | null;
  size: number | null;
}

/** Rows both images share from the bottom, then what each has after that. */
export interface PrefixDiff<T> {
  shared: number;
  a: T[];
  b: T[];
}

/** One path that differs between two images. */
export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed' | 'maybe';
  /** The kind in B (in A for removals). */
  kind: KindName;
  sizeA: number | null;
  sizeB: number | null;
  /** What differs: kind, size, mode, link, uid, gid (empty for "maybe"). */
  fields: string[];
}

/** Counts behind the summary line. */
export interface DiffTotals {
  /** Non-directory paths added / removed. */
  added: number;
  removed: number;
  /** Paths certainly changed, and paths that may have changed (same metadata, other layer). */
  changed: number;
  maybe: number;
  /** Bytes of regular files: B's total minus A's. */
  sizeDelta: number;
}

/** Everything that differs between two images. */
export interface ImageDiff {
  a: string;
  b: string;
  config: ConfigChange[];
  history: PrefixDiff<HistoryRow>;
  layers: PrefixDiff<LayerRow>;
  files: FileChange[];
  totals: DiffTotals;
  /** "+212 files, −3, 48 changed (5 maybe), +31 MB". */
  summary: string;
}

// ---- the contract's side ----

/** An image in a saved registry, by tag or digest (an index: one platform of it). */
export interface RegistryFilesSource {
  registryId: RegistryId;
  repository: string;
  reference: string;
  /** For an index: which platform (default: this machine's, else the first). */
  platform?: Platform;
}

/** Image number `image` of an archive the user dropped or chose (main issued the handle). */
export interface ArchiveFilesSource {
  fileHandle: FileHandle;
  image: number;
}

/** Whatever image the file browser and the diff can open. */
export type ImageFilesSource = RegistryFilesSource | ArchiveFilesSource;

/** An opened image: who it is, its figures, and how it was opened. */
export interface ImageFilesInfo {
  /** `sourceKey` of the source it was opened from (what progress events carry). */
  key: string;
  /** How the user names it: `127.0.0.1:5000/app:1`, `app.tar:0`. */
  label: string;
  manifestDigest: string | null;
  configDigest: string;
  platform: Platform | null;
  summary: ImageFilesSummary;
}

/** Which nodes `listImageFiles` shows, and which page. */
export interface ListFilesOptions extends TreeFilter {
  offset?: number;
  /** At most 5,000 per page. */
  limit?: number;
}

/** Paths that match a search (at most `limit` returned, all counted). */
export interface FoundFiles {
  total: number;
  entries: FileNode[];
}

/** What `saveImageFiles` did: written where the user chose, handed to the browser, or nothing. */
export type SaveFilesResult =
  | { kind: 'saved'; target: string; files: number; dirs: number; symlinks: number; bytes: number; skipped: { path: string; reason: string }[] }
  | { kind: 'download'; url: string; name: string }
  | { kind: 'cancelled' };

/** Which changed files a page of a diff shows. */
export type DiffFilesFilter = 'all' | FileChange['change'];

/** Options of `diffImages`: a page of the changed files, filtered by kind of change. */
export interface DiffOptions {
  filter?: DiffFilesFilter;
  offset?: number;
  /** At most 10,000 per page. */
  limit?: number;
}

/** A diff whose `files` are one page of the changed files (`filesTotal` match the filter). */
export interface ImageDiffPage extends ImageDiff {
  filesTotal: number;
  offset: number;
  /** Changed paths per kind of change (directories included), whatever the filter. */
  counts: Record<DiffFilesFilter, number>;
}

/** Progress of opening an image's files (`contents:progress`). */
export interface ContentsProgress {
  /** `sourceKey` of the image being opened. */
  key: string;
  label: string;
  phase: 'index' | 'merge' | 'done' | 'failed' | 'cancelled';
  layers: number;
  /** Layers whose index is ready (read now or found in the cache). */
  layersDone: number;
  /** Stored bytes read so far, over every layer being read. */
  bytes: number;
  /** Stored bytes of the layers that had to be read (null when a size is unknown). */
  totalBytes: number | null;
  /** Entries indexed so far. */
  files: number;
}

/** The one key of a source (the same in main and the renderer): progress events and caches use it. */
export function sourceKey(s: ImageFilesSource): string {
  if ('fileHandle' in s) return `archive|${s.fileHandle}|${s.image}`;
  const p = s.platform ? `|${[s.platform.os, s.platform.architecture, s.platform.variant ?? ''].join('/')}` : '';
  return `registry|${s.registryId}|${s.repository}|${s.reference}${p}`;
}
