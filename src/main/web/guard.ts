/**
 * The web shell's request guards (DESIGN "Electron security", web part): the HttpOnly
 * SameSite=Strict session cookie a one-time token is traded for, a DNS-rebinding check on `Host`,
 * and `Origin` checks.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The session cookie of one server run (login tokens are in login-tokens.ts). */
export interface Session {
  /** What the cookie holds after a login. */
  cookieValue: string;
  /** Port-specific: cookies are not isolated by port, so two Berths on one host must not collide. */
  cookieName: string;
}

/** Makes a fresh session cookie for a server on `port`. */
export function newSession(port: number): Session {
  return {
    cookieValue: randomBytes(32).toString('base64url'),
    cookieName: `berth_${port}`,
  };
}

/** Constant-time string comparison (a token check must not leak by timing). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Set-Cookie` value for the session. */
export function sessionCookie(s: Session): string {
  return `${s.cookieName}=${s.cookieValue}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Does the request carry the session cookie? */
export function hasSession(req: IncomingMessage, s: Session): boolean {
  const v = readCookie(req.headers.cookie, s.cookieName);
  return v !== undefined && safeEqual(v, s.cookieValue);
}

/** The Host values a loopback server on `port` answers to; anything else may be DNS rebinding. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/**
 * Null when the request's Host (and Origin, when the browser sent one) belong to this server;
 * otherwise the reason to refuse it with 403. `opaqueOrigin` also lets `Origin: null` through:
 * only for the login form, which a local file posts and whose token is its own proof.
 */
export function checkHostAndOrigin(req: IncomingMessage, port: number, opaqueOrigin = false): string | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts(port).includes(host)) return `Host "${host.slice(0, 100)}" is not this Berth server`;
  const origin = req.headers.origin;
  if (origin === 'null' && opaqueOrigin) return null;
  if (origin !== undefined && origin !== `http://${host}`) return `Origin "${origin.slice(0, 100)}" is not this Berth server`;
  return null;
}
