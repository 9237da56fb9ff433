/**
 * Checking signatures with the user's public keys (node:crypto): ECDSA P-256 over SHA-256 with a
 * DER signature (what `cosign sign --key` writes) and Ed25519. Other keys are saved but read as
 * "unsupported", and the result then says "not verified", never "unsigned".
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { BerthError } from '../../shared/errors';
import type { KeyAlgorithm, Verification } from './types';

/** A key ready to verify with; `name` is what the result reports. */
export interface VerifyKey {
  name: string;
  pem: string;
}

/** Reads a PEM public key; INVALID_ARGUMENT (saying what to give instead) when it is not one. */
export function parsePublicKey(pem: string): { key: KeyObject; algorithm: KeyAlgorithm } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new BerthError('INVALID_ARGUMENT', 'That is not a PEM public key. Give the key as "-----BEGIN PUBLIC KEY-----" (for cosign: the cosign.pub file).');
  }
  return { key, algorithm: algorithmOf(key) };
}

/** The verification algorithm a key implies. */
export function algorithmOf(key: KeyObject): KeyAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256-sha256';
  return 'unsupported';
}

/** Checks one raw signature over `data`; `encoding` 'p1363' for JWS (r‖s), DER otherwise. */
function checkWith(key: KeyObject, algorithm: KeyAlgorithm, data: Buffer, signature: Buffer, encoding: 'der' | 'p1363'): boolean {
  try {
    if (algorithm === 'ed25519') return cryptoVerify(null, data, key, signature);
    return cryptoVerify('sha256', data, { key, dsaEncoding: encoding === 'p1363' ? 'ieee-p1363' : 'der' }, signature);
  } catch {
    return false;
  }
}

/** What a signature is over, and what it claims to cover. */
export interface SignedMaterial {
  /** The bytes signed (the payload, or DSSE's PAE). */
  data: Buffer;
  /** Candidate signatures (base64 decoded); empty when the artifact carries none. */
  signatures: Buffer[];
  /** The digest the signed content names, checked against `subject`; null when it names none. */
  claimedDigests: string[] | null;
  subject: string;
  keyless: boolean;
  encoding?: 'der' | 'p1363';
  /** What this is, for messages ("signature", "attestation"). */
  what: string;
}

/**
 * The outcome for one signed artifact: a claim about another digest fails whatever the key;
 * then any supported key that checks out verifies it; supported keys that all refuse fail it.
 */
export function verifySigned(m: SignedMaterial, keys: readonly VerifyKey[]): Verification {
  if (m.claimedDigests && !m.claimedDigests.includes(m.subject)) {
    return {
      status: 'failed',
      reason: 'digest-mismatch',
      message: `The ${m.what} covers ${m.claimedDigests.join(', ') || 'no digest'}, not this image (${m.subject}): it was made for other content.`,
    };
  }
  if (m.signatures.length === 0) {
    return { status: 'not-verified', reason: 'no-signature', message: `This ${m.what} carries no signature of its own, so there is nothing to check.` };
  }
  const usable = keys.map((k) => ({ name: k.name, ...safeParse(k.pem) })).filter((k) => k.algorithm !== 'unsupported' && k.key);
  if (usable.length === 0) {
    if (keys.length > 0) {
      return { status: 'not-verified', reason: 'unsupported-algorithm', message: `None of the saved keys is ECDSA P-256 or Ed25519, the kinds Berth checks; the ${m.what} was not checked.` };
    }
    if (m.keyless) return keylessResult(m.what);
    return { status: 'not-verified', reason: 'no-key', message: `No public key is saved for this repository. Add the signer's key to verify the ${m.what}.` };
  }
  for (const k of usable) {
    for (const sig of m.signatures) {
      if (checkWith(k.key!, k.algorithm, m.data, sig, m.encoding ?? 'der')) {
        return { status: 'verified', key: k.name, message: `Signed with the key "${k.name}".` };
      }
    }
  }
  // A keyless signature is made with the certificate's one-time key, not a saved one: not a failure.
  if (m.keyless) return keylessResult(m.what);
  return {
    status: 'failed',
    reason: 'signature-mismatch',
    message: `The ${m.what} does not match ${usable.length === 1 ? `the key "${usable[0].name}"` : `any of the ${usable.length} saved keys`}: it was signed with another key, or altered.`,
  };
}

function keylessResult(what: string): Verification {
  return { status: 'not-verified', reason: 'keyless', message: `A keyless ${what}: Berth shows the certificate's identity but does not check it against Sigstore's roots, and no saved key matches it.` };
}

function safeParse(pem: string): { key: KeyObject | null; algorithm: KeyAlgorithm } {
  try {
    return parsePublicKey(pem);
  } catch {
    return { key: null, algorithm: 'unsupported' };
  }
}

/** DSSE's pre-authentication encoding: what a DSSE signature is over. https://github.com/secure-systems-lab/dsse/blob/master/protocol.md */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Base64 (standard or URL-safe) to bytes; null when the text is not base64. */
export function decodeBase64(text: unknown): Buffer | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text.trim())) return null;
  return Buffer.from(text.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
