/**
 * The browse benchmark's registry: 5,000 repositories in 50 namespaces and one repository with
 * 1,000 tags (each its own image), all pushed through the registry's HTTP API.
 */
import type { RunningRegistry } from '../../test/support/registry/start';
import { pushManyRepositories, tagMany } from '../../test/support/images/bulk';

/** Shape of the seeded catalog. */
export const NAMESPACES = 50;
export const REPOS_PER_NAMESPACE = 100;
export const TAG_COUNT = 1000;
/** The repository holding TAG_COUNT tags; its own namespace sorts after ns00…ns49. */
export const MANY_TAGS_REPO = 'zz-bench/many-tags';

/** What seeding did and how long each part took. */
export interface SeedResult {
  repositories: number;
  tags: number;
  reposMs: number;
  tagsMs: number;
  totalMs: number;
}

/** `ns00/app000` … `ns49/app099`. */
export function benchRepositoryNames(): string[] {
  const names: string[] = [];
  for (let ns = 0; ns < NAMESPACES; ns++) {
    for (let i = 0; i < REPOS_PER_NAMESPACE; i++) {
      names.push(`ns${String(ns).padStart(2, '0')}/app${String(i).padStart(3, '0')}`);
    }
  }
  return names;
}

/** Seeds `reg` over HTTP (mounts + manifest PUTs for the repositories, one image per tag). */
export async function seedBrowseRegistry(reg: RunningRegistry): Promise<SeedResult> {
  const t0 = performance.now();
  const names = benchRepositoryNames();
  const repos = await pushManyRepositories(reg, names, { via: 'http', concurrency: 32 });
  const t1 = performance.now();
  const tagged = await tagMany(reg, MANY_TAGS_REPO, TAG_COUNT, { concurrency: 32 });
  const t2 = performance.now();
  return {
    repositories: names.length + 1,
    tags: tagged.length,
    reposMs: repos.ms,
    tagsMs: t2 - t1,
    totalMs: t2 - t0,
  };
}
