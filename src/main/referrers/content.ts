/**
 * Manifests and small blobs by digest through the content store: immutable by digest, so read
 * from the registry once and from disk afterwards (DESIGN convention 5). Without a store, every
 * read goes to the registry.
 */
import { BerthError } from '../../shared/errors';
import { fetchBlobBytes, fetchManifest, type FetchedManifest } from '../registry/manifest';
import { manifestMediaType } from '../registry/media-types';
import type { RegistryClient } from '../registry/client';
import type { ContentStore } from '../store/content-store';

/** Blobs up to this size are kept in the store (signature payloads, small SBOMs); larger ones are re-read. */
export const MAX_CACHED_BLOB = 4 * 1024 * 1024;

/** Where content comes from: a registry repository, and optionally the on-disk store. */
export interface ContentSource {
  client: RegistryClient;
  repository: string;
  store?: ContentStore;
  signal?: AbortSignal;
}

/** A manifest by digest, from the store when it has it (verified there on write), else from the registry. */
export async function manifestByDigest(src: ContentSource, digest: string): Promise<FetchedManifest> {
  const cached = await src.store?.get(digest).catch(() => null);
  if (cached) {
    try {
      const json = JSON.parse(cached.toString('utf8'));
      return { digest, mediaType: manifestMediaType(json, undefined), bytes: cached, json };
    } catch {
      // A damaged entry is only a miss.
    }
  }
  const m = await fetchManifest(src.client, src.repository, digest, src.signal);
  if (m.digest === digest) await src.store?.put(digest, m.bytes).catch(() => undefined);
  return m;
}

/** A blob of at most `max` bytes (its descriptor's `size` is checked first), verified, cached when small. */
export async function blobByDigest(src: ContentSource, digest: string, size: number, max: number, what: string): Promise<Buffer> {
  if (size > max) {
    throw new BerthError('UNEXPECTED_RESPONSE', `${what} is ${size} bytes; Berth reads at most ${max} bytes of it.`, { size, max });
  }
  const cached = await src.store?.get(digest).catch(() => null);
  if (cached) return cached;
  const bytes = await fetchBlobBytes(src.client, src.repository, digest, max, src.signal);
  if (bytes.length <= MAX_CACHED_BLOB) await src.store?.put(digest, bytes).catch(() => undefined);
  return bytes;
}
