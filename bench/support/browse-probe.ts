/**
 * What the screens ask while a user browses, timed through the engine on a given client (the one
 * an index build shares, so the background lane's priority is what is measured): the first
 * catalog page, a repository's first tag page, the visible rows' details, and the whole catalog
 * (browse bench phase 1's figure).
 */
import { getTagDetail, listAllRepositories, listRepositories, listTags, type RegistryClient } from '../../src/main/registry/index';
import { percentile } from './search-latency';

/** One pass over one repository (milliseconds). */
export interface BrowsePass {
  repository: string;
  catalogPageMs: number;
  tagPageMs: number;
  detailsMs: number;
  wholeCatalogMs: number;
  totalMs: number;
}

/** Medians (and p95 of the total) of a set of passes. */
export interface BrowseFigures {
  passes: BrowsePass[];
  catalogPageMs: number;
  tagPageMs: number;
  detailsMs: number;
  wholeCatalogMs: number;
  totalMs: number;
  totalP95Ms: number;
}

const ROWS_SHOWN = 20;

/** Opens the catalog, then `repository`, then its visible rows' details, as the screens do. */
export async function browsePass(client: RegistryClient, repository: string): Promise<BrowsePass> {
  const t0 = performance.now();
  await listRepositories(client, { n: 100 });
  const t1 = performance.now();
  const { tags } = await listTags(client, repository, { n: 100 });
  const t2 = performance.now();
  await Promise.all(tags.slice(0, ROWS_SHOWN).map((tag) => getTagDetail(client, repository, tag)));
  const t3 = performance.now();
  await listAllRepositories(client);
  const t4 = performance.now();
  return { repository, catalogPageMs: t1 - t0, tagPageMs: t2 - t1, detailsMs: t3 - t2, wholeCatalogMs: t4 - t3, totalMs: t4 - t0 };
}

/** One pass per repository, one after another (a user opens one screen at a time). */
export async function browsePasses(client: RegistryClient, repositories: string[]): Promise<BrowseFigures> {
  const passes: BrowsePass[] = [];
  for (const r of repositories) passes.push(await browsePass(client, r));
  const median = (pick: (p: BrowsePass) => number): number => percentile(passes.map(pick).sort((a, b) => a - b), 50);
  return {
    passes,
    catalogPageMs: median((p) => p.catalogPageMs),
    tagPageMs: median((p) => p.tagPageMs),
    detailsMs: median((p) => p.detailsMs),
    wholeCatalogMs: median((p) => p.wholeCatalogMs),
    totalMs: median((p) => p.totalMs),
    totalP95Ms: percentile(passes.map((p) => p.totalMs).sort((a, b) => a - b), 95),
  };
}
