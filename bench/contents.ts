/**
 * bench/contents (`node bench/run.mjs contents [--size-mb N] [--reps R] [--keep]`): the contents
 * engine against a local docker-registry. A generated distribution layer of N MB (default 1024;
 * ~84,000 entries, gzip ~2.2×) pushed as an image, then in the same run, alternating:
 * `curl -s BLOB | gzip -dc | tar -t` on its blob, and Berth opening the image (index + merge)
 * in a fresh process with an empty cache (wall time, peak RSS); then a new process opening it
 * again from the cache (time to the first rows of the tree), and the diff of two ~N MB images
 * that share two layers and differ in a third, from cached indexes. Each measured step runs in
 * its own process, bundled with esbuild like the app's main process. Prints a table and writes
 * bench/results/contents.json. Generated layers live under $BERTH_BENCH_DIR (default
 * $TMPDIR/berth-bench) and are removed after a complete run unless --keep; --inputs-only generates them
 * (kept) and stops, so a measuring run can skip that part.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startRegistry } from '../test/support/registry/start';
import type { CachedResult, ChildArgs, ChildBase, DiffResult, OpenResult } from './support/contents-child';
import { generateInputs, pushInputs } from './support/contents-layers';
import { measure, type Measured } from './support/measure';
import { type ContentsFigures, TARGET, contentsRows, headline } from './support/contents-report';
import { table } from './support/report';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(ROOT, 'bench/results/contents.json');
const REPO = 'bench/contents';

const { values: opt } = parseArgs({
  options: { 'size-mb': { type: 'string', default: '1024' }, reps: { type: 'string', default: '2' }, repeat: { type: 'string', default: '5' }, keep: { type: 'boolean', default: false }, 'inputs-only': { type: 'boolean', default: false } },
});
const sizeMb = Number(opt['size-mb']);
const reps = Number(opt.reps);
const repeat = Number(opt.repeat);
if (!(sizeMb >= 8) || !(reps >= 1) || !(repeat >= 1)) {
  console.error('usage: bench/contents.ts [--size-mb N ≥ 8] [--reps R ≥ 1] [--repeat K ≥ 1] [--keep] [--inputs-only]');
  process.exit(2);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msf = (ms: number) => `${ms.toFixed(0)} ms`;

/**
 * The child script as one ESM file with dependencies external, as electron-vite builds the main
 * process; written under node_modules/.cache so those dependencies resolve as they do in the app.
 */
async function bundleChild(out: string): Promise<void> {
  await build({
    entryPoints: [resolve(ROOT, 'bench/support/contents-child.ts')],
    outfile: out,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
}

function ok(what: string, m: Measured): Measured {
  if (m.code !== 0) throw new Error(`${what} failed (${m.code}): ${m.stdout.slice(-500)} ${m.stderr.slice(-1500)}`);
  return m;
}

async function main(): Promise<void> {
  const work = process.env.BERTH_BENCH_DIR ?? join(tmpdir(), 'berth-bench');
  mkdirSync(work, { recursive: true });
  console.log(`bench/contents — ${sizeMb} MB distribution layer, ${reps} rep(s); ${cpus().length} CPUs, load ${load()}`);
  const inputs = await generateInputs(work, sizeMb, console.log);
  if (opt['inputs-only']) return console.log(`inputs kept in ${inputs.dir}`);
  const loadBefore = loadavg();
  const reg = await startRegistry({ tmpRoot: process.env.BERTH_BENCH_REGISTRY_DIR });
  const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-contents-'));
  const child = resolve(ROOT, 'node_modules/.cache/berth-bench/contents-child.mjs');
  try {
    await bundleChild(child);
    await pushInputs(reg, REPO, inputs);
    const base = inputs.base;
    console.log(`pushed ${REPO}:big (${(base.tarBytes / 1e6).toFixed(0)} MB tar, ${base.entries} entries, ${(base.size / 1e6).toFixed(0)} MB gzip), :a and :b`);

    const run = async <T>(step: ChildArgs['step'], store: string, tags: string[]) => {
      const m = ok(`berth ${step} ${tags.join(' ')}`, await measure(process.execPath, [child, JSON.stringify({ step, registryUrl: reg.url, repo: REPO, store, tags, repeat } satisfies ChildArgs)]));
      return { m, out: JSON.parse(m.stdout.trim().split('\n').at(-1) ?? '{}') as T & ChildBase };
    };
    const blobUrl = `${reg.url}/v2/${REPO}/blobs/${base.digest}`;
    const baseline: Measured[] = [];
    const opens: { m: Measured; out: OpenResult & ChildBase }[] = [];
    let store = '';
    for (let i = 0; i < reps; i++) {
      const b = ok('curl | gzip -dc | tar -t', await measure('bash', ['-c', `set -o pipefail; curl -sf '${blobUrl}' | gzip -dc | tar -t >/dev/null`]));
      baseline.push(b);
      store = join(tmp, `store-${i}`);
      const o = await run<OpenResult>('open', store, ['big']);
      opens.push(o);
      console.log(`  rep ${i + 1}: curl | gzip -dc | tar -t ${s(b.seconds * 1000)}; berth open ${s(o.m.seconds * 1000)} (start ${s(o.out.loadedMs)}, index ${s(o.out.indexMs)}, merge ${s(o.out.mergeMs)}), peak ${o.m.peakMB.toFixed(0)} MB; load ${load()}`);
    }
    const cached = await run<CachedResult>('cached', store, ['big']);
    const c1 = cached.out.first;
    console.log(`  cached open: first rows ${msf(c1.ms)} (manifest ${msf(c1.manifestMs)}, tree of ${c1.treeNodes} nodes ${msf(c1.treeMs)}; ${c1.rows} rows), best of ${repeat} again ${msf(cached.out.bestMs)}; load ${load()}`);
    const openA = await run<OpenResult>('open', store, ['a']);
    const openB = await run<OpenResult>('open', store, ['b']);
    console.log(`  opened :a in ${s(openA.m.seconds * 1000)} and :b in ${s(openB.m.seconds * 1000)} (their distribution layer already indexed)`);
    const diff = await run<DiffResult>('diff', store, ['a', 'b']);
    console.log(`  diff :a :b: ${msf(diff.out.firstMs)}, best of ${repeat} again ${msf(diff.out.bestMs)} — ${diff.out.summary}; load ${load()}`);

    const figures: ContentsFigures = { layer: base, baseline, opens, cached: cached.out, diff: diff.out, repeat };
    const rows = contentsRows(figures);
    console.log(`\nBaseline: curl -s BLOB | gzip -dc | tar -t >/dev/null on the same blob, same run.\n${table(rows, 'Baseline')}`);
    console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(', ')}, after ${load()}`);
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    const results = {
      date: new Date().toISOString(),
      command: `node bench/run.mjs contents --size-mb ${sizeMb} --reps ${reps}`,
      cpus: cpus().length,
      loadBefore,
      loadAfter: loadavg(),
      headline: headline(figures),
      layer: base,
      baseline: baseline.map(({ seconds, cpuSeconds, peakMB }) => ({ seconds, cpuSeconds, peakMB })),
      berthOpen: opens.map((x) => ({ seconds: x.m.seconds, cpuSeconds: x.m.cpuSeconds, peakMB: x.m.peakMB, ...x.out })),
      openImages: { a: openA.m.seconds, b: openB.m.seconds },
      cached: cached.out,
      diff: diff.out,
      targets: TARGET,
    };
    writeFileSync(RESULTS, JSON.stringify(results, null, 2));
    console.log(`written ${RESULTS}`);
    if (!opt.keep) await rm(inputs.dir, { recursive: true, force: true });
  } catch (err) {
    console.error(`inputs kept in ${inputs.dir} for the next run`);
    throw err;
  } finally {
    await reg.stop();
    await rm(tmp, { recursive: true, force: true });
    await rm(child, { force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
