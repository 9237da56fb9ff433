/**
 * Finds the credentials a person already has for a registry — what `docker login` or
 * `podman login` stored — in the order the docker CLI and podman use. Read-only.
 */
import { homedir } from 'node:os';
import type { CredentialSource } from '../../shared/connection-types';
import { isDockerHub } from '../../shared/reference';
import {
  decodeAuthEntry,
  DOCKER_HUB_SERVER,
  dockerConfigPath,
  findCredHelper,
  matchingAuthKeys,
  readAuthFile,
  tildePath,
  type AuthFile,
  type EntryCredentials,
} from './docker-config';
import { HELPER_PREFIX, runHelper, type HelperAnswer } from './helper-exec';
import { readPodmanCredentials } from './podman-auth';

/** Credentials found for a registry, and where they came from (the source never holds the secret). */
export interface FoundCredentials {
  username?: string;
  password?: string;
  /** docker's identitytoken (OAuth2 refresh token) — username is then '<token>' */
  identityToken?: string;
  source: CredentialSource;
}

/** Where to look; the defaults are this process's environment and home folder. */
export interface LookupOptions {
  /** Default process.env (DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, PATH, HOME). */
  env?: NodeJS.ProcessEnv;
  /** Default: HOME of a given `env`, else os.homedir(). */
  home?: string;
  /** Credential helper timeout, default 10_000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface Context {
  env: NodeJS.ProcessEnv;
  home: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Credentials for `host` as written in image references ('127.0.0.1:5000', 'docker.io', 'ghcr.io'):
 * Docker's config (credHelpers → credsStore → auths), then podman's auth files; null when none.
 */
export async function lookupCredentials(host: string, opts: LookupOptions = {}): Promise<FoundCredentials | null> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? (opts.env ? (opts.env.HOME ?? opts.env.USERPROFILE) : undefined) ?? homedir();
  const ctx: Context = { env, home, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: opts.signal };
  const docker = await lookupDocker(host, ctx);
  if (docker) return docker;
  const podman = await readPodmanCredentials(host, env, home);
  if (!podman) return null;
  return found(podman, 'podman', `${tildePath(podman.path, home)} (podman)`);
}

async function lookupDocker(host: string, ctx: Context): Promise<FoundCredentials | null> {
  const path = dockerConfigPath(ctx.env, ctx.home);
  const file = await readAuthFile(path, ctx.home, "Docker's config");
  if (!file) return null;
  const shown = tildePath(path, ctx.home);

  const helper = findCredHelper(file, host);
  if (helper) {
    // Docker uses a per-registry helper exclusively: "not found" there means no Docker credentials.
    const via = `credHelpers in ${shown}`;
    const answer = await runHelper(helper, serverUrlFor(file, host), { ...ctx, via, host });
    return answer ? fromHelper(answer, `${HELPER_PREFIX}${helper} (${via})`) : null;
  }
  if (file.credsStore) {
    const via = `credsStore in ${shown}`;
    const answer = await runHelper(file.credsStore, serverUrlFor(file, host), { ...ctx, via, host });
    if (answer) return fromHelper(answer, `${HELPER_PREFIX}${file.credsStore} (${via})`);
    // The store does not know the host: a plain `auths` entry (written before the store was set up) still counts.
  }
  for (const key of matchingAuthKeys(file.auths, host)) {
    const creds = decodeAuthEntry(file.auths![key], () => `"${key}" in ${shown}`);
    if (creds) return found(creds, 'docker-config', `${shown} (auths)`);
  }
  return null;
}

/** What the helper is asked for: Hub's canonical URL, else the key `docker login` stored, else the host. */
function serverUrlFor(file: AuthFile, host: string): string {
  if (isDockerHub(host)) return DOCKER_HUB_SERVER;
  return matchingAuthKeys(file.auths, host)[0] ?? host;
}

function fromHelper(answer: HelperAnswer, description: string): FoundCredentials {
  // Helpers report an identity token as the user `<token>` (docker/cli credentials/native_store.go).
  const creds: EntryCredentials =
    answer.username === '<token>' ? { username: '<token>', identityToken: answer.secret } : { username: answer.username, password: answer.secret };
  return found(creds, 'docker-helper', description);
}

function found(creds: EntryCredentials, kind: CredentialSource['kind'], description: string): FoundCredentials {
  const result: FoundCredentials = { source: { kind, description } };
  if (creds.username !== undefined) {
    result.username = creds.username;
    result.source.username = creds.username;
  }
  if (creds.password !== undefined) result.password = creds.password;
  if (creds.identityToken !== undefined) result.identityToken = creds.identityToken;
  return result;
}
