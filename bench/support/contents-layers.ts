/**
 * Writes bench/contents' layers to disk as gzip blobs (streamed: tar-stream → gzip → file, hashed
 * on the way, never held in memory), keeps them between runs when asked, and pushes them to a
 * registry as three images: `big` (the distribution layer alone), `a` and `b` (it, a shared
 * layer, and a layer of their own).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';
import { request } from 'undici';
import { sha256 } from '../../test/support/digest';
import { buildConfig, buildManifest, descriptorOf, jsonBytes } from '../../test/support/images/image';
import { MEDIA } from '../../test/support/images/media-types';
import { seedClient } from '../../test/support/images/seed-client';
import type { RunningRegistry } from '../../test/support/registry/start';
import { type EntrySpec, type PoolName, POOL_BYTES, baseLayer, patchLayer, pools } from './contents-data';

/** One generated layer on disk. */
export interface LayerFile {
  name: string;
  path: string;
  digest: string;
  diffId: string;
  /** Stored (gzip) bytes. */
  size: number;
  tarBytes: number;
  entries: number;
}

/** The generated layers of one size. */
export interface Inputs {
  dir: string;
  base: LayerFile;
  common: LayerFile;
  appA: LayerFile;
  appB: LayerFile;
}

const MTIME = new Date('2025-01-01T00:00:00Z');
/** Bumped whenever the generator changes, so a cache of older inputs is not reused. */
const VERSION = 1;

/** Counts and hashes the bytes going through (createHash here: digest.ts only hashes whole buffers and files). */
class Tap extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

function addEntry(p: Pack, e: EntrySpec, bytes: Record<PoolName, Buffer>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    const header = { name: e.path, mtime: MTIME, uid: 0, gid: 0 };
    if (e.type === 'dir') return void p.entry({ ...header, type: 'directory', mode: 0o755 }, cb);
    if (e.size <= POOL_BYTES) return void p.entry({ ...header, type: 'file', mode: 0o644, size: e.size }, bytes[e.pool].subarray(e.offset, e.offset + e.size), cb);
    // A big file: cuts of its pool one after another (1 MiB each, shifting offsets), with backpressure.
    const sink = p.entry({ ...header, type: 'file', mode: 0o644, size: e.size }, cb);
    const pool = bytes[e.pool];
    let left = e.size;
    let at = e.offset;
    const more = (): void => {
      while (left > 0) {
        const n = Math.min(left, 1024 * 1024);
        if (at + n > pool.length) at = (at * 7 + 4099) % (pool.length - n);
        const ok = sink.write(pool.subarray(at, at + n));
        left -= n;
        at += n;
        if (!ok) return void sink.once('drain', more);
      }
      sink.end(null);
    };
    more();
  });
}

/** Streams `entries` as a gzip (level 6, Docker's default) tar to `path`. */
async function writeLayer(name: string, path: string, entries: Iterable<EntrySpec>, bytes: Record<PoolName, Buffer>): Promise<LayerFile> {
  const p = pack();
  const tar = new Tap();
  const stored = new Tap();
  const writing = pipeline(p, tar, createGzip({ level: 6 }), stored, createWriteStream(path));
  let count = 0;
  for (const e of entries) {
    await addEntry(p, e, bytes);
    count++;
  }
  p.finalize();
  await writing;
  return { name, path, digest: `sha256:${stored.hash.digest('hex')}`, diffId: `sha256:${tar.hash.digest('hex')}`, size: stored.bytes, tarBytes: tar.bytes, entries: count };
}

/** The layers for a distribution layer of `sizeMb` MB under `root`, generated unless a complete set is there. */
export async function generateInputs(root: string, sizeMb: number, log: (s: string) => void): Promise<Inputs> {
  const dir = join(root, `contents-v${VERSION}-${sizeMb}mb`);
  const metaPath = join(dir, 'inputs.json');
  if (existsSync(metaPath)) {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Inputs;
    if ([meta.base, meta.common, meta.appA, meta.appB].every((l) => existsSync(l.path))) {
      log(`inputs: reusing ${dir}`);
      return meta;
    }
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const bytes = pools();
  const base = sizeMb * 1e6;
  const make = async (name: string, entries: Iterable<EntrySpec>): Promise<LayerFile> => {
    const t = performance.now();
    const l = await writeLayer(name, join(dir, `${name}.tar.gz`), entries, bytes);
    log(`  generated ${name}: ${l.entries} entries, ${(l.tarBytes / 1e6).toFixed(0)} MB tar → ${(l.size / 1e6).toFixed(0)} MB gzip (${(l.tarBytes / l.size).toFixed(2)}×) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return l;
  };
  const inputs: Inputs = {
    dir,
    base: await make('base', baseLayer(base)),
    common: await make('common', patchLayer(base, 'common', { changed: 0.01, deleted: 0, added: base * 0.02 })),
    appA: await make('app-a', patchLayer(base, 'a', { changed: 0.03, deleted: 0.005, added: base * 0.03 })),
    appB: await make('app-b', patchLayer(base, 'b', { changed: 0.03, deleted: 0.005, added: base * 0.03 })),
  };
  await writeFile(metaPath, JSON.stringify(inputs, null, 2));
  return inputs;
}

/** Streams one blob to the registry (POST, then a monolithic PUT of the file) unless it has it. */
async function uploadFile(reg: RunningRegistry, repo: string, layer: LayerFile): Promise<void> {
  const head = await request(`${reg.url}/v2/${repo}/blobs/${layer.digest}`, { method: 'HEAD' });
  await head.body.dump();
  if (head.statusCode === 200) return;
  const start = await request(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.body.dump();
  if (start.statusCode !== 202) throw new Error(`starting an upload to ${repo} answered ${start.statusCode}`);
  const location = new URL(String(start.headers.location), reg.url);
  location.searchParams.set('digest', layer.digest);
  const put = await request(location, {
    method: 'PUT',
    body: createReadStream(layer.path, { highWaterMark: 1 << 20 }),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(layer.size) },
  });
  const text = await put.body.text();
  if (put.statusCode !== 201) throw new Error(`uploading ${layer.name} answered ${put.statusCode}: ${text.slice(0, 300)}`);
}

/** Pushes an image of `layers` under `tag` (an open registry). */
async function pushImage(reg: RunningRegistry, repo: string, tag: string, layers: LayerFile[]): Promise<void> {
  for (const l of layers) await uploadFile(reg, repo, l);
  const configBytes = jsonBytes(buildConfig(layers.map((l) => l.diffId), { created: '2025-01-01T00:00:00Z', labels: { image: tag } }));
  await seedClient(reg).putBlob(repo, sha256(configBytes), configBytes);
  const manifest = buildManifest('oci', descriptorOf(MEDIA.oci.config, configBytes), layers.map((l) => ({ mediaType: MEDIA.oci.layer, digest: l.digest, size: l.size })));
  await seedClient(reg).putManifest(repo, tag, MEDIA.oci.manifest, jsonBytes(manifest));
}

/** Pushes `big` = [base], `a` = [base, common, app-a], `b` = [base, common, app-b] to `repo`. */
export async function pushInputs(reg: RunningRegistry, repo: string, inputs: Inputs): Promise<void> {
  await pushImage(reg, repo, 'big', [inputs.base]);
  await pushImage(reg, repo, 'a', [inputs.base, inputs.common, inputs.appA]);
  await pushImage(reg, repo, 'b', [inputs.base, inputs.common, inputs.appB]);
}
