/** Referrers of an image — signatures, attestations, SBOMs — found, read, verified, and planned for deletion. */
export type * from './types';
export { listReferrers, readReferrerTree, deepestFirst, MAX_REFERRER_DEPTH, MAX_REFERRERS, type ListReferrersOptions, type ReferrerList } from './discover';
export { inspectReferrer, readSupplyChain } from './inspect';
export { manifestByDigest, blobByDigest, MAX_CACHED_BLOB, type ContentSource } from './content';
export { classifyReferrer, artifactTypeOf } from './classify';
export { readCosignSignature, readNotationSignature, COSIGN_SIMPLESIGNING, COSIGN_SIGNATURE_ANNOTATION, COSIGN_CERTIFICATE_ANNOTATION, NOTATION_ARTIFACT_TYPE } from './signature';
export { readAttestation, readSlsa, DSSE_MEDIA_TYPE, IN_TOTO_MEDIA_TYPE } from './attestation';
export { readSbom, readSbomBytes, MAX_SBOM_BYTES, SBOM_MEDIA_TYPES } from './sbom';
export { readCertificateIdentity, certificateExtensions, FULCIO_ISSUER_V1, FULCIO_ISSUER_V2 } from './certificate';
export { verifySigned, parsePublicKey, algorithmOf, pae, type VerifyKey, type SignedMaterial } from './verify';
export { KeyStore, KEYS_FILE, type KeyInput } from './key-store';
export { planReferrerDelete, planReferrerDeletes, orphanedReferrers, orphanedByCleanup, deleteReferrers, type ReferrerDeleteItem, type ReferrerDeletePlan } from './delete-plan';
