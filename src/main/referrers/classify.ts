/**
 * What a referrer manifest is, from its artifact type, its config and layer media types, and the
 * cosign tag suffix it was found under — in that order of trust.
 */
import type { CosignSuffix } from '../registry/referrers';
import { DSSE_MEDIA_TYPE, IN_TOTO_MEDIA_TYPE } from './attestation';
import { SBOM_MEDIA_TYPES } from './sbom';
import { COSIGN_SIMPLESIGNING, JWS_MEDIA_TYPE, NOTATION_ARTIFACT_TYPE } from './signature';
import type { ReferrerKind } from './types';

const GENERIC_CONFIGS = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.empty.v1+json',
]);

const SIGNATURE_TYPES = new Set([NOTATION_ARTIFACT_TYPE, 'application/vnd.dev.cosign.artifact.sig.v1+json', COSIGN_SIMPLESIGNING]);
const ATTESTATION_TYPES = new Set([DSSE_MEDIA_TYPE, IN_TOTO_MEDIA_TYPE, 'application/vnd.dev.cosign.artifact.att.v1+json']);
const SBOM_TYPES = new Set([...SBOM_MEDIA_TYPES, 'application/vnd.dev.cosign.artifact.sbom.v1+json', 'application/vnd.syft+json']);

function kindOfType(t: string | null | undefined): ReferrerKind | null {
  if (!t) return null;
  if (SIGNATURE_TYPES.has(t)) return 'signature';
  if (ATTESTATION_TYPES.has(t)) return 'attestation';
  if (SBOM_TYPES.has(t)) return 'sbom';
  return null;
}

/** The artifact type a manifest declares: `artifactType`, else a config media type that is not a plain image's. */
export function artifactTypeOf(manifest: unknown, descriptorType?: string): string | null {
  if (descriptorType) return descriptorType;
  const m = manifest as { artifactType?: unknown; config?: { mediaType?: unknown } } | null;
  if (typeof m?.artifactType === 'string' && m.artifactType) return m.artifactType;
  const cfg = m?.config?.mediaType;
  return typeof cfg === 'string' && !GENERIC_CONFIGS.has(cfg) ? cfg : null;
}

/** Layer media types of a manifest (an index has none). */
export function layerTypes(manifest: unknown): string[] {
  const layers = (manifest as { layers?: unknown } | null)?.layers;
  return Array.isArray(layers) ? layers.map((l) => (l as { mediaType?: unknown })?.mediaType).filter((t): t is string => typeof t === 'string') : [];
}

/** Classifies a referrer: signature, attestation, SBOM or other. */
export function classifyReferrer(manifest: unknown, artifactType: string | null, suffix: CosignSuffix | null): ReferrerKind {
  const byType = kindOfType(artifactType);
  if (byType) return byType;
  const layers = layerTypes(manifest);
  if (layers.some((t) => t === COSIGN_SIMPLESIGNING || t === JWS_MEDIA_TYPE)) return 'signature';
  if (layers.some((t) => t === DSSE_MEDIA_TYPE || t === IN_TOTO_MEDIA_TYPE)) return 'attestation';
  if (layers.some((t) => SBOM_TYPES.has(t))) return 'sbom';
  if (suffix === 'sig') return 'signature';
  if (suffix === 'att') return 'attestation';
  if (suffix === 'sbom') return 'sbom';
  return 'other';
}
