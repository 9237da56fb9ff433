/**
 * What a test registry holds, read over its API as its first user would, every blob's bytes
 * checked against its digest independently of the engine.
 */
import { gunzipSync } from 'node:zlib';
import { sha256 } from '../digest';
import { MANIFEST_ACCEPT } from '../images/media-types';
import type { RunningRegistry } from './start';

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
  if (sha256(bytes) !== digest) throw new Error(`blob ${digest} of ${repo} hashes to ${sha256(bytes)}`);
  return bytes;
}

/** Fetches the manifest of repo:tag and every blob it names, verifying digests. */
export async function readBack(reg: RunningRegistry, repo: string, tag: string): Promise<StoredImage> {
  const res = await reg.fetch(`/v2/${repo}/manifests/${tag}`, { headers: { accept: MANIFEST_ACCEPT } });
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
    if (/gzip$/.test(l.mediaType)) diffIds.push(sha256(gunzipSync(bytes)));
    else if (/zstd$/.test(l.mediaType)) diffIds.push(null);
    else diffIds.push(sha256(bytes));
  }
  return { digest: res.headers.get('docker-content-digest') ?? sha256(raw), mediaType: manifest.mediaType, manifest, config, diffIds };
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
