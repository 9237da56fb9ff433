/**
 * In-toto attestations: a DSSE envelope (cosign attest) or a bare statement (buildx), its
 * predicate type, the subjects it names, and for SLSA provenance v0.2 / v1 the builder, build
 * type and materials. https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 * https://slsa.dev/spec/v0.2/provenance · https://slsa.dev/spec/v1.0/provenance
 */
import { isSbomPredicate, readSbom } from './sbom';
import type { AttestationEntry, SlsaProvenance } from './types';
import { decodeBase64, pae, verifySigned, type VerifyKey } from './verify';

/** Media types of attestation layers. */
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function digestMap(v: unknown): Record<string, string> {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function materials(list: unknown): SlsaProvenance['materials'] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((m) => ({ uri: str(m.uri) ?? str(m.name), digest: digestMap(m.digest) }));
}

/** SLSA provenance from a predicate, by its type; null for other predicates. */
export function readSlsa(predicateType: string | null, predicate: unknown): SlsaProvenance | null {
  if (!predicateType || !isObj(predicate)) return null;
  if (/^https:\/\/slsa\.dev\/provenance\/v0\.[12]$/.test(predicateType)) {
    return {
      version: '0.2',
      builderId: isObj(predicate.builder) ? str(predicate.builder.id) : null,
      buildType: str(predicate.buildType),
      materials: materials(predicate.materials),
    };
  }
  if (/^https:\/\/slsa\.dev\/provenance\/v1$/.test(predicateType)) {
    const def = isObj(predicate.buildDefinition) ? predicate.buildDefinition : {};
    const run = isObj(predicate.runDetails) ? predicate.runDetails : {};
    return {
      version: '1',
      builderId: isObj(run.builder) ? str(run.builder.id) : null,
      buildType: str(def.buildType),
      materials: materials(def.resolvedDependencies),
    };
  }
  return null;
}

function statementEntry(statement: unknown, subject: string): Omit<AttestationEntry, 'verification'> & { digests: string[] } {
  const s = isObj(statement) ? statement : {};
  const predicateType = str(s.predicateType);
  const digests: string[] = [];
  for (const sub of Array.isArray(s.subject) ? s.subject : []) {
    if (!isObj(sub)) continue;
    for (const [algo, hex] of Object.entries(digestMap(sub.digest))) digests.push(`${algo}:${hex}`);
  }
  return {
    predicateType,
    subjectDigests: digests,
    coversSubject: digests.includes(subject),
    slsa: readSlsa(predicateType, s.predicate),
    sbom: isSbomPredicate(predicateType) ? readSbom(s.predicate) : null,
    digests,
  };
}

/** Reads an attestation layer (DSSE envelope or bare statement) and checks it with `keys`. */
export function readAttestation(bytes: Buffer, subject: string, keys: readonly VerifyKey[], keyless: boolean): AttestationEntry {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return unreadable('The attestation is not JSON.');
  }
  if (isObj(json) && typeof json.payload === 'string' && typeof json.payloadType === 'string') {
    const payload = decodeBase64(json.payload);
    if (!payload) return unreadable('The DSSE envelope\'s payload is not base64.');
    let statement: unknown;
    try {
      statement = JSON.parse(payload.toString('utf8'));
    } catch {
      return unreadable('The DSSE envelope\'s payload is not a JSON in-toto statement.');
    }
    const { digests, ...entry } = statementEntry(statement, subject);
    const signatures = (Array.isArray(json.signatures) ? json.signatures : [])
      .map((s) => (isObj(s) ? decodeBase64(s.sig) : null))
      .filter((b): b is Buffer => b !== null && b.length > 0);
    const verification = verifySigned(
      { data: pae(json.payloadType, payload), signatures, claimedDigests: digests, subject, keyless, what: 'attestation' },
      keys,
    );
    return { ...entry, verification };
  }
  // A bare statement (buildx provenance and SBOMs) carries no signature of its own.
  const { digests, ...entry } = statementEntry(json, subject);
  return { ...entry, verification: verifySigned({ data: bytes, signatures: [], claimedDigests: digests, subject, keyless: false, what: 'attestation' }, keys) };
}

function unreadable(message: string): AttestationEntry {
  return {
    predicateType: null,
    subjectDigests: [],
    coversSubject: false,
    slsa: null,
    sbom: null,
    verification: { status: 'not-verified', reason: 'unreadable', message },
  };
}
