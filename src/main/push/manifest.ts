/**
 * Layer media types and the image manifest Berth writes. One manifest format per image: Docker
 * schema 2 when every layer is gzip (what every client reads), otherwise OCI (the only format
 * that can say "uncompressed tar" or "zstd").
 */
import { createHash } from 'node:crypto';
import type { Descriptor } from '../../shared/types';
import { DOCKER_CONFIG, DOCKER_MANIFEST, OCI_CONFIG, OCI_MANIFEST } from '../registry/media-types';

/** How a layer's bytes are encoded on the wire. */
export type LayerEncoding = 'gzip' | 'none' | 'zstd';
export type ManifestFormat = 'docker' | 'oci';

export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const DOCKER_FOREIGN_GZIP = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const OCI_FOREIGN = 'application/vnd.oci.image.layer.nondistributable.v1.tar';
export const OCI_FOREIGN_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';
export const OCI_FOREIGN_ZSTD = 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd';

/** Encoding a (foreign) layer's media type implies. */
export function encodingOfMediaType(mediaType: string): LayerEncoding {
  if (/zstd$/i.test(mediaType)) return 'zstd';
  if (/gzip$/i.test(mediaType)) return 'gzip';
  return 'none';
}

/** Docker schema 2 only when every layer is gzip; any uncompressed or zstd layer needs OCI. */
export function chooseManifestFormat(encodings: LayerEncoding[]): ManifestFormat {
  return encodings.every((e) => e === 'gzip') ? 'docker' : 'oci';
}

/** Media type of a regular layer in a manifest of `format`. */
export function layerMediaType(format: ManifestFormat, encoding: LayerEncoding): string {
  if (format === 'docker') return DOCKER_LAYER_GZIP;
  return encoding === 'gzip' ? OCI_LAYER_GZIP : encoding === 'zstd' ? OCI_LAYER_ZSTD : OCI_LAYER;
}

/** Media type of a foreign layer, translated between the Docker and OCI names so registries recognise it. */
export function foreignMediaType(format: ManifestFormat, mediaType: string): string {
  const enc = encodingOfMediaType(mediaType);
  if (format === 'docker') return DOCKER_FOREIGN_GZIP;
  if (mediaType.startsWith('application/vnd.oci.')) return mediaType;
  return enc === 'gzip' ? OCI_FOREIGN_GZIP : enc === 'zstd' ? OCI_FOREIGN_ZSTD : OCI_FOREIGN;
}

/** Manifest bytes ready to PUT, with the digest the registry must answer. */
export interface BuiltManifest {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

/** Serialises the manifest (layers in the config's diff_ids order). */
export function buildManifest(format: ManifestFormat, config: { digest: string; size: number }, layers: Descriptor[]): BuiltManifest {
  const mediaType = format === 'docker' ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: format === 'docker' ? DOCKER_CONFIG : OCI_CONFIG, digest: config.digest, size: config.size },
    layers: layers.map((l) => {
      const d: Descriptor = { mediaType: l.mediaType, digest: l.digest, size: l.size };
      if (l.urls?.length) d.urls = l.urls;
      if (l.annotations && Object.keys(l.annotations).length) d.annotations = l.annotations;
      return d;
    }),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  return { mediaType, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}
