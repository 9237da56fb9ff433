/**
 * One index build as the service runs it: the catalog's repositories, or — for a registry without
 * a catalog (Docker Hub, GHCR, or one whose catalog answers that it has none) — its pinned
 * repositories. What it ends with (scope, last progress, error, failed repositories) is kept in
 * the outcome the status reports.
 */
import { BerthError, toWireError, type ErrorCode, type WireError } from '../../shared/errors';
import type { IndexStatus } from '../../shared/index-types';
import { buildIndex, type BackgroundLane, type BuildResult, type RegistryIndex } from '../index/index';
import type { OpenRegistry } from '../profiles/registry-book';
import { toIndexProgress } from './index-views';

/** Catalog answers meaning "this registry has no catalog" (Docker Hub, GHCR, some proxies). */
const NO_CATALOG: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CATALOG_UNAVAILABLE', 'UNSUPPORTED', 'NAME_UNKNOWN']);

/** What a build of a registry ended with (and reports while it runs). */
export interface BuildOutcome {
  scope: 'catalog' | 'pinned';
  progress: IndexStatus['progress'];
  error: WireError | null;
  failures: IndexStatus['failures'];
}

/** Arguments of runIndexBuild. */
export interface IndexBuildRun {
  open: OpenRegistry;
  index: RegistryIndex;
  lane: BackgroundLane;
  /** Filled in as the build goes; `scope` says where it starts. */
  outcome: BuildOutcome;
  pinned: string[];
  signal: AbortSignal;
  restart: boolean;
  onProgress: () => void;
}

/** Runs a build to its end; never rejects (the outcome holds the error; a cancel is no error). */
export async function runIndexBuild(run: IndexBuildRun): Promise<void> {
  const { open, index, outcome, pinned } = run;
  const build = (repositories?: string[]): Promise<BuildResult> =>
    buildIndex(open.client, index, {
      signal: run.signal,
      lane: run.lane,
      restart: run.restart,
      repositories,
      progressIntervalMs: 500,
      onProgress: (p) => {
        outcome.progress = toIndexProgress(p);
        run.onProgress();
      },
    });
  const pinnedOnly = (): Promise<BuildResult> => {
    // An empty list would end a build that drops every repository the index holds.
    if (!pinned.length) {
      throw new BerthError(
        'CATALOG_UNAVAILABLE',
        `${open.config.host} does not list its repositories (no catalog). Pin the repositories you use (“Open by name”), then index again: Berth indexes the pinned ones.`,
      );
    }
    return build(pinned);
  };
  try {
    let result: BuildResult;
    if (outcome.scope === 'pinned') result = await pinnedOnly();
    else {
      try {
        result = await build();
      } catch (err) {
        if (!(err instanceof BerthError && NO_CATALOG.has(err.code))) throw err;
        outcome.scope = 'pinned';
        result = await pinnedOnly();
      }
    }
    outcome.failures = result.failed.slice(0, 20);
  } catch (err) {
    outcome.error = err instanceof BerthError && err.code === 'CANCELLED' ? null : toWireError(err);
  }
}
