/**
 * The one implementation of the contract (DESIGN "One engine, three shells"): every shell calls
 * it through `dispatch`. Methods take an optional trailing AbortSignal that the shells pass when
 * their caller goes away (HTTP client disconnect); the contract itself stays signal-free.
 */
import { randomBytes } from 'node:crypto';
import type { BerthApi, PageOptions } from '../../shared/api';
import type { CleanupPlan, CleanupResult, CleanupRules } from '../../shared/cleanup-types';
import { BerthError } from '../../shared/errors';
import type {
  ArchiveInfo,
  CatalogPage,
  DeletePlan,
  DeleteResult,
  FileHandle,
  FileInfo,
  ManifestSummary,
  PushId,
  PushRequest,
  PushSummary,
  RegistryCheck,
  RegistryId,
  RegistryInfo,
  RegistryInput,
  TagDetail,
  TagsPage,
} from '../../shared/types';
import * as cleanup from '../cleanup/index';
import * as registry from '../registry/index';
import type { RegistryConfig } from '../registry/types';
import { ServiceEvents } from './events';
import { FileTable } from './files';
import { defaultCacheDir } from './paths';
import type { PushManagerLike } from './push-manager-like';

interface HeldRegistry {
  info: RegistryInfo;
  /** Holds the secrets; never leaves main. */
  config: RegistryConfig;
  client: registry.RegistryClient;
}

/** Options of BerthService. */
export interface BerthServiceOptions {
  /** Push cache folder; defaults to the platform cache dir. */
  cacheDir?: string;
  /** Run pushes in-process instead of a worker thread (tests, CLI). */
  pushInProcess?: boolean;
  /** A ready PushManager (tests); otherwise one is created on the first push. */
  pushManager?: PushManagerLike;
}

/** The BerthApi behind every shell: registries and file handles live here for the session. */
export class BerthService implements BerthApi {
  /** push:progress / push:done, forwarded by the shells. */
  readonly events = new ServiceEvents();
  private readonly registries = new Map<RegistryId, HeldRegistry>();
  private readonly files = new FileTable();
  private readonly pushHandles = new Map<PushId, FileHandle>();
  private readonly pushRegistries = new Map<PushId, RegistryId>();
  /** What cleanup planning read per repository, reused briefly while the rules change. */
  private readonly cleanupReads = new cleanup.RepositoryReadCache();
  private pushManager: PushManagerLike | null = null;
  private pushManagerLoading: Promise<PushManagerLike> | null = null;
  private closed = false;

  constructor(private readonly options: BerthServiceOptions = {}) {
    if (options.pushManager) this.attachPushManager(options.pushManager);
  }

  async listRegistries(): Promise<RegistryInfo[]> {
    return [...this.registries.values()].map((r) => ({ ...r.info }));
  }

  async addRegistry(input: RegistryInput): Promise<RegistryInfo> {
    const config = registry.registryConfigFromInput(input);
    // Adding the same address and user again updates it instead of making a twin.
    const existing = [...this.registries.values()].find(
      (r) => r.config.baseUrl === config.baseUrl && (r.config.username ?? '') === (config.username ?? ''),
    );
    const id = existing?.info.id ?? `r${randomBytes(8).toString('hex')}`;
    if (existing) await existing.client.close();
    const info: RegistryInfo = {
      id,
      baseUrl: config.baseUrl,
      host: config.host,
      hasCredentials: Boolean(config.username || config.password),
      insecure: Boolean(config.insecure),
      ...(config.username ? { username: config.username } : {}),
    };
    this.registries.set(id, { info, config, client: new registry.RegistryClient(config) });
    return { ...info };
  }

  async removeRegistry(id: RegistryId): Promise<void> {
    const held = this.held(id);
    this.registries.delete(id);
    this.cleanupReads.forget(id);
    await held.client.close();
  }

  async checkRegistry(id: RegistryId, signal?: AbortSignal): Promise<RegistryCheck> {
    return registry.checkRegistry(this.held(id).client, signal);
  }

  async listRepositories(id: RegistryId, page?: PageOptions, signal?: AbortSignal): Promise<CatalogPage> {
    return registry.listRepositories(this.held(id).client, page, signal);
  }

  async listTags(id: RegistryId, repository: string, page?: PageOptions, signal?: AbortSignal): Promise<TagsPage> {
    return registry.listTags(this.held(id).client, repository, page, signal);
  }

  async getTagDetail(id: RegistryId, repository: string, tag: string, signal?: AbortSignal): Promise<TagDetail> {
    return registry.getTagDetail(this.held(id).client, repository, tag, signal);
  }

  async getManifest(id: RegistryId, repository: string, reference: string, signal?: AbortSignal): Promise<ManifestSummary> {
    return registry.getManifestSummary(this.held(id).client, repository, reference, signal);
  }

  async planDelete(id: RegistryId, repository: string, reference: string, signal?: AbortSignal): Promise<DeletePlan> {
    return registry.planDelete(this.held(id).client, repository, reference, signal);
  }

  async deleteManifest(
    id: RegistryId,
    repository: string,
    digest: string,
    confirmedTags: string[],
    signal?: AbortSignal,
  ): Promise<DeleteResult> {
    const { client } = this.held(id);
    this.cleanupReads.forget(id, repository);
    return registry.deleteManifest(client, repository, digest, confirmedTags, signal);
  }

  async planCleanup(id: RegistryId, repository: string, rules: CleanupRules, signal?: AbortSignal): Promise<CleanupPlan> {
    return cleanup.planCleanup(this.held(id).client, repository, rules, {
      signal,
      onProgress: (p) => this.events.emit('cleanup:progress', p),
      graph: this.cleanupReads.get(id, repository),
      onRead: (graph) => this.cleanupReads.set(id, repository, graph),
    });
  }

  async applyCleanup(id: RegistryId, plan: CleanupPlan, options: { dryRun: boolean }, signal?: AbortSignal): Promise<CleanupResult> {
    const { client } = this.held(id);
    try {
      return await cleanup.applyCleanup(client, plan, {
        dryRun: options.dryRun,
        signal,
        onProgress: (p) => this.events.emit('cleanup:progress', p),
      });
    } finally {
      // Even a dry run is a sign the user wants the registry as it is now for the next plan.
      this.cleanupReads.forget(id, plan.repository);
    }
  }

  async runGarbageCollect(id: RegistryId, signal?: AbortSignal): Promise<{ ok: true; message: string }> {
    return cleanup.runHttpGarbageCollect(this.held(id).client, signal);
  }

  async inspectArchive(handle: FileHandle): Promise<ArchiveInfo> {
    const entry = this.files.get(handle);
    const archive = await import('../archive/index');
    const opened = await archive.openArchive(entry.path, { displayName: entry.name });
    try {
      return archive.toArchiveInfo(opened, handle, entry.name);
    } finally {
      await opened.close();
    }
  }

  async releaseFile(handle: FileHandle): Promise<void> {
    await this.files.release(handle);
  }

  async startPush(request: PushRequest): Promise<PushId> {
    const entry = this.files.get(request.handle);
    const held = this.held(request.registryId);
    const manager = await this.getPushManager();
    this.files.retain(request.handle);
    try {
      const id = manager.start({ archivePath: entry.path, fileName: entry.name, registry: held.config, request });
      this.pushHandles.set(id, request.handle);
      this.pushRegistries.set(id, request.registryId);
      return id;
    } catch (err) {
      await this.files.unretain(request.handle);
      throw err;
    }
  }

  async cancelPush(pushId: PushId): Promise<void> {
    if (!this.pushManager) throw unknownPush();
    await this.pushManager.cancel(pushId);
  }

  async listPushes(): Promise<PushSummary[]> {
    return this.pushManager ? this.pushManager.list() : [];
  }

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
    const clients = [...this.registries.values()].map((r) => r.client.close());
    this.registries.clear();
    await Promise.allSettled(clients);
    const manager = this.pushManager ?? (await this.pushManagerLoading?.catch(() => null));
    await manager?.close();
    await this.files.releaseAll();
  }

  private held(id: RegistryId): HeldRegistry {
    const held = this.registries.get(id);
    if (!held) {
      throw new BerthError('REGISTRY_UNKNOWN', 'That registry is not open in this session (it was removed or Berth restarted). Add it again.');
    }
    return held;
  }

  private getPushManager(): Promise<PushManagerLike> {
    if (this.pushManager) return Promise.resolve(this.pushManager);
    this.pushManagerLoading ??= import('../push/manager').then(({ PushManager }) => {
      const manager: PushManagerLike = new PushManager({
        cacheDir: this.options.cacheDir ?? defaultCacheDir(),
        inProcess: this.options.pushInProcess,
      });
      this.attachPushManager(manager);
      return manager;
    });
    return this.pushManagerLoading;
  }

  private attachPushManager(manager: PushManagerLike): void {
    this.pushManager = manager;
    manager.on('progress', (p) => this.events.emit('push:progress', p));
    manager.on('done', (outcome) => {
      const handle = this.pushHandles.get(outcome.pushId);
      this.pushHandles.delete(outcome.pushId);
      if (handle) void this.files.unretain(handle);
      const registryId = this.pushRegistries.get(outcome.pushId);
      this.pushRegistries.delete(outcome.pushId);
      if (registryId) for (const p of outcome.pushed) this.cleanupReads.forget(registryId, p.repository);
      this.events.emit('push:done', outcome);
    });
  }
}

function unknownPush(): BerthError {
  return new BerthError('INVALID_ARGUMENT', 'No push with that id is known in this session. Refresh the list of pushes.');
}
