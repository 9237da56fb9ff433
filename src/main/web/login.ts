/**
 * Logging a browser in to the web shell: a one-time token (printed link, launch page, or a link
 * minted for another browser by one already logged in) traded for the HttpOnly SameSite=Strict
 * session cookie. Every refusal is a page that says what to do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasSession, sessionCookie, type Session } from './guard';
import type { LoginTokens, TokenUse } from './login-tokens';

/** What the login handlers need of the server. */
export interface LoginContext {
  port: number;
  session: Session;
  tokens: LoginTokens;
}

/** How long a launch page's or a minted link's token stays valid. */
export const LINK_TTL_MS = 2 * 60_000;
/** Largest login form body (one token). */
const MAX_FORM = 4096;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
} as const;

/** `GET /?token=…`, the link `berth serve` printed: trade it, then show `/` without it (303). */
export function loginByLink(ctx: LoginContext, req: IncomingMessage, res: ServerResponse, token: string): void {
  const use = ctx.tokens.use(token);
  // A browser that is logged in already just goes on (a second click on the same link, say).
  if (use !== 'ok' && !hasSession(req, ctx.session)) return sendLoginPage(res, ctx.port, use);
  res.writeHead(303, { location: '/', 'set-cookie': sessionCookie(ctx.session), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
}

/**
 * `POST /login` from the launch page (`token=…`, form-encoded). The page is a local file, so the
 * request is cross-site: a Strict cookie set here is sent only on a navigation this server's own
 * page starts, hence a page that moves on to `/` instead of a redirect.
 */
export async function loginByForm(ctx: LoginContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readSmallBody(req, MAX_FORM);
  const token = body === null ? null : new URLSearchParams(body).get('token');
  const use: TokenUse = token ? ctx.tokens.use(token) : 'unknown';
  if (use !== 'ok') return sendLoginPage(res, ctx.port, use);
  res.writeHead(200, { ...PAGE_HEADERS, 'set-cookie': sessionCookie(ctx.session) });
  res.end(
    page('Berth: logged in', '<h1>Logged in</h1><p><a href="/">Continue to Berth</a></p>', '<meta http-equiv="refresh" content="0;url=/">'),
  );
}

/** A fresh one-time login URL, for a logged-in caller that opens another browser (tests, scripts). */
export function mintLoginUrl(ctx: LoginContext): string {
  return `http://127.0.0.1:${ctx.port}/?token=${ctx.tokens.issue(LINK_TTL_MS)}`;
}

/** The 401 page for a browser without a session: no token, a used one, or one this server never issued. */
export function sendLoginPage(res: ServerResponse, port: number, why: TokenUse | 'none'): void {
  const printed = `<code>http://127.0.0.1:${port}/?token=…</code>`;
  const body =
    why === 'used'
      ? '<h1>This login link was already used</h1>' +
        '<p>A Berth login link logs in one browser, once, so a copy of it (in history, or seen by someone else) is worthless.</p>' +
        `<p>If this browser used it, open <a href="/">http://127.0.0.1:${port}/</a>: it stays logged in. ` +
        'Otherwise stop <code>berth serve</code> and start it again for a new link.</p>'
      : why === 'unknown'
        ? '<h1>This login link is not valid</h1>' +
          `<p>It has expired, or it belongs to an earlier run of <code>berth serve</code>. Open the link it printed this time (${printed}), ` +
          'or restart it for a new one.</p>'
        : '<h1>Berth needs its login link</h1>' +
          `<p>Open the link printed in the terminal where you ran <code>berth serve</code> (it looks like ${printed}). ` +
          'Each link works once; if it was used already, restart <code>berth serve</code> for a new one.</p>';
  res.writeHead(401, PAGE_HEADERS);
  res.end(page('Berth: not logged in', body));
}

function page(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8">${head}<title>${title}</title><body style="font:16px system-ui;margin:3em;max-width:40em">${body}</body></html>`;
}

/** The body as text, or null when it is larger than `max` bytes. */
function readSmallBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on('end', () => ok(size > max ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
