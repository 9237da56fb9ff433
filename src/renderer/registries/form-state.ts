/**
 * The registry form's state and what it sends: a whole `RegistryInput` when adding, only the
 * changed fields (`RegistryPatch`) when editing — an empty password keeps the saved one.
 */
import { isFingerprint, normalizeFingerprint } from '../../shared/fingerprint';
import { DOCKER_HUB_API, isDockerHub, isLoopbackHost } from '../../shared/reference';
import type { AuthMode, RegistryInfo, RegistryInput, RegistryPatch, TlsMode, TlsSettings } from '../../shared/types';

/** Everything the form holds; strings as typed. */
export interface RegistryFormValues {
  name: string;
  url: string;
  auth: AuthMode;
  username: string;
  password: string;
  insecure: boolean;
  tlsMode: TlsMode;
  /** `ca`: the chosen file's text and name (empty when editing keeps the saved CA). */
  caPem: string;
  caName: string;
  /** `pin`: the fingerprint to trust. */
  pinSha256: string;
}

/** A fresh form. */
export const EMPTY_FORM: RegistryFormValues = {
  name: '',
  url: '',
  auth: 'auto',
  username: '',
  password: '',
  insecure: false,
  tlsMode: 'verify',
  caPem: '',
  caName: '',
  pinSha256: '',
};

/** The form filled from a saved registry (never a password: main does not give it back). */
export function formFromInfo(info: RegistryInfo): RegistryFormValues {
  return {
    name: info.name,
    url: info.baseUrl,
    auth: info.auth,
    username: info.username ?? '',
    password: '',
    insecure: info.insecure,
    tlsMode: info.tls.mode,
    caPem: '',
    caName: '',
    pinSha256: info.tls.pinSha256 ?? '',
  };
}



/**
 * The origin (scheme, host, port) a typed registry URL talks to, read as main reads it (no scheme:
 * https, or http on loopback; Docker Hub's names → its API host); null while it does not parse.
 */
export function typedOrigin(url: string): string | null {
  const raw = url.trim().replace(/\/(?:v2\/?)?$/, '');
  if (!raw) return null;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  try {
    const u = new URL(hasScheme ? raw : `https://${raw}`);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (isDockerHub(u.hostname) && !u.port) return DOCKER_HUB_API;
    if (!hasScheme && isLoopbackHost(u.hostname)) u.protocol = 'http:';
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * When an edit moves a registry with a saved password to another origin without a new password:
 * what the form says (the password is bound to the origin it was typed for and will be forgotten).
 */
export function forgottenPasswordNotice(v: RegistryFormValues, saved?: RegistryInfo): string | null {
  if (!saved || saved.auth !== 'password' || !saved.hasCredentials || v.auth !== 'password' || v.password) return null;
  const next = typedOrigin(v.url);
  if (next === null || next === saved.baseUrl) return null;
  return `The saved password is sent only to ${saved.baseUrl}. Type it again to use it at ${next}; otherwise saving forgets it.`;
}

/** What is wrong with the form, or null when it can be sent. */
export function formProblem(v: RegistryFormValues, saved?: RegistryInfo): string | null {
  if (!v.url.trim()) return 'Enter the registry’s address, e.g. localhost:5000.';
  if (v.auth === 'password') {
    if (!v.username.trim()) return 'Enter the username (or switch to Docker credentials or anonymous).';
    const keeps = saved?.auth === 'password' && saved.hasCredentials && saved.username === v.username.trim();
    if (!v.password && !keeps) return 'Enter the password or access token.';
  }
  if (v.tlsMode === 'ca' && !v.caPem && !(saved?.tls.mode === 'ca')) return 'Choose the CA certificate file (PEM).';
  if (v.tlsMode === 'pin' && v.pinSha256.trim() && !isFingerprint(v.pinSha256)) {
    return 'The fingerprint must be a SHA-256 fingerprint: 32 hex pairs.';
  }
  return null;
}

/** TLS settings as the form says them; null when the form keeps what is saved. */
function tlsFrom(v: RegistryFormValues, saved?: RegistryInfo): TlsSettings | null {
  switch (v.tlsMode) {
    case 'ca':
      if (!v.caPem) return saved?.tls.mode === 'ca' ? null : { mode: 'verify' };
      return { mode: 'ca', caPem: v.caPem, caName: v.caName || undefined };
    case 'pin': {
      // Without a fingerprint yet, the registry is checked normally and the untrusted-certificate
      // screen shows what it presents, with "Trust this certificate".
      const pin = normalizeFingerprint(v.pinSha256);
      return pin ? { mode: 'pin', pinSha256: pin } : { mode: 'verify' };
    }
    default:
      return { mode: v.tlsMode };
  }
}

/** What "Add" sends. */
export function toInput(v: RegistryFormValues): RegistryInput {
  const input: RegistryInput = { url: v.url.trim(), auth: v.auth, insecure: v.insecure };
  if (v.name.trim()) input.name = v.name.trim();
  if (v.auth === 'password') {
    input.username = v.username.trim();
    input.password = v.password;
  }
  const tls = tlsFrom(v);
  if (tls && tls.mode !== 'verify') input.tls = tls;
  return input;
}

const sameTls = (a: TlsSettings, saved: RegistryInfo): boolean =>
  a.mode === saved.tls.mode && (a.mode !== 'pin' || a.pinSha256 === saved.tls.pinSha256) && a.mode !== 'ca';

/** What "Save" sends: only what differs from `saved`. */
export function toPatch(v: RegistryFormValues, saved: RegistryInfo): RegistryPatch {
  const patch: RegistryPatch = {};
  if (v.name.trim() && v.name.trim() !== saved.name) patch.name = v.name.trim();
  if (v.url.trim() !== saved.baseUrl && v.url.trim() !== saved.host) patch.url = v.url.trim();
  if (v.auth !== saved.auth) patch.auth = v.auth;
  if (v.auth === 'password') {
    if (v.username.trim() !== (saved.username ?? '') || patch.auth) patch.username = v.username.trim();
    if (v.password) patch.password = v.password;
  }
  if (v.insecure !== saved.insecure) patch.insecure = v.insecure;
  const tls = tlsFrom(v, saved);
  if (tls && !sameTls(tls, saved)) patch.tls = tls;
  return patch;
}
