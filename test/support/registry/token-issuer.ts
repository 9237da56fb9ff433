/** A Docker token-auth issuer (the realm) for a test registry: RS256 JWTs with x5c, users, scopes, refresh tokens, injected failures. */
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
  /**
   * OAuth2 refresh tokens (Docker's `identitytoken`) → the user they log in as; such callers use
   * `POST realm` with `grant_type=refresh_token` (https://distribution.github.io/distribution/spec/auth/oauth/).
   */
  refreshTokens?: Record<string, string>;
  /** Per-user cap on granted actions (e.g. `{ reader: ['pull'] }`); users not named get what they ask for. */
  allowedActions?: Record<string, string[]>;
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
  /** Form fields of every OAuth2 `POST realm`, in order (refresh tokens included: test data only). */
  readonly oauthForms: Record<string, string>[];
  /** Accepts `token` as a refresh token of `user` from now on (startRegistry builds the issuer itself). */
  addRefreshToken(token: string, user: string): void;
  /** Caps what `user` is granted from now on (see `allowedActions`). */
  allowActions(user: string, actions: string[]): void;
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
  const oauthForms: Record<string, string>[] = [];
  const expiresIn = opts.expiresIn ?? 300;
  const refreshTokens = new Map(Object.entries(opts.refreshTokens ?? {}));
  const allowed = new Map(Object.entries(opts.allowedActions ?? {}));

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
      const cap = user !== undefined ? allowed.get(user) : undefined;
      if (cap) {
        const actions = a.actions.filter((x) => cap.includes(x) || cap.includes('*'));
        if (actions.length) out.push({ ...a, actions });
      } else if (user !== undefined) {
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

  /** OAuth2 refresh-token grant; errors are RFC 6749's `{error}` bodies (400 invalid_grant for an unknown token). */
  const oauth = (res: ServerResponse, form: URLSearchParams): void => {
    oauthForms.push(Object.fromEntries(form));
    const scope = (form.get('scope') ?? '').split(' ').filter(Boolean);
    scopes.push(scope);
    if (form.get('grant_type') !== 'refresh_token') return send(res, 400, { error: 'unsupported_grant_type' });
    if (!form.get('client_id')) return send(res, 400, { error: 'invalid_request', error_description: 'client_id is required' });
    const service = form.get('service');
    if (service && service !== opts.service) return send(res, 400, { error: 'invalid_request', error_description: `unknown service ${service}` });
    const user = refreshTokens.get(form.get('refresh_token') ?? '');
    if (user === undefined) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown or revoked refresh token' });
    const token = sign(user, grant(user, scope));
    send(res, 200, { access_token: token, scope: scope.join(' '), expires_in: expiresIn, issued_at: new Date().toISOString() });
  };

  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const failure = failures.shift();
    if (req.method === 'POST' && url.pathname === '/token') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failure !== undefined) {
          scopes.push([]);
          return send(res, failure, { error: 'server_error', error_description: `injected failure ${failure}` });
        }
        oauth(res, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      });
      return;
    }
    const scope = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    scopes.push(scope);
    if (failure !== undefined) {
      send(res, failure, { errors: [{ code: 'UNAVAILABLE', message: `injected failure ${failure}` }] });
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/token') {
      send(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'the realm is GET or POST /token' }] });
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
    get oauthForms() {
      return oauthForms;
    },
    addRefreshToken(token, user) {
      refreshTokens.set(token, user);
    },
    allowActions(user, actions) {
      allowed.set(user, actions);
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
