/**
 * Words for the ways a registry's TLS certificate can be refused: shared by `networkError` and the
 * "untrusted certificate" screen (through `inspectCertificate`), so both say the same thing.
 */
import type { TlsProblem } from '../../shared/connection-types';

/** Node's certificate verification codes → the problem they mean to a person. */
const NODE_CODES: Record<string, TlsProblem> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown-ca',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-host',
};

/** The problem a Node verification code stands for (`other` for codes without a plainer name). */
export function tlsProblemOf(nodeCode: string): TlsProblem {
  return NODE_CODES[nodeCode] ?? 'other';
}

/** What is known about the refused certificate, to make the description concrete. */
export interface TlsProblemFacts {
  /** Host (and port) of the registry as the user wrote it. */
  host: string;
  /** Node's code, shown for `other`. */
  code?: string;
  validFrom?: string;
  validTo?: string;
  altNames?: string[];
  /** `pin-mismatch`: the accepted and the presented fingerprints. */
  expected?: string;
  presented?: string;
}

const TRUST = "If you trust this registry, trust its CA file or its certificate in the registry's settings.";

/** One description per problem, with what to do; errors and the UI both use it so they say the same thing. */
export function describeTlsProblem(problem: TlsProblem, f: TlsProblemFacts): string {
  const cert = `The TLS certificate of ${f.host}`;
  switch (problem) {
    case 'self-signed':
      return `${cert} is self-signed, so no known authority vouches for it. ${TRUST}`;
    case 'unknown-ca':
      return `${cert} is signed by a certificate authority this computer does not know. ${TRUST}`;
    case 'expired':
      return `${cert} expired${f.validTo ? ` on ${readableDate(f.validTo)}` : ''}. Ask the registry's administrator to renew it; if you trust it anyway, trust this certificate in the registry's settings.`;
    case 'not-yet-valid':
      return `${cert} is not valid yet${f.validFrom ? ` (only from ${readableDate(f.validFrom)})` : ''}. Check this computer's clock; if it is right, ask the registry's administrator about the certificate.`;
    case 'wrong-host': {
      const names = f.altNames?.length ? `; it is valid for ${f.altNames.join(', ')}` : '';
      return `${cert} was issued for another name than ${hostnameOf(f.host)}${names}. Use a name the certificate covers in the registry's URL, or trust this certificate in the registry's settings.`;
    }
    case 'pin-mismatch':
      return (
        `${f.host} presented a certificate with SHA-256 fingerprint ${f.presented ?? 'unknown'}, not the accepted ${f.expected ?? 'one'}. ` +
        "If the registry's certificate was renewed on purpose, trust the new one in the registry's settings; otherwise someone may be intercepting the connection."
      );
    default:
      return `${cert} is not trusted${f.code ? ` (${f.code})` : ''}. ${TRUST}`;
  }
}

function readableDate(s: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function hostnameOf(host: string): string {
  return host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}

/** `subjectaltname` (`DNS:a, IP Address:1.2.3.4`) → `['a', '1.2.3.4']`. */
export function altNamesOf(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(/,\s*/)
    .map((e) => e.replace(/^(DNS|IP Address|URI|email):/i, '').trim())
    .filter(Boolean);
}
