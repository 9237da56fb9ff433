/**
 * The web shell: the contract over loopback HTTP (POST per method), BerthEvents over SSE,
 * uploads for dropped files, and the built renderer as static files (DESIGN "One engine, three
 * shells"). Bound to 127.0.0.1 only, behind one-time login tokens traded for a cookie, and
 * Host/Origin checks.
 */
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEB_API_HEADER, WEB_DOWNLOAD_PATH, WEB_EVENTS_PATH, WEB_UPLOAD_PATH } from '../../shared/api';
import { BerthError, toWireError, type Result, type WireError } from '../../shared/errors';
import type { BerthService } from '../service/service';
import { dispatch } from '../service/dispatch';
import { handleDownload } from './download';
import { checkHostAndOrigin, hasSession, newSession, type Session } from './guard';
import { LINK_TTL_MS, loginByForm, loginByLink, mintLoginUrl, sendLoginPage } from './login';
import { LoginTokens } from './login-tokens';
import { defaultOpener, LOGIN_PATH, openInBrowser, writeLaunchPage, type LaunchPage, type Opener } from './open-browser';
import { findStaticFile, staticHeaders } from './static-files';
import { EventStreamHub } from './sse';
import { cleanUploadName, MAX_UPLOAD_BYTES, receiveUpload, UploadDir } from './upload';
import { Downloads } from './downloads';

/** `POST` here (logged in, with the API header) answers a fresh one-time login URL for another browser. */
export const LOGIN_LINK_PATH = '/api/login-link';

/** Largest JSON body of an API call: a cleanup plan carries every tag (~300 bytes each), so ~100,000 tags fit. */
export const MAX_API_BODY = 32 * 1024 * 1024;

/** Options of startWebServer. */
export interface WebServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  service: BerthService;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  /** Open Berth in the default browser, through a launch page (the token never goes on a command line). */
  open?: boolean;
  /** How to start the browser on the launch page (tests record it); default the platform's opener. */
  opener?: Opener;
  /** Upload cap in bytes (default 64 GiB). */
  maxUploadBytes?: number;
}

/** A running web shell. */
export interface WebServer {
  /** `http://127.0.0.1:N/?token=…` — logs one browser in, once. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the web shell on 127.0.0.1. */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new BerthError('INVALID_ARGUMENT', `Cannot listen on 127.0.0.1:${opts.port} (${err.code}). Choose another --port, or 0 for a free one.`)
          : err,
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.removeAllListeners('error');
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const session = newSession(port);
  const tokens = new LoginTokens();
  const hub = new EventStreamHub(opts.service.events);
  const uploads = new UploadDir();
  // Saved archives reach the browser as one-time downloads.
  const downloads = new Downloads();
  opts.service.useSaveDestination(downloads.destination);
  const ctx: Ctx = { ...opts, port, session, tokens, hub, uploads, downloads, maxUpload: opts.maxUploadBytes ?? MAX_UPLOAD_BYTES };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toWireError(err) });
      else res.destroy();
    });
  });
  const url = `http://127.0.0.1:${port}/?token=${tokens.issue()}`;
  // The printed URL stays good for manual use: the browser opened here gets a token of its own.
  if (opts.open) await launchBrowser(ctx, opts.opener ?? defaultOpener());
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close: () =>
      (closing ??= (async () => {
        hub.close();
        tokens.clear();
        const done = new Promise<void>((ok) => server.close(() => ok()));
        server.closeAllConnections();
        await done;
        await uploads.remove();
        await downloads.close();
      })()),
  };
}

/** Writes a launch page with a fresh token and opens it; the page goes when used, expired or at close. */
async function launchBrowser(ctx: Ctx, opener: Opener): Promise<void> {
  const launch: { page?: LaunchPage } = {};
  const token = ctx.tokens.issue(LINK_TTL_MS, () => void launch.page?.remove());
  const page = await writeLaunchPage(`http://127.0.0.1:${ctx.port}`, token);
  launch.page = page;
  setTimeout(() => void page.remove(), LINK_TTL_MS).unref();
  openInBrowser(page.file, opener);
}

interface Ctx extends WebServerOptions {
  port: number;
  session: Session;
  tokens: LoginTokens;
  hub: EventStreamHub;
  uploads: UploadDir;
  downloads: Downloads;
  maxUpload: number;
}

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${ctx.port}`);
  const method = req.method ?? 'GET';
  const isLogin = url.pathname === LOGIN_PATH && method === 'POST';
  const refusal = checkHostAndOrigin(req, ctx.port, isLogin);
  if (refusal) return sendText(res, 403, `${refusal}. Open the URL that \`berth serve\` printed.\n`);
  const isApi = url.pathname.startsWith('/api/');

  if (isLogin) return loginByForm(ctx, req, res);
  const token = url.searchParams.get('token');
  if (token !== null && url.pathname === '/' && (method === 'GET' || method === 'HEAD')) return loginByLink(ctx, req, res, token);
  if (!hasSession(req, ctx.session)) return isApi ? sendUnauthorizedApi(res) : sendLoginPage(res, ctx.port, 'none');

  if (!isApi) {
    if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method not allowed.\n');
    return serveStatic(ctx, url.pathname, method === 'HEAD', res);
  }
  if (url.pathname === WEB_EVENTS_PATH) {
    // EventSource cannot send custom headers; the SameSite=Strict cookie and Origin check guard it, and it has no effects.
    if (method !== 'GET') return sendError(res, 405, 'INVALID_ARGUMENT', 'Events are read with GET.');
    return ctx.hub.attach(res);
  }
  if (url.pathname.startsWith(WEB_DOWNLOAD_PATH)) {
    // A link the browser follows cannot carry the API header: the cookie, the Host/Origin check and the one-time token guard it.
    if (method !== 'GET') return sendError(res, 405, 'INVALID_ARGUMENT', 'Downloads are read with GET.');
    const token = url.pathname.slice(WEB_DOWNLOAD_PATH.length);
    // One route for saved archives (#14) and an image's files (#13): each token belongs to one of them.
    if (ctx.downloads.has(token)) return ctx.downloads.serve(token, res);
    return handleDownload(ctx.service, res, token);
  }
  if (req.headers[WEB_API_HEADER] !== '1') {
    return sendError(res, 403, 'DENIED', `API calls must carry the ${WEB_API_HEADER} header. Use the Berth page served here.`);
  }
  if (method !== 'POST') return sendError(res, 405, 'INVALID_ARGUMENT', 'API calls use POST.');
  if (url.pathname === LOGIN_LINK_PATH) return sendJson(res, 200, { ok: true, value: { url: mintLoginUrl(ctx) } });
  if (url.pathname === WEB_UPLOAD_PATH) return handleUpload(ctx, req, res, url);
  return handleCall(ctx, req, res, url.pathname.slice('/api/'.length));
}

async function handleCall(ctx: Ctx, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  const ac = new AbortController();
  // The browser went away (tab closed, fetch aborted): stop the engine's requests too.
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  let args: unknown;
  try {
    const body = await readBody(req, MAX_API_BODY);
    const parsed: unknown = body.length ? JSON.parse(body.toString('utf8')) : {};
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('not an object');
    args = (parsed as { args?: unknown }).args ?? [];
  } catch (err) {
    const wire = err instanceof BerthError ? err.toWire() : badBody();
    return sendJson(res, err instanceof BerthError && err.code === 'ARCHIVE_TOO_LARGE' ? 413 : 400, { ok: false, error: wire });
  }
  const result = await dispatch(ctx.service, method, args, ac.signal);
  if (!res.destroyed) sendJson(res, 200, result);
}

async function handleUpload(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const name = cleanUploadName(url.searchParams.get('name'));
  let result: Result<unknown>;
  try {
    const path = await receiveUpload(req, await ctx.uploads.path(), ctx.maxUpload);
    try {
      result = { ok: true, value: await ctx.service.registerPath(path, { name, temp: true }) };
    } catch (err) {
      await unlink(path).catch(() => undefined);
      throw err;
    }
  } catch (err) {
    result = { ok: false, error: toWireError(err) };
    if (!result.ok && result.error.code === 'ARCHIVE_TOO_LARGE') {
      sendJson(res, 413, result);
      // The browser keeps sending; drop the connection instead of draining gigabytes.
      res.on('finish', () => req.destroy());
      return;
    }
  }
  if (!res.destroyed) sendJson(res, 200, result);
}

async function serveStatic(ctx: Ctx, pathname: string, headOnly: boolean, res: ServerResponse): Promise<void> {
  const file = await findStaticFile(ctx.rendererDir, pathname);
  if (!file) {
    // Browsers ask for a favicon on their own; a 204 keeps that out of the console as an error.
    if (pathname === '/favicon.ico') return void res.writeHead(204).end();
    const missingApp = pathname === '/' ? ' The renderer is not built: run `npm run build`.' : '';
    return sendText(res, 404, `Not found.${missingApp}\n`);
  }
  res.writeHead(200, { ...staticHeaders(file.path), 'content-length': String(file.size) });
  if (headOnly) return void res.end();
  createReadStream(file.path)
    .on('error', () => res.destroy())
    .pipe(res);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        fail(new BerthError('ARCHIVE_TOO_LARGE', `The request body is larger than ${max} bytes. Send fewer items at once.`));
      } else chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

function badBody(): WireError {
  return { code: 'INVALID_ARGUMENT', message: 'The request body is not JSON of the form {"args":[…]}. Use the Berth page served here.' };
}

function sendUnauthorizedApi(res: ServerResponse): void {
  sendError(res, 401, 'UNAUTHORIZED', 'This browser is not logged in to Berth. Open the login link printed in the terminal by `berth serve` (each link works once).');
}

function sendError(res: ServerResponse, status: number, code: WireError['code'], message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(text);
}
