/**
 * Test support: one image with a full supply chain in a real registry — through cosign's tag
 * schema (`.sig` with a key-signed and a keyless signature, `.att` with signed SLSA v0.2
 * provenance, `.sbom` with SPDX) and through OCI 1.1 artifacts with `subject` (a CycloneDX SBOM,
 * signed SLSA v1 provenance, and a signature of that SBOM: a referrer of a referrer).
 */
import type { RunningRegistry } from '../registry/start';
import { pushImage, type PushedImage } from '../images/push';
import { cyclonedxDocument, dsseEnvelope, slsaV02, slsaV1, spdxDocument, type KeylessCert, type TestKey } from './signing';
import { attachArtifact, attachCosignTag, cosignSignatureLayer, type Attached } from './attach';

/** What signedImage pushed. */
export interface SignedImage {
  image: PushedImage;
  repository: string;
  tag: string;
  sig: Attached;
  att: Attached;
  sbom: Attached;
  /** Artifacts with `subject` (visible through the referrers API, or the fallback index when `fallback`). */
  cyclonedx: Attached;
  provenance: Attached;
  /** Signs `cyclonedx` (its subject is the SBOM, not the image). */
  sbomSignature: Attached;
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/** Pushes `repository:tag` and attaches every kind of referrer; `ecdsa` signs, `ed` signs the v1 provenance. */
export async function pushSignedImage(
  reg: RunningRegistry,
  repository: string,
  tag: string,
  keys: { ecdsa: TestKey; ed: TestKey; keyless: KeylessCert },
  opts: { fallback?: boolean; seed?: string } = {},
): Promise<SignedImage> {
  const image = await pushImage(reg, repository, [tag], { format: 'oci', seed: opts.seed, layers: 2 });
  const digest = image.digest;
  const reference = `${reg.host}/${repository}`;
  const subject = { digest, mediaType: image.mediaType, size: image.manifestBytes.length };
  const sig = await attachCosignTag(reg, repository, digest, 'sig', [
    cosignSignatureLayer(reference, digest, keys.ecdsa, { signedBy: 'release-pipeline' }),
    cosignSignatureLayer(reference, digest, keys.keyless),
  ]);
  const att = await attachCosignTag(reg, repository, digest, 'att', [
    { mediaType: 'application/vnd.dsse.envelope.v1+json', bytes: dsseEnvelope(slsaV02(digest), keys.ecdsa), annotations: { predicateType: 'https://slsa.dev/provenance/v0.2' } },
  ]);
  const sbom = await attachCosignTag(reg, repository, digest, 'sbom', [{ mediaType: 'text/spdx+json', bytes: json(spdxDocument()) }]);
  const fallback = opts.fallback ?? false;
  const cyclonedx = await attachArtifact(reg, repository, subject, 'application/vnd.cyclonedx+json', [{ mediaType: 'application/vnd.cyclonedx+json', bytes: json(cyclonedxDocument()) }], {
    fallback,
    annotations: { 'org.opencontainers.image.created': '2024-05-01T12:00:00Z' },
  });
  const provenance = await attachArtifact(
    reg,
    repository,
    subject,
    'application/vnd.dsse.envelope.v1+json',
    [{ mediaType: 'application/vnd.dsse.envelope.v1+json', bytes: dsseEnvelope(slsaV1(digest), keys.ed) }],
    { fallback },
  );
  const sbomSubject = { digest: cyclonedx.digest, mediaType: cyclonedx.mediaType, size: cyclonedx.bytes.length };
  const sbomSignature = await attachArtifact(reg, repository, sbomSubject, 'application/vnd.dev.cosign.artifact.sig.v1+json', [cosignSignatureLayer(reference, cyclonedx.digest, keys.ecdsa)], { fallback });
  return { image, repository, tag, sig, att, sbom, cyclonedx, provenance, sbomSignature };
}
