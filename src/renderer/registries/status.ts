/** Words and colours for a registry's state: the sidebar dot, rate limit, credentials, certificates. */
import type { ErrorCode, WireError } from '../../shared/errors';
import type { PresentedCertificate, RateLimit, RegistryCheck, RegistryInfo, SecretStorageInfo } from '../../shared/types';
import { formatDateUtc } from '../app/format';

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
  ok: 'reachable',
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

/** The check found credentials, but the registry wants a sign-in and did not accept them. */
export function credentialsRefused(check: RegistryCheck | undefined): boolean {
  return !!check?.credentials && check.credentials.kind !== 'none' && check.reachable && check.authScheme !== 'none' && !check.authenticated;
}

function who(username: string | undefined): string {
  return username === '<token>' ? 'a token' : (username ?? 'the saved credentials');
}

/**
 * "Signed in as alice · from …", "The registry refused alice · from …", "No sign-in needed …",
 * "Anonymous · no credentials in …", or null when unknown: never "signed in" when it is not.
 */
export function credentialsText(check: RegistryCheck | undefined): string | null {
  const c = check?.credentials;
  if (!check || !c) return null;
  if (c.kind === 'none') return c.description.charAt(0).toUpperCase() + c.description.slice(1);
  if (credentialsRefused(check)) return `The registry refused ${who(c.username)} · from ${c.description}`;
  if (check.reachable && check.authScheme === 'none') return `No sign-in needed: the registry answers anonymously (credentials from ${c.description} are not sent)`;
  const signedIn = c.username === '<token>' ? 'Signed in with a token' : c.username ? `Signed in as ${c.username}` : 'Signed in';
  return `${signedIn} · from ${c.description}`;
}

/** The sidebar's line under a registry: who it signs in as, as its last check found (null while unknown). */
export function sidebarAuthText(info: RegistryInfo, check: RegistryCheck | undefined): string | null {
  if (info.auth === 'anonymous') return 'anonymous';
  const c = check?.credentials;
  if (!check) return info.auth === 'password' ? (info.username ?? null) : null;
  if (!c) return check.error ? 'credentials unreadable' : null;
  if (c.kind === 'none') return 'anonymous';
  const user = c.username === '<token>' ? 'token' : (c.username ?? 'credentials');
  if (credentialsRefused(check)) return `${user}: refused`;
  if (check.reachable && check.authScheme === 'none') return 'no sign-in needed';
  return user;
}

/**
 * What a check of unsaved settings found that the user should see before saving (null when the
 * credentials work or the registry asks for none). An unreachable registry or an untrusted
 * certificate is left to the registry's screen, which explains those.
 */
export function draftCheckProblem(check: RegistryCheck): string | null {
  if (isCredentialSourceError(check.error)) return check.error!.message;
  if (!check.reachable) return null;
  const c = check.credentials;
  if (credentialsRefused(check)) return `The registry refused ${who(c?.username)}: check the username and password (or access token).`;
  if (check.authScheme !== 'none' && !check.authenticated) {
    return c?.kind === 'none' ? `The registry asks for a sign-in and Berth has no credentials for it (${c.description}).` : 'The registry did not accept the sign-in.';
  }
  return null;
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
      return `The certificate expired on ${formatDateUtc(cert.validTo)}.`;
    case 'not-yet-valid':
      return `The certificate is not valid before ${formatDateUtc(cert.validFrom)} (check this machine’s clock).`;
    case 'wrong-host':
      return `The certificate is for ${cert.altNames.join(', ') || cert.subject}, not for the address Berth connected to.`;
    case 'pin-mismatch':
      return `The registry now presents a different certificate from the one you trusted${pinned ? ` (${pinned})` : ''}. It may have been renewed — or someone is intercepting the connection.`;
    case 'other':
    case null:
      return cert.problemCode ? `The certificate was refused (${cert.problemCode}).` : 'The certificate was refused.';
  }
}

/** Where passwords are kept, as the form's hint says it. */
export function secretStorageText(info: SecretStorageInfo): string {
  return info.kind === 'safeStorage'
    ? 'Passwords are encrypted with the system keychain and never shown again.'
    : `Passwords are kept in ${info.path}, readable only by you (not encrypted: no system keychain is in use).`;
}
