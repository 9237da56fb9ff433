/** Turning what the user typed into a saved profile, and a profile's parts into what may be shown. */
import { X509Certificate } from 'node:crypto';
import { BerthError } from '../../shared/errors';
import type { RegistryId, RegistryInput, TlsInfo, TlsSettings } from '../../shared/types';
import type { Profile } from './profile-store';
import { DOCKER_HUB_ALIASES, isDockerHub, isValidDigest, isValidRepository, isValidTag, splitRepoTag, withHubLibrary } from '../../shared/reference';
import { registryConfigFromInput } from '../registry/index';

const arg = (message: string) => new BerthError('INVALID_ARGUMENT', message);

/** Validates a registry form (URL, auth, TLS) into a profile; throws what to fix, field by field. */
export function profileFromInput(input: RegistryInput, id: RegistryId): Profile {
  const url = (input.url ?? '').trim().replace(/\/(?:v2\/?)?$/, '');
  // The URL rules (scheme, host, http only for loopback or "insecure") live in the engine.
  registryConfigFromInput({ url, insecure: input.insecure === true });
  const username = input.username?.trim() || undefined;
  const auth = input.auth ?? (username ? 'password' : 'auto');
  if (auth === 'password' && !username) {
    throw arg('Type a username, or choose "Docker credentials" or "Anonymous" for this registry.');
  }
  if (input.password && auth !== 'password') throw arg('A password was given, but the registry is not set to use a typed username and password.');
  return {
    id,
    name: input.name?.trim() ?? '',
    url,
    auth,
    ...(auth === 'password' ? { username } : {}),
    insecure: input.insecure === true,
    tls: tlsFromInput(input.tls),
    pinnedRepositories: [],
  };
}

function tlsFromInput(tls: TlsSettings | undefined): TlsSettings {
  switch (tls?.mode ?? 'verify') {
    case 'verify':
      return { mode: 'verify' };
    case 'skip':
      return { mode: 'skip' };
    case 'ca': {
      const pem = tls?.caPem?.trim();
      if (!pem) throw arg('Choose the CA certificate file (PEM) to trust for this registry.');
      if (!caSubject(pem)) throw arg(`${tls?.caName ?? 'The file'} is not a PEM certificate. Choose the CA certificate (a .crt or .pem file that starts with -----BEGIN CERTIFICATE-----).`);
      return { mode: 'ca', caPem: `${pem}\n`, ...(tls?.caName ? { caName: tls.caName } : {}) };
    }
    case 'pin': {
      if (!tls?.pinSha256) throw arg('No certificate fingerprint to trust was given. Open the registry and trust the certificate it presents.');
      return { mode: 'pin', pinSha256: tls.pinSha256.toUpperCase() };
    }
  }
}

/** The subject of the first certificate in a PEM bundle (`CN=…, O=…`), null when it is not one. */
export function caSubject(pem: string): string | null {
  try {
    return new X509Certificate(pem).subject.split('\n').join(', ');
  } catch {
    return null;
  }
}

/** What the renderer may see of TLS settings (the PEM itself stays in main). */
export function describeTls(tls: TlsSettings): TlsInfo {
  const info: TlsInfo = { mode: tls.mode };
  if (tls.mode === 'ca' && tls.caPem) {
    if (tls.caName) info.caName = tls.caName;
    const subject = caSubject(tls.caPem);
    if (subject) info.caSubject = subject;
  }
  if (tls.mode === 'pin' && tls.pinSha256) info.pinSha256 = tls.pinSha256;
  return info;
}

/**
 * A repository name as the user typed or pasted it (`ubuntu`, `docker.io/library/ubuntu:24.04`,
 * `ghcr.io/owner/app`) reduced to the registry's repository name.
 */
export function normaliseRepository(typed: string, host: string): string {
  let path = typed.trim().replace(/^https?:\/\//i, '');
  const hosts = isDockerHub(host) ? [...DOCKER_HUB_ALIASES] : [host];
  for (const h of hosts) if (path.toLowerCase().startsWith(`${h.toLowerCase()}/`)) path = path.slice(h.length + 1);
  const { name, tag, digest } = splitRepoTag(path);
  const repository = withHubLibrary(name, host);
  // The tag or digest of a pasted reference is dropped, but a malformed one still says the paste is wrong.
  const valid = isValidRepository(repository) && (tag === undefined || isValidTag(tag)) && (digest === undefined || isValidDigest(digest));
  if (!valid) {
    throw arg(`"${typed.trim()}" is not a repository name. Use lowercase letters, digits, . _ - and /, e.g. team/app.`);
  }
  return repository;
}
