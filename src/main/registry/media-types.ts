/**
 * Manifest media types and the Accept list that makes a registry return (and digest) the
 * manifest as pushed — the digest to delete is the one answered for this list.
 */

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

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
