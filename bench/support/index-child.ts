/**
 * One measured process of the index benchmark (so its peak RSS is its own, not the seeder's):
 *   bare   REGISTRY_URL WORK_DIR RESULT_JSON            — the bare client's run
 *   engine REGISTRY_URL WORK_DIR RESULT_JSON [--fresh]  — full build, rebuild with every digest
 *          known, search latency, storage figures, peak RSS; --fresh adds a build of a new index
 *          whose content is all in the content store
 *   browse REGISTRY_URL WORK_DIR RESULT_JSON REPO...    — browse passes idle, during a cold build, idle again
 * Progress goes to stderr; the figures to RESULT_JSON.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex, type BuildProgress, type BuildResult } from '../../src/main/index/build';
import { storageFigures } from '../../src/main/index/figures';
import { RegistryIndex } from '../../src/main/index/registry-index';
import { RegistryClient } from '../../src/main/registry/client';
import { ContentStore } from '../../src/main/store/content-store';
import { bareIndex } from './bare-index';
import { browsePasses } from './browse-probe';
import { processMemory } from './proc-memory';
import { measureSearch } from './search-latency';

const [mode, url, dir, resultPath, ...rest] = process.argv.slice(2);

/** What a long run measured so far, next to the result file (read it when a run had to be stopped). */
const partial = (figures: unknown): void => writeFileSync(`${resultPath}.partial`, JSON.stringify(figures, null, 2));
const clientFor = (): RegistryClient => new RegistryClient({ baseUrl: url, host: new URL(url).host });
const memory = () => processMemory(process.pid) ?? { rss: NaN, peak: NaN };
const log = (line: string): void => void process.stderr.write(`  [${mode}] ${line}\n`);
/** Progress every 15 s, so a long run shows it is alive. */
const progressLog = (label: string) => {
  let last = 0;
  return (p: BuildProgress): void => {
    if (Date.now() - last < 15_000 && p.phase !== 'done') return;
    last = Date.now();
    log(`${label}: ${p.phase} ${p.repositoriesDone}/${p.repositoriesTotal ?? '?'} repositories, ${p.requests} requests, ${p.requestsPerSecond.toFixed(0)}/s`);
  };
};

type Timed = BuildResult & { ms: number; cpuMs: number };

/** A build's wall time, and the CPU time this process spent on it (which other load does not inflate). */
async function timedBuild(client: RegistryClient, index: RegistryIndex, label: string, restart = false): Promise<Timed> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await buildIndex(client, index, { restart, onProgress: progressLog(label) });
  const cpu = process.cpuUsage(c0);
  return { ...r, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function engine(): Promise<unknown> {
  const atStart = memory();
  const client = clientFor();
  const content = new ContentStore(join(dir, 'content'));
  const index = new RegistryIndex('bench', join(dir, 'index'), content);
  await index.load();
  try {
    const first = await timedBuild(client, index, 'full build');
    const afterFirst = memory();
    partial({ first, afterFirst });
    const cached = await timedBuild(client, index, 'rebuild, every digest known', true);
    partial({ first, afterFirst, cached });
    const search = measureSearch(index);
    let t = performance.now();
    const figures = storageFigures(index);
    const figuresMs = performance.now() - t;
    const held = memory();
    let fresh: Timed | null = null;
    if (rest.includes('--fresh')) {
      const other = new RegistryIndex('bench-fresh', join(dir, 'index-fresh'), content);
      await other.load();
      fresh = await timedBuild(client, other, 'new index, content store warm');
    }
    t = performance.now();
    const reloaded = new RegistryIndex('bench', join(dir, 'index'), content);
    await reloaded.load();
    const reloadMs = performance.now() - t;
    return {
      first,
      cached,
      fresh,
      search,
      figures: { ms: figuresMs, totalStoredBytes: figures.totalStoredBytes, naiveTagBytes: figures.naiveTagBytes },
      index: {
        manifests: index.model.records.size,
        digests: index.model.digests.count,
        fileBytes: statSync(join(dir, 'index', 'index.jsonl')).size,
        reloadMs,
      },
      memory: { atStart, afterFirstBuild: afterFirst, holdingIndex: held, heapUsed: process.memoryUsage().heapUsed },
    };
  } finally {
    await index.close();
    await client.close();
  }
}

async function browse(): Promise<unknown> {
  const client = clientFor();
  const index = new RegistryIndex('bench-browse', join(dir, 'browse-index'), new ContentStore(join(dir, 'browse-content')));
  await index.load();
  try {
    await browsePasses(client, rest.slice(0, 1)); // warm: connections, the first answers
    const idle = await browsePasses(client, rest);
    log(`idle: ${idle.totalMs.toFixed(0)} ms per pass (median)`);
    let progress: BuildProgress | null = null;
    const stop = new AbortController();
    const build = buildIndex(client, index, { signal: stop.signal, progressIntervalMs: 0, onProgress: (p) => (progress = p) });
    let ended = false;
    const settled = build.then(
      () => (ended = true),
      () => (ended = true),
    );
    // Browse once the build reads repositories, so the lane is full of HEADs and GETs.
    const now = (): BuildProgress | null => progress;
    while (!ended && !((now()?.phase === 'repositories' && now()!.requests >= 50) as boolean)) await new Promise((r) => setTimeout(r, 20));
    const before = now()?.requests ?? 0;
    const t0 = performance.now();
    const during = await browsePasses(client, rest);
    const window = { ms: performance.now() - t0, buildRequests: (now()?.requests ?? 0) - before, buildRunningAtEnd: !ended };
    log(`during a build: ${during.totalMs.toFixed(0)} ms per pass (median); the build sent ${window.buildRequests} requests meanwhile`);
    stop.abort();
    await settled;
    const idleAfter = await browsePasses(client, rest);
    return { idle, during, idleAfter, window };
  } finally {
    await index.close();
    await client.close();
  }
}

async function main(): Promise<void> {
  const run = mode === 'bare' ? () => bareIndex(url) : mode === 'engine' ? engine : mode === 'browse' ? browse : null;
  if (!run) throw new Error(`unknown mode "${mode}": bare, engine or browse`);
  const figures = await run();
  writeFileSync(resultPath, JSON.stringify({ figures, peakRss: memory().peak }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
