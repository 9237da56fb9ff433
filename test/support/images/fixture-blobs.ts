/**
 * Generated blobs for test archives: layer tars (optionally compressed), image configs, OCI
 * manifests and attestation manifests. Used by test-fixtures.ts only; never by the app.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Platform } from '../../../src/shared/types';
import { OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../../../src/main/registry/media-types';

export type FixtureCompression = 'none' | 'gzip' | 'zstd-fake';

/** One layer to generate: explicit files, or one file of `sizeBytes` pseudo-random bytes. */
export interface FixtureLayer {
  files?: Record<string, string | Buffer>;
  sizeBytes?: number;
  /** `zstd-fake` prefixes the tar with the zstd magic (Node 20 has no zstd); diffId stays the tar's. */
  compression?: FixtureCompression;
}

/** A generated layer: the uncompressed tar's digest and the stored bytes. */
export interface GeneratedLayer {
  diffId: string;
  stored: Buffer;
  digest: string;
  compression: FixtureCompression;
  mediaType: string;
}

const MTIME = new Date('2024-01-02T03:04:05Z');
export { OCI_CONFIG, OCI_INDEX, OCI_MANIFEST };

/** `sha256:<hex>` of some bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Hex part of a digest. */
export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** Deterministic pseudo-random bytes (AES-256-CTR keystream), so layers differ from each other. */
export function pseudoRandom(size: number, seed: string): Buffer {
  // AES-CTR over zeros: fast, and the same seed always gives the same bytes.
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** A tar of the given entries, as tar-stream writes it. */
export async function tarOf(entries: { name: string; data: Buffer | string }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) p.entry({ name: e.name, mtime: MTIME, mode: 0o644 }, e.data);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

function mediaTypeOf(c: FixtureCompression): string {
  if (c === 'gzip') return 'application/vnd.oci.image.layer.v1.tar+gzip';
  if (c === 'zstd-fake') return 'application/vnd.oci.image.layer.v1.tar+zstd';
  return 'application/vnd.oci.image.layer.v1.tar';
}

/** Builds one layer; `seed` makes its content unique. */
export async function generateLayer(layer: FixtureLayer, seed: string, defaultCompression: FixtureCompression): Promise<GeneratedLayer> {
  const files = layer.files
    ? Object.entries(layer.files).map(([name, data]) => ({ name, data }))
    : layer.sizeBytes !== undefined
      ? [{ name: 'data.bin', data: pseudoRandom(layer.sizeBytes, seed) }]
      : [{ name: `etc/${seed.replace(/[^a-z0-9]/gi, '-')}.txt`, data: `content of ${seed}\n` }];
  const tar = await tarOf(files);
  const compression = layer.compression ?? defaultCompression;
  const stored =
    compression === 'gzip' ? gzipSync(tar) : compression === 'zstd-fake' ? Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tar]) : tar;
  return { diffId: sha256(tar), stored, digest: sha256(stored), compression, mediaType: mediaTypeOf(compression) };
}

/** An image config as Docker writes it (the fields Berth reads, plus some it shows). */
export function makeConfig(diffIds: string[], platform: Platform, created: string, seed: string): Buffer {
  const json: Record<string, unknown> = {
    architecture: platform.architecture,
    os: platform.os,
    created,
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'], Labels: { 'berth.test': seed } },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created, created_by: `RUN step ${i} # ${seed}` })),
  };
  if (platform.variant) json.variant = platform.variant;
  if (platform.osVersion) json['os.version'] = platform.osVersion;
  return Buffer.from(JSON.stringify(json));
}

/** An OCI image manifest for a config and layers (layer descriptors given as written). */
export function makeManifest(config: Buffer, layers: object[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers,
    }),
  );
}

/** The blobs of a buildx attestation manifest describing `subject`. */
export function makeAttestation(subject: string): { blobs: Buffer[]; manifest: Buffer; descriptor: object } {
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [{ digest: { sha256: hexOf(subject) } }] }));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(statement)] } }),
  );
  const manifest = makeManifest(config, [{ mediaType: 'application/vnd.in-toto+json', digest: sha256(statement), size: statement.length }]);
  const descriptor = {
    mediaType: OCI_MANIFEST,
    digest: sha256(manifest),
    size: manifest.length,
    annotations: { 'vnd.docker.reference.digest': subject, 'vnd.docker.reference.type': 'attestation-manifest' },
    platform: { architecture: 'unknown', os: 'unknown' },
  };
  return { blobs: [statement, config, manifest], manifest, descriptor };
}

/** `docker.io/library/app:1` for `app:1`, as containerd names images. */
export function fullName(tag: string): string {
  const first = tag.split('/')[0];
  if (tag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return tag;
  return `docker.io/${tag.includes('/') ? '' : 'library/'}${tag}`;
}

/** `1` for `app:1` (the tag part of a reference). */
export function tagPart(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}

/** `app` for `app:1` (the repository part of a reference). */
export function repoPart(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}
