/**
 * Signatures: cosign's simple-signing payload (signed reference and digest, `optional`
 * annotations; the signature and, for keyless, the Fulcio certificate in the layer's
 * annotations) and notation's JWS envelope. https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 * https://github.com/notaryproject/specifications/blob/main/specs/signature-envelope-jws.md
 */
import { readCertificateIdentity } from './certificate';
import type { CertificateIdentity, SignatureEntry } from './types';
import { decodeBase64, verifySigned, type VerifyKey } from './verify';

export const COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const NOTATION_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';
export const JWS_MEDIA_TYPE = 'application/jose+json';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function unreadable(format: SignatureEntry['format'], message: string, certificate: CertificateIdentity | null = null): SignatureEntry {
  return { format, signedReference: null, signedDigest: null, annotations: {}, certificate, verification: { status: 'not-verified', reason: 'unreadable', message } };
}

/** The keyless certificate of a cosign layer, when it has one. */
export function layerCertificate(annotations: Record<string, string> | undefined): CertificateIdentity | null {
  const pem = annotations?.[COSIGN_CERTIFICATE_ANNOTATION];
  return pem ? readCertificateIdentity(pem) : null;
}

/** Reads one cosign signature layer (payload bytes + layer annotations) and checks it with `keys`. */
export function readCosignSignature(payload: Buffer, annotations: Record<string, string> | undefined, subject: string, keys: readonly VerifyKey[]): SignatureEntry {
  const certificate = layerCertificate(annotations);
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return unreadable('cosign', 'The signed payload is not JSON; this is not a cosign simple-signing signature.', certificate);
  }
  const critical = isObj(json) && isObj(json.critical) ? json.critical : {};
  const signedReference = isObj(critical.identity) ? str(critical.identity['docker-reference']) : null;
  const signedDigest = isObj(critical.image) ? str(critical.image['docker-manifest-digest']) : null;
  const optional = isObj(json) && isObj(json.optional) ? json.optional : {};
  const extra = Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const raw = annotations?.[COSIGN_SIGNATURE_ANNOTATION];
  const sig = decodeBase64(raw);
  const verification = verifySigned(
    { data: payload, signatures: sig && sig.length ? [sig] : [], claimedDigests: [signedDigest ?? ''], subject, keyless: certificate !== null, what: 'signature' },
    keys,
  );
  return { format: 'cosign', signedReference, signedDigest, annotations: extra, certificate, verification };
}

function b64urlJson(text: unknown): Json | null {
  const bytes = decodeBase64(text);
  if (!bytes) return null;
  try {
    const v = JSON.parse(bytes.toString('utf8'));
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

/** Reads a notation JWS envelope: the signed target digest, the signer's certificate, and (ES256 keys) the check. */
export function readNotationSignature(envelope: Buffer, subject: string, keys: readonly VerifyKey[]): SignatureEntry {
  let jws: unknown;
  try {
    jws = JSON.parse(envelope.toString('utf8'));
  } catch {
    return unreadable('notation', 'The notation envelope is not JSON (COSE envelopes are not read).');
  }
  if (!isObj(jws) || typeof jws.payload !== 'string' || typeof jws.protected !== 'string') {
    return unreadable('notation', 'The notation envelope lacks its payload or protected header.');
  }
  const header = isObj(jws.header) ? jws.header : {};
  const chain = Array.isArray(header.x5c) ? header.x5c : [];
  const leaf = typeof chain[0] === 'string' ? `-----BEGIN CERTIFICATE-----\n${chain[0]}\n-----END CERTIFICATE-----\n` : null;
  const certificate = leaf ? readCertificateIdentity(leaf) : null;
  const payload = b64urlJson(jws.payload);
  const target = payload && isObj(payload.targetArtifact) ? payload.targetArtifact : {};
  const signedDigest = str(target.digest);
  const protectedHeader = b64urlJson(jws.protected);
  const sig = decodeBase64(jws.signature);
  const alg = protectedHeader ? str(protectedHeader.alg) : null;
  const annotations = isObj(target.annotations) ? Object.fromEntries(Object.entries(target.annotations).map(([k, v]) => [k, String(v)])) : {};
  const base = { format: 'notation' as const, signedReference: null, signedDigest, annotations, certificate };
  if (alg !== 'ES256') {
    // Notation signs with RSA-PSS or ECDSA P-384/P-521 too; Berth checks ES256 only.
    const digestCheck = verifySigned({ data: Buffer.alloc(0), signatures: [], claimedDigests: [signedDigest ?? ''], subject, keyless: false, what: 'signature' }, []);
    if (digestCheck.status === 'failed') return { ...base, verification: digestCheck };
    return { ...base, verification: { status: 'not-verified', reason: 'unsupported-algorithm', message: `The notation signature uses ${alg ?? 'an unnamed algorithm'}; Berth checks ES256 (ECDSA P-256) only.` } };
  }
  const data = Buffer.from(`${jws.protected}.${jws.payload}`, 'ascii');
  const verification = verifySigned(
    { data, signatures: sig && sig.length ? [sig] : [], claimedDigests: [signedDigest ?? ''], subject, keyless: false, encoding: 'p1363', what: 'signature' },
    keys,
  );
  return { ...base, verification };
}
