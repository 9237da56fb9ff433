/**
 * Test helpers of the push engine: run a push against a real registry and read back what it
 * stored, verifying every digest independently of the engine.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RunningRegistry } from '../../../e2e/support/registry';
import type { PushOutcome, PushProgress, PushRequest } from '../../shared/types';
import type { RetryTimings } from '../registry/retry';
import { runPush } from './run';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** sha256 digest of bytes. */
export const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Runs a push in-thread and collects its progress events. */
export async function pushTo(
  reg: RunningRegistry,
  archivePath: string,
  request: Partial<PushRequest>,
  opts: { cacheDir: string; signal?: AbortSignal; onProgress?: (p: PushProgress) => void; baseUrl?: string; timings?: Partial<RetryTimings> },
): Promise<PushOutcome & { events: PushProgress[] }> {
  const events: PushProgress[] = [];
  const baseUrl = opts.baseUrl ?? reg.url;
  const outcome = await runPush(
    {
      pushId: randomUUID(),
      archivePath,
      fileName: 'test.tar',
      registry: { baseUrl, host: new URL(baseUrl).host, ...(reg.caPem ? { caPem: reg.caPem } : {}), ...(reg.username ? { username: reg.username, password: reg.password } : {}) },
      request: { handle: 'h', registryId: 'r', ...request },
      cacheDir: opts.cacheDir,
    },
    {
      signal: opts.signal,
      timings: opts.timings,
      onProgress: (p) => {
        events.push(p);
        opts.onProgress?.(p);
      },
    },
  );
  return { ...outcome, events };
}

/** What the registry holds for repo:tag, every blob fetched and its digest checked. */
export interface StoredImage {
  digest: string;
  mediaType: string;
  manifest: { config: { digest: string; mediaType: string }; layers: { digest: string; mediaType: string; size: number; urls?: string[] }[] };
  config: { rootfs: { diff_ids: string[] } };
  /** sha256 of each layer's uncompressed content (null when zstd or foreign). */
  diffIds: (string | null)[];
}

/** GETs a blob and checks its bytes hash to its digest. */
export async function getBlob(reg: RunningRegistry, repo: string, digest: string): Promise<Buffer> {
  const res = await reg.fetch(`/v2/${repo}/blobs/${digest}`);
  if (res.status !== 200) throw new Error(`GET blob ${digest} of ${repo}: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (sha(bytes) !== digest) throw new Error(`blob ${digest} of ${repo} hashes to ${sha(bytes)}`);
  return bytes;
}

/** Fetches the manifest of repo:tag and every blob it names, verifying digests. */
export async function readBack(reg: RunningRegistry, repo: string, tag: string): Promise<StoredImage> {
  const res = await reg.fetch(`/v2/${repo}/manifests/${tag}`, { headers: { accept: ACCEPT } });
  if (res.status !== 200) throw new Error(`GET manifest ${repo}:${tag}: HTTP ${res.status} ${await res.text()}`);
  const raw = Buffer.from(await res.arrayBuffer());
  const manifest = JSON.parse(raw.toString()) as StoredImage['manifest'] & { mediaType: string };
  const config = JSON.parse((await getBlob(reg, repo, manifest.config.digest)).toString()) as StoredImage['config'];
  const diffIds: (string | null)[] = [];
  for (const l of manifest.layers) {
    if (l.urls?.length) {
      diffIds.push(null);
      continue;
    }
    const bytes = await getBlob(reg, repo, l.digest);
    if (bytes.length !== l.size) throw new Error(`layer ${l.digest}: ${bytes.length} bytes, manifest says ${l.size}`);
    if (/gzip$/.test(l.mediaType)) diffIds.push(sha(gunzipSync(bytes)));
    else if (/zstd$/.test(l.mediaType)) diffIds.push(null);
    else diffIds.push(sha(bytes));
  }
  return { digest: res.headers.get('docker-content-digest') ?? sha(raw), mediaType: manifest.mediaType, manifest, config, diffIds };
}

/** Repositories in the registry's catalog. */
export async function catalog(reg: RunningRegistry): Promise<string[]> {
  const res = await reg.fetch('/v2/_catalog?n=1000');
  return ((await res.json()) as { repositories: string[] }).repositories ?? [];
}

/** Tags of a repository ([] when it does not exist). */
export async function tagsOf(reg: RunningRegistry, repo: string): Promise<string[]> {
  const res = await reg.fetch(`/v2/${repo}/tags/list`);
  if (res.status === 404) {
    await res.body?.cancel();
    return [];
  }
  return ((await res.json()) as { tags: string[] | null }).tags ?? [];
}

/**
 * Upload sessions the registry still holds for a repository. distribution 2.8 recreates an
 * empty `hashstates/` folder after a DELETE, so a session counts as open while its `startedat`
 * (what the registry needs to resume it) or `data` file exists.
 */
export async function openUploads(reg: RunningRegistry, repo: string): Promise<string[]> {
  const dir = join(reg.storageDir, 'docker/registry/v2/repositories', repo, '_uploads');
  const ids = await readdir(dir).catch(() => [] as string[]);
  const live: string[] = [];
  for (const id of ids) {
    const files = await readdir(join(dir, id)).catch(() => [] as string[]);
    if (files.includes('startedat') || files.includes('data')) live.push(id);
  }
  return live;
}

/**
 * Body bytes a push sent through `proxy` beyond what the registry now holds for repo:tag (its
 * blobs and manifest): what faults made it send twice.
 */
export async function resentBytes(reg: RunningRegistry, proxy: { bodyBytes: Record<string, number> }, repo: string, tag: string): Promise<number> {
  const stored = await readBack(reg, repo, tag);
  const config = await getBlob(reg, repo, stored.manifest.config.digest);
  const blobBytes = stored.manifest.layers.reduce((a, l) => a + l.size, 0) + config.length;
  const manifest = await reg.fetch(`/v2/${repo}/manifests/${tag}`, { headers: { accept: stored.mediaType } }).then((r) => r.arrayBuffer());
  return (proxy.bodyBytes.PATCH ?? 0) + (proxy.bodyBytes.PUT ?? 0) - blobBytes - manifest.byteLength;
}

/** Every folder under the repository's `_uploads` (live sessions and the empty ones distribution leaves). */
export async function uploadFolders(reg: RunningRegistry, repo: string): Promise<string[]> {
  return readdir(join(reg.storageDir, 'docker/registry/v2/repositories', repo, '_uploads')).catch(() => [] as string[]);
}
