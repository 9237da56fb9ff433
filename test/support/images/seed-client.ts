/**
 * Talks to a test registry over HTTP as its first user, for seeding: blob uploads, mounts and
 * manifest PUTs, with the credentials the registry's auth variant wants.
 */
import type { Headers, RequestInit, Response } from 'undici';
import type { RunningRegistry } from '../registry/start';

/** Basic credentials header value for a user. */
export const basicAuth = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** Parses a `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` challenge. */
export function parseBearerChallenge(header: string | null): { realm: string; service?: string; scope?: string } | undefined {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params[m[1].toLowerCase()] = m[2];
  return params.realm ? { realm: params.realm, service: params.service, scope: params.scope } : undefined;
}

/** Gets a token from the issuer over HTTP for `scopes`, with the registry's first user (counts in issuer.requests). */
export async function fetchToken(reg: RunningRegistry, realm: string, service: string | undefined, scopes: string[]): Promise<string> {
  const u = new URL(realm);
  if (service) u.searchParams.set('service', service);
  for (const s of scopes) u.searchParams.append('scope', s);
  const headers: Record<string, string> = {};
  if (reg.username !== undefined && reg.password !== undefined) headers.authorization = basicAuth(reg.username, reg.password);
  const res = await reg.fetch(u.toString(), { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`token issuer answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error(`token issuer answered without a token: ${text}`);
  return token;
}

/**
 * Talks to a test registry as its first user: Basic for htpasswd, a token signed directly by the
 * in-process issuer for token auth (so seeding does not move issuer.requests), nothing when open.
 */
export class SeedClient {
  private readonly tokens = new Map<string, { value: string; until: number }>();

  constructor(readonly reg: RunningRegistry) {}

  /** The Authorization header for an operation on `repo` (or the catalog when repo is undefined). */
  async authorization(repo: string | undefined, pullFrom?: string): Promise<string | undefined> {
    const { reg } = this;
    if (reg.auth === 'none') return undefined;
    if (reg.auth === 'htpasswd') return basicAuth(reg.username ?? '', reg.password ?? '');
    const key = `${repo ?? ''} ${pullFrom ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached && cached.until > Date.now()) return `Bearer ${cached.value}`;
    const scopes = [repo === undefined ? 'registry:catalog:*' : `repository:${repo}:pull,push,delete`];
    // A cross-repository mount also needs pull on the source repository.
    if (pullFrom) scopes.push(`repository:${pullFrom}:pull`);
    const value = reg.issuer
      ? reg.issuer.sign(reg.username ?? '', reg.issuer.grant(reg.username ?? '', scopes))
      : await this.tokenViaChallenge(scopes);
    this.tokens.set(key, { value, until: Date.now() + 240_000 });
    return `Bearer ${value}`;
  }

  private async tokenViaChallenge(scopes: string[]): Promise<string> {
    const res = await this.reg.fetch('/v2/');
    await res.text();
    const ch = parseBearerChallenge(res.headers.get('www-authenticate'));
    if (!ch) throw new Error(`registry ${this.reg.url} sent no Bearer challenge (status ${res.status})`);
    return fetchToken(this.reg, ch.realm, ch.service, scopes);
  }

  /** One authenticated request (init.headers must be a plain object); the caller consumes the body. */
  async request(repo: string | undefined, pathOrUrl: string, init: RequestInit = {}, pullFrom?: string): Promise<Response> {
    const auth = await this.authorization(repo, pullFrom);
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (auth) headers.authorization = auth;
    return this.reg.fetch(pathOrUrl, { ...init, headers });
  }

  /** A request whose status must be one of `ok`; returns the consumed body text and headers. */
  async expect(
    repo: string | undefined,
    pathOrUrl: string,
    init: RequestInit,
    ok: number[],
    pullFrom?: string,
  ): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await this.request(repo, pathOrUrl, init, pullFrom);
    const text = await res.text();
    if (!ok.includes(res.status)) {
      throw new Error(`${init.method ?? 'GET'} ${pathOrUrl} answered ${res.status} (wanted ${ok.join('/')}): ${text.slice(0, 500)}`);
    }
    return { status: res.status, text, headers: res.headers };
  }

  /** Uploads a blob monolithically (POST then PUT) unless the repository already has it. */
  async putBlob(repo: string, digest: string, data: Buffer, opts: { skipHead?: boolean } = {}): Promise<'exists' | 'uploaded'> {
    if (!opts.skipHead) {
      const head = await this.request(repo, `/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
      await head.text();
      if (head.status === 200) return 'exists';
    }
    const started = await this.expect(repo, `/v2/${repo}/blobs/uploads/`, { method: 'POST' }, [202]);
    await this.finishUpload(repo, started.headers.get('location'), digest, data);
    return 'uploaded';
  }

  /** Mounts a blob from another repository (one POST); falls back to an upload when the registry refuses. */
  async mountBlob(repo: string, from: string, digest: string, data: Buffer): Promise<void> {
    const path = `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const res = await this.expect(repo, path, { method: 'POST' }, [201, 202], from);
    if (res.status === 202) await this.finishUpload(repo, res.headers.get('location'), digest, data);
  }

  private async finishUpload(repo: string, location: string | null, digest: string, data: Buffer): Promise<void> {
    if (!location) throw new Error(`upload to ${repo} started without a Location header`);
    const u = new URL(location, this.reg.url);
    u.searchParams.set('digest', digest);
    await this.expect(repo, u.toString(), {
      method: 'PUT',
      body: data,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
    }, [201]);
  }

  /** PUTs a manifest under a tag or digest and returns the digest the registry reports. */
  async putManifest(repo: string, reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const res = await this.expect(repo, `/v2/${repo}/manifests/${reference}`, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': mediaType },
    }, [201]);
    return res.headers.get('docker-content-digest') ?? '';
  }
}

const clients = new WeakMap<RunningRegistry, SeedClient>();
/** The shared SeedClient of a registry (keeps tokens cached across calls). */
export function seedClient(reg: RunningRegistry): SeedClient {
  let c = clients.get(reg);
  if (!c) clients.set(reg, (c = new SeedClient(reg)));
  return c;
}
