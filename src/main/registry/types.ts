/**
 * The engine-internal seam of the registry client: how a registry is configured, and the one
 * low-level request every higher-level call (browse, delete, push) goes through, so that auth,
 * retries, error mapping and request counting live in one place.
 */
import type { Readable } from 'node:stream';

/** Everything needed to talk to one registry; lives only in main (and the push worker). */
export interface RegistryConfig {
  /** Origin, e.g. `http://127.0.0.1:5000` or `https://registry.example.com`. */
  baseUrl: string;
  /** Host as written in image references (`127.0.0.1:5000`, `docker.io`). */
  host: string;
  username?: string;
  password?: string;
  /**
   * Docker's `identitytoken` (an OAuth2 refresh token): exchanged at the token service with
   * `POST grant_type=refresh_token` instead of sending a password.
   */
  identityToken?: string;
  /** Plain http to a non-loopback host (and an https→http redirect), by the user's choice. */
  insecure?: boolean;
  /** Extra CA certificate(s) in PEM to trust for this registry only (next to the public roots). */
  caPem?: string;
  /** Accept exactly the certificate with this SHA-256 fingerprint (`AA:BB:…`), whoever issued it. */
  pinSha256?: string;
  /** No TLS verification at all (explicit user choice, shown with a warning). */
  tlsSkipVerify?: boolean;
  /** Bound on concurrent requests to this registry (default 8). */
  maxConcurrency?: number;
}

export type Action = 'pull' | 'push' | 'delete';

/** One repository and the actions wanted on it. */
export interface RepositoryScope {
  repository: string;
  actions: Action[];
}

/**
 * Token scope a request needs: a repository with actions (plus, for a cross-repository mount,
 * `also` the repositories it reads from — one token covers them all), or the catalog.
 */
export type Scope = (RepositoryScope & { also?: RepositoryScope[] }) | 'catalog' | null;

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path on the registry (`/v2/…`, query allowed) or an absolute URL (upload `Location`). */
  url: string | URL;
  scope: Scope;
  headers?: Record<string, string>;
  /** Buffers can be replayed after a 401; streams cannot, so prime auth with a bodyless call first. */
  body?: Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array> | null;
  signal?: AbortSignal;
  /** Statuses that count as success; any other status is thrown as a mapped BerthError. */
  expect?: number[];
  /** Lane in the client's limiter: background work (indexing) yields to what the user is looking at. Default foreground. */
  priority?: 'foreground' | 'background';
}

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The URL the request went to, for resolving relative `Location` and `Link` headers. */
  url: URL;
  body: Readable & { text(): Promise<string>; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer>; dump(): Promise<void> };
}
