/**
 * The `app://berth` protocol serving the built renderer with the CSP header (checklist 7 and 18),
 * through the same traversal-proof resolver as the web shell.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { findStaticFile, staticHeaders } from '../web/static-files';
import { APP_HOST, APP_SCHEME } from './security';

/** Must run before `app.whenReady()`: a standard, secure scheme gets an origin, fetch and storage. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** The response for one `app://` URL (exported for tests). */
export async function appResponse(rendererDir: string, url: string): Promise<Response> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return new Response('Bad URL', { status: 400 });
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return new Response('Not found', { status: 404 });
  const file = await findStaticFile(rendererDir, u.pathname);
  if (!file) return new Response('Not found', { status: 404, headers: { 'x-content-type-options': 'nosniff' } });
  const body = await readFile(file.path);
  return new Response(new Uint8Array(body), { status: 200, headers: staticHeaders(file.path) });
}

/** Serves `rendererDir` on `app://berth/…`; call after ready. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(rendererDir, request.url));
}
