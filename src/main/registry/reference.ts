/**
 * What the registry engine makes of names: an image reference parsed into registry, repository
 * and tag or digest (Docker's defaults), and a registry URL as users type it turned into a config.
 * The grammar itself is shared with the renderer (src/shared/reference.ts).
 */
import { BerthError } from '../../shared/errors';
import {
  DOCKER_HUB_API,
  DOCKER_HUB_HOST,
  isDockerHub,
  isLoopbackHost,
  isValidDigest,
  isValidRepository,
  isValidTag,
  looksLikeHost,
  splitRepoTag,
  withHubLibrary,
} from '../../shared/reference';
import type { RegistryInput } from '../../shared/types';
import type { RegistryConfig } from './types';

const HOST_NAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*$/;

/** A parsed image reference; `registry` is canonical (`docker.io` for Docker Hub). */
export interface ParsedReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

function isValidHostPort(s: string): boolean {
  let host = s;
  let port: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return false;
    host = s.slice(1, end);
    const rest = s.slice(end + 1);
    if (rest && !rest.startsWith(':')) return false;
    port = rest ? rest.slice(1) : undefined;
    if (!/^[0-9a-fA-F:.]+$/.test(host) || !host.includes(':')) return false;
  } else {
    const i = s.lastIndexOf(':');
    if (i >= 0) {
      host = s.slice(0, i);
      port = s.slice(i + 1);
    }
    if (!HOST_NAME.test(host)) return false;
  }
  return port === undefined || (/^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536);
}

function invalid(ref: string, why: string): BerthError {
  return new BerthError('INVALID_REFERENCE', `"${ref}" is not a valid image reference: ${why}. Use host[:port]/repository[:tag] or …@sha256:<digest>.`);
}

/** Canonical registry host for a reference host: Docker Hub aliases become `docker.io`, case folded. */
export function canonicalHost(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB_HOST : host.toLowerCase();
}

/** Parses `host[:port]/path[:tag][@digest]` with Docker Hub defaults (`docker.io`, `library/`). */
export function parseReference(ref: string): ParsedReference {
  const input = ref.trim();
  if (!input) throw invalid(ref, 'it is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) throw invalid(ref, 'leave out the http(s):// scheme');
  const { name: rest, tag, digest } = splitRepoTag(input);
  if (digest !== undefined && !isValidDigest(digest)) throw invalid(ref, `"${digest}" is not a valid digest`);
  if (tag !== undefined && !isValidTag(tag)) throw invalid(ref, `"${tag}" is not a valid tag`);
  let registry = DOCKER_HUB_HOST;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (looksLikeHost(first)) {
      if (!isValidHostPort(first)) throw invalid(ref, `"${first}" is not a valid registry host`);
      registry = canonicalHost(first);
      repository = rest.slice(slash + 1);
    }
  }
  if (!repository) throw invalid(ref, 'the repository name is missing');
  if (!isValidRepository(repository)) {
    throw invalid(ref, `"${repository}" is not a valid repository name (lowercase letters, digits, . _ - separated by /)`);
  }
  const out: ParsedReference = { registry, repository: withHubLibrary(repository, registry) };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

function argError(message: string): BerthError {
  return new BerthError('INVALID_ARGUMENT', message);
}

/**
 * Validates and normalises what the user typed in "Add registry". No scheme → https, or http for
 * loopback; http:// for a non-loopback host needs `insecure`; Docker Hub goes to registry-1.docker.io.
 */
export function registryConfigFromInput(input: RegistryInput): RegistryConfig {
  const raw = typeof input?.url === 'string' ? input.url.trim() : '';
  if (!raw) throw argError('The registry URL is empty. Type a host like localhost:5000 or https://registry.example.com.');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  if (hasScheme && !/^https?:\/\//i.test(raw)) {
    throw argError(`"${raw}" uses an unsupported scheme. Use http:// or https://, or leave the scheme out.`);
  }
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `https://${raw}`);
  } catch {
    throw argError(`"${raw}" is not a valid registry URL. Type a host like localhost:5000 or https://registry.example.com.`);
  }
  if (url.username || url.password) {
    throw argError('Do not put credentials in the registry URL; use the username and password fields instead.');
  }
  if (url.search || url.hash || !/^\/(?:v2\/?)?$/.test(url.pathname)) {
    throw argError(`"${raw}" has a path; registries serve their API at the root. Type only the scheme, host and port.`);
  }
  if (!url.hostname || (!url.hostname.startsWith('[') && !HOST_NAME.test(url.hostname))) {
    throw argError(`"${raw}" does not name a valid host.`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (!hasScheme && loopback) url.protocol = 'http:';
  const insecure = input.insecure === true;
  if (url.protocol === 'http:' && !loopback && !insecure) {
    throw new BerthError(
      'INSECURE_REFUSED',
      `Refusing plain http to ${url.host}: credentials and images would travel unencrypted. Use https://, or tick "insecure" if you really trust this network.`,
    );
  }
  const username = input.username?.trim() || undefined;
  const password = input.password || undefined;
  if (password && !username) throw argError('A password was given without a username. Fill in both, or neither.');
  let host = url.host.toLowerCase();
  let baseUrl = url.origin;
  if (isDockerHub(url.hostname) && !url.port) {
    host = DOCKER_HUB_HOST;
    baseUrl = DOCKER_HUB_API;
  }
  const config: RegistryConfig = { baseUrl, host };
  if (username) config.username = username;
  if (username && password !== undefined) config.password = password;
  if (insecure) config.insecure = true;
  return config;
}
