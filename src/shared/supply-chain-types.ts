/**
 * What Berth tells about the manifests that refer to an image: signatures, attestations and
 * SBOMs, read from the registry and checked against the user's public keys. JSON-serialisable,
 * so the contract can carry them as they are.
 */

/** What a referrer is, as far as its media types and content tell. */
export type ReferrerKind = 'signature' | 'attestation' | 'sbom' | 'other';

/** Where Berth found it: the referrers API, the tag schema's fallback index, or a cosign tag. */
export type ReferrerSource = 'api' | 'fallback-index' | 'cosign-tag';

/** One referrer manifest of a subject. */
export interface Referrer {
  /** Digest of the manifest it refers to. */
  subject: string;
  digest: string;
  mediaType: string;
  /** The descriptor's or the manifest's `artifactType` (or its config media type), null when none. */
  artifactType: string | null;
  size: number;
  annotations: Record<string, string>;
  kind: ReferrerKind;
  sources: ReferrerSource[];
  /** Tags that hold it under the tag schema (a cosign tag, the fallback index tag); deleted with it. */
  tags: string[];
}

/** A referrer and the referrers of that referrer (a signature of an SBOM…). */
export interface ReferrerNode extends Referrer {
  children: ReferrerNode[];
}

/** Why a signature could not be checked. */
export type NotVerifiedReason = 'no-key' | 'unsupported-algorithm' | 'keyless' | 'no-signature' | 'unreadable';
/** Why a check failed. */
export type FailedReason = 'signature-mismatch' | 'digest-mismatch';

/** The outcome of checking one signature: never "unsigned" when Berth simply could not tell. */
export type Verification =
  | { status: 'verified'; key: string; message: string }
  | { status: 'failed'; reason: FailedReason; message: string }
  | { status: 'not-verified'; reason: NotVerifiedReason; message: string };

/** Who a keyless (Fulcio) certificate was issued to, and by which OIDC issuer. */
export interface CertificateIdentity {
  /** SAN e-mail or URI (a workflow, a service account). */
  subject: string | null;
  /** The OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, or the older .1.1). */
  issuer: string | null;
  /** The certificate's own issuer (the CA) and validity, as X509Certificate prints them. */
  certificateIssuer: string;
  validFrom: string;
  validTo: string;
}

/** One signature (a cosign layer or a notation envelope). */
export interface SignatureEntry {
  format: 'cosign' | 'notation';
  /** The reference the signer named (`critical.identity.docker-reference`). */
  signedReference: string | null;
  /** The manifest digest the signature covers. */
  signedDigest: string | null;
  /** The payload's `optional` annotations (cosign -a key=value). */
  annotations: Record<string, string>;
  /** Set for keyless signatures (a certificate in the layer's annotations). */
  certificate: CertificateIdentity | null;
  verification: Verification;
}

/** A package as an SBOM lists it. */
export interface SbomPackage {
  name: string;
  version: string | null;
  license: string | null;
}

/** An SBOM (SPDX 2.x or CycloneDX JSON), or why it was not read. */
export type SbomInfo =
  | { format: 'spdx' | 'cyclonedx'; specVersion: string | null; name: string | null; packageCount: number; packages: SbomPackage[] }
  | { format: 'unreadable'; message: string };

/** SLSA provenance (v0.2 or v1) as far as people read it. */
export interface SlsaProvenance {
  version: '0.2' | '1';
  builderId: string | null;
  buildType: string | null;
  /** v0.2 `materials`, v1 `resolvedDependencies`. */
  materials: { uri: string | null; digest: Record<string, string> }[];
}

/** One in-toto attestation (in a DSSE envelope or as a bare statement). */
export interface AttestationEntry {
  predicateType: string | null;
  /** The statement's subjects, as `algo:hex`. */
  subjectDigests: string[];
  /** Whether the statement names the image it is attached to. */
  coversSubject: boolean;
  slsa: SlsaProvenance | null;
  /** When the predicate is an SPDX or CycloneDX document. */
  sbom: SbomInfo | null;
  verification: Verification;
}

/** Everything Berth read from one referrer. */
export interface ReferrerDetail {
  referrer: Referrer;
  signatures: SignatureEntry[];
  attestations: AttestationEntry[];
  sboms: SbomInfo[];
  /** What could not be read, for people ("the SBOM is 40 MB; Berth reads at most 32 MB"). */
  problems: string[];
}

/** A public key the user gave Berth, saved for a registry or one repository. */
export interface SavedKey {
  id: string;
  name: string;
  /** Registry host as in references (`registry.example.com:5000`). */
  registry: string;
  /** Only this repository; null for every repository of the registry. */
  repository: string | null;
  pem: string;
  algorithm: KeyAlgorithm;
  addedAt: string;
}

/** Key types Berth verifies with; anything else is saved but reads as unsupported. */
export type KeyAlgorithm = 'ecdsa-p256-sha256' | 'ed25519' | 'unsupported';

/** The supply chain of one image as the image view shows it (`getSupplyChain`). */
export interface SupplyChain {
  /** The image's digest. */
  subject: string;
  /** true: the registry answered the referrers API; false: Berth used the tag schema. */
  api: boolean;
  /** More referrers were listed than Berth reads. */
  truncated: boolean;
  /** What each referrer says, parents before their own referrers (a signature of an SBOM follows the SBOM). */
  referrers: ReferrerDetail[];
  /** How many saved keys apply to this repository (0: every signature reads "not verified", reason no-key). */
  keyCount: number;
}

/** Where a key applies: every repository of a saved registry, or one repository of it. */
export interface KeyScope {
  registryId: string;
  /** null (or absent): every repository of the registry. */
  repository?: string | null;
}

/** One manifest a delete takes along with its subject (a referrer, or the tag schema's fallback index). */
export interface ReferrerDeleteItem {
  digest: string;
  /** The digest it refers to (its subject, or the subject whose fallback index it is). */
  subject: string;
  kind: ReferrerKind | 'fallback-index';
  /** Every tag that points at it now (deleting a digest drops them all). */
  tags: string[];
  /** Config and layer bytes it references (each blob counted once within the plan). */
  bytes: number;
}

/** The referrers that go with a delete or a cleanup, and what they hold. */
export interface ReferrerDeleteSummary {
  items: ReferrerDeleteItem[];
  /** Every tag the items take with them. */
  tags: string[];
  bytes: number;
}
