/**
 * Builds a registry's whole index in the background: the catalog (once per generation, kept in
 * the index file), then every repository not yet read in this generation, a few at a time, all
 * requests in the client's background lane. Each repository is written to the index file as it
 * completes, so a cancelled or crashed build resumes where it stopped; `restart` starts a new
 * generation instead.
 */
import { setMaxListeners } from 'node:events';
import { BerthError, type ErrorCode } from '../../shared/errors';
import { mapLimit } from '../../shared/limiter';
import { listAllRepositories } from '../registry/browse';
import type { RegistryClient } from '../registry/client';
import { BackgroundLane, type LaneOptions, type LanePause } from './lane';
import { readContext, readRepository } from './refresh';
import type { RegistryIndex } from './registry-index';
import { RateMeter } from './rate-meter';

/** What a build reports while it runs (and once more at the end). */
export interface BuildProgress {
  registry: string;
  generation: number;
  phase: 'catalog' | 'repositories' | 'done';
  /** Repositories read in this generation, including those read before a restart. */
  repositoriesDone: number;
  repositoriesTotal: number | null;
  /** Requests this run sent (retries included). */
  requests: number;
  /** Requests per second over the last seconds. */
  requestsPerSecond: number;
  /** Seconds until done at this run's pace; null until a repository is done. */
  etaSeconds: number | null;
  /** Background requests are held back (429 Retry-After, or Hub's pull budget kept for the screens). */
  paused: LanePause | null;
  /** Repositories that could not be read (they keep their last indexed state). */
  failed: number;
}

/** Options of buildIndex. */
export interface BuildOptions {
  signal?: AbortSignal;
  onProgress?: (p: BuildProgress) => void;
  /** Repositories read at once (default 4; the limiter's background lane bounds requests). */
  concurrency?: number;
  /** The repositories to index when the registry has no catalog (Docker Hub, GHCR: the pinned ones). */
  repositories?: string[];
  /** Start a new generation even when an unfinished one could be resumed. */
  restart?: boolean;
  /** A lane to share (so its pauses hold other background work), or options for a new one. */
  lane?: BackgroundLane | LaneOptions;
  /** Least time between two progress reports (default 250 ms). */
  progressIntervalMs?: number;
}

/** What a finished build did. */
export interface BuildResult {
  generation: number;
  repositories: number;
  /** Repositories already read by an earlier, interrupted run of this generation. */
  resumed: number;
  requests: number;
  manifestsFetched: number;
  configsFetched: number;
  failed: { repository: string; message: string }[];
  durationMs: number;
}

/** Errors that stop the whole build (it resumes later) rather than skip one repository. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CANCELLED', 'CONNECTION_REFUSED', 'DNS_FAILURE', 'TLS_UNTRUSTED', 'TLS_FAILURE', 'TLS_PIN_MISMATCH', 'TIMEOUT', 'NETWORK',
  'INSECURE_REFUSED', 'UNAUTHORIZED', 'AUTH_FAILED', 'TOOMANYREQUESTS', 'CREDENTIAL_HELPER_FAILED', 'CREDENTIALS_UNREADABLE', 'INTERNAL',
]);
/** Ends the pool of repository reads; what stopped it is in `fatal` or the stop signal. */
const STOPPED = new BerthError('CANCELLED', 'The index build stopped.');

const isFatal = (err: unknown): boolean =>
  !(err instanceof BerthError) || FATAL.has(err.code) || (err.detail as { retriesExhausted?: boolean } | undefined)?.retriesExhausted === true;

const running = new WeakMap<RegistryIndex, Promise<BuildResult>>();

/** Builds (or resumes building) the index of the registry `client` talks to. One build per index at a time. */
export function buildIndex(client: RegistryClient, index: RegistryIndex, opts: BuildOptions = {}): Promise<BuildResult> {
  if (running.has(index)) {
    return Promise.reject(new BerthError('INVALID_ARGUMENT', `The index of ${client.config.host} is already being built; wait for it or cancel it first.`));
  }
  const p = runBuild(client, index, opts).finally(() => running.delete(index));
  running.set(index, p);
  return p;
}

async function runBuild(client: RegistryClient, index: RegistryIndex, opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const lane = opts.lane instanceof BackgroundLane ? opts.lane : new BackgroundLane(client, opts.lane);
  const firstRequest = lane.requests;
  const view = lane.view();
  const model = index.model;
  const meter = new RateMeter();
  const failed: BuildResult['failed'] = [];
  // One controller for the run: the caller's abort or a fatal error stops every repository in flight.
  const stop = new AbortController();
  // Every request in flight listens to this one signal.
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();

  let phase: BuildProgress['phase'] = 'catalog';
  let total: number | null = model.build.running ? (model.build.catalog?.length ?? null) : null;
  let done = 0;
  let doneThisRun = 0;
  let lastReport = 0;
  const report = (force = false): void => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastReport < (opts.progressIntervalMs ?? 250))) return;
    lastReport = now;
    const requests = lane.requests - firstRequest;
    meter.sample(now, requests);
    const perRepo = doneThisRun ? (now - started) / doneThisRun : NaN;
    opts.onProgress({
      registry: index.key,
      generation: model.build.gen,
      phase,
      repositoriesDone: done,
      repositoriesTotal: total,
      requests,
      requestsPerSecond: meter.rate(),
      etaSeconds: total !== null && Number.isFinite(perRepo) ? Math.round(((total - done) * perRepo) / 1000) : null,
      paused: lane.pause,
      failed: failed.length,
    });
  };

  try {
    if (!model.build.running || opts.restart || !model.build.catalog) {
      report(true);
      const catalog = opts.repositories ? [...new Set(opts.repositories)] : await listAllRepositories(view, stop.signal);
      model.build = { gen: model.build.gen + 1, running: true, startedAt: started, finishedAt: null, catalog };
      index.markBuildChanged();
      await index.flush();
    }
    const gen = model.build.gen;
    const catalog = model.build.catalog!;
    total = catalog.length;
    const todo = catalog.filter((name) => model.repo(name)?.gen !== gen);
    const resumed = catalog.length - todo.length;
    done = resumed;
    phase = 'repositories';
    report(true);

    const ctx = readContext(view, index, stop.signal);
    let fatal: unknown = null;
    const timer = setInterval(() => report(), opts.progressIntervalMs ?? 1000);
    timer.unref();
    try {
      // A repository that fails on its content is recorded and skipped; a fatal failure (or a stop) ends the pool.
      await mapLimit(todo, Math.max(1, opts.concurrency ?? 4), async (name) => {
        if (stop.signal.aborted) throw STOPPED;
        try {
          await readRepository(ctx, name, gen);
        } catch (err) {
          if (isFatal(err) || stop.signal.aborted) {
            fatal ??= err;
            stop.abort();
            throw STOPPED;
          }
          failed.push({ repository: name, message: (err as Error).message });
          const r = model.repo(name, true);
          index.commitRepository(name, { ...r, gen, error: (err as Error).message });
          await index.flush();
        }
        done++;
        doneThisRun++;
        report();
      }).catch((err: unknown) => {
        if (err !== STOPPED) throw err;
      });
    } finally {
      clearInterval(timer);
    }
    if (fatal || stop.signal.aborted) {
      await index.flush();
      throw fatal instanceof BerthError && fatal.code !== 'CANCELLED' ? fatal : cancelled(opts.signal, fatal);
    }

    const listed = new Set(catalog);
    for (const name of index.repositories()) if (!listed.has(name)) index.removeRepository(name);
    model.build = { ...model.build, running: false, finishedAt: Date.now(), catalog: null };
    index.markBuildChanged();
    await index.flush();
    await index.compact();
    phase = 'done';
    report(true);
    return {
      generation: gen,
      repositories: catalog.length,
      resumed,
      requests: lane.requests - firstRequest,
      manifestsFetched: ctx.counts.manifests,
      configsFetched: ctx.counts.configs,
      failed,
      durationMs: Date.now() - started,
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function cancelled(signal: AbortSignal | undefined, cause: unknown): BerthError {
  if (signal?.aborted || !(cause instanceof Error)) return new BerthError('CANCELLED', 'The index build was cancelled; it resumes where it stopped when started again.');
  return new BerthError('INTERNAL', `The index build stopped: ${cause.message}`);
}
