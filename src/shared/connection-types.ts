/**
 * Saved registries ("connections"): how the user configures one, what the renderer may see of it
 * (never a secret), where its credentials came from, and what its TLS certificate says.
 */
export type RegistryId = string;

/**
 * Where a registry's credentials come from:
 * - `auto`: whatever `docker login` / `podman login` stored for the host (none found = anonymous);
 * - `password`: the username and password typed into Berth (kept as a secret in main);
 * - `anonymous`: never send credentials.
 */
export type AuthMode = 'auto' | 'password' | 'anonymous';

/**
 * How the registry's TLS certificate is checked:
 * - `verify`: the system's public roots (the default);
 * - `ca`: the public roots plus the CA certificate(s) the user gave;
 * - `pin`: exactly the certificate whose SHA-256 fingerprint the user accepted;
 * - `skip`: no verification at all (explicit, shown with a warning).
 */
export type TlsMode = 'verify' | 'ca' | 'pin' | 'skip';

/** TLS settings as the user chooses them. */
export interface TlsSettings {
  mode: TlsMode;
  /** `ca`: the CA certificate(s) in PEM, read by the renderer from a file the user chose. */
  caPem?: string;
  /** `ca`: the file's name, for display. */
  caName?: string;
  /** `pin`: SHA-256 fingerprint of the accepted certificate, upper-case hex pairs joined by `:`. */
  pinSha256?: string;
}

/** What "Add registry" sends. Secrets go to main and never come back. */
export interface RegistryInput {
  /** `localhost:5000`, `https://registry.example.com`, `docker.io`, `ghcr.io` … */
  url: string;
  /** Display name; defaults to the host. */
  name?: string;
  /** Defaults to `password` when a username is given, else `auto`. */
  auth?: AuthMode;
  username?: string;
  password?: string;
  /** Allow plain http to a host that is not this machine ("insecure (http)"). */
  insecure?: boolean;
  /** Defaults to `{ mode: 'verify' }`. */
  tls?: TlsSettings;
}

/** What "Edit registry" sends: only the fields that change. An omitted password keeps the stored one. */
export type RegistryPatch = Partial<RegistryInput>;

/** Summary of the TLS settings, safe to show. */
export interface TlsInfo {
  mode: TlsMode;
  /** `ca`: file name and the subject of the first certificate in it. */
  caName?: string;
  caSubject?: string;
  /** `pin`: the accepted fingerprint. */
  pinSha256?: string;
}

/** A saved registry as the renderer sees it: never any secret. */
export interface RegistryInfo {
  id: RegistryId;
  name: string;
  /** Origin the engine talks to, e.g. `http://127.0.0.1:5000` (`https://registry-1.docker.io` for Docker Hub). */
  baseUrl: string;
  /** Host as it appears in image references, e.g. `127.0.0.1:5000` or `docker.io`. */
  host: string;
  auth: AuthMode;
  /** `password` mode: whether main holds a password (the value stays in main). */
  hasCredentials: boolean;
  /** `password` mode: the username typed. (`auto` mode's user is in `RegistryCheck.credentials`.) */
  username?: string;
  /** Plain http allowed to a non-loopback host. */
  insecure: boolean;
  tls: TlsInfo;
  /** Repositories the user keeps for a registry without a catalog (Docker Hub, GHCR …), in their order. */
  pinnedRepositories: string[];
  /** Docker Hub: namespace listing through Hub's own API is possible. */
  dockerHub: boolean;
}

/** Where the credentials used for a registry came from (shown next to the registry). */
export interface CredentialSource {
  kind: 'saved' | 'docker-config' | 'docker-helper' | 'podman' | 'none';
  /** The user they sign in as; `<token>` for an identity token. */
  username?: string;
  /** e.g. "~/.docker/config.json (auths)", "docker-credential-desktop (credsStore in ~/.docker/config.json)". */
  description: string;
}

/** Docker Hub's `ratelimit-limit` / `ratelimit-remaining` headers (`100;w=21600`). */
export interface RateLimit {
  limit: number | null;
  remaining: number;
  /** Window of the limit in seconds, when given. */
  windowSeconds: number | null;
  /** When the headers were last seen (ms since epoch). */
  seenAt: number;
}

/** Why a certificate was refused, in words a person can act on. */
export type TlsProblem = 'self-signed' | 'unknown-ca' | 'expired' | 'not-yet-valid' | 'wrong-host' | 'pin-mismatch' | 'other';

/** The certificate a registry presents, read without trusting it (for the "untrusted certificate" screen). */
export interface PresentedCertificate {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses it is valid for. */
  altNames: string[];
  validFrom: string;
  validTo: string;
  /** Upper-case hex pairs joined by `:` (what Node and browsers show). */
  sha256: string;
  selfSigned: boolean;
  /** Null when the current settings accept it. */
  problem: TlsProblem | null;
  /** Node's verification code, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  problemCode: string | null;
}

/** Where main keeps secrets in this shell, so the UI can say so. */
export interface SecretStorageInfo {
  /** `safeStorage`: encrypted with the OS keychain (Electron); `file`: a file readable only by the user. */
  kind: 'safeStorage' | 'file';
  /** The file holding the (encrypted or plain) secrets. */
  path: string;
}

/** Repositories a Docker Hub namespace holds, listed through hub.docker.com's API. */
export interface NamespacePage {
  namespace: string;
  repositories: string[];
  /** Next page number, null at the end. */
  next: number | null;
}
