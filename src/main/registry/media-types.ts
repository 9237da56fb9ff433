/**
 * Media types of manifests, configs and layers, and the Accept list that makes a registry return
 * (and digest) the manifest as pushed — the digest to delete is the one answered for this list.
 */

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

/** Docker schema 2's one layer type (gzip; its manifests cannot say "uncompressed" or "zstd"). */
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const DOCKER_FOREIGN_GZIP = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
/** Foreign (non-distributable) layers: registries never store their bytes, the `urls` say where they are. */
export const OCI_FOREIGN = 'application/vnd.oci.image.layer.nondistributable.v1.tar';
export const OCI_FOREIGN_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';
export const OCI_FOREIGN_ZSTD = 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd';

/** How a layer's bytes are encoded on the wire. */
export type LayerEncoding = 'gzip' | 'none' | 'zstd';
/** The two image manifest formats Berth writes. */
export type ManifestFormat = 'docker' | 'oci';

/** `Accept` header for manifest GET/HEAD: every current image and index type. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

/** Largest manifest we read into memory. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest image config we read into memory. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** True for an OCI index or Docker manifest list. */
export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

/** True for an OCI image manifest or Docker schema 2 manifest. */
export function isImageType(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}

/** Strips parameters (`; charset=…`) and case from a Content-Type value. */
export function baseMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The manifest's media type: its own `mediaType` field, else the Content-Type, else inferred
 * from its shape (OCI allows omitting the field).
 */
export function manifestMediaType(json: unknown, contentType: string | undefined): string {
  const own = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof own === 'string' && own) return own;
  const ct = baseMediaType(contentType);
  if (isIndexType(ct) || isImageType(ct)) return ct;
  const j = json as { manifests?: unknown; config?: unknown; schemaVersion?: unknown } | null;
  if (j && Array.isArray(j.manifests)) return OCI_INDEX;
  if (j && typeof j.config === 'object' && j.config !== null) return OCI_MANIFEST;
  if (j && j.schemaVersion === 1) return DOCKER_SCHEMA1_SIGNED;
  return ct || 'application/octet-stream';
}

/** Encoding a layer's media type implies (`+gzip`, `.gzip`, `+zstd`, else uncompressed). */
export function encodingOfMediaType(mediaType: string): LayerEncoding {
  if (/zstd$/i.test(mediaType)) return 'zstd';
  if (/gzip$/i.test(mediaType)) return 'gzip';
  return 'none';
}

/** True for layer media types whose bytes registries never store (Windows base layers and the like). */
export function isForeignMediaType(mediaType: unknown): boolean {
  return typeof mediaType === 'string' && /foreign|nondistributable/.test(mediaType);
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
