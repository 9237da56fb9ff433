/**
 * The referrers tag schema's tag names (OCI distribution-spec 1.1 and cosign): `sha256-<hex>`
 * holds the fallback index of a subject, `sha256-<hex>.sig|.att|.sbom` cosign's signature,
 * attestation and SBOM. Shared: main finds referrers by them, the tags table folds them.
 */

/** Cosign's tag suffixes: signature, attestation, SBOM. */
export const COSIGN_SUFFIXES = ['sig', 'att', 'sbom'] as const;
export type CosignSuffix = (typeof COSIGN_SUFFIXES)[number];

/** What a tag is in the referrers tag schema: the fallback index of a subject, a cosign tag, or neither (null). */
export function parseReferrerTag(tag: string): { subject: string; suffix: CosignSuffix | null } | null {
  const m = /^(sha256|sha512)-([a-f0-9]{64}|[a-f0-9]{128})(?:\.(sig|att|sbom))?$/.exec(tag);
  if (!m) return null;
  return { subject: `${m[1]}:${m[2]}`, suffix: (m[3] as CosignSuffix | undefined) ?? null };
}
