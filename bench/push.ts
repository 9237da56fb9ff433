/**
 * bench/push: a ~1.8 GB `docker save` archive in four layers (this machine's directories) pushed
 * to a local docker-registry by `berth push` and by `skopeo copy docker-archive:` in the same run.
 * Prints wall time, ratios to skopeo, peak memory, the re-push time, the main thread's
 * event-loop delay during an app push (work in the worker), and the registry's ingest rate.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { request } from 'undici';
import { startRegistry } from '../test/support/registry/start';
import { PushManager } from '../src/main/push/manager';
import { registryConfigFromInput } from '../src/main/registry/reference';
import type { PushOutcome } from '../src/shared/types';
import { bigArchive } from '../test/support/archives/big-archive';
import { measure, type Measured } from './support/measure';
import { sha256 } from '../test/support/digest';

const ROOT = resolve(import.meta.dirname, '..');
const BERTH = resolve(ROOT, 'bin/berth.mjs');
const WORK = process.env.BERTH_BENCH_DIR ?? join(tmpdir(), 'berth-bench');
mkdirSync(WORK, { recursive: true });

if (!existsSync(resolve(ROOT, 'out/main/cli.js'))) {
  console.error('bench/push needs the build: run `npm run build` first.');
  process.exit(1);
}

const fmt = (s: number) => `${s.toFixed(2)} s`;
const mb = (n: number) => `${n.toFixed(0)} MB`;

async function ingestRate(url: string): Promise<number> {
  // One 256 MB random blob, monolithic POST+PUT: the registry's own ceiling for writing bytes.
  const blob = randomBytes(256 * 1024 * 1024);
  const digest = sha256(blob);
  const start = await request(`${url}/v2/ingest/probe/blobs/uploads/`, { method: 'POST' });
  await start.body.dump();
  const location = new URL(String(start.headers.location), url);
  location.searchParams.set('digest', digest);
  const t0 = performance.now();
  const put = await request(location, {
    method: 'PUT',
    body: blob,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
  });
  await put.body.dump();
  if (put.statusCode !== 201) throw new Error(`ingest PUT answered ${put.statusCode}`);
  return blob.length / 1e6 / ((performance.now() - t0) / 1000);
}

function berthPush(archive: string, target: string, extra: string[], cacheDir: string): Promise<Measured> {
  return measure(process.execPath, [BERTH, 'push', archive, target, '--json', ...extra], { BERTH_CACHE_DIR: cacheDir });
}

function check(what: string, m: Measured): Measured {
  if (m.code !== 0) throw new Error(`${what} failed (${m.code}): ${m.stdout.slice(-500)} ${m.stderr.slice(-1500)}`);
  return m;
}

async function appPushWithEventLoop(archivePath: string, url: string, target: string, cacheDir: string) {
  const manager = new PushManager({ cacheDir, workerUrl: new URL(`file://${resolve(ROOT, 'out/main/push-worker.js')}`) });
  const registry = registryConfigFromInput({ url });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const t0 = performance.now();
  const done = new Promise<PushOutcome>((ok) => manager.on('done', ok));
  let events = 0;
  manager.on('progress', () => events++);
  manager.start({ archivePath, fileName: 'bench-app.tar', registry, request: { handle: 'bench', registryId: 'bench', target, compression: 'gzip' } });
  const outcome = await done;
  const seconds = (performance.now() - t0) / 1000;
  histogram.disable();
  await manager.close();
  if (!outcome.ok) throw new Error(`app push failed: ${outcome.error?.code} ${outcome.error?.message}`);
  return { seconds, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, eventsPerSecond: events / seconds };
}

async function main() {
  console.log(`bench/push — archive in ${WORK}`);
  const archive = await bigArchive(WORK);
  console.log(`archive: ${(archive.size / 1e9).toFixed(2)} GB, ${archive.layers.length} layers (${archive.layers.map((l) => l.dir).join(', ')})`);

  const reg = await startRegistry({ tmpRoot: process.env.BERTH_BENCH_REGISTRY_DIR });
  const caches = mkdtempSync(join(tmpdir(), 'berth-bench-cache-'));
  const fresh = (name: string) => {
    const dir = join(caches, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  try {
    const ingest = await ingestRate(reg.url);
    console.log(`registry ingest ceiling: ${ingest.toFixed(0)} MB/s (one 256 MB blob, monolithic PUT)`);

    const skopeoArgs = (dest: string) => ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive.path}`, `docker://${reg.host}/${dest}`];
    const skopeo = check('skopeo gzip', await measure('skopeo', skopeoArgs('skopeo/app:1')));
    console.log(`skopeo first push (gzip):           ${fmt(skopeo.seconds)}  peak ${mb(skopeo.peakMB)}`);
    const skopeoRe = check('skopeo re-push', await measure('skopeo', skopeoArgs('skopeo/app:2')));
    console.log(`skopeo re-push (layers known):      ${fmt(skopeoRe.seconds)}  peak ${mb(skopeoRe.peakMB)}`);

    const gzipCache = fresh('gzip');
    const gzip = check('berth gzip', await berthPush(archive.path, `${reg.host}/berth/app:1`, [], gzipCache));
    console.log(`berth first push (gzip):            ${fmt(gzip.seconds)}  peak ${mb(gzip.peakMB)}  ratio ${(gzip.seconds / skopeo.seconds).toFixed(2)} × skopeo (target ≤ 0.75)`);
    const none = check('berth none', await berthPush(archive.path, `${reg.host}/berth-none/app:1`, ['--compression', 'none'], fresh('none')));
    console.log(`berth first push (none):            ${fmt(none.seconds)}  peak ${mb(none.peakMB)}  ratio ${(none.seconds / skopeo.seconds).toFixed(2)} × skopeo (target ≤ 0.6)`);
    const reTag = check('berth re-push', await berthPush(archive.path, `${reg.host}/berth/app:2`, [], gzipCache));
    console.log(`berth re-push, same repo (process): ${fmt(reTag.seconds)}  peak ${mb(reTag.peakMB)}  (target ≤ 0.3 s)`);
    const reRepo = check('berth re-push other repo', await berthPush(archive.path, `${reg.host}/other/app:1`, [], gzipCache));
    console.log(`berth re-push, other repo (mount):  ${fmt(reRepo.seconds)}  peak ${mb(reRepo.peakMB)}  (target ≤ 0.3 s)`);
    const uploaded = JSON.parse(reRepo.stdout) as { bytesUploaded: number };

    const app = await appPushWithEventLoop(archive.path, reg.url, 'app-worker/app:1', fresh('app'));
    console.log(`app push in a worker (gzip):        ${fmt(app.seconds)}  main-thread event-loop delay p99 ${app.p99.toFixed(1)} ms, max ${app.max.toFixed(1)} ms (target p99 ≤ 20 ms); ${app.eventsPerSecond.toFixed(1)} progress events/s`);

    const results = {
      date: new Date().toISOString(),
      archiveBytes: archive.size,
      ingestMBps: ingest,
      skopeo: { gzip: skopeo.seconds, gzipPeakMB: skopeo.peakMB, repush: skopeoRe.seconds },
      berth: {
        gzip: gzip.seconds,
        gzipPeakMB: gzip.peakMB,
        none: none.seconds,
        nonePeakMB: none.peakMB,
        repushSameRepo: reTag.seconds,
        repushOtherRepo: reRepo.seconds,
        repushBytesUploaded: uploaded.bytesUploaded,
        appPush: app.seconds,
        eventLoopP99ms: app.p99,
      },
      ratios: { gzip: gzip.seconds / skopeo.seconds, none: none.seconds / skopeo.seconds },
    };
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(resolve(ROOT, 'bench/results/push.json'), JSON.stringify(results, null, 2));
  } finally {
    await reg.stop();
    await rm(caches, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
