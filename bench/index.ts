/**
 * Index benchmark (prints figures, asserts nothing): a real docker-registry seeded in its storage
 * with 5,000 repositories and 50,000 tags sharing base and per-repository layers, then, each in a
 * child process of its own: the engine's full build, a rebuild with every digest known, search
 * latency and peak RSS; a bare undici client sending the requests an index build sends; browse
 * passes idle and during a build in the background lane. Figures go to stdout and
 * bench/results/index.json. Smaller: `node bench/run.mjs index --repos 200 --tags-per-repo 10`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRegistry } from '../test/support/registry/start';
import { mib, secs, table, type Row } from './support/report';
import { describeKinds } from './support/request-stats';
import { describeSearch, type SearchLatency } from './support/search-latency';
import { appRepository, seedIndexRegistry, type IndexSeedResult } from './support/seed-index';
import type { BareRun } from './support/bare-index';
import type { BrowseFigures } from './support/browse-probe';
import type { BuildResult } from '../src/main/index/build';

const TARGET = { indexVsBare: 1.3, cachedVsFirst: 0.3, peakRssBytes: 300e6, searchP95Ms: 50, browseDuringVsIdle: 1.5 };
const RESULTS = resolve(import.meta.dirname, 'results/index.json');
const CHILD = resolve(import.meta.dirname, 'support/index-child.ts');

type Timed = BuildResult & { ms: number; cpuMs: number };
type Mem = { rss: number; peak: number };
interface EngineFigures {
  first: Timed;
  cached: Timed;
  fresh: Timed | null;
  search: SearchLatency;
  figures: { ms: number; totalStoredBytes: number; naiveTagBytes: number };
  index: { manifests: number; digests: number; fileBytes: number; reloadMs: number };
  memory: { atStart: Mem; afterFirstBuild: Mem; holdingIndex: Mem; heapUsed: number };
}
interface BrowseRun {
  idle: BrowseFigures;
  during: BrowseFigures;
  idleAfter: BrowseFigures;
  window: { ms: number; buildRequests: number; buildRunningAtEnd: boolean };
}

/** Runs one measured child process and returns what it wrote. */
async function child<T>(mode: string, url: string, dir: string, extra: string[] = []): Promise<{ figures: T; peakRss: number }> {
  const out = join(dir, `${mode}.json`);
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, url, dir, out, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((ok) => p.on('close', ok));
  if (code !== 0) throw new Error(`the ${mode} child failed (exit ${code})`);
  return JSON.parse(readFileSync(out, 'utf8')) as { figures: T; peakRss: number };
}

const ratio = (a: number, b: number): number => a / b;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB (${mib(bytes)})`;
const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

function rows(seed: IndexSeedResult, bare: BareRun, e: EngineFigures, enginePeak: number, b: BrowseRun): Row[] {
  const vsBare = ratio(e.first.ms, bare.ms);
  const cached = ratio(e.cached.ms, e.first.ms);
  const browse = ratio(b.during.totalMs, b.idle.totalMs);
  const out: Row[] = [
    {
      figure: 'Seeded in storage',
      value: `${seed.repositories} repos, ${seed.tags} tags, ${seed.manifests} manifests, ${seed.configs} configs, ${seed.layers} layers (${seed.baseLayers} base) in ${secs(seed.ms)}`,
    },
    { figure: 'Bare undici client, same requests', value: `${secs(bare.ms)} (CPU ${secs(bare.cpuMs)}), ${bare.requests} requests (${describeKinds(bare.byKind)})` },
    {
      figure: 'Full index build (engine)',
      value: `${secs(e.first.ms)} (CPU ${secs(e.first.cpuMs)}), ${e.first.requests} requests, ${e.first.manifestsFetched} manifests + ${e.first.configsFetched} configs fetched = ${vsBare.toFixed(2)}× bare (CPU ${(e.first.cpuMs / bare.cpuMs).toFixed(2)}×)`,
      target: `≤ ${TARGET.indexVsBare}× bare`,
      meets: vsBare <= TARGET.indexVsBare && e.first.failed.length === 0,
    },
    {
      figure: 'Rebuild, every digest known',
      value: `${secs(e.cached.ms)}, ${e.cached.requests} requests, ${e.cached.manifestsFetched + e.cached.configsFetched} fetched = ${(cached * 100).toFixed(0)} % of the first`,
      target: `≤ ${TARGET.cachedVsFirst * 100} %`,
      meets: cached <= TARGET.cachedVsFirst,
    },
  ];
  if (e.fresh) {
    out.push({
      figure: 'New index, content store warm',
      value: `${secs(e.fresh.ms)}, ${e.fresh.requests} requests = ${((e.fresh.ms / e.first.ms) * 100).toFixed(0)} % of the first`,
    });
  }
  out.push(
    {
      figure: 'Peak RSS of the process holding the index',
      value: `${mb(enginePeak)}; after the first build ${mb(e.memory.afterFirstBuild.peak)}; the process before it opened the index ${mb(e.memory.atStart.rss)}`,
      target: '≤ 300 MB',
      meets: enginePeak <= TARGET.peakRssBytes,
    },
    {
      figure: 'Index held',
      value: `${e.index.manifests} manifests, ${e.index.digests} digests; file ${mib(e.index.fileBytes)}, reloaded in ${ms(e.index.reloadMs)}; heap ${mib(e.memory.heapUsed)}`,
    },
    {
      figure: `Search p95 (${e.search.queries.length} queries × ${e.search.runsPerQuery})`,
      value: `wall ${e.search.p95.toFixed(1)} ms (p50 ${e.search.p50.toFixed(1)}, max ${e.search.max.toFixed(1)}), cpu ${e.search.cpuP95.toFixed(1)} ms; first search ${ms(e.search.firstMs)}`,
      target: '≤ 50 ms',
      meets: e.search.p95 <= TARGET.searchP95Ms,
    },
    { figure: 'Storage figures (whole registry)', value: `${ms(e.figures.ms)}: ${gb(e.figures.totalStoredBytes)} stored, naive sum of tags ${gb(e.figures.naiveTagBytes)}` },
    {
      figure: `Browse pass, idle → during a build (median of ${b.idle.passes.length})`,
      value: `${ms(b.idle.totalMs)} → ${ms(b.during.totalMs)} = ${browse.toFixed(2)}×; idle again ${ms(b.idleAfter.totalMs)}`,
      target: `≤ ${TARGET.browseDuringVsIdle}×`,
      meets: browse <= TARGET.browseDuringVsIdle && b.window.buildRunningAtEnd,
    },
  );
  for (const [label, key] of [['catalog page (100)', 'catalogPageMs'], ['first tag page', 'tagPageMs'], ['20 rows\' details', 'detailsMs'], ['whole catalog', 'wholeCatalogMs']] as const) {
    out.push({ figure: `  … ${label}`, value: `${ms(b.idle[key])} → ${ms(b.during[key])} (${ratio(b.during[key], b.idle[key]).toFixed(2)}×)` });
  }
  out.push({
    figure: '  … the build meanwhile',
    value: `${b.window.buildRequests} requests in ${secs(b.window.ms)}${b.window.buildRunningAtEnd ? '' : ' (it finished before the passes did: too small a registry)'}`,
  });
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string', default: '5000' }, 'tags-per-repo': { type: 'string', default: '10' }, fresh: { type: 'boolean', default: false } } });
  const repositories = Number(values.repos);
  const tagsPerRepository = Number(values['tags-per-repo']);
  if (!(repositories >= 8 && tagsPerRepository >= 1)) throw new Error('--repos must be at least 8 and --tags-per-repo at least 1');
  const started = new Date().toISOString();
  console.log(`Berth index benchmark — ${started}, Node ${process.version}, ${cpus().length} CPUs, load average ${load()}`);
  // Written after every phase, so a run stopped midway still leaves what it measured.
  const json: Record<string, unknown> = {
    started,
    command: `node bench/run.mjs index --repos ${repositories} --tags-per-repo ${tagsPerRepository}${values.fresh ? ' --fresh' : ''}`,
    node: process.version,
    cpus: cpus().length,
    loadavg: { start: loadavg() },
    targets: TARGET,
  };
  const save = (phase: string, figures: unknown): void => {
    json[phase] = figures;
    (json.loadavg as Record<string, number[]>)[`after ${phase}`] = loadavg();
    mkdirSync(resolve(RESULTS, '..'), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(json, null, 2) + '\n');
  };
  const reg = await startRegistry();
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-index-'));
  try {
    console.log(`seeding ${reg.url}: ${repositories} repositories × ${tagsPerRepository} tags (into its storage)…`);
    const seed = await seedIndexRegistry(reg, { repositories, tagsPerRepository });
    save('seed', seed);
    console.log(`seeded ${seed.tags} tags in ${secs(seed.ms)}; engine… (load average ${load()})`);
    // The engine first: a run stopped midway (see index-child's .partial file) keeps its figures.
    const engine = await child<EngineFigures>('engine', reg.url, dir, values.fresh ? ['--fresh'] : []);
    save('engine', { ...engine.figures, peakRss: engine.peakRss });
    console.log(`engine: full build ${secs(engine.figures.first.ms)}, rebuild ${secs(engine.figures.cached.ms)}; bare client… (load average ${load()})`);
    const bare = await child<BareRun>('bare', reg.url, dir);
    save('bare', bare.figures);
    console.log(`bare client: ${secs(bare.figures.ms)}; browsing idle and during a build… (load average ${load()})`);
    const apps = repositories - Math.min(12, Math.floor(repositories / 4));
    const browseRepos = Array.from({ length: 8 }, (_, i) => appRepository(Math.floor(((i + 0.5) * apps) / 8)));
    const browse = await child<BrowseRun>('browse', reg.url, dir, browseRepos);
    save('browse', browse.figures);
    json.ratios = {
      indexVsBare: engine.figures.first.ms / bare.figures.ms,
      indexVsBareCpu: engine.figures.first.cpuMs / bare.figures.cpuMs,
      cachedVsFirst: engine.figures.cached.ms / engine.figures.first.ms,
      browseDuringVsIdle: browse.figures.during.totalMs / browse.figures.idle.totalMs,
    };
    writeFileSync(RESULTS, JSON.stringify(json, null, 2) + '\n');

    console.log('');
    console.log(table(rows(seed, bare.figures, engine.figures, engine.peakRss, browse.figures)));
    console.log('');
    console.log(describeSearch(engine.figures.search));
    const start = (json.loadavg as { start: number[] }).start;
    console.log(`\nLoad average: ${start.map((l) => l.toFixed(2)).join(' ')} at the start, ${load()} at the end (figures are noisy when other work shares the CPUs).`);
    console.log(`Figures written to ${RESULTS}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await reg.stop();
  }
}

await main();
