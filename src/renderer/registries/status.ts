/** Words and colours for a registry's state: the sidebar dot, rate limit, credentials, certificates. */
import type { ErrorCode, WireError } from '../../shared/errors';
import type { PresentedCertificate, RateLimit, RegistryCheck, SecretStorageInfo } from '../../shared/types';

/** The sidebar dot: green, amber, red, or grey while the first check runs. */
export type Tone = 'ok' | 'warn' | 'bad' | 'checking';

/** Errors about the user's credentials rather than the registry being down. */
const CREDENTIAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UNAUTHORIZED',
  'AUTH_FAILED',
  'DENIED',
  'CREDENTIAL_HELPER_FAILED',
  'CREDENTIALS_UNREADABLE',
]);

/** Errors that mean "the certificate is not trusted", which the untrusted-certificate screen handles. */
export const TLS_TRUST_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['TLS_UNTRUSTED', 'TLS_PIN_MISMATCH']);

/** Tone of a registry from its check (`failed`: the check call itself failed). */
export function registryTone(check: RegistryCheck | undefined, failed: boolean): Tone {
  if (!check) return failed ? 'bad' : 'checking';
  // The credentials could not be looked up, so nothing was asked: the user can fix it in Berth.
  if (isCredentialSourceError(check.error)) return 'warn';
  if (!check.reachable) return 'bad';
  if (check.error && TLS_TRUST_CODES.has(check.error.code)) return 'bad';
  if (check.error && CREDENTIAL_CODES.has(check.error.code)) return 'warn';
  if (check.authScheme !== 'none' && !check.authenticated) return 'warn';
  return 'ok';
}

/** What the dot says to a screen reader and in its tooltip. */
export const TONE_LABEL: Record<Tone, string> = {
  ok: 'reachable, signed in',
  warn: 'reachable, not signed in',
  bad: 'unreachable or certificate not trusted',
  checking: 'checking',
};

function formatWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "Pulls left: 76 / 100 per 6 h" (parts missing from the headers are left out). */
export function formatRateLimit(rate: RateLimit): string {
  let text = `Pulls left: ${rate.remaining}`;
  if (rate.limit !== null) text += ` / ${rate.limit}`;
  if (rate.windowSeconds !== null) text += ` per ${formatWindow(rate.windowSeconds)}`;
  return text;
}

/** "Signed in as alice · from …", "Anonymous · no credentials in …", or null when unknown. */
export function credentialsText(check: RegistryCheck | undefined): string | null {
  const c = check?.credentials;
  if (!c) return null;
  if (c.kind === 'none') return c.description.charAt(0).toUpperCase() + c.description.slice(1);
  const who = c.username === '<token>' ? 'Signed in with a token' : c.username ? `Signed in as ${c.username}` : 'Signed in';
  return `${who} · from ${c.description}`;
}

/** A credentials failure that switching the registry to anonymous or a password can get around. */
export function isCredentialSourceError(error: WireError | undefined): boolean {
  return error?.code === 'CREDENTIAL_HELPER_FAILED' || error?.code === 'CREDENTIALS_UNREADABLE';
}

/** The certificate's problem as a sentence a person can act on. */
export function tlsProblemText(cert: PresentedCertificate, pinned?: string): string {
  switch (cert.problem) {
    case 'self-signed':
      return 'The certificate is self-signed: no authority vouches for it, so Berth cannot tell it from an impostor’s.';
    case 'unknown-ca':
      return `The certificate was issued by “${cert.issuer}”, an authority this system does not trust.`;
    case 'expired':
      return `The certificate expired on ${formatCertDate(cert.validTo)}.`;
    case 'not-yet-valid':
      return `The certificate is not valid before ${formatCertDate(cert.validFrom)} (check this machine’s clock).`;
    case 'wrong-host':
      return `The certificate is for ${cert.altNames.join(', ') || cert.subject}, not for the address Berth connected to.`;
    case 'pin-mismatch':
      return `The registry now presents a different certificate from the one you trusted${pinned ? ` (${pinned})` : ''}. It may have been renewed — or someone is intercepting the connection.`;
    case 'other':
    case null:
      return cert.problemCode ? `The certificate was refused (${cert.problemCode}).` : 'The certificate was refused.';
  }
}

/** A certificate date as `2026-11-23 13:36 UTC` (whatever form main sent, ISO or OpenSSL's). */
export function formatCertDate(text: string): string {
  const t = Date.parse(text);
  if (Number.isNaN(t)) return text;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Where passwords are kept, as the form's hint says it. */
export function secretStorageText(info: SecretStorageInfo): string {
  return info.kind === 'safeStorage'
    ? 'Passwords are encrypted with the system keychain and never shown again.'
    : `Passwords are kept in ${info.path}, readable only by you (not encrypted: no system keychain is in use).`;
}
