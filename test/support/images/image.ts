import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

/** Manifest media types by format (schema 2 vs OCI). */
export const MEDIA = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
} as const;

/** A platform as image configs and indexes name it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** sha256:<hex> of bytes. */
export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Deterministic pseudo-random bytes (sha256 in counter mode) so layers do not compress to nothing. */
export function seededBytes(seed: string, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (let i = 0; off < size; i++) {
    const block = createHash('sha256').update(`${seed}/${i}`).digest();
    off += block.copy(out, off, 0, Math.min(block.length, size - off));
  }
  return out;
}

/** Builds a tar with the given files (fixed mtime, so the bytes depend only on the files). */
export async function buildTar(files: { name: string; data: Buffer; mode?: number }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    p.on('data', (c) => chunks.push(c as Buffer));
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const f of files) {
    await new Promise<void>((resolve, reject) =>
      p.entry({ name: f.name, mode: f.mode ?? 0o644, mtime, uid: 0, gid: 0 }, f.data, (err) => (err ? reject(err) : resolve())),
    );
  }
  p.finalize();
  return done;
}

/** A layer: compressed bytes, their digest, and the uncompressed diff ID. */
export interface BuiltLayer {
  blob: Buffer;
  digest: string;
  size: number;
  diffId: string;
}

/** Builds one gzip layer holding a payload file of `payloadSize` bytes and a small text file. */
export async function buildLayer(seed: string, index: number, payloadSize: number): Promise<BuiltLayer> {
  const tar = await buildTar([
    { name: `berth/${index}/README.txt`, data: Buffer.from(`berth test layer ${index} of ${seed}\n`) },
    { name: `berth/${index}/payload.bin`, data: seededBytes(`${seed}/layer/${index}`, payloadSize) },
  ]);
  // Node writes a gzip header with mtime 0, so the same tar always gives the same blob.
  const blob = gzipSync(tar);
  return { blob, digest: sha256(blob), size: blob.length, diffId: sha256(tar) };
}

/** Options that shape an image config. */
export interface ConfigOptions {
  created?: string;
  platform?: Platform;
  env?: string[];
  cmd?: string[];
  entrypoint?: string[];
  labels?: Record<string, string>;
  exposedPorts?: string[];
  emptyHistory?: number;
  workingDir?: string;
}

/** Builds an image config object (Docker/OCI image spec) for the given layers. */
export function buildConfig(layers: BuiltLayer[], o: ConfigOptions): Record<string, unknown> {
  const created = o.created ?? '2024-05-01T12:00:00Z';
  const platform = o.platform ?? { os: 'linux', architecture: 'amd64' };
  const history: Record<string, unknown>[] = layers.map((l) => ({
    created,
    created_by: `/bin/sh -c #(nop) ADD file:${l.diffId.slice(7, 23)} in / `,
  }));
  for (let i = 0; i < (o.emptyHistory ?? 0); i++) {
    history.push({ created, created_by: `/bin/sh -c #(nop)  LABEL step=${i}`, empty_layer: true });
  }
  const config: Record<string, unknown> = {
    Env: o.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Cmd: o.cmd ?? ['/bin/sh'],
    WorkingDir: o.workingDir ?? '/',
  };
  if (o.entrypoint) config.Entrypoint = o.entrypoint;
  if (o.labels) config.Labels = o.labels;
  if (o.exposedPorts) config.ExposedPorts = Object.fromEntries(o.exposedPorts.map((p) => [p.includes('/') ? p : `${p}/tcp`, {}]));
  const out: Record<string, unknown> = {
    architecture: platform.architecture,
    os: platform.os,
    created,
    config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  if (platform.variant) out.variant = platform.variant;
  return out;
}

/** A descriptor as manifests list them. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Builds an image manifest (schema 2 or OCI) for a config blob and layers. */
export function buildManifest(format: 'docker' | 'oci', config: Descriptor, layers: Descriptor[]): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MEDIA[format].manifest, config, layers };
}

/** Serialises JSON the way registries store it (bytes are what the digest covers). */
export const jsonBytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, null, 2));
