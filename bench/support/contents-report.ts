/** bench/contents' figures as a table next to the targets of issue #13 and the baseline. */
import type { CachedResult, ChildBase, DiffResult, OpenResult } from './contents-child';
import type { LayerFile } from './contents-layers';
import type { Measured } from './measure';
import type { Row } from './report';

/** Targets from issue #13. */
export const TARGET = { ratio: 1.2, peakMB: 150, cachedMs: 100, diffMs: 1000 };

/** Everything one run measured. */
export interface ContentsFigures {
  layer: LayerFile;
  baseline: Measured[];
  opens: { m: Measured; out: OpenResult & ChildBase }[];
  cached: CachedResult & ChildBase;
  diff: DiffResult & ChildBase;
  repeat: number;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msf = (ms: number) => `${ms.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The figures that decide the targets (best rep for the cold open, medians for repeated steps). */
export function headline(f: ContentsFigures) {
  const curl = f.baseline.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const berth = f.opens.reduce((a, b) => (b.m.seconds < a.m.seconds ? b : a));
  return {
    curlSeconds: curl.seconds,
    curlCpuSeconds: curl.cpuSeconds,
    berthSeconds: berth.m.seconds,
    berthCpuSeconds: berth.m.cpuSeconds,
    ratio: berth.m.seconds / curl.seconds,
    cpuRatio: berth.m.cpuSeconds / curl.cpuSeconds,
    peakMB: Math.max(...f.opens.map((o) => o.m.peakMB)),
    cachedMedianMs: median(f.cached.again.map((a) => a.ms)),
    cachedMedianCpuMs: median(f.cached.again.map((a) => a.cpuMs)),
    diffMedianMs: median(f.diff.againMs),
    diffMedianCpuMs: median(f.diff.againCpuMs),
  };
}

/** The table rows. */
export function contentsRows(f: ContentsFigures): Row[] {
  const h = headline(f);
  const o = f.opens[0].out;
  const c = f.cached.first;
  const k = f.repeat;
  return [
    { figure: `Layer: ${(f.layer.tarBytes / 1e6).toFixed(0)} MB tar, ${o.files} files + ${o.dirs} dirs, ${(f.layer.size / 1e6).toFixed(0)} MB gzip`, value: `best of ${f.opens.length}`, anchor: `best of ${f.baseline.length}` },
    { figure: 'Open the image, layer not indexed: wall', value: s(h.berthSeconds * 1000), anchor: s(h.curlSeconds * 1000) },
    { figure: '… wall ratio to the baseline', value: `${h.ratio.toFixed(2)}×`, target: `≤ ${TARGET.ratio}×`, meets: h.ratio <= TARGET.ratio },
    { figure: '… CPU (user + sys; baseline: all 3 processes)', value: `${s(h.berthCpuSeconds * 1000)} (${h.cpuRatio.toFixed(2)}×)`, anchor: s(h.curlCpuSeconds * 1000) },
    { figure: '… Node start / index / merge (first rep)', value: `${s(o.loadedMs)} / ${s(o.indexMs)} / ${s(o.mergeMs)}` },
    { figure: 'Peak RSS of the indexing process', value: `${h.peakMB.toFixed(0)} MB`, target: `≤ ${TARGET.peakMB} MB`, anchor: `${Math.max(...f.baseline.map((b) => b.peakMB)).toFixed(0)} MB (largest process)`, meets: h.peakMB <= TARGET.peakMB },
    { figure: '… of which Node with the code loaded', value: `${(o.rssAtStart / 2 ** 20).toFixed(0)} MB` },
    { figure: `Second open, cached → first rows, running process (median of ${k})`, value: `${msf(h.cachedMedianMs)} (CPU ${msf(h.cachedMedianCpuMs)})`, target: `≤ ${TARGET.cachedMs} ms`, meets: h.cachedMedianMs <= TARGET.cachedMs },
    { figure: '… in a new process (app restarted)', value: `${msf(c.ms)} (CPU ${msf(c.cpuMs)})`, target: `≤ ${TARGET.cachedMs} ms`, meets: c.ms <= TARGET.cachedMs },
    { figure: `… of which manifest GET / tree read (${c.treeNodes} nodes) / rows`, value: `${msf(c.manifestMs)} / ${msf(c.treeMs)} / ${msf(c.ms - c.manifestMs - c.treeMs)}` },
    { figure: `Diff :a :b, cached, ${f.diff.changes} changes, running process (median of ${k})`, value: `${msf(h.diffMedianMs)} (CPU ${msf(h.diffMedianCpuMs)})`, target: `≤ ${TARGET.diffMs} ms`, meets: h.diffMedianMs <= TARGET.diffMs },
    { figure: '… in a new process', value: `${msf(f.diff.firstMs)} (CPU ${msf(f.diff.firstCpuMs)})`, target: `≤ ${TARGET.diffMs} ms`, meets: f.diff.firstMs <= TARGET.diffMs },
  ];
}
