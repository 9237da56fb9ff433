/**
 * Per-registry TLS: how the engine's undici connections check a registry's certificate (Node's
 * roots, roots + the registry's CA, an exact pinned certificate, or nothing), how to read the
 * certificate a registry presents without trusting it, and the words for each way a certificate
 * can be refused, shared by errors and the "untrusted certificate" screen.
 */
import { createRequire } from 'node:module';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { buildConnector as BuildConnector } from 'undici';
import { BerthError } from '../../shared/errors';
import type { PresentedCertificate } from '../../shared/connection-types';
import { networkError } from './errors';
import { altNamesOf, describeTlsProblem, tlsProblemOf } from './tls-problems';
import type { RegistryConfig } from './types';
import { normalizeFingerprint } from '../../shared/fingerprint';

export { altNamesOf, describeTlsProblem, tlsProblemOf, type TlsProblemFacts } from './tls-problems';

const requireCjs = createRequire(import.meta.url);
// Only undici's connector, not its index (see http-agent.ts for why the light path matters).
const buildConnector = loadBuildConnector();

function loadBuildConnector(): typeof BuildConnector {
  try {
    const fn = requireCjs('undici/lib/core/connect.js') as typeof BuildConnector;
    if (typeof fn !== 'function') throw new Error('unexpected undici layout');
    return fn;
  } catch {
    return (requireCjs('undici') as typeof import('undici')).buildConnector;
  }
}

/** `CN=…, O=…` from Node's parsed name (CN first, the rest in the certificate's order). */
function readableName(name: tls.Certificate | undefined): string {
  if (!name) return '';
  const entries = Object.entries(name).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]));
  entries.sort((a, b) => Number(b[0] === 'CN') - Number(a[0] === 'CN'));
  return entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** Node's connection options for a config: the trust store and whether Node itself rejects. */
function tlsOptions(config: RegistryConfig): tls.ConnectionOptions {
  // `ca` replaces Node's bundle, so keep the public roots next to the registry's own CA.
  const ca = config.caPem ? [...tls.rootCertificates, config.caPem] : undefined;
  // The connector checks the result itself (below) so its errors can name the certificate.
  return { ...(ca ? { ca } : {}), rejectUnauthorized: false };
}

/** Error shaped like Node's verification errors, plus the certificate, for `networkError`. */
function refusal(code: string, cert: tls.PeerCertificate, message: string): Error {
  return Object.assign(new Error(message), { code, cert });
}

/**
 * The check made after every handshake: `null` when the config accepts the connection, else the
 * error to fail it with. Pin: exactly that certificate, whoever issued it; skip: anything;
 * otherwise Node's verdict (chain against roots or roots + CA, then host name).
 */
export function verdict(config: RegistryConfig, socket: tls.TLSSocket, host: string): Error | null {
  const cert = socket.getPeerCertificate();
  if (config.pinSha256) {
    const expected = normalizeFingerprint(config.pinSha256);
    const presented = cert?.fingerprint256 ?? '';
    if (presented === expected) return null;
    return new BerthError('TLS_PIN_MISMATCH', describeTlsProblem('pin-mismatch', { host, expected, presented }), { expected, presented });
  }
  if (config.tlsSkipVerify || socket.authorized) return null;
  const code = String(socket.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  return refusal(code, cert, `certificate refused: ${code}`);
}

/** Options of `connectorFor`. */
export interface ConnectorOptions {
  /** Connect (TCP + TLS handshake) timeout; default 10 s. */
  timeoutMs?: number;
}

/**
 * undici's `connect` for a registry: the socket is handed to undici only after the certificate
 * passed the config's check, so nothing (not even a request line) goes to an unaccepted server.
 */
export function connectorFor(config: RegistryConfig, opts: ConnectorOptions = {}): BuildConnector.connector {
  // A resumed TLS session has no peer certificate (getPeerCertificate() is {}), so a pin could not
  // be checked on undici's third and later connections: pinned registries never resume sessions.
  const sessions = config.pinSha256 ? { maxCachedSessions: 0 } : {};
  const base = buildConnector({ ...tlsOptions(config), ...sessions, timeout: opts.timeoutMs ?? 10_000 });
  return (options, callback) => {
    base(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      if (!(socket instanceof tls.TLSSocket)) return callback(null, socket);
      const host = options.port ? `${options.hostname}:${options.port}` : options.hostname;
      const refused = verdict(config, socket, host);
      if (!refused) return callback(null, socket);
      socket.on('error', () => undefined);
      socket.destroy();
      callback(refused, null);
    });
  };
}

/** Options of `inspectCertificate`. */
export interface InspectOptions {
  signal?: AbortSignal;
  /** Default 10 s. */
  timeoutMs?: number;
}

/**
 * Reads the certificate the registry at `baseUrl` presents, without trusting it, and says whether
 * `config` would accept it (`problem: null`) or why not.
 */
export function inspectCertificate(baseUrl: string, config: RegistryConfig, opts: InspectOptions = {}): Promise<PresentedCertificate> {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:') {
    return Promise.reject(new BerthError('INVALID_ARGUMENT', `${url.host} uses plain http, so it has no certificate to inspect. Use an https:// URL.`));
  }
  if (opts.signal?.aborted) return Promise.reject(new BerthError('CANCELLED', 'The request was cancelled.'));
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 443);
  return new Promise<PresentedCertificate>((resolve, reject) => {
    const socket = tls.connect({
      ...tlsOptions(config),
      host: hostname,
      port,
      // SNI must not carry an IP address (RFC 6066 §3).
      ...(isIP(hostname) ? {} : { servername: hostname }),
    });
    let done = false;
    const finish = (err: BerthError | null, cert?: PresentedCertificate): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(cert!);
    };
    const onAbort = (): void => finish(new BerthError('CANCELLED', 'The request was cancelled.'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const timer = setTimeout(
      () => finish(new BerthError('TIMEOUT', `${url.host} did not complete a TLS handshake within ${Math.round(timeoutMs / 1000)} s. Check that the registry is up and speaks https on this port.`)),
      timeoutMs,
    );
    // `on`, not `once`: a late second error must not become an uncaught exception.
    socket.on('error', (err) => finish(networkError(err, url)));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      if (!peer || !peer.raw) {
        finish(new BerthError('TLS_FAILURE', `${url.host} completed the TLS handshake without presenting a certificate. Check the registry's TLS settings.`));
        return;
      }
      const refused = verdict(config, socket, url.host);
      finish(null, describeCertificate(peer, refused));
    });
  });
}

function describeCertificate(peer: tls.PeerCertificate, refused: Error | null): PresentedCertificate {
  const x = new X509Certificate(peer.raw);
  const selfSigned = x.checkIssued(x) && x.verify(x.publicKey);
  const code = refused ? String((refused as { code?: unknown }).code) : null;
  return {
    subject: readableName(peer.subject),
    issuer: readableName(peer.issuer),
    altNames: altNamesOf(peer.subjectaltname),
    validFrom: isoDate(peer.valid_from),
    validTo: isoDate(peer.valid_to),
    sha256: peer.fingerprint256,
    selfSigned,
    problem: code === null ? null : code === 'TLS_PIN_MISMATCH' ? 'pin-mismatch' : tlsProblemOf(code),
    problemCode: code,
  };
}

/** Node's `Jan  2 00:00:00 2020 GMT` as ISO 8601 (kept as given if it does not parse). */
function isoDate(s: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}
