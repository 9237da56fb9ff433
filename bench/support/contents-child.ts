/**
 * One measured step of bench/contents, in a process of its own (so its peak RSS and cold start are
 * its own), bundled like the app's main process. Opens images from the registry the way the
 * service does (registryImage + the ContentsEngine over a content store) and prints one JSON line.
 *
 *   open   TAG          index + merge an image (nothing cached): phases, figures, memory
 *   cached TAG          the image again, a new engine over the warm store: time to the first rows
 *   diff   TAG_A TAG_B  both images from the cache, then their diff
 */
import { ContentsEngine, type ImageDiff, type OpenImageOptions, diffImages, registryImage } from '../../src/main/contents';
import { RegistryClient } from '../../src/main/registry/client';
import { registryConfigFromInput } from '../../src/main/registry/reference';
import { ContentStore } from '../../src/main/store/content-store';

/** What the parent passes (argv[2], JSON). */
export interface ChildArgs {
  step: 'open' | 'cached' | 'diff';
  registryUrl: string;
  repo: string;
  store: string;
  tags: string[];
  /** Repetitions after the first, in the same process (cached, diff). */
  repeat?: number;
}

/** Milliseconds from the process's start until the bundle is loaded (Node's startup and module evaluation). */
const loadedMs = performance.now();
const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const rssAtStart = process.memoryUsage().rss;
const client = new RegistryClient(registryConfigFromInput({ url: args.registryUrl }));
const store = new ContentStore(args.store);
const since = (t: number) => performance.now() - t;
/** CPU milliseconds of this process (all its threads) since `c`: what the work cost, whatever the machine's load. */
const cpuSince = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};

/** Opens `tag` like the service: manifest (config from the store), then the engine. */
async function open(engine: ContentsEngine, tag: string, opts?: OpenImageOptions) {
  return engine.openImage(await registryImage(client, args.repo, tag, { store }), opts);
}

/** What every step reports besides its own figures. */
export interface ChildBase {
  loadedMs: number;
  rssAtStart: number;
  peakRss: number;
}

/** Figures of `open`. */
export interface OpenResult {
  ms: number;
  indexMs: number;
  mergeMs: number;
  storedBytes: number;
  files: number;
  dirs: number;
  layers: number;
  totalBytes: number;
}

/** Figures of one cached open, up to the first rows of the tree. */
export interface FirstRows {
  ms: number;
  cpuMs: number;
  manifestMs: number;
  treeMs: number;
  rows: number;
  treeNodes: number;
}

/** Figures of `cached`: the first open in the process, then `repeat` more. */
export interface CachedResult {
  first: FirstRows;
  again: FirstRows[];
  bestMs: number;
}

/** Figures of `diff`. */
export interface DiffResult {
  firstMs: number;
  firstCpuMs: number;
  againMs: number[];
  againCpuMs: number[];
  bestMs: number;
  summary: string;
  totals: ImageDiff['totals'];
  changes: number;
  filesCompared: number;
}

/** The first rows the file browser shows: the root, then the first page of its first folder. */
async function firstRows(tag: string): Promise<FirstRows> {
  const t = performance.now();
  const c = process.cpuUsage();
  const source = await registryImage(client, args.repo, tag, { store });
  const manifestMs = since(t);
  const img = await new ContentsEngine(store).openImage(source);
  const treeMs = since(t) - manifestMs;
  const root = img.list('', {}, 0, 100).entries;
  const first = root.find((e) => e.kind === 'dir');
  const rows = root.length + (first ? img.list(first.path, {}, 0, 100).entries.length : 0);
  return { ms: since(t), cpuMs: cpuSince(c), manifestMs, treeMs, rows, treeNodes: img.tree.count };
}

async function openStep(tag: string): Promise<OpenResult> {
  const t = performance.now();
  let indexMs = 0;
  let storedBytes = 0;
  const img = await open(new ContentsEngine(store), tag, {
    onProgress: (p) => {
      if (p.phase === 'merge') indexMs = since(t);
      else if (p.done) storedBytes += p.storedBytes;
    },
  });
  const { files, dirs, layers, totalBytes } = img.summary;
  return { ms: since(t), indexMs, mergeMs: since(t) - indexMs, storedBytes, files, dirs, layers: layers.length, totalBytes };
}

async function cachedStep(tag: string, repeat: number): Promise<CachedResult> {
  const first = await firstRows(tag);
  const again: FirstRows[] = [];
  for (let i = 0; i < repeat; i++) again.push(await firstRows(tag));
  return { first, again, bestMs: Math.min(...again.map((a) => a.ms)) };
}

async function diffStep(tagA: string, tagB: string, repeat: number): Promise<DiffResult> {
  const once = async () => {
    const t = performance.now();
    const c = process.cpuUsage();
    const engine = new ContentsEngine(store);
    const [a, b] = await Promise.all([open(engine, tagA), open(engine, tagB)]);
    const d = diffImages(a, b);
    return { ms: since(t), cpuMs: cpuSince(c), d, files: a.summary.files + b.summary.files };
  };
  const first = await once();
  const again = [];
  for (let i = 0; i < repeat; i++) again.push(await once());
  const { totals, summary, files } = first.d;
  const againMs = again.map((x) => x.ms);
  return { firstMs: first.ms, firstCpuMs: first.cpuMs, againMs, againCpuMs: again.map((x) => x.cpuMs), bestMs: Math.min(...againMs), summary, totals, changes: files.length, filesCompared: first.files };
}

try {
  const [a, b] = args.tags;
  const repeat = args.repeat ?? 5;
  const result = args.step === 'open' ? await openStep(a) : args.step === 'cached' ? await cachedStep(a, repeat) : await diffStep(a, b, repeat);
  const base: ChildBase = { loadedMs, rssAtStart, peakRss: process.resourceUsage().maxRSS * 1024 };
  console.log(JSON.stringify({ ...result, ...base }));
} finally {
  await client.close();
}
