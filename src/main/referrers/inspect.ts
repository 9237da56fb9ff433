/**
 * Reading what a referrer says: each layer by its media type — cosign signature payloads,
 * notation envelopes, DSSE / in-toto attestations, SPDX and CycloneDX SBOMs — with sizes bounded
 * and signatures checked against the given keys. Parsed SBOMs are kept by blob digest.
 */
import { BerthError } from '../../shared/errors';
import { readDescriptor } from '../registry/image-config';
import { DSSE_MEDIA_TYPE, IN_TOTO_MEDIA_TYPE, readAttestation } from './attestation';
import { blobByDigest, manifestByDigest, type ContentSource } from './content';
import { MAX_SBOM_BYTES, readSbomBytes, SBOM_MEDIA_TYPES, sbomTooLarge } from './sbom';
import { COSIGN_SIMPLESIGNING, JWS_MEDIA_TYPE, layerCertificate, readCosignSignature, readNotationSignature } from './signature';
import { deepestFirst, readReferrerTree } from './discover';
import type { Referrer, ReferrerDetail, ReferrerNode, SbomInfo } from './types';
import type { VerifyKey } from './verify';

/** Signature payloads and envelopes are small; anything larger is not a signature. */
const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** Layers read per referrer (cosign appends one layer per signature). */
const MAX_LAYERS = 32;
const SBOM_DERIVED = 'sbom-summary';

function tooLarge(err: unknown): boolean {
  return err instanceof BerthError && err.code === 'UNEXPECTED_RESPONSE' && typeof (err.detail as { size?: unknown } | undefined)?.size === 'number';
}

async function readSbomLayer(src: ContentSource, digest: string, size: number, what: string): Promise<SbomInfo> {
  const cached = await src.store?.getDerived<SbomInfo>(SBOM_DERIVED, digest).catch(() => null);
  if (cached) return cached;
  if (size > MAX_SBOM_BYTES) return sbomTooLarge(what, size);
  const info = readSbomBytes(await blobByDigest(src, digest, size, MAX_SBOM_BYTES, what), what);
  // A pure function of the blob: kept under its digest, so a 30 MB SBOM is parsed once.
  await src.store?.putDerived(SBOM_DERIVED, digest, info).catch(() => undefined);
  return info;
}

/** Reads one referrer's layers and checks its signatures with `keys` (none: "not verified"). */
export async function inspectReferrer(src: ContentSource, referrer: Referrer, keys: readonly VerifyKey[] = []): Promise<ReferrerDetail> {
  const detail: ReferrerDetail = { referrer, signatures: [], attestations: [], sboms: [], problems: [] };
  const manifest = await manifestByDigest(src, referrer.digest);
  const raw: unknown[] = Array.isArray(manifest.json?.layers) ? manifest.json.layers : [];
  if (raw.length > MAX_LAYERS) detail.problems.push(`It has ${raw.length} layers; Berth reads the first ${MAX_LAYERS}.`);
  const subject = referrer.subject;
  for (const [i, rawLayer] of raw.slice(0, MAX_LAYERS).entries()) {
    const layer = readDescriptor(rawLayer);
    if (!layer.digest) continue;
    const what = `Layer ${i + 1} of ${referrer.digest}`;
    try {
      if (layer.mediaType === COSIGN_SIMPLESIGNING) {
        const payload = await blobByDigest(src, layer.digest, layer.size, MAX_SIGNATURE_BYTES, what);
        detail.signatures.push(readCosignSignature(payload, layer.annotations, subject, keys));
      } else if (layer.mediaType === JWS_MEDIA_TYPE) {
        const envelope = await blobByDigest(src, layer.digest, layer.size, MAX_SIGNATURE_BYTES, what);
        detail.signatures.push(readNotationSignature(envelope, subject, keys));
      } else if (layer.mediaType === DSSE_MEDIA_TYPE || layer.mediaType === IN_TOTO_MEDIA_TYPE) {
        if (layer.size > MAX_SBOM_BYTES) {
          detail.problems.push(`${what} (an attestation) is ${(layer.size / 1048576).toFixed(1)} MB; Berth reads at most ${MAX_SBOM_BYTES / 1048576} MB.`);
          continue;
        }
        const bytes = await blobByDigest(src, layer.digest, layer.size, MAX_SBOM_BYTES, what);
        const entry = readAttestation(bytes, subject, keys, layerCertificate(layer.annotations) !== null);
        detail.attestations.push(entry);
        if (entry.sbom) detail.sboms.push(entry.sbom);
      } else if (SBOM_MEDIA_TYPES.has(layer.mediaType)) {
        detail.sboms.push(await readSbomLayer(src, layer.digest, layer.size, what));
      }
    } catch (err) {
      if (err instanceof BerthError && err.code === 'CANCELLED') throw err;
      if (!(err instanceof BerthError) || (!tooLarge(err) && !['BLOB_UNKNOWN', 'DIGEST_MISMATCH', 'UNEXPECTED_RESPONSE'].includes(err.code))) throw err;
      detail.problems.push(`${what} could not be read: ${err.message}`);
    }
  }
  if (referrer.kind === 'signature' && detail.signatures.length === 0 && detail.problems.length === 0) {
    detail.problems.push('It is listed as a signature but holds no signature layer Berth reads (cosign simple-signing or notation JWS).');
  }
  return detail;
}

/** The supply chain of an image: its referrer tree and what each referrer says, checked with `keys`. */
export async function readSupplyChain(
  src: ContentSource,
  subject: string,
  opts: { keys?: readonly VerifyKey[]; tags?: readonly string[]; artifactType?: string } = {},
): Promise<{ subject: string; api: boolean; truncated: boolean; nodes: ReferrerNode[]; details: ReferrerDetail[] }> {
  const tree = await readReferrerTree(src, subject, { tags: opts.tags, artifactType: opts.artifactType });
  const details: ReferrerDetail[] = [];
  for (const n of deepestFirst(tree.nodes).reverse()) {
    const { children: _children, ...referrer } = n;
    details.push(await inspectReferrer(src, referrer, opts.keys ?? []));
  }
  return { subject, api: tree.api, truncated: tree.truncated, nodes: tree.nodes, details };
}
