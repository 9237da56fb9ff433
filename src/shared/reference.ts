/**
 * Image names, one grammar for main and the renderer: repository, tag and digest as Docker's
 * distribution/reference defines them (https://github.com/distribution/reference/blob/main/regexp.go),
 * where a name's first component is a registry host, and the names Docker Hub goes by.
 */

/** Docker Hub as written in references and as Berth's canonical host for it. */
export const DOCKER_HUB_HOST = 'docker.io';
/** The origin Docker Hub's registry API really lives on. */
export const DOCKER_HUB_API = 'https://registry-1.docker.io';
/** Every host name that means Docker Hub (in references, typed URLs and `docker login` keys). */
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([DOCKER_HUB_HOST, 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** The tag a reference without one means. */
export const DEFAULT_TAG = 'latest';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** True for a valid repository path (lowercase components separated by `/`, at most 255 characters). */
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

/** True for `sha256:` and 64 lowercase hex characters, the only digests registries serve. */
export function isSha256Digest(digest: string): boolean {
  return SHA256.test(digest);
}

/** True when `host` is Docker Hub under any of its names (case-insensitive, no port). */
export function isDockerHub(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/**
 * Docker's rule for a name's first component: a registry host when it has a `.` or a `:`, is
 * `localhost`, or has an uppercase letter (repository paths are lowercase); else a namespace.
 * An IPv6 literal (`[::1]`) counts too.
 */
export function looksLikeHost(component: string): boolean {
  if (component.includes('.') || component.includes(':') || component.startsWith('[')) return true;
  return component === 'localhost' || component !== component.toLowerCase();
}

/** A reference cut at its `:tag` and `@digest`; `name` keeps any registry host. */
export interface SplitReference {
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * `host:5000/team/app:1@sha256:…` → name `host:5000/team/app`, tag `1`, digest `sha256:…`.
 * Only a colon after the last `/` starts a tag (the one before belongs to the host's port).
 * Splits without validating the parts.
 */
export function splitRepoTag(ref: string): SplitReference {
  let name = ref;
  const out: SplitReference = { name };
  const at = name.indexOf('@');
  if (at >= 0) {
    out.digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    out.tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  out.name = name;
  return out;
}

/** Docker Hub keeps official images under `library/`: `alpine` there is `library/alpine`; other registries keep the name. */
export function withHubLibrary(repository: string, registryHost: string): string {
  return isDockerHub(registryHost) && !repository.includes('/') ? `library/${repository}` : repository;
}

/**
 * `docker.io/library/nginx:1` → `nginx:1`, `ghcr.io/acme/app:2` → `acme/app:2`, `app:1` → `app:1`:
 * a reference without its registry host (and without a digest), tag kept.
 */
export function shortRef(ref: string): string {
  const at = ref.indexOf('@');
  const parts = (at >= 0 ? ref.slice(0, at) : ref).trim().split('/');
  if (parts.length > 1 && looksLikeHost(parts[0])) {
    const host = parts.shift()!;
    if (isDockerHub(host) && parts.length > 1 && parts[0] === 'library') parts.shift();
  }
  return parts.join('/');
}

function withoutPort(host: string): string {
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
  const h = withoutPort(host).toLowerCase().replace(/\.$/, '');
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
