/**
 * The one implementation of the contract (DESIGN "One engine, three shells"): every shell calls
 * it through `dispatch`. Methods take an optional trailing AbortSignal that the shells pass when
 * their caller goes away (HTTP client disconnect); the contract itself stays signal-free.
 */
import type { BerthApi, PageOptions } from '../../shared/api';
import type { CleanupPlan, CleanupResult, CleanupRules } from '../../shared/cleanup-types';
import type * as C from '../../shared/contents-types';
import type {
  IndexSearchResult,
  IndexStatus,
  ReclaimEstimate,
  ReclaimItem,
  RegistryStorage,
  RepositoryStorageDetail,
  TagDigests,
} from '../../shared/index-types';
import { BerthError } from '../../shared/errors';
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
} from '../../shared/types';
import { sweepStaleSpools } from '../archive/temp-root';
import * as cleanup from '../cleanup/index';
import { ArchiveInspector } from '../push/inspector';
import * as registry from '../registry/index';
import { FileTable } from './files';
import { RegistryBook, type RegistryBookOptions } from '../profiles/registry-book';
import type { GzipEngine } from '../push/parallel-gzip';
import { ContentsService } from './contents';
import type { ServiceEngines } from './create-service';
import type { PushManagerLike } from './push-manager-like';
import { KeyStore } from '../referrers/key-store';
import type { ContentSource } from '../referrers/content';
import { applyCleanupReferrers, planCleanupReferrers } from '../cleanup/referrers';
import { deleteWithReferrers } from './supply';
import { SupplyChainMethods } from './supply-methods';
import { IndexService } from './index-service';
import { PushService } from './pushes';

/** Options of BerthService. */
export interface BerthServiceOptions {
  /** Where saved registries, secrets and keys live (createService); absent when kept in memory. */
  dataDir?: string;
  /** Push cache folder (createService: the settings' cacheDir); a service without one cannot push. */
  cacheDir?: string;
  /** Forces a gzip engine for pushes (BERTH_GZIP=zlib); default libdeflate when built. */
  gzip?: GzipEngine;
  /** Run pushes and archive inspections in-process instead of a worker thread (tests, CLI). */
  pushInProcess?: boolean;
  /** The bundled engine worker (default: `push-worker.js` next to the main bundle). */
  workerUrl?: URL;
  /** A ready PushManager (tests); otherwise one is created on the first push. */
  pushManager?: PushManagerLike;
  /** Saved registries and secrets; default: kept in memory only (tests, embedding). */
  registries?: RegistryBookOptions;
  /** The engines over the data and cache folders, built by createService (absent in memory-only services). */
  engines?: ServiceEngines;
  /** Electron's native save dialog, chosen in main; without it image files are saved as browser downloads. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
}

/** The BerthApi behind every shell: saved registries, file handles, pushes. */
export class BerthService extends SupplyChainMethods implements BerthApi {
  private readonly registries: RegistryBook;
  private readonly files = new FileTable();
  /** What cleanup planning read per repository, reused briefly while the rules change. */
  private readonly cleanupReads = new cleanup.RepositoryReadCache();
  private readonly pushes: PushService;
  private readonly inspector: ArchiveInspector;
  private closed = false;
  /** Content store, indexes, contents engine and signing keys (createService); null in memory-only services. */
  readonly engines: ServiceEngines | null;
  /** The data folder (createService), for the shells' messages; null when nothing is saved. */
  readonly dataDir: string | null;
  /** Public keys that verify signatures (kept in memory when the service has no data folder). */
  protected readonly keys: KeyStore;
  /** Files inside images and diffs (issue 13); null without engines. */
  readonly contents: ContentsService | null;
  /** Registry indexes, their builds and figures (null without engines: memory-only services). */
  private readonly index: IndexService | null;

  constructor(options: BerthServiceOptions = {}) {
    super();
    this.registries = new RegistryBook(options.registries);
    this.engines = options.engines ?? null;
    this.dataDir = options.dataDir ?? null;
    this.keys = this.engines?.keys ?? KeyStore.memory();
    this.inspector = new ArchiveInspector({ workerUrl: options.workerUrl, inProcess: options.pushInProcess });
    const { engines, chooseSavePath } = options;
    this.contents = engines ? new ContentsService({ engine: engines.contents, client: (id) => this.client(id), files: this.files, events: this.events, chooseSavePath }) : null;
    this.index = this.engines
      ? new IndexService({
          store: this.engines.indexes,
          events: this.events,
          open: (id) => this.registries.client(id),
          info: (id) => this.registries.list().find((r) => r.id === id),
        })
      : null;
    this.pushes = new PushService({
      cacheDir: options.cacheDir,
      gzip: options.gzip,
      inProcess: options.pushInProcess,
      workerUrl: options.workerUrl,
      manager: options.pushManager,
      files: this.files,
      events: this.events,
      onPushed: (id, repositories) => {
        for (const repository of repositories) this.cleanupReads.forget(id, repository);
        this.index?.pushed(id, repositories);
      },
    });
    // Spool and upload folders a crashed Berth left behind (never one still in use).
    void sweepStaleSpools().catch(() => undefined);
  }

  async listRegistries(): Promise<RegistryInfo[]> {
    return this.registries.list();
  }

  async addRegistry(input: RegistryInput): Promise<RegistryInfo> {
    return this.registries.add(input);
  }

  async updateRegistry(id: RegistryId, patch: RegistryPatch): Promise<RegistryInfo> {
    await this.index?.forgetRegistry(id);
    const info = await this.registries.update(id, patch);
    this.cleanupReads.forget(id);
    return info;
  }

  async removeRegistry(id: RegistryId): Promise<void> {
    await this.index?.forgetRegistry(id);
    await this.registries.remove(id);
    this.cleanupReads.forget(id);
  }

  async reorderRegistries(ids: RegistryId[]): Promise<RegistryInfo[]> {
    return this.registries.reorder(ids);
  }

  async checkRegistry(id: RegistryId, signal?: AbortSignal): Promise<RegistryCheck> {
    return this.registries.check(id, signal);
  }

  async checkRegistryDraft(input: RegistryPatch, id?: RegistryId, signal?: AbortSignal): Promise<RegistryCheck> {
    return this.registries.checkDraft(input, id, signal);
  }

  async pinRepository(id: RegistryId, repository: string, signal?: AbortSignal): Promise<RegistryInfo> {
    return this.registries.pin(id, repository, signal);
  }

  async unpinRepository(id: RegistryId, repository: string): Promise<RegistryInfo> {
    return this.registries.unpin(id, repository);
  }

  async listNamespace(id: RegistryId, namespace: string, page?: number, signal?: AbortSignal): Promise<NamespacePage> {
    return this.registries.listNamespace(id, namespace, page, signal);
  }

  async getSecretStorage(): Promise<SecretStorageInfo> {
    return this.registries.secretStorage();
  }

  async listRepositories(id: RegistryId, page?: PageOptions, signal?: AbortSignal): Promise<CatalogPage> {
    return registry.listRepositories(await this.client(id), page, signal);
  }

  async listTags(id: RegistryId, repository: string, page?: PageOptions, signal?: AbortSignal): Promise<TagsPage> {
    const result = await registry.listTags(await this.client(id), repository, page, signal);
    this.index?.tagsListed(id, repository, page, result);
    return result;
  }

  async getTagDetail(id: RegistryId, repository: string, tag: string, signal?: AbortSignal): Promise<TagDetail> {
    const detail = await registry.getTagDetail(await this.client(id), repository, tag, signal);
    this.index?.tagDetailRead(id, repository, detail);
    return detail;
  }

  async getManifest(id: RegistryId, repository: string, reference: string, signal?: AbortSignal): Promise<ManifestSummary> {
    const summary = await registry.getManifestSummary(await this.client(id), repository, reference, signal);
    this.index?.summaryRead(id, repository, summary);
    return summary;
  }

  async planDelete(id: RegistryId, repository: string, reference: string, signal?: AbortSignal): Promise<DeletePlan> {
    return registry.planDelete(await this.client(id), repository, reference, signal);
  }

  async deleteManifest(
    id: RegistryId,
    repository: string,
    digest: string,
    confirmedTags: string[],
    options?: { referrers?: string[] },
    signal?: AbortSignal,
  ): Promise<DeleteResult> {
    const src = await this.source(id, repository, signal);
    this.cleanupReads.forget(id, repository);
    const result = options?.referrers?.length
      ? await deleteWithReferrers(src, digest, confirmedTags, options.referrers)
      : await registry.deleteManifest(src.client, repository, digest, confirmedTags, signal);
    await this.index?.forget(id, repository, [result.digest, ...(result.deletedReferrers ?? [])]);
    return result;
  }

  async planCleanup(id: RegistryId, repository: string, rules: CleanupRules, signal?: AbortSignal): Promise<CleanupPlan> {
    const src = await this.source(id, repository, signal);
    let graph = this.cleanupReads.get(id, repository);
    const plan = await cleanup.planCleanup(src.client, repository, rules, {
      signal,
      onProgress: (p) => this.events.emit('cleanup:progress', p),
      graph,
      onRead: (read) => this.cleanupReads.set(id, repository, (graph = read)),
    });
    const referrers = await planCleanupReferrers(src, plan, graph!);
    return { ...plan, referrers, freedBytes: plan.freedBytes + referrers.bytes };
  }

  async applyCleanup(id: RegistryId, plan: CleanupPlan, options: { dryRun: boolean }, signal?: AbortSignal): Promise<CleanupResult> {
    const src = await this.source(id, plan.repository, signal);
    try {
      const result = await cleanup.applyCleanup(src.client, plan, {
        dryRun: options.dryRun,
        signal,
        onProgress: (p) => this.events.emit('cleanup:progress', p),
      });
      const referrers = await applyCleanupReferrers(src, plan, result);
      if (!result.dryRun) {
        const gone = [...result.deleted.filter((d) => d.ok).map((d) => d.digest), ...(referrers?.deleted ?? [])];
        await this.index?.forget(id, plan.repository, gone);
      }
      return referrers ? { ...result, referrers } : result;
    } finally {
      // Even a dry run is a sign the user wants the registry as it is now for the next plan.
      this.cleanupReads.forget(id, plan.repository);
    }
  }

  async runGarbageCollect(id: RegistryId, signal?: AbortSignal): Promise<{ ok: true; message: string }> {
    return cleanup.runHttpGarbageCollect(await this.client(id), signal);
  }

  // The registry index (issue 11): builds, figures and search, in IndexService.
  startIndex = async (id: RegistryId, options?: { restart?: boolean }): Promise<IndexStatus> => this.indexes().start(id, options);
  cancelIndex = async (id: RegistryId): Promise<IndexStatus> => this.indexes().cancel(id);
  getIndexStatus = async (id: RegistryId): Promise<IndexStatus> => this.indexes().status(id);
  getTagDigests = async (id: RegistryId, repository: string): Promise<TagDigests> => this.indexes().tagDigests(id, repository);
  getStorage = async (id: RegistryId): Promise<RegistryStorage> => this.indexes().storage(id);
  getRepositoryStorage = async (id: RegistryId, repository: string): Promise<RepositoryStorageDetail> => this.indexes().repositoryStorage(id, repository);
  estimateReclaim = async (id: RegistryId, selection: ReclaimItem[], options?: { refresh?: boolean }, signal?: AbortSignal): Promise<ReclaimEstimate> =>
    this.indexes().estimate(id, selection, options, signal);
  searchIndex = async (id: RegistryId, query: string, options?: { limit?: number }): Promise<IndexSearchResult> => this.indexes().search(id, query, options);

  async inspectArchive(handle: FileHandle, signal?: AbortSignal): Promise<ArchiveInfo> {
    const entry = this.files.get(handle);
    // Read in a worker: a hostile archive costs that worker, never the app. Retained so a release meanwhile waits.
    this.files.retain(handle);
    try {
      return await this.inspector.inspect({ path: entry.path, name: entry.name, handle }, signal);
    } finally {
      await this.files.unretain(handle);
    }
  }

  async releaseFile(handle: FileHandle): Promise<void> {
    this.files.get(handle);
    await this.contents?.releaseArchive(handle);
    await this.files.release(handle);
  }

  async startPush(request: PushRequest): Promise<PushId> {
    this.files.get(request.handle);
    const { config } = await this.registries.client(request.registryId);
    return this.pushes.start(request, config);
  }

  async cancelPush(pushId: PushId): Promise<void> {
    await this.pushes.cancel(pushId);
  }

  async listPushes(): Promise<PushSummary[]> {
    return this.pushes.list();
  }

  // Files inside images and diffs (issue 13), in ContentsService.
  openImageFiles = (s: C.ImageFilesSource, o?: { ifCached?: boolean }, signal?: AbortSignal) => this.contentsOrFail().open(s, o, signal);
  listImageFiles = (s: C.ImageFilesSource, path: string, o?: C.ListFilesOptions, signal?: AbortSignal) => this.contentsOrFail().list(s, path, o, signal);
  findImageFiles = (s: C.ImageFilesSource, glob: string, o?: C.TreeFilter & { limit?: number }, signal?: AbortSignal) => this.contentsOrFail().find(s, glob, o, signal);
  biggestImageFiles = (s: C.ImageFilesSource, o?: C.TreeFilter & { limit?: number }, signal?: AbortSignal) => this.contentsOrFail().biggest(s, o, signal);
  readImageFile = (s: C.ImageFilesSource, path: string, signal?: AbortSignal) => this.contentsOrFail().read(s, path, signal);
  saveImageFiles = (s: C.ImageFilesSource, path: string, signal?: AbortSignal) => this.contentsOrFail().save(s, path, signal);
  diffImages = (a: C.ImageFilesSource, b: C.ImageFilesSource, o?: C.DiffOptions, signal?: AbortSignal) => this.contentsOrFail().diff(a, b, o, signal);
  cancelImageFiles = async (s: C.ImageFilesSource) => this.contentsOrFail().cancel(s);

  /**
   * Issues a handle for a file main may read: the path the Electron preload got from
   * `webUtils.getPathForFile`, or the web shell's upload (`temp: true`, deleted on release).
   */
  async registerPath(path: string, opts: { name?: string; temp?: boolean } = {}): Promise<FileInfo> {
    if (this.closed) throw new BerthError('CANCELLED', 'Berth is shutting down; the file was not registered.');
    return this.files.register(path, opts);
  }

  /** Closes registry clients and the push manager and deletes uploaded temp files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transfers.close();
    // Builds use the registry clients: stop them before the clients close.
    await this.index?.close();
    await this.registries.close();
    await this.engines?.indexes.closeAll();
    await this.contents?.close();
    await this.pushes.close();
    await this.files.releaseAll();
  }

  private contentsOrFail(): ContentsService {
    if (!this.contents) throw new BerthError('INTERNAL', 'This Berth service was built without a cache folder, so it cannot list image files. Build it with createService.');
    return this.contents;
  }

  private indexes(): IndexService {
    if (!this.index) throw new BerthError('INTERNAL', 'This Berth service was built without a cache folder, so it keeps no registry index. Build it with createService.');
    return this.index;
  }

  protected async client(id: RegistryId): Promise<registry.RegistryClient> {
    return (await this.registries.client(id)).client;
  }

  /** A repository of a saved registry, read through the content store (immutable by digest). */
  protected async source(id: RegistryId, repository: string, signal?: AbortSignal): Promise<ContentSource> {
    return { client: await this.client(id), repository, store: this.engines?.content, signal };
  }

}
