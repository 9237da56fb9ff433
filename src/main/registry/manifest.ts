/**
 * Manifests and small blobs: fetched with the full Accept list, size-capped and verified
 * against their digest (distribution spec "Pulling manifests", "Pulling blobs").
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from './client';
import { digestOf } from './digest';
import { mapFailure } from './responses';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, manifestMediaType, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED } from './media-types';
import { isValidDigest, isValidRepository, isValidTag } from '../../shared/reference';
import type { RegistryResponse } from './types';

/** A fetched manifest: its digest (verified), media type, exact bytes and parsed JSON. */
export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Throws INVALID_ARGUMENT unless `repository` is a valid name. */
export function assertRepository(repository: string): void {
  if (typeof repository !== 'string' || !isValidRepository(repository)) {
    throw new BerthError('INVALID_ARGUMENT', `"${repository}" is not a valid repository name. Use lowercase letters, digits and . _ - separated by /.`);
  }
}

/** Throws INVALID_ARGUMENT unless `reference` is a valid tag or digest. */
export function assertReference(reference: string): void {
  if (typeof reference !== 'string' || !(isValidTag(reference) || isValidDigest(reference))) {
    throw new BerthError('INVALID_ARGUMENT', `"${reference}" is neither a valid tag nor a digest (sha256:<64 hex>).`);
  }
}

/** Throws INVALID_ARGUMENT unless `digest` is a valid digest. */
export function assertDigest(digest: string): void {
  if (typeof digest !== 'string' || !isValidDigest(digest)) {
    throw new BerthError('INVALID_ARGUMENT', `"${digest}" is not a valid digest; expected sha256:<64 hex characters>.`);
  }
}

function header(res: RegistryResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads a body into memory, refusing more than `maxBytes` (declared or actual). */
export async function readCapped(res: RegistryResponse, maxBytes: number, what: string, signal?: AbortSignal): Promise<Buffer> {
  try {
    return await readCappedRaw(res, maxBytes, what);
  } catch (err) {
    throw mapFailure(err, res.url, signal);
  }
}

async function readCappedRaw(res: RegistryResponse, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(header(res, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.dump().catch(() => undefined);
    throw tooLarge(what, declared, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      res.body.destroy();
      throw tooLarge(what, total, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(what: string, size: number, max: number): BerthError {
  return new BerthError('UNEXPECTED_RESPONSE', `${what} is larger than Berth reads (${size} > ${max} bytes). It is probably not an image manifest or config.`);
}

function verify(bytes: Buffer, expected: string, what: string, source: string): string {
  const algorithm = expected.split(':')[0];
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) {
    throw new BerthError(
      'DIGEST_MISMATCH',
      `${what} does not match its digest: ${source} says ${expected}, the bytes hash to ${actual}. The registry or a proxy altered the content; check the registry's storage.`,
      { expected, actual },
    );
  }
  return actual;
}

/** GETs a manifest by tag or digest; the digest is checked against the bytes (and the requested digest). */
export async function fetchManifest(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
  assertRepository(repository);
  assertReference(reference);
  const res = await client.request({
    method: 'GET',
    url: `/v2/${repository}/manifests/${reference}`,
    scope: { repository, actions: ['pull'] },
    headers: { accept: MANIFEST_ACCEPT },
    signal,
  });
  const what = `The manifest ${repository}${isValidDigest(reference) ? '@' : ':'}${reference}`;
  const bytes = await readCapped(res, MAX_MANIFEST_BYTES, what, signal);
  const headerDigest = header(res, 'docker-content-digest');
  const byDigest = isValidDigest(reference);
  let digest: string;
  if (byDigest) {
    digest = verify(bytes, reference, what, 'the requested reference');
    if (headerDigest && headerDigest !== reference) verify(bytes, headerDigest, what, 'the Docker-Content-Digest header');
  } else if (headerDigest && isValidDigest(headerDigest)) {
    digest = verify(bytes, headerDigest, what, 'the Docker-Content-Digest header');
  } else {
    digest = digestOf(bytes);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BerthError('MANIFEST_INVALID', `${what} is not valid JSON. The registry holds a corrupt manifest; push the image again.`);
  }
  const mediaType = manifestMediaType(json, header(res, 'content-type'));
  if (mediaType === DOCKER_SCHEMA1 || mediaType === DOCKER_SCHEMA1_SIGNED) {
    throw new BerthError('UNSUPPORTED', `${what} uses the obsolete Docker schema 1 format, which Berth does not read. Rebuild and push the image with a current Docker.`);
  }
  return { digest, mediaType, bytes, json };
}

/** HEADs a manifest with the full Accept list; null when the registry says 404. */
export async function headManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<{ digest: string; mediaType: string; size: number } | null> {
  assertRepository(repository);
  assertReference(reference);
  const res = await client.request({
    method: 'HEAD',
    url: `/v2/${repository}/manifests/${reference}`,
    scope: { repository, actions: ['pull'] },
    headers: { accept: MANIFEST_ACCEPT },
    signal,
    expect: [200, 404],
  });
  await res.body.dump();
  if (res.status === 404) return null;
  const digest = header(res, 'docker-content-digest');
  const mediaType = header(res, 'content-type')?.split(';')[0].trim() ?? '';
  const size = Number(header(res, 'content-length') ?? NaN);
  if (!digest || !isValidDigest(digest)) {
    // Some registries omit the digest on HEAD; the GET computes it from the bytes.
    const m = await fetchManifest(client, repository, reference, signal);
    return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
  }
  return { digest, mediaType, size: Number.isFinite(size) ? size : 0 };
}

/** GETs a blob into memory (following redirects to storage), capped at `maxBytes` and verified. */
export async function fetchBlobBytes(client: RegistryClient, repository: string, digest: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  assertRepository(repository);
  assertDigest(digest);
  const res = await client.request({
    method: 'GET',
    url: `/v2/${repository}/blobs/${digest}`,
    scope: { repository, actions: ['pull'] },
    signal,
  });
  const what = `The blob ${digest} of ${repository}`;
  const bytes = await readCapped(res, maxBytes, what, signal);
  verify(bytes, digest, what, 'its reference');
  return bytes;
}
