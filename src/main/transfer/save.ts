/**
 * Saving a tag to a tarball: `docker load`-compatible (Docker 25+: `manifest.json` and
 * `repositories` beside an OCI layout) or an OCI image layout archive, optionally with the
 * tag's referrers. Blobs stream from the registry into the tar, checked against their digests
 * on the way; the archive is written next to the target under a temporary name and renamed only
 * when complete, so a failed or cancelled save leaves nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { readImageManifest } from '../registry/image-config';
import { fetchBlobBytes } from '../registry/manifest';
import { isValidTag } from '../../shared/reference';
import { MAX_CONFIG_BYTES } from '../registry/media-types';
import { mapFailure } from '../registry/responses';
import type { ContentSource } from '../referrers/content';
import { resolveGraph, type PlatformChoice } from './graph';
import { archiveName, blobName, dockerFiles, fallbackIndexesFor, indexJson } from './layout';
import { TarWriter } from './tar-writer';
import { transferCancelled, TransferTracker, type TransferProgress } from './progress';

/** Options of saveImage. */
export interface SaveOptions {
  format: 'docker' | 'oci';
  /** Default: every platform (the index as it is). */
  platforms?: PlatformChoice;
  withReferrers?: boolean;
  /** Replace an existing file at the target (default false: INVALID_ARGUMENT). */
  overwrite?: boolean;
  onProgress?: (p: TransferProgress) => void;
}

/** What saveImage wrote. */
export interface SaveResult {
  file: string;
  /** Digest the archive's tag points at (the source's, a platform's, or a new index of chosen platforms). */
  digest: string;
  bytes: number;
  manifests: number;
  blobs: number;
}

/** Streams one blob from the registry, checking size and digest; DIGEST_MISMATCH when the bytes are not that blob. */
async function streamBlob(src: ContentSource, digest: string, size: number, tar: TarWriter, onBytes: (n: number) => void): Promise<void> {
  const [algorithm, expected] = digest.split(':');
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new BerthError('UNSUPPORTED', `Blob ${digest} uses ${algorithm}; Berth saves sha256 and sha512 blobs.`);
  const res = await src.client.request({ method: 'GET', url: `/v2/${src.repository}/blobs/${digest}`, scope: { repository: src.repository, actions: ['pull'] }, signal: src.signal });
  const hash = createHash(algorithm);
  try {
    await tar.stream(blobName(digest), size, res.body as AsyncIterable<Buffer>, (chunk) => {
      hash.update(chunk);
      onBytes(chunk.length);
    });
  } catch (err) {
    res.body.destroy();
    throw err instanceof BerthError ? err : mapFailure(err, res.url, src.signal);
  }
  const actual = hash.digest('hex');
  if (actual !== expected) {
    throw new BerthError('DIGEST_MISMATCH', `The blob ${digest} of ${src.repository} hashes to ${algorithm}:${actual}; the registry sent other content. Nothing was saved.`, { expected: digest, actual: `${algorithm}:${actual}` });
  }
}

/** Saves `reference` of `src.repository` to `file`; nothing is left at `file` (or beside it) when it fails. */
export async function saveImage(src: ContentSource, reference: string, file: string, opts: SaveOptions): Promise<SaveResult> {
  if (opts.format !== 'docker' && opts.format !== 'oci') throw new BerthError('INVALID_ARGUMENT', `Unknown archive format "${String(opts.format)}". Use docker or oci.`);
  if (opts.withReferrers && opts.format === 'docker') {
    // Docker's containerd image store imports every index.json entry and would try to unpack
    // signatures and SBOMs as image layers: referrers travel in OCI archives only.
    throw new BerthError('INVALID_ARGUMENT', 'Referrers (signatures, attestations, SBOMs) can be saved in an OCI archive only, where `docker load` does not try to load them as images. Save with the OCI format to keep them.');
  }
  if (!opts.overwrite && (await stat(file).then(() => true, () => false))) {
    throw new BerthError('INVALID_ARGUMENT', `${file} already exists. Choose another file name, or allow replacing it.`);
  }
  const tracker = new TransferTracker(opts.onProgress);
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  let tar: TarWriter | null = null;
  try {
    const graph = await resolveGraph(src, reference, { platforms: opts.platforms, withReferrers: opts.withReferrers });
    const made = opts.withReferrers ? fallbackIndexesFor(graph) : [];
    tracker.plan(graph.blobs, graph.manifests.length + made.length);
    tracker.phase('blobs');
    tar = new TarWriter(tmp);
    await tar.file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    await tar.dir('blobs');
    await tar.dir('blobs/sha256');
    for (const blob of graph.blobs) {
      if (src.signal?.aborted) throw transferCancelled('save');
      if (!blob.digest.startsWith('sha256:')) throw new BerthError('UNSUPPORTED', `Blob ${blob.digest} is not sha256; Berth's archives hold sha256 blobs only.`);
      await streamBlob(src, blob.digest, blob.size, tar, (n) => tracker.streamed(n));
      tracker.blobDone();
    }
    tracker.phase('manifests');
    for (const m of [...graph.manifests, ...made]) {
      await tar.file(blobName(m.digest), m.bytes);
      tracker.manifestDone();
    }
    const name = archiveName(src.client.config.host, src.repository, isValidTag(reference) ? reference : null);
    if (opts.format === 'docker') {
      // Foreign layers are listed in LayerSources by diff ID, which only the config says.
      const configs = new Map<string, string[] | null>();
      for (const m of graph.manifests) {
        const { config, layers } = readImageManifest(JSON.parse(m.bytes.toString('utf8')));
        if (layers.some((l) => l.urls?.length) && config.digest) configs.set(config.digest, diffIds(await fetchBlobBytes(src.client, src.repository, config.digest, MAX_CONFIG_BYTES, src.signal)));
      }
      const diffIdsOf = (m: { bytes: Buffer }): string[] | null => configs.get(readImageManifest(JSON.parse(m.bytes.toString('utf8'))).config.digest) ?? null;
      const files = dockerFiles(graph, name, diffIdsOf);
      await tar.file('manifest.json', files.manifest);
      await tar.file('repositories', files.repositories);
    }
    await tar.file('index.json', indexJson(graph, made, name, opts.format));
    tracker.phase('finishing');
    await tar.finish();
    const fh = await open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (src.signal?.aborted) throw transferCancelled('save');
    await rename(tmp, file);
    tracker.phase('done');
    return { file, digest: graph.root.digest, bytes: tar.written, manifests: graph.manifests.length + made.length, blobs: graph.blobs.length };
  } catch (err) {
    await tar?.abort().catch(() => undefined);
    await rm(tmp, { force: true });
    const cancelled = src.signal?.aborted === true;
    tracker.phase(cancelled ? 'cancelled' : 'failed');
    throw cancelled ? transferCancelled('save') : err;
  }
}

function diffIds(config: Buffer): string[] | null {
  try {
    const ids = JSON.parse(config.toString('utf8'))?.rootfs?.diff_ids;
    return Array.isArray(ids) && ids.every((x) => typeof x === 'string') ? ids : null;
  } catch {
    return null;
  }
}
