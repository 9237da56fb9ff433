/**
 * Image configs and the small pieces shared by both layouts: digest verification, platform,
 * and compression detection by magic bytes.
 */
import type { Platform } from '../../shared/types';
import { digestOf } from '../registry/digest';
import { readPlatform } from '../registry/image-config';
import { encodingOfMediaType } from '../registry/media-types';
import { type ArchiveContents, blobSource, isObject, type JsonObject, parseJson, readHead, readMetadata, requireEntry } from './contents';
import type { ArchiveLayer } from './types';

/** A verified image config. */
export interface LoadedConfig {
  digest: string;
  bytes: Buffer;
  json: JsonObject;
  diffIds: string[];
  platform: Platform | null;
  created: string | null;
}

/** Compression of a blob from its first bytes: gzip `1f 8b`, zstd `28 b5 2f fd`. */
export function detectCompression(head: Buffer): 'none' | 'gzip' | 'zstd' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Reads a config, checks that it hashes to the digest it is referenced by, and pulls out diff IDs. */
export async function loadConfig(contents: ArchiveContents, name: string, expected: string | null, referencedFrom: string): Promise<LoadedConfig> {
  const bytes = await readMetadata(contents, name, `the image config (listed in ${referencedFrom})`);
  const algorithm = expected ? expected.slice(0, expected.indexOf(':')) : 'sha256';
  let digest: string;
  try {
    digest = digestOf(bytes, algorithm);
  } catch {
    throw contents.errors.badJson(referencedFrom, `the digest algorithm of ${expected} is not supported`);
  }
  if (expected && digest !== expected) throw contents.errors.digestMismatch('The image config', name, expected, digest);
  const json = parseJson(contents, name, bytes);
  if (!isObject(json)) throw contents.errors.badJson(name, 'an image config must be a JSON object');
  const diffIds = json.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.some((d: unknown) => typeof d !== 'string')) {
    throw contents.errors.badJson(name, 'it has no rootfs.diff_ids list, so it is not an image config');
  }
  return {
    digest,
    bytes,
    json,
    diffIds,
    platform: readPlatform(json),
    created: typeof json.created === 'string' ? json.created : null,
  };
}

/** Layer kept as a descriptor only: its bytes live elsewhere (the `urls`). */
export function foreignLayer(desc: JsonObject, diffId: string | null): ArchiveLayer {
  const mediaType = String(desc.mediaType ?? '');
  const foreign: ArchiveLayer['foreign'] = { mediaType, digest: String(desc.digest ?? ''), size: Number(desc.size ?? 0) };
  if (Array.isArray(desc.urls)) foreign!.urls = desc.urls.filter((u: unknown): u is string => typeof u === 'string');
  return {
    diffId,
    compression: encodingOfMediaType(mediaType),
    digest: foreign!.digest || null,
    size: foreign!.size,
    mediaType,
    source: null,
    foreign,
  };
}

/** A layer stored in the archive at `name`; compression comes from its first bytes. */
export async function storedLayer(
  contents: ArchiveContents,
  name: string,
  diffId: string | null,
  digest: string | null,
  mediaType: string | null,
): Promise<ArchiveLayer> {
  const entry = requireEntry(contents, name, 'the layer');
  const head = await readHead(contents, entry, 4);
  return { diffId, compression: detectCompression(head), digest, size: entry.size, mediaType, source: blobSource(entry), foreign: null };
}
