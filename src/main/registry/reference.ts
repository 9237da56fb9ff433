/**
 * Image references (`host[:port]/path[:tag][@digest]`, Docker's grammar from
 * distribution/reference) and registry URLs as users type them.
 */
import { BerthError } from '../../shared/errors';
import type { RegistryInput } from '../../shared/types';
import type { RegistryConfig } from './types';

/** Docker Hub as written in references, and the host its API really lives on. */
export const DOCKER_HUB_HOST = 'docker.io';
export const DOCKER_HUB_API = 'https://registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const HOST_NAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*$/;

/** A parsed image reference; `registry` is canonical (`docker.io` for Docker Hub). */
export interface ParsedReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** True for a valid repository path (lowercase components separated by `/`). */
export function isValidRepository(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name.split('/').every((c) => PATH_COMPONENT.test(c));
}

/** True for a valid tag (`[\w][\w.-]{0,127}`). */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** True for a valid digest; sha256 digests must be 64 lowercase hex characters. */
export function isValidDigest(digest: string): boolean {
  if (digest.startsWith('sha256:')) return SHA256.test(digest);
  return DIGEST.test(digest);
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
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? DOCKER_HUB_HOST : h;
}

/** Parses `host[:port]/path[:tag][@digest]` with Docker Hub defaults (`docker.io`, `library/`). */
export function parseReference(ref: string): ParsedReference {
  const input = ref.trim();
  if (!input) throw invalid(ref, 'it is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) throw invalid(ref, 'leave out the http(s):// scheme');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest)) throw invalid(ref, `"${digest}" is not a valid digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw invalid(ref, `"${tag}" is not a valid tag`);
  }
  let registry = DOCKER_HUB_HOST;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry when it looks like a host.
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[') || first !== first.toLowerCase()) {
      if (!isValidHostPort(first)) throw invalid(ref, `"${first}" is not a valid registry host`);
      registry = canonicalHost(first);
      repository = rest.slice(slash + 1);
    }
  }
  if (!repository) throw invalid(ref, 'the repository name is missing');
  if (!isValidRepository(repository)) {
    throw invalid(ref, `"${repository}" is not a valid repository name (lowercase letters, digits, . _ - separated by /)`);
  }
  if (registry === DOCKER_HUB_HOST && !repository.includes('/')) repository = `library/${repository}`;
  const out: ParsedReference = { registry, repository };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

function splitHostPort(host: string): string {
  const h = host.trim();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colons = h.split(':').length - 1;
  return colons === 1 ? h.slice(0, h.indexOf(':')) : h;
}

/** True for 127.0.0.0/8, ::1 (and v4-mapped loopback) and `localhost`; a `:port` suffix is allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = splitHostPort(host).toLowerCase().replace(/\.$/, '');
  if (h === 'localhost') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && v4[1] === '127';
  if (!h.includes(':')) return false;
  let normal: string;
  try {
    normal = new URL(`http://[${h}]/`).hostname;
  } catch {
    return false;
  }
  if (normal === '[::1]') return true;
  // ::ffff:127.x.y.z is normalised by URL to ::ffff:7fxx:xxxx.
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal);
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
  if (DOCKER_HUB_ALIASES.has(url.hostname.toLowerCase()) && !url.port) {
    host = DOCKER_HUB_HOST;
    baseUrl = DOCKER_HUB_API;
  }
  const config: RegistryConfig = { baseUrl, host };
  if (username) config.username = username;
  if (username && password !== undefined) config.password = password;
  if (insecure) config.insecure = true;
  return config;
}
