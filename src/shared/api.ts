/**
 * The one contract between the renderer and main. Every shell (Electron IPC, web HTTP+SSE)
 * implements `BerthApi` through a `Record<keyof BerthApi, …>` table, so a missing method is a
 * compile error; main validates every argument (see src/main/service/validate.ts).
 */
import type { CleanupPlan, CleanupProgress, CleanupResult, CleanupRules } from './cleanup-types';
import type {
  ContentsProgress,
  DiffOptions,
  DirListing,
  FileNode,
  FoundFiles,
  ImageDiffPage,
  ImageFilesInfo,
  ImageFilesSource,
  ListFilesOptions,
  SaveFilesResult,
  TextView,
  TreeFilter,
} from './contents-types';
import type { Result } from './errors';
import type { KeyScope, ReferrerDeleteSummary, SavedKey, SupplyChain } from './supply-chain-types';
import type { CopyRequest, SaveRequest, TransferId, TransferSummary } from './transfer-types';
import type {
  IndexRepositoryEvent,
  IndexSearchResult,
  IndexStatus,
  ReclaimEstimate,
  ReclaimItem,
  RegistryStorage,
  RepositoryStorageDetail,
  TagDigests,
} from './index-types';
import type {
  ArchiveInfo,
  CatalogPage,
  DeletePlan,
  DeleteResult,
  FileHandle,
  FileInfo,
  ManifestSummary,
  NamespacePage,
  PushId,
  PushOutcome,
  PushProgress,
  PushRequest,
  PushSummary,
  RegistryCheck,
  RegistryId,
  RegistryInfo,
  RegistryInput,
  RegistryPatch,
  SecretStorageInfo,
  TagDetail,
  TagsPage,
} from './types';

export interface PageOptions {
  /** Page size; distribution refuses more than 1000. */
  n?: number;
  /** Cursor from the previous page's `next`. */
  last?: string;
}

/** Methods main implements. Each returns its value; shells wrap it as `Result<T>`. */
export interface BerthApi {
  /** The saved registries, in the user's order. */
  listRegistries(): Promise<RegistryInfo[]>;
  /** Saves a registry; with `auth: 'auto'` it picks up `docker login` / podman credentials for the host. */
  addRegistry(input: RegistryInput): Promise<RegistryInfo>;
  /** Changes a saved registry; an omitted password keeps the stored one. */
  updateRegistry(id: RegistryId, patch: RegistryPatch): Promise<RegistryInfo>;
  removeRegistry(id: RegistryId): Promise<void>;
  /** Puts the saved registries in this order (every id once). */
  reorderRegistries(ids: RegistryId[]): Promise<RegistryInfo[]>;
  /** Reachability, auth, credentials' source, rate limit; with a TLS error, the certificate presented. */
  checkRegistry(id: RegistryId): Promise<RegistryCheck>;
  /**
   * Checks registry settings before they are saved (nothing is stored): the form shows the result
   * and lets the user save anyway or fix. With `id` (an edit), `input` is laid over the saved
   * registry and an omitted password means the saved one — sent only to its own origin and user.
   */
  checkRegistryDraft(input: RegistryPatch, id?: RegistryId): Promise<RegistryCheck>;
  /** Keeps a repository in the registry's list (for registries without a catalog); checked with tags/list first. */
  pinRepository(id: RegistryId, repository: string): Promise<RegistryInfo>;
  unpinRepository(id: RegistryId, repository: string): Promise<RegistryInfo>;
  /** Docker Hub only: a namespace's repositories through hub.docker.com's API (page numbers from 1). */
  listNamespace(id: RegistryId, namespace: string, page?: number): Promise<NamespacePage>;
  /** Where this shell keeps passwords (so the UI can say so). */
  getSecretStorage(): Promise<SecretStorageInfo>;
  listRepositories(id: RegistryId, page?: PageOptions): Promise<CatalogPage>;
  listTags(id: RegistryId, repository: string, page?: PageOptions): Promise<TagsPage>;
  getTagDetail(id: RegistryId, repository: string, tag: string): Promise<TagDetail>;
  getManifest(id: RegistryId, repository: string, reference: string): Promise<ManifestSummary>;
  planDelete(id: RegistryId, repository: string, reference: string): Promise<DeletePlan>;
  /** Deletes by digest; refuses with TAGS_CHANGED when a tag not in `confirmedTags` now points at it. */
  deleteManifest(
    id: RegistryId,
    repository: string,
    digest: string,
    confirmedTags: string[],
    /** The referrers the user saw (planReferrerDelete) and wants deleted with it, by digest; absent: none. */
    options?: { referrers?: string[] },
  ): Promise<DeleteResult>;
  inspectArchive(handle: FileHandle): Promise<ArchiveInfo>;
  releaseFile(handle: FileHandle): Promise<void>;
  startPush(request: PushRequest): Promise<PushId>;
  cancelPush(pushId: PushId): Promise<void>;
  listPushes(): Promise<PushSummary[]>;
  /** Evaluates cleanup rules on every tag of `repository`; reads only. Emits `cleanup:progress`. */
  planCleanup(id: RegistryId, repository: string, rules: CleanupRules): Promise<CleanupPlan>;
  /**
   * Deletes the plan's digests (or, with `dryRun`, checks them), refusing per digest with
   * TAGS_CHANGED when a tag the plan did not name now points at it. Emits `cleanup:progress`.
   */
  applyCleanup(id: RegistryId, plan: CleanupPlan, options: { dryRun: boolean }): Promise<CleanupResult>;
  /** `POST /v2/_gc` where the registry offers it; UNSUPPORTED naming the `garbage-collect` command otherwise. */
  runGarbageCollect(id: RegistryId): Promise<{ ok: true; message: string }>;
  /** Signatures, attestations and SBOMs of the image `digest`, checked with the saved keys that apply. */
  getSupplyChain(id: RegistryId, repository: string, digest: string): Promise<SupplyChain>;
  /** The referrers (and their tags) a delete of `digest` would leave without a subject. */
  planReferrerDelete(id: RegistryId, repository: string, digest: string): Promise<ReferrerDeleteSummary>;
  /** Public keys saved to verify signatures (the data folder's signing-keys.json). */
  listSigningKeys(): Promise<SavedKey[]>;
  /** Saves a PEM public key (ECDSA P-256 or Ed25519) for a registry or one repository; private keys are refused. */
  addSigningKey(scope: KeyScope, name: string, pem: string): Promise<SavedKey>;
  removeSigningKey(keyId: string): Promise<void>;
  /**
   * Saves a tag to an archive. Electron asks where (a native save dialog; null when the user
   * cancels it); the web shell prepares a one-time download. Emits `transfer:progress`.
   */
  startSave(request: SaveRequest): Promise<TransferId | null>;
  /** Copies a tag to another repository or registry (into the same repository: adds a tag). Emits `transfer:progress`. */
  startCopy(request: CopyRequest): Promise<TransferId>;
  cancelTransfer(transferId: TransferId): Promise<void>;
  /** Saves and copies of this session. */
  listTransfers(): Promise<TransferSummary[]>;
  /**
   * Opens an image's merged filesystem (indexing uncached layers, with `contents:progress`): its
   * figures per layer and in total. With `ifCached`, reads no layer: null unless already indexed.
   */
  openImageFiles(source: ImageFilesSource, options?: { ifCached?: boolean }): Promise<ImageFilesInfo | null>;
  /** A page of one folder of the image ('' is the root), through a filter ("changed in layer N", additions, deletions). */
  listImageFiles(source: ImageFilesSource, path: string, options?: ListFilesOptions): Promise<DirListing>;
  /** Paths matching a glob (`*.so`, `/etc/**\/*.conf`) across the image. */
  findImageFiles(source: ImageFilesSource, glob: string, options?: TreeFilter & { limit?: number }): Promise<FoundFiles>;
  /** The biggest regular files, largest first. */
  biggestImageFiles(source: ImageFilesSource, options?: TreeFilter & { limit?: number }): Promise<FileNode[]>;
  /** A file's start as text (capped), or that it is binary and how big. */
  readImageFile(source: ImageFilesSource, path: string): Promise<TextView>;
  /** Saves a file or folder: to where the user picks in a native dialog (desktop), or as a one-time download (web). */
  saveImageFiles(source: ImageFilesSource, path: string): Promise<SaveFilesResult>;
  /** Config, history, layers and files of B against A; `files` is one page, filtered by kind of change. */
  diffImages(a: ImageFilesSource, b: ImageFilesSource, options?: DiffOptions): Promise<ImageDiffPage>;
  /** Stops opening a source's files (long layer reads). */
  cancelImageFiles(source: ImageFilesSource): Promise<void>;
  /** Builds (or resumes) the registry's index in the background; emits `index:progress`. `restart` begins a new build. */
  startIndex(id: RegistryId, options?: { restart?: boolean }): Promise<IndexStatus>;
  /** Stops a running index build; it resumes where it stopped when started again. */
  cancelIndex(id: RegistryId): Promise<IndexStatus>;
  getIndexStatus(id: RegistryId): Promise<IndexStatus>;
  /** Every tag's digest the index knows for `repository`; reads the repository in the background when needed (`index:repository` follows). */
  getTagDigests(id: RegistryId, repository: string): Promise<TagDigests>;
  /** Registry total as stored, the naive sum of tag sizes, and each repository's own and shared bytes. */
  getStorage(id: RegistryId): Promise<RegistryStorage>;
  /** Per tag and per untagged manifest of `repository`: the bytes deleting it alone frees. */
  getRepositoryStorage(id: RegistryId, repository: string): Promise<RepositoryStorageDetail>;
  /** Exact registry-wide bytes freed after garbage collection by deleting `selection`; `refresh` reads out-of-date repositories first. */
  estimateReclaim(id: RegistryId, selection: ReclaimItem[], options?: { refresh?: boolean }): Promise<ReclaimEstimate>;
  /** Searches the index (see src/main/index/query.ts for the language). */
  searchIndex(id: RegistryId, query: string, options?: { limit?: number }): Promise<IndexSearchResult>;
}

export type ApiMethod = keyof BerthApi;

/** Runtime list of the methods; the Record type makes it exhaustive. */
const METHOD_TABLE: Record<ApiMethod, true> = {
  listRegistries: true,
  addRegistry: true,
  updateRegistry: true,
  removeRegistry: true,
  reorderRegistries: true,
  checkRegistry: true,
  checkRegistryDraft: true,
  pinRepository: true,
  unpinRepository: true,
  listNamespace: true,
  getSecretStorage: true,
  listRepositories: true,
  listTags: true,
  getTagDetail: true,
  getManifest: true,
  planDelete: true,
  deleteManifest: true,
  inspectArchive: true,
  releaseFile: true,
  startPush: true,
  cancelPush: true,
  listPushes: true,
  planCleanup: true,
  applyCleanup: true,
  runGarbageCollect: true,
  getSupplyChain: true,
  planReferrerDelete: true,
  listSigningKeys: true,
  addSigningKey: true,
  removeSigningKey: true,
  startSave: true,
  startCopy: true,
  cancelTransfer: true,
  listTransfers: true,
  openImageFiles: true,
  listImageFiles: true,
  findImageFiles: true,
  biggestImageFiles: true,
  readImageFile: true,
  saveImageFiles: true,
  diffImages: true,
  cancelImageFiles: true,
  startIndex: true,
  cancelIndex: true,
  getIndexStatus: true,
  getTagDigests: true,
  getStorage: true,
  getRepositoryStorage: true,
  estimateReclaim: true,
  searchIndex: true,
};
export const API_METHODS = Object.keys(METHOD_TABLE) as ApiMethod[];

/** Events main sends to every window (IPC `webContents.send`, web SSE). */
export interface BerthEvents {
  'push:progress': PushProgress;
  'push:done': PushOutcome;
  /** Planning (tags read) or applying (digests done) a cleanup. */
  'cleanup:progress': CleanupProgress;
  /** A save or a copy moved on (or finished: `progress.phase` done, failed or cancelled). */
  'transfer:progress': TransferSummary;
  /** Opening an image's files: layers indexed, bytes read, entries found. */
  'contents:progress': ContentsProgress;
  /** An index build's status, on every progress report and when it ends. */
  'index:progress': IndexStatus;
  /** A repository was read into the index (refresh or build): figures and tag digests for it changed. */
  'index:repository': IndexRepositoryEvent;
}
export type EventName = keyof BerthEvents;
const EVENT_TABLE: Record<EventName, true> = {
  'push:progress': true,
  'push:done': true,
  'cleanup:progress': true,
  'transfer:progress': true,
  'index:progress': true,
  'index:repository': true,
  'contents:progress': true,
};
export const EVENT_NAMES = Object.keys(EVENT_TABLE) as EventName[];

type Promised<F> = F extends (...args: infer A) => Promise<infer R>
  ? (...args: A) => Promise<Result<R>>
  : never;

/** What the renderer gets as `window.berth`, the same in Electron and in a browser. */
export type BerthClient = { [K in ApiMethod]: Promised<BerthApi[K]> } & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: BerthEvents[E]) => void): () => void;
  /**
   * Called each time the event stream (re)opens, when events may have been lost while it was
   * down: refetch what events keep current. Only the web shell's stream can break; IPC cannot.
   */
  onResync?(listener: () => void): () => void;
  /**
   * Hands a dropped or chosen file to main and gets a handle back. Electron reads its path with
   * `webUtils.getPathForFile` in the preload; the web shell streams the bytes to the host first.
   */
  registerFile(file: File, onProgress?: (sent: number, total: number) => void): Promise<Result<FileInfo>>;
  /**
   * How `registerFile` hands a file over, for wording only: by its `path` on this machine, or as an
   * `upload` of its bytes to the host. The renderer never learns which shell runs it.
   */
  readonly fileIntake: 'path' | 'upload';
  /**
   * Desktop app only: starts dragging a finished save's file out of the window
   * (`webContents.startDrag`). Absent in a browser, which cannot drag a file it does not have.
   */
  dragOut?(transferId: TransferId): void;
};

/** IPC channel names (Electron) and URL paths (web) derived from one place. */
export const ipcChannel = (method: ApiMethod | 'registerPath'): string => `berth:${method}`;
/** IPC channel on which main sends one BerthEvent to the window. */
export const eventChannel = (event: EventName): string => `berth:event:${event}`;
/** IPC channel that turns a dropped file's path into a handle. */
export const REGISTER_PATH_CHANNEL = ipcChannel('registerPath');
export const webPath = (method: ApiMethod): string => `/api/${method}`;
export const WEB_EVENTS_PATH = '/api/events';
export const WEB_UPLOAD_PATH = '/api/upload';
/** GET `WEB_DOWNLOAD_PATH + token`: a file or folder of an image that `saveImageFiles` handed out (web shell, once). */
export const WEB_DOWNLOAD_PATH = '/api/download/';
/** Custom header every web API call carries (a CSRF guard next to the SameSite cookie). */
export const WEB_API_HEADER = 'x-berth-api';
