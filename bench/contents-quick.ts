/**
 * Quick measurements of the contents engine (not part of `npm run bench`; issue #13's benchmark
 * against the registry and `curl | gzip -dc | tar -t` comes with the contract wiring):
 *
 *   npx tsx bench/contents-quick.ts DIR gen      generate the layers (.tar.gz) under DIR
 *   npx tsx bench/contents-quick.ts DIR big      index one layer of 500,000 files: time, peak RSS
 *   npx tsx bench/contents-quick.ts DIR image    index + merge a ~1 GB image of 200,000 files
 *   npx tsx bench/contents-quick.ts DIR cached   a fresh process opens it cached: time to first rows
 *   npx tsx bench/contents-quick.ts DIR diff     diff of two cached ~1 GB images
 *
 * Each step that measures runs in its own process so RSS and cold caches are its own.
 */
import { createReadStream, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentsEngine, type ImageSource, type LayerRef, diffImages } from '../src/main/contents';
import { ContentStore } from '../src/main/store/content-store';
import { sha256File } from '../test/support/digest';
import { L, writeTar, type TarEntry } from '../test/support/images/tar';

const [dir, step] = process.argv.slice(2);
const LAYERS = 4;
const PER_LAYER = 50_000;
const FILE_BYTES = 5_000;
const zeros = Buffer.alloc(FILE_BYTES);

/** Writes a gzip layer of `count` files; `variant` changes a tenth of them (for the diff). */
async function writeLayer(path: string, count: number, bytes: number, prefix: string, variant = ''): Promise<void> {
  function* entries(): Generator<TarEntry> {
    for (let i = 0; i < count; i++) {
      const dirName = `${prefix}/pkg-${Math.floor(i / 100)}`;
      if (i % 100 === 0) yield L.dir(dirName);
      const data = variant && i % 10 === 0 ? Buffer.alloc(bytes + 1) : bytes === FILE_BYTES ? zeros : Buffer.alloc(bytes);
      yield L.file(`${dirName}/file-${i}.txt`, data);
    }
  }
  await writeTar(path, entries(), 1);
}

async function fileLayer(path: string): Promise<LayerRef> {
  const digest = await sha256File(path);
  return { key: digest, verify: 'stored', digest, diffId: null, size: statSync(path).size, mediaType: null, label: path, resumable: false, open: async (offset) => createReadStream(path, { start: offset, highWaterMark: 1 << 20 }) };
}

async function image(names: string[]): Promise<ImageSource> {
  const layers = await Promise.all(names.map((n) => fileLayer(join(dir, n))));
  return { label: names.join('+'), manifestDigest: null, configDigest: 'sha256:' + '0'.repeat(64), config: {}, platform: null, layers };
}

const cpu0 = process.cpuUsage();
const rss = () => {
  const c = process.cpuUsage(cpu0);
  return `${Math.round(process.resourceUsage().maxRSS / 1024)} MB peak RSS, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU in the process`;
};
const ms = (t: number) => `${(performance.now() - t).toFixed(1)} ms`;
const engine = () => new ContentsEngine(new ContentStore(join(dir, 'store')));
const A = Array.from({ length: LAYERS }, (_, i) => `layer-${i}.tar.gz`);
const B = [...A.slice(0, LAYERS - 1), 'layer-b.tar.gz'];

if (step === 'gen') {
  await mkdir(dir, { recursive: true });
  await writeLayer(join(dir, 'big.tar.gz'), 500_000, 16, 'big');
  for (let i = 0; i < LAYERS; i++) await writeLayer(join(dir, A[i]), PER_LAYER, FILE_BYTES, `layer${i}`);
  await writeLayer(join(dir, 'layer-b.tar.gz'), PER_LAYER, FILE_BYTES, `layer${LAYERS - 1}`, 'b');
  console.log('generated under', dir);
} else if (step === 'big') {
  const t = performance.now();
  const idx = await engine().indexer.index(await fileLayer(join(dir, 'big.tar.gz')));
  console.log(`indexed ${idx.count} entries (${(idx.meta.tarBytes / 1e6).toFixed(0)} MB tar) in ${ms(t)}; ${rss()}`);
} else if (step === 'image') {
  const t = performance.now();
  const img = await engine().openImage(await image(A));
  await engine().openImage(await image(B));
  console.log(`indexed and merged 2 images (${img.summary.files} files, ${(img.summary.totalBytes / 1e9).toFixed(2)} GB each) in ${ms(t)}; ${rss()}`);
} else if (step === 'cached') {
  const src = await image(A);
  const t = performance.now();
  const img = await engine().openImage(src);
  const opened = ms(t);
  const rows = img.list('').entries;
  const first = img.list(rows[0].path).entries.slice(0, 50);
  console.log(`cached open ${opened}; root (${rows.length} rows) + first 50 rows of ${rows[0].path} at ${ms(t)}; ${first.length} rows; ${rss()}`);
  // The same again in this process, best of 10: what it costs once the machine's load is out of the way.
  let best = Infinity;
  for (let i = 0; i < 10; i++) {
    const t1 = performance.now();
    const again = await engine().openImage(src);
    again.list(again.list('').entries[0].path, {}, 0, 50);
    best = Math.min(best, performance.now() - t1);
  }
  const t2 = performance.now();
  img.find('file-4999*.txt');
  console.log(`best of 10 in-process: ${best.toFixed(1)} ms to the first rows; glob search over ${img.summary.files} files: ${ms(t2)}`);
} else if (step === 'diff') {
  const [a, b] = [await image(A), await image(B)];
  const t = performance.now();
  const d = diffImages(await engine().openImage(a), await engine().openImage(b));
  const first = ms(t);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t1 = performance.now();
    diffImages(await engine().openImage(a), await engine().openImage(b));
    best = Math.min(best, performance.now() - t1);
  }
  console.log(`diff of two cached images (open both + diff): ${first}, best of 5 in-process ${best.toFixed(1)} ms: ${d.summary}; ${rss()}`);
} else {
  console.error('usage: npx tsx bench/contents-quick.ts DIR gen|big|image|cached|diff');
  process.exit(2);
}
