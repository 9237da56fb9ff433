/**
 * Test support: builds image layers entry by entry with tar-stream — files, directories,
 * symlinks, hard links, devices, FIFOs, OCI whiteouts (`.wh.<name>`) and opaque directories
 * (`.wh..wh..opq`), long names as PAX (tar-stream's own) or GNU (`././@LongLink`) records — and
 * pushes images made of such layers to a test registry. Used by unit, integration and bench code.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { RunningRegistry } from '../registry/start';
import { seedClient } from './seed-client';
import type { ImageSource } from '../../../src/main/contents/image-source';
import type { LayerRef } from '../../../src/main/contents/layer-source';
import { MEDIA, buildConfig, buildManifest, jsonBytes, type ConfigOptions } from './image';

/** One entry of a layer to build. */
export type LayerSpec =
  | { type: 'file'; path: string; data?: string | Buffer; mode?: number; uid?: number; gid?: number; mtime?: Date; gnu?: boolean }
  | { type: 'dir'; path: string; mode?: number; uid?: number; gid?: number; mtime?: Date }
  | { type: 'symlink'; path: string; target: string; uid?: number; gid?: number }
  | { type: 'hardlink'; path: string; target: string; mode?: number; uid?: number; gid?: number }
  | { type: 'fifo' | 'char' | 'block'; path: string; mode?: number; devmajor?: number; devminor?: number }
  /** Deletes `path` from lower layers: writes `<dir>/.wh.<name>`. */
  | { type: 'whiteout'; path: string }
  /** Makes the directory `path` opaque: writes `<path>/.wh..wh..opq`. */
  | { type: 'opaque'; path: string };

/** Fixed mtime so the same specs always give the same bytes (and digests). */
export const MTIME = new Date('2024-03-04T05:06:07Z');

/** Entry helpers, so test images read like a Dockerfile's effect. */
export const L = {
  file: (path: string, data: string | Buffer = '', o: { mode?: number; uid?: number; gid?: number; gnu?: boolean } = {}): LayerSpec => ({ type: 'file', path, data, ...o }),
  dir: (path: string, o: { mode?: number; uid?: number; gid?: number } = {}): LayerSpec => ({ type: 'dir', path, ...o }),
  symlink: (path: string, target: string): LayerSpec => ({ type: 'symlink', path, target }),
  hardlink: (path: string, target: string, mode?: number): LayerSpec => ({ type: 'hardlink', path, target, mode }),
  fifo: (path: string): LayerSpec => ({ type: 'fifo', path }),
  char: (path: string, devmajor = 1, devminor = 3): LayerSpec => ({ type: 'char', path, devmajor, devminor }),
  whiteout: (path: string): LayerSpec => ({ type: 'whiteout', path }),
  opaque: (path: string): LayerSpec => ({ type: 'opaque', path }),
};

const TYPES = { file: 'file', dir: 'directory', symlink: 'symlink', hardlink: 'link', fifo: 'fifo', char: 'character-device', block: 'block-device' } as const;

function whiteoutName(path: string, opaque: boolean): string {
  const clean = path.replace(/\/+$/, '');
  if (opaque) return `${clean}/.wh..wh..opq`;
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? `.wh.${clean}` : `${clean.slice(0, slash)}/.wh.${clean.slice(slash + 1)}`;
}

/** Packs entries with one tar-stream pack; returns the bytes without the end-of-archive blocks. */
async function packEntries(specs: LayerSpec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const s of specs) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (s.type === 'whiteout' || s.type === 'opaque') {
        p.entry({ name: whiteoutName(s.path, s.type === 'opaque'), mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, '', cb);
        return;
      }
      const base = { name: s.path, mtime: MTIME, uid: 'uid' in s ? (s.uid ?? 0) : 0, gid: 'gid' in s ? (s.gid ?? 0) : 0, type: TYPES[s.type] };
      if (s.type === 'file') p.entry({ ...base, mode: s.mode ?? 0o644, mtime: s.mtime ?? MTIME }, s.data ?? '', cb);
      else if (s.type === 'dir') p.entry({ ...base, mode: s.mode ?? 0o755, mtime: s.mtime ?? MTIME }, cb);
      else if (s.type === 'symlink') p.entry({ ...base, mode: 0o777, linkname: s.target }, cb);
      else if (s.type === 'hardlink') p.entry({ ...base, mode: s.mode ?? 0o644, linkname: s.target }, cb);
      else p.entry({ ...base, mode: s.mode ?? 0o644, devmajor: s.devmajor ?? 0, devminor: s.devminor ?? 0 }, cb);
    });
  }
  p.finalize();
  await done;
  const all = Buffer.concat(chunks);
  return all.subarray(0, all.length - 1024);
}

/** One 512-byte GNU header block (`ustar  \0` magic) with a correct checksum. */
function gnuHeader(name: string, typeflag: string, size: number, mode: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name.slice(0, 99), 0, 'utf8');
  b.write(mode.toString(8).padStart(7, '0'), 100);
  b.write('0000000', 108);
  b.write('0000000', 116);
  b.write(size.toString(8).padStart(11, '0'), 124);
  b.write(Math.floor(MTIME.getTime() / 1000).toString(8).padStart(11, '0'), 136);
  b.write(typeflag, 156);
  b.write('ustar  \0', 257, 'latin1');
  b.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

/** A regular file whose long name travels in a GNU `L` record (what GNU tar writes), not in PAX. */
function gnuLongFile(path: string, data: Buffer, mode: number): Buffer {
  const name = Buffer.from(path + '\0', 'utf8');
  const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
  return Buffer.concat([gnuHeader('././@LongLink', 'L', name.length, 0o644), name, pad(name.length), gnuHeader(path.slice(0, 99), '0', data.length, mode), data, pad(data.length)]);
}

/** The uncompressed tar of a layer. */
export async function buildLayerTar(specs: LayerSpec[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  let run: LayerSpec[] = [];
  for (const s of specs) {
    if (s.type === 'file' && s.gnu) {
      if (run.length) parts.push(await packEntries(run));
      run = [];
      parts.push(gnuLongFile(s.path, Buffer.from(s.data ?? ''), s.mode ?? 0o644));
    } else run.push(s);
  }
  if (run.length) parts.push(await packEntries(run));
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** sha256:<hex> of bytes. */
export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A layer ready to push: stored bytes, their digest, the tar's diff ID. */
export interface BuiltTestLayer {
  tar: Buffer;
  blob: Buffer;
  digest: string;
  diffId: string;
  compression: 'gzip' | 'none';
}

/** Builds a layer's tar and stores it gzip-compressed (default) or as is. */
export async function buildTestLayer(specs: LayerSpec[], compression: 'gzip' | 'none' = 'gzip'): Promise<BuiltTestLayer> {
  const tar = await buildLayerTar(specs);
  const blob = compression === 'gzip' ? gzipSync(tar) : tar;
  return { tar, blob, digest: sha256(blob), diffId: sha256(tar), compression };
}

/** What pushLayeredImage pushed. */
export interface PushedLayeredImage {
  repo: string;
  tag: string;
  digest: string;
  configDigest: string;
  layers: BuiltTestLayer[];
}

/** Pushes an OCI image made of `layers` (bottom first) to `repo:tag`, with a generated config or the one given. */
export async function pushLayeredImage(reg: RunningRegistry, repo: string, tag: string, layers: BuiltTestLayer[], config: ConfigOptions | Buffer = {}): Promise<PushedLayeredImage> {
  const client = seedClient(reg);
  // A Buffer is pushed as the config itself (to mirror an archive's image exactly).
  const configBytes = Buffer.isBuffer(config)
    ? config
    : jsonBytes(buildConfig(layers.map((l) => ({ blob: l.blob, digest: l.digest, size: l.blob.length, diffId: l.diffId })), config));
  const configDigest = sha256(configBytes);
  for (const l of layers) await client.putBlob(repo, l.digest, l.blob);
  await client.putBlob(repo, configDigest, configBytes);
  const layerType = (l: BuiltTestLayer) => (l.compression === 'gzip' ? MEDIA.oci.layer : 'application/vnd.oci.image.layer.v1.tar');
  const manifest = buildManifest(
    'oci',
    { mediaType: MEDIA.oci.config, digest: configDigest, size: configBytes.length },
    layers.map((l) => ({ mediaType: layerType(l), digest: l.digest, size: l.blob.length })),
  );
  const bytes = jsonBytes(manifest);
  await client.putManifest(repo, tag, MEDIA.oci.manifest, bytes);
  return { repo, tag, digest: sha256(bytes), configDigest, layers };
}

/** A LayerRef over bytes in memory, counting how often it is opened (unit tests of the indexer and merge). */
export function memoryLayer(blob: Buffer, opts: { key?: string; label?: string; chunk?: number; verify?: 'stored' | 'tar' } = {}): LayerRef & { opens: number; offsets: number[]; served: number } {
  const ref = {
    key: opts.key ?? sha256(blob),
    verify: opts.verify ?? ('stored' as const),
    digest: sha256(blob),
    diffId: null,
    size: blob.length,
    mediaType: null,
    label: opts.label ?? `test layer ${sha256(blob).slice(7, 19)}`,
    resumable: false,
    opens: 0,
    /** Offset of each open, and bytes handed out in total (read lazily, chunk by chunk). */
    offsets: [] as number[],
    served: 0,
    async open(offset: number) {
      ref.opens++;
      ref.offsets.push(offset);
      const step = opts.chunk ?? 64 * 1024;
      return Readable.from(
        (function* () {
          for (let at = offset; at < blob.length; at += step) {
            const part = blob.subarray(at, Math.min(blob.length, at + step));
            ref.served += part.length;
            yield part;
          }
        })(),
        { highWaterMark: 1 },
      );
    },
  };
  return ref;
}

/** An image source over layers held in memory (unit tests of the merge, file reads and diff). */
export function memoryImage(blobs: Buffer[], config: Record<string, unknown> = {}, label = 'memory image'): Omit<ImageSource, 'layers'> & { layers: ReturnType<typeof memoryLayer>[] } {
  const layers = blobs.map((b, i) => memoryLayer(b, { label: `layer ${i + 1} of ${label}` }));
  return { label, manifestDigest: null, configDigest: sha256(JSON.stringify(config)), config, platform: null, layers };
}
