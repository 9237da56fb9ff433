/**
 * The registry index behind the contract (issue 11): one index per registry from the service's
 * IndexStore, one BackgroundLane per registry client (so index work never takes the slots the
 * screens need), builds with progress and cancel, background refreshes of single repositories,
 * and the figures. The screens' reads and Berth's own deletes feed the index through `observe`
 * and `forget`, which never fail or slow the call they ride on.
 */
import type { IndexSearchResult, IndexStatus, ReclaimEstimate, ReclaimItem, RegistryStorage, RepositoryStorageDetail, TagDigests } from '../../shared/index-types';
import { BerthError } from '../../shared/errors';
import { mapLimit } from '../../shared/limiter';
import type { PageOptions } from '../../shared/api';
import type { RegistryId, RegistryInfo, TagsPage } from '../../shared/types';
import {
  BackgroundLane,
  reclaim,
  refreshRepository,
  searchIndex,
  type IndexStore,
  type RegistryIndex,
} from '../index/index';
import type { RegistryClient } from '../registry/client';
import type { OpenRegistry } from '../profiles/registry-book';
import type { ServiceEvents } from './events';
import { cachedStorageFigures, describeIndex, indexAsOf, indexCoverage, indexKey, repositoryDetail, repositoryIsStale, restingState } from './index-views';
import { runIndexBuild, type BuildOutcome as Outcome } from './index-build';
import { TagListTracker } from './tag-lists';
import { observeSummary, observeTagDetail, observeTagList } from '../index/index';

/** What the index service needs of the rest of the service. */
export interface IndexServiceDeps {
  store: IndexStore;
  events: ServiceEvents;
  /** The registry's open client (RegistryBook.client). */
  open(id: RegistryId): Promise<OpenRegistry>;
  /** The saved registry (pinned repositories, Docker Hub or not). */
  info(id: RegistryId): RegistryInfo | undefined;
}

const NO_CATALOG_HOSTS = new Set(['registry-1.docker.io', 'docker.io', 'ghcr.io']);
/** Repositories refreshed at once before an estimate (foreground: someone waits). */
const REFRESH_CONCURRENCY = 2;

interface Run {
  index: RegistryIndex;
  controller: AbortController;
  promise: Promise<void>;
}


/** Indexes of the saved registries, their builds and figures. */
export class IndexService {
  private readonly lanes = new Map<RegistryId, { client: RegistryClient; lane: BackgroundLane }>();
  private readonly runs = new Map<RegistryId, Run>();
  private readonly outcomes = new Map<RegistryId, Outcome>();
  private readonly refreshes = new Map<string, Promise<unknown>>();
  private readonly tagLists = new TagListTracker();
  /** Aborts background refreshes at shutdown. */
  private readonly shutdown = new AbortController();

  constructor(private readonly deps: IndexServiceDeps) {}

  /** The registry's index (loaded once) and its open client. */
  async indexOf(id: RegistryId): Promise<{ index: RegistryIndex; open: OpenRegistry }> {
    const open = await this.deps.open(id);
    return { open, index: await this.deps.store.index(indexKey(open.config)) };
  }

  /** Feeds the index from a read the screens did; never throws and never delays the read. */
  observe(id: RegistryId, fn: (index: RegistryIndex) => unknown): void {
    if (this.shutdown.signal.aborted) return;
    void this.indexOf(id)
      .then(({ index }) => fn(index))
      .catch(() => undefined);
  }

  /** A page of tags was read: a whole list (all pages seen) tells the index which tags are gone. */
  tagsListed(id: RegistryId, repository: string, page: PageOptions | undefined, result: TagsPage): void {
    const whole = this.tagLists.page(`${id}\0${repository}`, page, result);
    this.observe(id, (index) => observeTagList(index, repository, whole ?? result.tags, { complete: whole !== null }));
  }

  /** A tag row's detail was read. */
  tagDetailRead(id: RegistryId, repository: string, detail: Parameters<typeof observeTagDetail>[2]): void {
    this.observe(id, (index) => observeTagDetail(index, repository, detail));
  }

  /** The image view read a manifest summary (the manifest and config bytes are cached by digest). */
  summaryRead(id: RegistryId, repository: string, summary: Parameters<typeof observeSummary>[2]): void {
    this.observe(id, (index) => observeSummary(index, repository, summary));
  }

  /** Berth deleted these digests: the index forgets them at once (awaited, so figures asked next are right). */
  async forget(id: RegistryId, repository: string, digests: string[]): Promise<void> {
    this.tagLists.forget(`${id}\0${repository}`);
    try {
      const { index } = await this.indexOf(id);
      for (const d of digests) index.forgetManifest(repository, d);
    } catch {
      // The index is a cache: a registry that cannot be opened has nothing to forget.
    }
  }

  /** Something was pushed to these repositories: their part of the index is behind. */
  pushed(id: RegistryId, repositories: string[]): void {
    for (const r of repositories) this.tagLists.forget(`${id}\0${r}`);
    this.observe(id, (index) => {
      for (const r of repositories) {
        const state = index.model.repo(r, true);
        state.stale = true;
        index.model.version++;
        index.touch(r);
      }
    });
  }

  /** The registry was edited or removed: its build stops and its lane goes with its client. */
  async forgetRegistry(id: RegistryId): Promise<void> {
    const run = this.runs.get(id);
    run?.controller.abort();
    await run?.promise;
    this.lanes.delete(id);
    this.outcomes.delete(id);
  }

  async status(id: RegistryId): Promise<IndexStatus> {
    const { index, open } = await this.indexOf(id);
    return this.describe(id, index, open);
  }

  /** Starts (or resumes) a build in the background; `restart` begins a new one even when one could resume. */
  async start(id: RegistryId, options: { restart?: boolean } = {}): Promise<IndexStatus> {
    if (this.shutdown.signal.aborted) throw new BerthError('CANCELLED', 'Berth is shutting down; the index was not started.');
    const { index, open } = await this.indexOf(id);
    if (!this.runs.has(id)) {
      const controller = new AbortController();
      const run: Run = { index, controller, promise: Promise.resolve() };
      this.runs.set(id, run);
      const outcome: Outcome = { scope: this.scopeGuess(id, open), progress: null, error: null, failures: [] };
      this.outcomes.set(id, outcome);
      const pinned = this.deps.info(id)?.pinnedRepositories ?? [];
      const onProgress = (): void => this.emitStatus(id, index, open);
      run.promise = runIndexBuild({ open, index, lane: this.laneFor(id, open.client), outcome, pinned, signal: controller.signal, restart: options.restart === true, onProgress }).finally(() => {
        this.runs.delete(id);
        this.emitStatus(id, index, open);
      });
    }
    const status = this.describe(id, index, open);
    this.deps.events.emit('index:progress', status);
    return status;
  }

  /** Stops a running build (it resumes where it stopped when started again). */
  async cancel(id: RegistryId): Promise<IndexStatus> {
    const run = this.runs.get(id);
    run?.controller.abort();
    await run?.promise;
    return this.status(id);
  }

  /** Every tag's digest the index knows for `repository`; reads the repository in the background when its part is missing or old. */
  async tagDigests(id: RegistryId, repository: string): Promise<TagDigests> {
    const { index, open } = await this.indexOf(id);
    const r = index.model.repo(repository);
    const digests: Record<string, string> = {};
    for (const [tag, d] of r?.tags ?? []) digests[tag] = index.model.digests.name(d);
    const known = Object.keys(digests).length;
    const listed = this.tagLists.total(`${id}\0${repository}`);
    const total = listed ?? (r && r.refreshedAt > 0 ? known : null);
    if (repositoryIsStale(index, repository) || (total !== null && known < total)) this.refreshInBackground(id, repository, open, index);
    return {
      repository,
      digests,
      known,
      total: total === null ? null : Math.max(total, known),
      refreshedAt: r && r.refreshedAt > 0 ? new Date(r.refreshedAt).toISOString() : null,
      refreshing: this.refreshes.has(`${id}\0${repository}`),
    };
  }

  async storage(id: RegistryId): Promise<RegistryStorage> {
    const { index, open } = await this.indexOf(id);
    const figures = cachedStorageFigures(index);
    const scope = this.scope(id, open);
    return {
      totalStoredBytes: figures.totalStoredBytes,
      naiveTagBytes: figures.naiveTagBytes,
      tags: figures.tags,
      manifests: figures.manifests,
      unknownSizes: figures.unknownSizes,
      repositories: figures.repositories,
      coverage: indexCoverage(index, scope),
      status: this.describe(id, index, open),
    };
  }

  /** One repository's rows; a repository never read (or read long ago) is read in the background, `index:repository` follows. */
  async repositoryStorage(id: RegistryId, repository: string): Promise<RepositoryStorageDetail> {
    const { index, open } = await this.indexOf(id);
    if (repositoryIsStale(index, repository)) this.refreshInBackground(id, repository, open, index);
    return repositoryDetail(index, repository, this.scope(id, open));
  }

  /** Exact bytes freed by deleting `selection`; with `refresh`, the selection's repositories whose part is old are read first. */
  async estimate(id: RegistryId, selection: ReclaimItem[], options: { refresh?: boolean } = {}, signal?: AbortSignal): Promise<ReclaimEstimate> {
    const { index, open } = await this.indexOf(id);
    const repositories = [...new Set(selection.map((s) => s.repository))];
    const stale = repositories.filter((r) => repositoryIsStale(index, r));
    const refreshed: string[] = [];
    if (options.refresh && stale.length) {
      // Foreground: the person at the delete dialog waits for these.
      await mapLimit(stale, REFRESH_CONCURRENCY, async (repository) => {
        await refreshRepository(open.client, index, repository, { signal });
        refreshed.push(repository);
        this.emitRepository(id, index, repository);
      });
    }
    const fig = reclaim(index, selection);
    return {
      ...fig,
      staleRepositories: options.refresh ? [] : stale,
      refreshed: refreshed.sort(),
      coverage: indexCoverage(index, this.scope(id, open)),
      asOf: indexAsOf(index),
    };
  }

  async search(id: RegistryId, query: string, options: { limit?: number } = {}): Promise<IndexSearchResult> {
    const { index, open } = await this.indexOf(id);
    const started = performance.now();
    const result = searchIndex(index, query, { limit: options.limit ?? 200 });
    const tookMs = Math.round((performance.now() - started) * 10) / 10;
    return { ...result, tookMs, state: this.describe(id, index, open).state, asOf: indexAsOf(index) };
  }

  /** Stops every build and refresh and waits for them (the service then writes and closes the indexes). */
  async close(): Promise<void> {
    this.shutdown.abort();
    const runs = [...this.runs.values()];
    for (const run of runs) run.controller.abort();
    await Promise.allSettled([...runs.map((r) => r.promise), ...this.refreshes.values()]);
    this.lanes.clear();
  }

  private describe(id: RegistryId, index: RegistryIndex, open: OpenRegistry): IndexStatus {
    const outcome = this.outcomes.get(id);
    const running = this.runs.has(id);
    return describeIndex(id, index, {
      state: running ? 'building' : restingState(index, !!outcome?.error),
      scope: this.scope(id, open),
      progress: outcome?.progress ?? null,
      error: running ? null : (outcome?.error ?? null),
      failures: outcome?.failures ?? [],
    });
  }

  private emitStatus(id: RegistryId, index: RegistryIndex, open: OpenRegistry): void {
    this.deps.events.emit('index:progress', this.describe(id, index, open));
  }

  private emitRepository(id: RegistryId, index: RegistryIndex, repository: string): void {
    const r = index.model.repo(repository);
    this.deps.events.emit('index:repository', { registryId: id, repository, refreshedAt: r && r.refreshedAt > 0 ? new Date(r.refreshedAt).toISOString() : null });
  }

  private laneFor(id: RegistryId, client: RegistryClient): BackgroundLane {
    const held = this.lanes.get(id);
    if (held && held.client === client) return held.lane;
    const lane = new BackgroundLane(client);
    this.lanes.set(id, { client, lane });
    return lane;
  }

  /** Registries known to have no catalog are indexed by their pinned repositories. */
  private scopeGuess(id: RegistryId, open: OpenRegistry): 'catalog' | 'pinned' {
    return this.deps.info(id)?.dockerHub || NO_CATALOG_HOSTS.has(open.config.host) ? 'pinned' : 'catalog';
  }

  private scope(id: RegistryId, open: OpenRegistry): 'catalog' | 'pinned' {
    return this.outcomes.get(id)?.scope ?? this.scopeGuess(id, open);
  }

  private refreshInBackground(id: RegistryId, repository: string, open: OpenRegistry, index: RegistryIndex): void {
    const key = `${id}\0${repository}`;
    if (this.refreshes.has(key) || this.shutdown.signal.aborted) return;
    const lane = this.laneFor(id, open.client);
    const p = refreshRepository(open.client, index, repository, { lane, signal: this.shutdown.signal })
      .then(() => this.emitRepository(id, index, repository))
      .catch(() => undefined)
      .finally(() => this.refreshes.delete(key));
    this.refreshes.set(key, p);
  }
}
