/**
 * bench/transfer: the push benchmark's ~1.8 GB image, pushed once into a local registry A, then
 * copied to a registry B and saved to tarballs by Berth's transfer engine and by skopeo in the
 * same run. Each copy goes to a freshly started B (nothing to skip, nothing a blob cache knows);
 * each saved file is removed (and the disk synced) before the next command runs. Berth runs in a
 * child process of its own, so its peak resident memory (VmHWM) is the engine's.
 *
 * A holds the image uncompressed (`berth push --compression none`), so both tools move the same
 * bytes verbatim; skopeo's copy gets `--preserve-digests`, without which it gzips uncompressed
 * layers on the way to a registry (its default) and the target gets other digests; likewise its
 * OCI save gets `--dest-oci-accept-uncompressed-layers` (measured without it on 2026-12-01: 191 s,
 * 41 s of CPU gzipping).
 *
 * `node bench/run.mjs transfer` (full size), or `node --import tsx bench/transfer.ts --size-mb 64
 * --runs 1 [--no-oci]` to develop. Figures: best wall time of the runs per command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { bundleChild } from './support/bundle-child';
import { measure, type Measured } from './support/measure';
import { processCpuSeconds } from './support/proc-cpu';
import { pushSource, sourceArchive } from './support/transfer-source';
import type { TransferChildResult, TransferJob } from './support/transfer-child';

const ROOT = resolve(import.meta.dirname, '..');
const CHILD = resolve(import.meta.dirname, 'support/transfer-child.ts');
const WORK = process.env.BERTH_BENCH_DIR ?? join(tmpdir(), 'berth-bench');
const REPO = 'bench/app';
const TAG = '1';

const { values: flags } = parseArgs({ options: { 'size-mb': { type: 'string' }, runs: { type: 'string', default: '2' }, 'no-oci': { type: 'boolean', default: false } } });
const sizeMb = flags['size-mb'] === undefined ? null : Number(flags['size-mb']);
const runs = Number(flags.runs);
if ((sizeMb !== null && !(sizeMb >= 1 && sizeMb <= 1024)) || !(Number.isInteger(runs) && runs >= 1 && runs <= 5)) {
  console.error('usage: bench/transfer.ts [--size-mb 1..1024] [--runs 1..5] [--no-oci]');
  process.exit(2);
}
if (!existsSync(resolve(ROOT, 'out/main/cli.js'))) {
  console.error('bench/transfer pushes its source image with the built CLI: run `npm run build` first.');
  process.exit(1);
}

/** One timed command: wall seconds and peak resident memory in MB (10^6 bytes). */
interface Sample {
  seconds: number;
  peakMB: number;
  /** CPU seconds of the command itself and of the registries it talked to (source A, target B). */
  cpu: { tool: number; registries: number };
  /** Saves: until the archive is on disk (fsync included). */
  durableSeconds?: number;
}
type Tool = 'berth' | 'skopeo';

const registryRoot = process.env.BERTH_BENCH_REGISTRY_DIR;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

function ok(what: string, m: Measured): Measured {
  if (m.code !== 0) throw new Error(`${what} failed (${m.code}): ${m.stdout.slice(-500)} ${m.stderr.slice(-1500)}`);
  return m;
}

let child: string | undefined;

/** Berth's engine in a child process: wall time as for skopeo, peak memory as the child saw its own VmHWM. */
async function berth(job: TransferJob, registries: RunningRegistry[]): Promise<Sample & { child: TransferChildResult }> {
  child ??= await bundleChild(ROOT, CHILD);
  const cpu = registryCpu(registries);
  const m = ok(`berth ${job.op}`, await measure(process.execPath, [child, JSON.stringify(job)]));
  const result = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as TransferChildResult;
  return { seconds: m.seconds, peakMB: result.peakRss / 1e6, cpu: { tool: m.cpuSeconds, registries: cpu() }, child: result };
}

async function skopeo(args: string[], registries: RunningRegistry[]): Promise<Sample> {
  const cpu = registryCpu(registries);
  const m = ok(`skopeo ${args.join(' ')}`, await measure('skopeo', ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', ...args]));
  return { seconds: m.seconds, peakMB: m.peakMB, cpu: { tool: m.cpuSeconds, registries: cpu() } };
}

/** Starts counting the registries' CPU time; the returned function says how much they used since. */
function registryCpu(registries: RunningRegistry[]): () => number {
  const sum = () => registries.reduce((n, r) => n + processCpuSeconds(r.pid), 0);
  const before = sum();
  return () => sum() - before;
}

/** The manifest digest a registry serves for the benchmark's tag. */
async function digestOn(reg: RunningRegistry): Promise<string> {
  const accept = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.index.v1+json'].join(', ');
  const res = await reg.fetch(`/v2/${REPO}/manifests/${TAG}`, { method: 'HEAD', headers: { accept } });
  return res.headers.get('docker-content-digest') ?? `HTTP ${res.status}`;
}

/** One copy A → fresh B by `tool`; B is stopped (and its storage removed) afterwards. */
async function copyOnce(a: RunningRegistry, tool: Tool, sourceDigest: string): Promise<Sample> {
  const b = await startRegistry({ tmpRoot: registryRoot });
  try {
    const s =
      tool === 'berth'
        ? await berth({ op: 'copy', source: a.url, repository: REPO, reference: TAG, target: b.url, targetRepository: REPO, tag: TAG }, [a, b])
        : await skopeo(['--dest-tls-verify=false', '--preserve-digests', `docker://${a.host}/${REPO}:${TAG}`, `docker://${b.host}/${REPO}:${TAG}`], [a, b]);
    const got = await digestOn(b);
    if (got !== sourceDigest) console.log(`  note: ${tool}'s copy on B has manifest ${got}, the source ${sourceDigest}`);
    return s;
  } finally {
    await b.stop();
  }
}

/**
 * One save of A's tag to a tarball by `tool`; the file is removed afterwards. Berth fsyncs the
 * archive before it renames it into place; skopeo does not, so `durableSeconds` adds the time of
 * `sync FILE` after skopeo to compare like with like.
 */
async function saveOnce(a: RunningRegistry, tool: Tool, format: 'docker' | 'oci'): Promise<Sample & { fileBytes: number }> {
  const file = join(WORK, `transfer-${tool}-${format}.tar`);
  await rm(file, { force: true });
  spawnSync('sync');
  try {
    const s =
      tool === 'berth'
        ? await berth({ op: 'save', source: a.url, repository: REPO, reference: TAG, file, format }, [a])
        : await skopeo(format === 'docker' ? [`docker://${a.host}/${REPO}:${TAG}`, `docker-archive:${file}:${REPO}:${TAG}`] : ['--dest-oci-accept-uncompressed-layers', `docker://${a.host}/${REPO}:${TAG}`, `oci-archive:${file}:${REPO}:${TAG}`], [a]);
    const t0 = performance.now();
    if (tool === 'skopeo') spawnSync('sync', [file]);
    return { ...s, durableSeconds: s.seconds + (performance.now() - t0) / 1000, fileBytes: (await stat(file)).size };
  } finally {
    await rm(file, { force: true });
    spawnSync('sync');
  }
}

/** Runs `once` for both tools `runs` times, alternating who goes first. */
async function pair<T extends Sample>(label: string, once: (tool: Tool) => Promise<T>): Promise<Record<Tool, T[]>> {
  const out: Record<Tool, T[]> = { berth: [], skopeo: [] };
  for (let i = 0; i < runs; i++) {
    const order: Tool[] = i % 2 === 0 ? ['berth', 'skopeo'] : ['skopeo', 'berth'];
    for (const tool of order) {
      const s = await once(tool);
      out[tool].push(s);
      const child = 'child' in s ? (s.child as TransferChildResult) : null;
      const phases = child ? `  engine ${child.engineSeconds.toFixed(2)} s (${Object.entries(child.phases).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')})` : '';
      console.log(`  ${label} run ${i + 1} ${tool.padEnd(6)} ${s.seconds.toFixed(2)} s  peak ${s.peakMB.toFixed(0)} MB  CPU ${s.cpu.tool.toFixed(1)} s + registries ${s.cpu.registries.toFixed(1)} s${phases}  (load ${load()})`);
    }
  }
  return out;
}

const best = (xs: Sample[], key: 'seconds' | 'durableSeconds' = 'seconds') => Math.min(...xs.map((x) => x[key] ?? x.seconds));
const peak = (xs: Sample[]) => Math.max(...xs.map((x) => x.peakMB));
/** CPU of the fastest run: the command's own, and the registries' while it ran. */
const cpuOf = (xs: Sample[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a)).cpu;

/** A line of the figures: both tools' best time and peak memory, their ratio, the target. */
function summary(figure: string, r: Record<Tool, Sample[]>, ratioTarget: number, rssTargetMB?: number) {
  const ratio = best(r.berth) / best(r.skopeo);
  const berthPeak = peak(r.berth);
  const meets = ratio <= ratioTarget && (rssTargetMB === undefined || berthPeak <= rssTargetMB);
  const skopeoDurableSeconds = r.skopeo[0]?.durableSeconds === undefined ? undefined : best(r.skopeo, 'durableSeconds');
  const durableRatio = skopeoDurableSeconds && best(r.berth) / skopeoDurableSeconds;
  return { figure, berthSeconds: best(r.berth), skopeoSeconds: best(r.skopeo), skopeoDurableSeconds, ratio, durableRatio, ratioTarget, berthPeakMB: berthPeak, skopeoPeakMB: peak(r.skopeo), berthCpu: cpuOf(r.berth), skopeoCpu: cpuOf(r.skopeo), rssTargetMB, meets, runs: r };
}
type Summary = ReturnType<typeof summary>;

function table(rows: Summary[], mb: number): string {
  const head = ['Figure', 'Berth', 'skopeo', 'Ratio', 'Target', 'Meets', 'Peak RSS Berth / skopeo', 'CPU s Berth / skopeo (+ registries)', 'skopeo + fsync (ratio)'];
  const cells = rows.map((r) => [
    r.figure,
    `${r.berthSeconds.toFixed(2)} s (${(mb / r.berthSeconds).toFixed(0)} MB/s)`,
    `${r.skopeoSeconds.toFixed(2)} s (${(mb / r.skopeoSeconds).toFixed(0)} MB/s)`,
    `${r.ratio.toFixed(2)}×`,
    `≤ ${r.ratioTarget.toFixed(1)}×${r.rssTargetMB ? `, ≤ ${r.rssTargetMB} MB` : ''}`,
    r.meets ? 'yes' : 'NO',
    `${r.berthPeakMB.toFixed(0)} / ${r.skopeoPeakMB.toFixed(0)} MB`,
    `${r.berthCpu.tool.toFixed(1)} (+ ${r.berthCpu.registries.toFixed(1)}) / ${r.skopeoCpu.tool.toFixed(1)} (+ ${r.skopeoCpu.registries.toFixed(1)})`,
    r.skopeoDurableSeconds && r.durableRatio ? `${r.skopeoDurableSeconds.toFixed(2)} s (${r.durableRatio.toFixed(2)}×)` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => s.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const loadBefore = load();
  console.log(`bench/transfer — work folder ${WORK}; load average ${loadBefore}`);
  const archive = await sourceArchive(WORK, sizeMb);
  const a = await startRegistry({ tmpRoot: registryRoot });
  try {
    const pushSeconds = await pushSource(ROOT, archive, a, `${REPO}:${TAG}`);
    const sourceDigest = await digestOn(a);
    const mb = archive.size / 1e6;
    console.log(`source: ${mb.toFixed(0)} MB archive, ${archive.layers} layers, pushed into A (uncompressed) in ${pushSeconds.toFixed(1)} s; ${REPO}:${TAG} = ${sourceDigest}`);
    const rows: Summary[] = [];
    rows.push(summary('copy A → B', await pair('copy', (t) => copyOnce(a, t, sourceDigest)), 1.0, 200));
    rows.push(summary('save, docker-archive', await pair('save docker', (t) => saveOnce(a, t, 'docker')), 1.0));
    if (!flags['no-oci']) rows.push(summary('save, OCI archive', await pair('save oci', (t) => saveOnce(a, t, 'oci')), 1.0));
    const loadAfter = load();
    console.log(`\n${table(rows, mb)}\n\nbest of ${runs} run(s) each; load average before ${loadBefore}, after ${loadAfter} (${availableParallelism()} cores)`);
    const results = { date: new Date().toISOString(), archiveBytes: archive.size, layers: archive.layers, sizeMb, runsEach: runs, loadBefore, loadAfter, cores: availableParallelism(), figures: rows };
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(resolve(ROOT, 'bench/results/transfer.json'), `${JSON.stringify(results, null, 2)}\n`);
    if (rows.some((r) => !r.meets)) console.log('A target was missed (see the table).');
  } finally {
    await a.stop();
    if (archive.temporary) await rm(archive.path, { force: true });
    if (child) await rm(child, { force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
