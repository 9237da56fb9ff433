/**
 * Keeps what planning read from a repository (tags, digests, dates, manifest graph) for a short
 * while, so the live preview re-plans new rules without reading thousands of manifests again.
 * Whatever deletes or pushes in a repository forgets its entry; apply re-checks tags anyway.
 */
import type { RepositoryGraph } from './inspect';

/** How long a read repository is reused for new rules. */
export const READ_TTL_MS = 20_000;
/** Repositories remembered at once (each holds one row per tag). */
const MAX_ENTRIES = 8;

interface Entry {
  at: number;
  graph: RepositoryGraph;
}

/** A small TTL + LRU map from (registry, repository) to its RepositoryGraph. */
export class RepositoryReadCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = READ_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(scope: string, repository: string): string {
    return `${scope}\0${repository}`;
  }

  /** The graph read less than the TTL ago, or undefined. */
  get(scope: string, repository: string): RepositoryGraph | undefined {
    const key = RepositoryReadCache.key(scope, repository);
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Refresh the LRU position, not the age.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.graph;
  }

  /** Remembers a graph read now. */
  set(scope: string, repository: string, graph: RepositoryGraph): void {
    const key = RepositoryReadCache.key(scope, repository);
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), graph });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets one repository, or every repository of `scope` when `repository` is omitted. */
  forget(scope: string, repository?: string): void {
    if (repository !== undefined) {
      this.entries.delete(RepositoryReadCache.key(scope, repository));
      return;
    }
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${scope}\0`)) this.entries.delete(k);
  }
}
