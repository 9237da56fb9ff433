/**
 * "Image sources": whatever yields a config and ordered layers — a registry reference (tag or
 * digest; an index resolves to one platform) or an image inside an opened archive. The file
 * browser, file reads and the diff take any two of them alike.
 */
import { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import type { Platform } from '../../shared/types';
import type { ArchiveLayer, OpenedArchive } from '../archive';
import type { RegistryClient } from '../registry/client';
import { readDescriptor, readImageManifest, readPlatform, isAttestation } from '../registry/image-config';
import { fetchBlobBytes, fetchManifest } from '../registry/manifest';
import { MAX_CONFIG_BYTES, isImageType, isIndexType } from '../registry/media-types';
import type { ContentStore } from '../store/content-store';
import { type LayerRef, skipBytes } from './layer-source';

/** An image whose files Berth can list: its config and its layers, bottom first. */
export interface ImageSource {
  /** How the user names it: `127.0.0.1:5000/app:1`, `app.tar:0`. */
  label: string;
  /** Manifest digest when the image came from a registry or an OCI layout; null otherwise. */
  manifestDigest: string | null;
  configDigest: string;
  /** The parsed image config (env, history, rootfs …). */
  config: Record<string, unknown>;
  platform: Platform | null;
  layers: LayerRef[];
}

const short = (d: string) => d.slice(d.indexOf(':') + 1, d.indexOf(':') + 13);

function diffIdsOf(config: Record<string, unknown>): (string | null)[] {
  const ids = (config.rootfs as { diff_ids?: unknown } | undefined)?.diff_ids;
  return Array.isArray(ids) ? ids.map((d) => (typeof d === 'string' ? d : null)) : [];
}

function parseConfig(bytes: Buffer, label: string): Record<string, unknown> {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BerthError('MANIFEST_INVALID', `The config of ${label} is not a JSON object, so it is not an image Berth can list.`);
}

const HOST_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

/** Options of `registryImage`. */
export interface RegistryImageOptions {
  /** For an index: the platform to open (default: this machine's linux platform, else the first). */
  platform?: Platform;
  signal?: AbortSignal;
  /** Keeps configs (immutable by digest) so a second open fetches only the manifest. */
  store?: ContentStore;
  /**
   * Lane of the layer reads in the client's limiter (default background): a long layer read
   * yields to the requests of the screens and never holds every connection (DESIGN convention 5).
   */
  layerPriority?: 'foreground' | 'background';
}

/** An image in a registry by tag or digest. */
export async function registryImage(client: RegistryClient, repository: string, reference: string, opts: RegistryImageOptions = {}): Promise<ImageSource> {
  const { signal, store } = opts;
  const sep = reference.includes(':') ? '@' : ':';
  const label = `${client.config.host}/${repository}${sep}${reference}`;
  let m = await fetchManifest(client, repository, reference, signal);
  if (isIndexType(m.mediaType)) {
    const images = (Array.isArray(m.json?.manifests) ? (m.json.manifests as unknown[]) : []).map(readDescriptor).filter((d) => isImageType(d.mediaType) && !isAttestation(d) && d.platform);
    const want = opts.platform ?? { os: 'linux', architecture: HOST_ARCH[process.arch] ?? process.arch };
    const same = (p?: Platform) => !!p && p.os === want.os && p.architecture === want.architecture && (!want.variant || p.variant === want.variant);
    const pick = images.find((d) => same(d.platform)) ?? (opts.platform ? undefined : images[0]);
    if (!pick) {
      const have = images.map((d) => [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join('/')).join(', ');
      throw new BerthError('MANIFEST_UNKNOWN', `${label} has no image for ${want.os}/${want.architecture}${want.variant ? `/${want.variant}` : ''}; it has ${have || 'no platform images'}. Pick one of those.`);
    }
    m = await fetchManifest(client, repository, pick.digest, signal);
  }
  if (!isImageType(m.mediaType)) throw new BerthError('UNSUPPORTED', `${label} is a ${m.mediaType || 'manifest of unknown type'}, not an image; it has no files to list.`);
  const { config, layers } = readImageManifest(m.json);
  if (!config.digest) throw new BerthError('MANIFEST_INVALID', `The manifest of ${label} has no config; push the image again.`);
  let bytes = store ? await store.get(config.digest) : null;
  if (!bytes) {
    bytes = await fetchBlobBytes(client, repository, config.digest, MAX_CONFIG_BYTES, signal);
    await store?.put(config.digest, bytes);
  }
  const cfg = parseConfig(bytes, label);
  const diffIds = diffIdsOf(cfg);
  return {
    label,
    manifestDigest: m.digest,
    configDigest: config.digest,
    config: cfg,
    platform: readPlatform(cfg),
    layers: layers.map((d, i) => {
      const layerLabel = `layer ${i + 1} of ${layers.length} (${short(d.digest)}…) of ${label}`;
      return {
        key: d.digest,
        verify: 'stored',
        digest: d.digest,
        diffId: diffIds[i] ?? null,
        size: d.size,
        mediaType: d.mediaType,
        label: layerLabel,
        resumable: true,
        open: (offset, sig) => openRegistryBlob(client, repository, d.digest, offset, layerLabel, opts.layerPriority ?? 'background', sig),
      };
    }),
  };
}

/** GETs a blob from `offset` on: a ranged request, checked; a registry that ignores Range has the skipped part dropped. */
async function openRegistryBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  offset: number,
  label: string,
  priority: 'foreground' | 'background',
  signal?: AbortSignal,
): Promise<Readable> {
  const res = await client.request({
    method: 'GET',
    url: `/v2/${repository}/blobs/${digest}`,
    scope: { repository, actions: ['pull'] },
    headers: offset > 0 ? { range: `bytes=${offset}-` } : undefined,
    signal,
    priority,
    expect: offset > 0 ? [200, 206] : [200],
  });
  if (offset === 0 || res.status === 200) return offset === 0 ? res.body : Readable.from(skipBytes(res.body, offset));
  const range = String(res.headers['content-range'] ?? '');
  const start = /^bytes (\d+)-/.exec(range)?.[1];
  if (Number(start) !== offset) {
    res.body.destroy();
    throw new BerthError('UNEXPECTED_RESPONSE', `The registry answered a request for ${label} from byte ${offset} with "${range || 'no Content-Range'}"; try again.`);
  }
  return res.body;
}

function archiveLayerRef(archive: OpenedArchive, layer: ArchiveLayer, i: number, n: number, label: string): LayerRef {
  const layerLabel = `layer ${i + 1} of ${n} of ${label}`;
  const { source } = layer;
  // Without a stored digest, an uncompressed layer's digest is its diff ID; a compressed one is checked by its diff ID.
  const key = layer.digest ?? layer.diffId;
  if (!key) throw new BerthError('ARCHIVE_BAD_JSON', `${layerLabel} has neither a digest nor a diff ID; the archive is damaged.`);
  return {
    key,
    verify: layer.digest || layer.compression === 'none' ? 'stored' : 'tar',
    digest: layer.digest ?? (layer.compression === 'none' ? layer.diffId : null),
    diffId: layer.diffId,
    size: source ? layer.size : null,
    mediaType: layer.mediaType,
    label: layerLabel,
    resumable: false,
    async open(offset, signal) {
      if (!source) {
        throw new BerthError('UNSUPPORTED', `${layerLabel} is a foreign layer: the archive lists it but does not contain it, so its files cannot be listed.`);
      }
      const stream = archive.openBlob(source, signal);
      return offset > 0 ? Readable.from(skipBytes(stream, offset)) : stream;
    },
  };
}

/** Image number `index` of an opened archive (layers are read from the archive in place). */
export function archiveImage(archive: OpenedArchive, index: number, name?: string): ImageSource {
  const img = archive.images[index];
  if (!img) throw new BerthError('INVALID_ARGUMENT', `The archive holds ${archive.images.length} image(s), numbered 0 to ${archive.images.length - 1}; there is no image ${index}.`);
  const label = `${name ?? archive.path}:${index}`;
  const config = (img.config.json && typeof img.config.json === 'object' ? img.config.json : {}) as Record<string, unknown>;
  return {
    label,
    manifestDigest: null,
    configDigest: img.config.digest,
    config,
    platform: img.platform,
    layers: img.layers.map((l, i) => archiveLayerRef(archive, l, i, img.layers.length, label)),
  };
}

/**
 * The image of an archive that `selector` names: its number (`app.tar:1`), or one of its tags,
 * full or short (`app.tar:team/app:1`, `app.tar:docker.io/team/app:1`). Without one, image 0.
 */
export function pickArchiveImage(archive: OpenedArchive, selector: string | number | undefined, name?: string): ImageSource {
  if (selector === undefined || selector === '') return archiveImage(archive, 0, name);
  if (typeof selector === 'number' || /^\d+$/.test(selector)) return archiveImage(archive, Number(selector), name);
  const short = (t: string) => t.replace(/^(docker\.io\/)?(library\/)?/, '');
  const hit = archive.images.find((img) => img.tags.some((t) => t === selector || short(t) === short(selector)));
  if (!hit) {
    const have = archive.images.map((img) => `${img.index} (${img.tags.join(', ') || 'untagged'})`).join('; ');
    throw new BerthError('INVALID_ARGUMENT', `${name ?? archive.path} has no image tagged "${selector}"; it holds ${have}. Name one of those, or its number.`);
  }
  return archiveImage(archive, hit.index, name);
}
