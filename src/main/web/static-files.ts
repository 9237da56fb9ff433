/**
 * Serving the built renderer, shared by the web shell and Electron's `app://` protocol: one CSP,
 * one content-type table, one traversal-proof path resolver.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/** The renderer's Content-Security-Policy (Electron security checklist: "Define a CSP"). */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Content-Type for a file name; unknown types are served as opaque bytes (with nosniff). */
export function contentTypeFor(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers every renderer file carries. */
export function staticHeaders(path: string): Record<string, string> {
  return {
    'content-type': contentTypeFor(path),
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/**
 * Maps a URL pathname (`/`, `/assets/x.js`) to a file inside `root`, or null when it would leave
 * the folder (`..`, encoded slashes, NUL, absolute paths) — pure, so it is unit-testable.
 */
export function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').some((part) => part === '..')) return null;
  const base = resolve(root);
  const full = resolve(base, rel);
  const r = relative(base, full);
  if (r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..')) return null;
  return full;
}

/** Resolves and checks that the file exists, is a regular file and (after symlinks) stays inside `root`. */
export async function findStaticFile(root: string, pathname: string): Promise<{ path: string; size: number } | null> {
  const candidate = resolveInside(root, pathname);
  if (!candidate) return null;
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(candidate)]);
    const r = relative(realRoot, real);
    if (r === '' || r.startsWith('..') || isAbsolute(r)) return null;
    const st = await stat(real);
    return st.isFile() ? { path: real, size: st.size } : null;
  } catch {
    return null;
  }
}
