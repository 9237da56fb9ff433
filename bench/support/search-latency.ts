/** Search latency over an index: a fixed set of queries, each run many times, wall and CPU time per query. */
import { searchIndex } from '../../src/main/index/search';
import type { RegistryIndex } from '../../src/main/index/registry-index';

/** Queries over names, tags, digests, labels, platforms, dates, sizes and bases (names as seeded: ns<k>/app-<r>, library/base-<b>). */
export const SEARCH_QUERIES = [
  'app-12',
  'tag:v1.*',
  'ns3 tag:v9.*',
  'digest:sha256:ab',
  'label:team=web',
  'platform:linux/arm64',
  'created:>2024-06-01',
  'created:2023-03..2023-05 size:>40MB',
  'size:10MB..60MB -label:tier=dev',
  'base:library/base-3:latest',
  'is:index platform:linux/amd64 label:tier=prod',
];

/** One query's figures. */
export interface QueryLatency {
  query: string;
  hits: number;
  p50: number;
  p95: number;
  cpuP95: number;
}

/** All queries' figures (milliseconds). */
export interface SearchLatency {
  /** The first search of an index version builds its row cache. */
  firstMs: number;
  runsPerQuery: number;
  queries: QueryLatency[];
  p50: number;
  p95: number;
  max: number;
  cpuP50: number;
  cpuP95: number;
}

/** The `p`th percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs every query `runs` times. Wall time is what a user waits on this machine; CPU time is the
 * work itself (it does not grow when other processes take the cores).
 */
export function measureSearch(index: RegistryIndex, queries: string[] = SEARCH_QUERIES, runs = 40): SearchLatency {
  let t = performance.now();
  searchIndex(index, 'x');
  const firstMs = performance.now() - t;
  const all: number[] = [];
  const allCpu: number[] = [];
  const out: QueryLatency[] = [];
  for (const query of queries) {
    const times: number[] = [];
    const cpu: number[] = [];
    let hits = 0;
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      const c = process.cpuUsage();
      hits = searchIndex(index, query, { limit: 200 }).total;
      const used = process.cpuUsage(c);
      times.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    all.push(...times);
    allCpu.push(...cpu);
    out.push({ query, hits, p50: percentile(times, 50), p95: percentile(times, 95), cpuP95: percentile(cpu, 95) });
  }
  all.sort((a, b) => a - b);
  allCpu.sort((a, b) => a - b);
  return {
    firstMs,
    runsPerQuery: runs,
    queries: out,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    max: all[all.length - 1],
    cpuP50: percentile(allCpu, 50),
    cpuP95: percentile(allCpu, 95),
  };
}

/** One line per query, for the console. */
export function describeSearch(s: SearchLatency): string {
  const lines = s.queries.map(
    (q) => `${q.query.padEnd(48)} ${String(q.hits).padStart(6)} hits  wall p50 ${q.p50.toFixed(1)} p95 ${q.p95.toFixed(1)} ms  cpu p95 ${q.cpuP95.toFixed(1)} ms`,
  );
  lines.push(
    `all queries: wall p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms; cpu p50 ${s.cpuP50.toFixed(1)} ms, p95 ${s.cpuP95.toFixed(1)} ms`,
  );
  return lines.join('\n');
}
