import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSign, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SelfSignedCert } from './certs';

/** One access entry in a distribution token (the `access` claim). */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** Options of the test token issuer. */
export interface TokenIssuerOptions {
  /** Signing certificate; the registry trusts it through `rootcertbundle`. */
  cert: SelfSignedCert;
  users: { username: string; password: string }[];
  service: string;
  issuer: string;
  /** Anonymous callers get pull (never push/delete/catalog) when true; nothing when false (default). */
  anonymousPull?: boolean;
  /** Token lifetime in seconds (default 300). */
  expiresIn?: number;
}

/** A running token issuer (Docker token auth realm) on 127.0.0.1. */
export interface TokenIssuer {
  /** The realm URL, e.g. http://127.0.0.1:PORT/token */
  realm: string;
  service: string;
  issuer: string;
  port: number;
  /** How many token requests it has answered (including failed ones). */
  readonly requests: number;
  /** The query scopes of every request, in order (for tests of what a client asked for). */
  readonly scopes: string[][];
  /** Makes the next `count` (default 1) requests answer `status` with an error body. */
  failNext(status: number, count?: number): void;
  /** Signs a token directly, bypassing HTTP (for seeding and for tests of tampered tokens). */
  sign(sub: string, access: TokenAccess[], opts?: { audience?: string; issuer?: string; expiresIn?: number }): string;
  /** Grants for a user (or anonymous when `user` is undefined) asking for `scopes`. */
  grant(user: string | undefined, scopes: string[]): TokenAccess[];
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Parses `repository:name:pull,push` (names may hold colons only in the type part per the spec's grammar). */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(',').filter(Boolean);
  return { type, name, actions };
}

/** Starts a token issuer that grants requested actions to known users and (optionally) pull to anonymous. */
export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  let requests = 0;
  const scopes: string[][] = [];
  const failures: number[] = [];
  const expiresIn = opts.expiresIn ?? 300;

  const sign: TokenIssuer['sign'] = (sub, access, o = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [opts.cert.derBase64] };
    const claims = {
      iss: o.issuer ?? opts.issuer,
      aud: o.audience ?? opts.service,
      sub,
      // nbf a little in the past absorbs clock reads that straddle a second.
      nbf: now - 10,
      iat: now,
      exp: now + (o.expiresIn ?? expiresIn),
      jti: randomUUID(),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(opts.cert.keyPem);
    return `${input}.${b64url(signature)}`;
  };

  const grant: TokenIssuer['grant'] = (user, requested) => {
    const out: TokenAccess[] = [];
    for (const s of requested) {
      const a = parseScope(s);
      if (!a) continue;
      if (user !== undefined) {
        out.push(a);
      } else if (opts.anonymousPull && a.type === 'repository' && a.actions.includes('pull')) {
        out.push({ ...a, actions: ['pull'] });
      }
    }
    return out;
  };

  const authenticate = (req: IncomingMessage): { ok: boolean; user?: string } => {
    const h = req.headers.authorization;
    if (!h) return { ok: true };
    const m = /^Basic\s+(.+)$/i.exec(h);
    if (!m) return { ok: false };
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const username = decoded.slice(0, i);
    const password = decoded.slice(i + 1);
    const match = opts.users.some((u) => u.username === username && u.password === password);
    return match ? { ok: true, user: username } : { ok: false };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scope = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    scopes.push(scope);
    const failure = failures.shift();
    if (failure !== undefined) {
      send(res, failure, { errors: [{ code: 'UNAVAILABLE', message: `injected failure ${failure}` }] });
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/token') {
      send(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'the realm is GET /token' }] });
      return;
    }
    const service = url.searchParams.get('service');
    if (service && service !== opts.service) {
      send(res, 400, { errors: [{ code: 'DENIED', message: `unknown service ${service}` }] });
      return;
    }
    const who = authenticate(req);
    if (!who.ok) {
      send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }, { 'www-authenticate': 'Basic realm="berth-test-issuer"' });
      return;
    }
    if (who.user === undefined && !opts.anonymousPull) {
      send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'credentials required' }] }, { 'www-authenticate': 'Basic realm="berth-test-issuer"' });
      return;
    }
    const token = sign(who.user ?? '', grant(who.user, scope));
    send(res, 200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    realm: `http://127.0.0.1:${port}/token`,
    service: opts.service,
    issuer: opts.issuer,
    port,
    get requests() {
      return requests;
    },
    get scopes() {
      return scopes;
    },
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    sign,
    grant,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
