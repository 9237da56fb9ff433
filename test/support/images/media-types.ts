/**
 * Media types of test images: the engine's one list, re-exported so test images and the engine
 * can never disagree, and what an image of each manifest format uses.
 */
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_LAYER_GZIP, OCI_LAYER_ZSTD, OCI_MANIFEST } from '../../../src/main/registry/media-types';

export {
  DOCKER_CONFIG,
  DOCKER_FOREIGN_GZIP,
  DOCKER_LAYER_GZIP,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  MANIFEST_ACCEPT,
  OCI_CONFIG,
  OCI_FOREIGN_GZIP,
  OCI_INDEX,
  OCI_LAYER,
  OCI_LAYER_GZIP,
  OCI_LAYER_ZSTD,
  OCI_MANIFEST,
} from '../../../src/main/registry/media-types';

/** A manifest format: Docker schema 2 or OCI. */
export type ImageFormat = 'docker' | 'oci';

/** Manifest, index, config and gzip-layer media types by format. */
export const MEDIA = {
  docker: { manifest: DOCKER_MANIFEST, index: DOCKER_MANIFEST_LIST, config: DOCKER_CONFIG, layer: DOCKER_LAYER_GZIP },
  oci: { manifest: OCI_MANIFEST, index: OCI_INDEX, config: OCI_CONFIG, layer: OCI_LAYER_GZIP },
} as const;

/** How a test layer's bytes are stored: `zstd-fake` is a tar behind the zstd magic (Node 20 has no zstd). */
export type LayerCompression = 'none' | 'gzip' | 'zstd-fake';

/** The OCI layer media type of a stored layer. */
export function ociLayerType(compression: LayerCompression): string {
  return compression === 'gzip' ? OCI_LAYER_GZIP : compression === 'zstd-fake' ? OCI_LAYER_ZSTD : OCI_LAYER;
}
