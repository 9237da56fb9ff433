/**
 * What bench/contents indexes: deterministic stand-ins for real image layers. A "distribution"
 * layer of N MB (tens of thousands of small files in package folders, a few big ones; text,
 * binary-like and incompressible content, so gzip gives a ratio like a real image's) and small
 * layers that change, delete (whiteouts, an opaque folder) and add files on top of it.
 * Only the entry list is computed up front; the bytes come from three 4 MiB pools.
 */
import { pseudoRandom } from '../../test/support/images/layers';

/** One entry of a generated layer; `pool`/`offset` pick its bytes. */
export interface EntrySpec {
  path: string;
  type: 'file' | 'dir';
  size: number;
  pool: PoolName;
  offset: number;
}

/** Which pool a file's bytes come from. */
export type PoolName = 'text' | 'binary' | 'random';

/** Bytes every file is cut from (4 MiB each; a bigger file is stitched from several cuts). */
export const POOL_BYTES = 4 * 1024 * 1024;

/** A small, fast, seedable PRNG (mulberry32 over a string hash): the same seed gives the same layer. */
export function prng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Source-code-like text: indented lines of words from a Zipf-ish vocabulary (gzip: about 3×). */
function textPool(): Buffer {
  const r = prng('bench-contents-text');
  const vocab = Array.from({ length: 1500 }, () => {
    const n = 2 + Math.floor(r() * 9);
    let w = '';
    for (let i = 0; i < n; i++) w += String.fromCharCode(97 + Math.floor(r() * 26));
    return w;
  });
  const punct = [' = ', '(', ') ', ', ', '.', ': ', ' {', ' }', '; ', ' # '];
  const out = Buffer.alloc(POOL_BYTES);
  let at = 0;
  while (at < POOL_BYTES) {
    let line = ' '.repeat(Math.floor(r() * 6) * 4);
    const words = 2 + Math.floor(r() * 10);
    for (let i = 0; i < words; i++) line += vocab[Math.floor(vocab.length * r() ** 4)] + (r() < 0.3 ? punct[Math.floor(r() * punct.length)] : ' ');
    at += out.write(line + '\n', at, 'latin1');
  }
  return out;
}

/** Machine-code-like bytes: recurring instruction-like sequences, zero runs, operands (gzip: about 2.3×). */
function binaryPool(): Buffer {
  const r = prng('bench-contents-binary');
  const ops = Array.from({ length: 2048 }, () => Buffer.from(Array.from({ length: 2 + Math.floor(r() * 7) }, () => Math.floor(r() * 256))));
  const out = Buffer.alloc(POOL_BYTES);
  let at = 0;
  while (at < POOL_BYTES) {
    if (r() < 0.12) {
      at += 1 + Math.floor(r() * 24);
      continue;
    }
    at += ops[Math.floor(ops.length * r() ** 2)].copy(out, at);
    // An operand (address, constant) in a quarter of the instructions.
    if (r() < 0.25 && at < POOL_BYTES) out[at++] = Math.floor(r() * 256);
  }
  return out;
}

/** The three pools (built once per process, ~12 MiB). */
export function pools(): Record<PoolName, Buffer> {
  return { text: textPool(), binary: binaryPool(), random: pseudoRandom(POOL_BYTES, 'bench-contents-random') };
}

const TOPS = ['usr/lib/x86_64-linux-gnu', 'usr/share/doc', 'usr/lib/python3/dist-packages', 'opt/app/node_modules', 'usr/include', 'usr/share/locale', 'etc'];
const EXT: Record<PoolName, string[]> = { text: ['py', 'js', 'h', 'txt', 'conf', 'json', 'md'], binary: ['so', 'pyc', 'mo', 'o'], random: ['gz', 'jar', 'png'] };

/** Size of a small file: log-normal around 3 KB (mean about 11 KB), at most 2 MiB. */
function smallSize(r: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Math.min(2 * 1024 * 1024, Math.floor(Math.exp(Math.log(3000) + 1.6 * normal)));
}

function file(path: string, size: number, pool: PoolName, r: () => number): EntrySpec {
  return { path, type: 'file', size, pool, offset: Math.floor(r() * (POOL_BYTES - Math.min(size, POOL_BYTES))) };
}

/**
 * The entries of the distribution layer, `bytes` of files in all: 80 % in package folders of
 * small files (70 % text), 20 % in eight big files (binary, incompressible, text).
 */
export function* baseLayer(bytes: number): Generator<EntrySpec> {
  const r = prng(`bench-contents-base-${bytes}`);
  const dirs = new Set<string>();
  function* dir(path: string): Generator<EntrySpec> {
    if (dirs.has(path)) return;
    const slash = path.lastIndexOf('/');
    if (slash > 0) yield* dir(path.slice(0, slash));
    dirs.add(path);
    yield { path, type: 'dir', size: 0, pool: 'text', offset: 0 };
  }
  let written = 0;
  for (let pkg = 0; written < bytes * 0.8; pkg++) {
    const root = `${TOPS[Math.floor(r() * TOPS.length)]}/pkg${pkg}`;
    const count = 5 + Math.floor(r() * 56);
    for (let i = 0; i < count && written < bytes * 0.8; i++) {
      const folder = i % 3 === 0 ? root : `${root}/${['lib', 'data', 'tests'][i % 3]}`;
      yield* dir(folder);
      const pool: PoolName = r() < 0.7 ? 'text' : r() < 0.9 ? 'binary' : 'random';
      const size = smallSize(r);
      written += size;
      yield file(`${folder}/f${i}-${pkg}.${EXT[pool][Math.floor(r() * EXT[pool].length)]}`, size, pool, r);
    }
  }
  const big: [string, PoolName][] = [
    ['usr/lib/x86_64-linux-gnu/libbig0.so', 'binary'],
    ['usr/lib/x86_64-linux-gnu/libbig1.so', 'binary'],
    ['usr/lib/x86_64-linux-gnu/libbig2.so', 'binary'],
    ['opt/app/models/model0.bin', 'random'],
    ['opt/app/models/model1.bin', 'random'],
    ['usr/share/dict/corpus0.txt', 'text'],
    ['usr/share/dict/corpus1.txt', 'text'],
    ['opt/app/lib/app.jar', 'random'],
  ];
  const each = Math.floor((bytes - written) / big.length);
  for (const [path, pool] of big) {
    yield* dir(path.slice(0, path.lastIndexOf('/')));
    yield file(path, Math.max(0, each), pool, r);
  }
}

/** The files of the distribution layer (paths and sizes), without its folders. */
function baseFiles(bytes: number): EntrySpec[] {
  const out: EntrySpec[] = [];
  for (const e of baseLayer(bytes)) if (e.type === 'file' && e.size < POOL_BYTES) out.push(e);
  return out;
}

/** Whiteout of a path (OCI: `.wh.<name>` next to it) or an opaque marker for a folder. */
function whiteout(path: string, opaque = false): EntrySpec {
  const slash = path.lastIndexOf('/');
  const name = opaque ? `${path}/.wh..wh..opq` : `${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`;
  return { path: name, type: 'file', size: 0, pool: 'text', offset: 0 };
}

/**
 * A layer on top of the distribution layer of `baseBytes`: rewrites a `changed` share of its small
 * files with other bytes and sizes, deletes a `deleted` share, clears one package folder (opaque), and
 * adds about `added` bytes of new files under `app/`. `seed` makes two such layers differ.
 */
export function* patchLayer(baseBytes: number, seed: string, o: { changed: number; deleted: number; added: number }): Generator<EntrySpec> {
  const r = prng(`bench-contents-patch-${seed}-${baseBytes}`);
  const files = baseFiles(baseBytes);
  const dirs = new Set<string>();
  function* parents(path: string): Generator<EntrySpec> {
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return;
    const d = path.slice(0, slash);
    if (dirs.has(d)) return;
    yield* parents(d);
    dirs.add(d);
    yield { path: d, type: 'dir', size: 0, pool: 'text', offset: 0 };
  }
  const picked = new Set<number>();
  const pick = (): EntrySpec => {
    let i = Math.floor(r() * files.length);
    while (picked.has(i)) i = (i + 1) % files.length;
    picked.add(i);
    return files[i];
  };
  for (let i = 0; i < Math.floor(o.changed * files.length); i++) {
    const f = pick();
    yield* parents(f.path);
    yield file(f.path, Math.max(1, Math.floor(f.size * (0.5 + r()))), f.pool, r);
  }
  for (let i = 0; i < Math.floor(o.deleted * files.length); i++) {
    const f = pick();
    yield* parents(f.path);
    yield whiteout(f.path);
  }
  const cleared = files[Math.floor(r() * files.length)].path.split('/').slice(0, -1).join('/');
  yield* parents(`${cleared}/x`);
  yield whiteout(cleared, true);
  let written = 0;
  for (let i = 0; written < o.added; i++) {
    const pool: PoolName = r() < 0.8 ? 'text' : 'binary';
    const size = smallSize(r);
    written += size;
    const path = `app/${seed}/m${Math.floor(i / 40)}/f${i}.${EXT[pool][0]}`;
    yield* parents(path);
    yield file(path, size, pool, r);
  }
}
