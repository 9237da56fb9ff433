/**
 * Reading Docker's `config.json` (and the same `auths` format in podman's `auth.json`): where
 * the file is, how its keys name registries, and what one `auths` entry holds. Read-only: Berth
 * never writes these files.
 */
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { BerthError } from '../../shared/errors';
import { DOCKER_HUB_HOST } from '../../shared/reference';
import { canonicalHost } from '../registry/reference';

/** Docker Hub's canonical `auths` key and the server URL its credential helpers store under. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** One entry of `auths` as written by `docker login` / `podman login`. */
export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  [other: string]: unknown;
}

/** The parts of a Docker config (or podman auth file) that Berth reads. */
export interface AuthFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Credentials decoded from one `auths` entry. */
export interface EntryCredentials {
  username?: string;
  password?: string;
  identityToken?: string;
}

/**
 * Docker's ConvertToHostname (docker/docker registry package): drop an http(s) scheme and
 * everything from the first `/`, so `http://host:5000/v1/` becomes `host:5000`.
 */
export function convertToHostname(key: string): string {
  let s = key.trim();
  const m = /^(https?):\/\//i.exec(s);
  if (m) s = s.slice(m[0].length);
  const slash = s.indexOf('/');
  return slash === -1 ? s : s.slice(0, slash);
}

/** A registry key or host as Berth compares them: hostname lower-cased, Docker Hub's aliases folded to `docker.io`. */
export function normaliseRegistryKey(key: string): string {
  return canonicalHost(convertToHostname(key));
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (as the docker CLI). */
export function dockerConfigPath(env: NodeJS.ProcessEnv, home: string): string {
  const dir = env.DOCKER_CONFIG ? env.DOCKER_CONFIG : join(home, '.docker');
  return join(dir, 'config.json');
}

/** `path` with the home folder shown as `~`, for descriptions and messages. */
export function tildePath(path: string, home: string): string {
  if (!home) return path;
  const h = home.endsWith(sep) ? home.slice(0, -1) : home;
  if (path === h) return '~';
  return path.startsWith(h + sep) ? `~${path.slice(h.length)}` : path;
}

/**
 * Reads and parses an auth file; null when it does not exist. Unreadable or malformed files are
 * CREDENTIALS_UNREADABLE: Docker refuses them too, and silently going anonymous would hide why.
 */
export async function readAuthFile(path: string, home: string, what: string): Promise<AuthFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new BerthError(
      'CREDENTIALS_UNREADABLE',
      `Could not read ${what} ${tildePath(path, home)} (${code ?? String(err)}). Fix its permissions, or choose "anonymous" or type a password in the registry's settings.`,
    );
  }
  let data: unknown;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    // Not the parser's message: V8 quotes the text around the error, which may be a secret.
    throw unreadable(path, home, what, 'is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw unreadable(path, home, what, 'is not a JSON object');
  }
  const file = data as Record<string, unknown>;
  if (file.auths !== undefined && !isPlainObject(file.auths)) throw unreadable(path, home, what, 'has an "auths" that is not an object');
  if (file.credHelpers !== undefined && !isPlainObject(file.credHelpers)) {
    throw unreadable(path, home, what, 'has a "credHelpers" that is not an object');
  }
  if (file.credsStore !== undefined && typeof file.credsStore !== 'string') {
    throw unreadable(path, home, what, 'has a "credsStore" that is not a string');
  }
  return file as AuthFile;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unreadable(path: string, home: string, what: string, problem: string): BerthError {
  return new BerthError(
    'CREDENTIALS_UNREADABLE',
    `${what[0].toUpperCase()}${what.slice(1)} ${tildePath(path, home)} ${problem}. Fix or remove the file (e.g. run "${what.includes('podman') ? 'podman' : 'docker'} login" again), or choose "anonymous" or type a password in the registry's settings.`,
  );
}

/** The helper that `credHelpers` names for `host`, with the key it was found under. */
export function findCredHelper(file: AuthFile, host: string): string | null {
  const helpers = file.credHelpers;
  if (!helpers) return null;
  const want = normaliseRegistryKey(host);
  for (const [key, name] of Object.entries(helpers)) {
    if (typeof name === 'string' && name !== '' && normaliseRegistryKey(key) === want) return name;
  }
  return null;
}

/** Keys of `auths` that name `host`: the exact key first, then the others in file order. */
export function matchingAuthKeys(auths: Record<string, AuthEntry> | undefined, host: string, hostLevelOnly = false): string[] {
  if (!auths) return [];
  const want = normaliseRegistryKey(host);
  const keys = Object.keys(auths).filter((key) => {
    // podman's `host/namespace` keys apply to one namespace only; Berth needs the registry-wide ones.
    if (hostLevelOnly && !/^https?:\/\//i.test(key) && key.includes('/')) return false;
    return normaliseRegistryKey(key) === want;
  });
  const exact = want === DOCKER_HUB_HOST ? DOCKER_HUB_SERVER : host;
  return keys.sort((a, b) => Number(b === exact) - Number(a === exact));
}

/**
 * Decodes one entry: `auth` is base64 of `user:pass` (split at the first colon, as Docker does);
 * `identitytoken` is an OAuth2 refresh token, sent with the user `<token>` unless one is named.
 * Null when the entry holds nothing (the `{}` that `docker login` leaves next to a credsStore).
 */
export function decodeAuthEntry(entry: AuthEntry, where: () => string): EntryCredentials | null {
  if (!isPlainObject(entry)) return null;
  const token = typeof entry.identitytoken === 'string' && entry.identitytoken !== '' ? entry.identitytoken : undefined;
  let username = typeof entry.username === 'string' && entry.username !== '' ? entry.username : undefined;
  let password = typeof entry.password === 'string' && entry.password !== '' ? entry.password : undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = decodeBase64(entry.auth);
    const colon = decoded?.indexOf(':') ?? -1;
    if (decoded === null || colon < 0) {
      throw new BerthError(
        'CREDENTIALS_UNREADABLE',
        `The "auth" value for ${where()} is not base64 of "username:password". Run "docker login" (or "podman login") again to rewrite it, or choose "anonymous" or type a password in the registry's settings.`,
      );
    }
    username = decoded.slice(0, colon) || username;
    password = decoded.slice(colon + 1);
  }
  if (token) return { username: username ?? '<token>', identityToken: token };
  if (username === undefined && password === undefined) return null;
  return { username, password };
}

function decodeBase64(s: string): string | null {
  const clean = s.trim();
  // Buffer.from ignores junk silently; insist on base64 so a corrupt value is reported, not sent.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return null;
  return Buffer.from(clean, 'base64').toString('utf8');
}
