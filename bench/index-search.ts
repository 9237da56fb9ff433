/**
 * Micro-measure (not a test): search latency, figures time, memory and file size/reload time of a
 * synthetic 5,000-repository, 50,000-tag index. Run: `npx tsx bench/index-search.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '../src/main/store/content-store';
import { reclaim, storageFigures, tagReclaims } from '../src/main/index/figures';
import { RegistryIndex } from '../src/main/index/registry-index';
import { fillSynthetic } from '../test/support/images/synthetic-index';
import { describeSearch, measureSearch } from './support/search-latency';

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-measure-'));
  try {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const index = new RegistryIndex('measure', join(dir, 'index'), new ContentStore(join(dir, 'content')));
    let t = performance.now();
    const tags = fillSynthetic(index, { repositories: 5000, tagsPerRepository: 10 });
    console.log(`filled ${tags} tags, ${index.model.records.size} manifests, ${index.model.digests.count} digests in ${(performance.now() - t).toFixed(0)} ms`);
    global.gc?.();
    console.log(`heap used by the index: ${((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(1)} MiB (run with --expose-gc for a settled figure)`);

    console.log(describeSearch(measureSearch(index)));
    console.log(`load average while measuring: ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`);

    t = performance.now();
    const figures = storageFigures(index);
    console.log(`storage figures: ${(performance.now() - t).toFixed(0)} ms (total ${(figures.totalStoredBytes / 1e9).toFixed(1)} GB stored, naive ${(figures.naiveTagBytes / 1e9).toFixed(1)} GB)`);
    t = performance.now();
    const repos = index.repositories();
    let perTag = 0;
    for (const r of repos) perTag += tagReclaims(index, r).length;
    console.log(`per-tag reclaim for all ${perTag} tags: ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    const selection = repos.slice(0, 500).map((repository) => ({ repository, tag: index.repository(repository)!.tags[0].tag }));
    const figure = reclaim(index, selection);
    console.log(`reclaim of a 500-tag selection: ${(performance.now() - t).toFixed(1)} ms (${(figure.freedBytes / 1e9).toFixed(2)} GB)`);

    t = performance.now();
    await index.compact();
    console.log(`write the whole file: ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    const again = new RegistryIndex('measure', join(dir, 'index'), new ContentStore(join(dir, 'content')));
    await again.load();
    console.log(`reload: ${(performance.now() - t).toFixed(0)} ms, ${again.model.records.size} manifests; file ${(((await import('node:fs')).statSync(join(dir, 'index', 'index.jsonl')).size) / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
