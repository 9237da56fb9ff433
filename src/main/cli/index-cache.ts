/**
 * The registry index for `berth du`, `berth find` and `berth rm --dry-run`: the same index the
 * app keeps (same cache folder, same key: the registry's origin and user), built or brought up to
 * date before a figure is given, and said so on stderr — stdout stays the answer alone.
 */
import { join } from 'node:path';
import { BerthError, type ErrorCode } from '../../shared/errors';
import { buildIndex, IndexStore, refreshRepository, type BuildProgress, type RegistryIndex } from '../index/index';
import type { RegistryClient } from '../registry/client';
import { readSettings } from '../service/settings';
import { indexKey, repositoryIsStale } from '../service/index-views';
import { ContentStore } from '../store/content-store';
import { formatBytes, line, type CliIo } from './io';

/** An index built longer ago than this is built again (content already read is never fetched again). */
export const CLI_INDEX_MAX_AGE_MS = 10 * 60_000;
const NO_CATALOG: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CATALOG_UNAVAILABLE', 'UNSUPPORTED', 'NAME_UNKNOWN']);

/** Opens the registry's index from the cache folder (BERTH_CACHE_DIR, else the platform's) for `fn`, writing it back afterwards. */
export async function withIndex<T>(client: RegistryClient, fn: (index: RegistryIndex) => Promise<T>): Promise<T> {
  const { cacheDir } = readSettings(process.env);
  const store = new IndexStore(join(cacheDir, 'index'), new ContentStore(join(cacheDir, 'content')));
  try {
    return await fn(await store.index(indexKey(client.config)));
  } finally {
    await store.closeAll();
  }
}

/** What a command needs of the index before it answers. */
export interface IndexNeeds {
  /** Repositories the answer is about: read again first when their part is old. */
  repositories?: string[];
  /** Build the whole index again even when a recent one exists (`--refresh`). */
  rebuild?: boolean;
}

/** What the index covers once `ensureIndex` is done. */
export type CliCoverage = 'full' | 'named';

/**
 * Builds the index when it was never built, is older than CLI_INDEX_MAX_AGE_MS or was cut off
 * (resuming), then reads the named repositories again when their part is old. A registry without
 * a catalog gets the named repositories only ('named').
 */
export async function ensureIndex(client: RegistryClient, index: RegistryIndex, io: CliIo, needs: IndexNeeds = {}): Promise<CliCoverage> {
  const host = client.config.host;
  const b = index.model.build;
  const age = b.finishedAt ? Date.now() - b.finishedAt : Infinity;
  let coverage: CliCoverage = 'full';
  if (b.running || needs.rebuild || age > CLI_INDEX_MAX_AGE_MS) {
    const why = b.running ? 'resuming the build that stopped' : b.finishedAt ? `the last build is ${Math.round(age / 60_000)} min old` : 'first build';
    line(io.stderr, `berth: indexing ${host} (${why}; the index is kept in the cache for the next command)…`);
    const started = Date.now();
    try {
      const result = await buildIndex(client, index, { restart: needs.rebuild, onProgress: progressPrinter(io), progressIntervalMs: 1000 });
      endProgress(io);
      const failed = result.failed.length ? `, ${result.failed.length} could not be read` : '';
      line(io.stderr, `berth: indexed ${result.repositories} repositories in ${((Date.now() - started) / 1000).toFixed(1)} s (${result.requests} requests${failed}).`);
    } catch (err) {
      endProgress(io);
      if (!(err instanceof BerthError && NO_CATALOG.has(err.code)) || !needs.repositories?.length) throw noCatalogHint(err, host);
      line(io.stderr, `berth: ${host} lists no catalog; figures cover ${needs.repositories.join(', ')} only.`);
      coverage = 'named';
    }
  }
  for (const repository of needs.repositories ?? []) {
    if (coverage === 'full' && !repositoryIsStale(index, repository)) continue;
    line(io.stderr, `berth: reading ${repository} into the index…`);
    await refreshRepository(client, index, repository);
  }
  return coverage;
}

function noCatalogHint(err: unknown, host: string): unknown {
  if (!(err instanceof BerthError && NO_CATALOG.has(err.code))) return err;
  return new BerthError(err.code, `${host} does not list its repositories (no catalog), so Berth cannot index all of it. Name a repository: REGISTRY/REPOSITORY.`);
}

/** Progress on a terminal (one line redrawn); nothing when stderr is a file or a pipe. */
function progressPrinter(io: CliIo): (p: BuildProgress) => void {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  return (p) => {
    if (!tty || p.phase !== 'repositories') return;
    const eta = p.etaSeconds !== null ? `, about ${p.etaSeconds} s left` : '';
    const pause = p.paused ? ` (paused: ${p.paused.reason === 'rate-limit' ? 'keeping the pull budget' : 'the registry asked to wait'})` : '';
    io.stderr.write(`\r\x1b[K  ${p.repositoriesDone}/${p.repositoriesTotal ?? '?'} repositories, ${p.requestsPerSecond.toFixed(0)} requests/s${eta}${pause}`);
  };
}

function endProgress(io: CliIo): void {
  if ((io.stderr as NodeJS.WriteStream).isTTY === true) io.stderr.write('\r\x1b[K');
}

/** "as of 3 min ago" for a time the figures are true as of. */
export function asOfText(iso: string | null): string {
  if (!iso) return 'nothing indexed yet';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 90 ? `as of ${s} s ago` : `as of ${Math.round(s / 60)} min ago`;
}

/** `1.2 GiB (1234567 bytes)`: exact figures stay exact in text output too. */
export function exactBytes(n: number): string {
  return n < 1024 ? `${n} B` : `${formatBytes(n)} (${n.toLocaleString('en')} bytes)`;
}
