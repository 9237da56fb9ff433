/**
 * The web shell's side of "save a file or folder of an image": `saveImageFiles` hands out a
 * one-time token, the browser follows `GET /api/download/<token>` (a plain link cannot carry the
 * API header, so the session cookie, the Origin check and the token itself guard it) and gets the
 * file's bytes, or a folder as a tar, streamed from the layers as they are read.
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { toWireError } from '../../shared/errors';
import type { BerthService } from '../service/service';

const TOKEN_RE = /^[A-Za-z0-9_-]{16,64}$/;

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback and the real name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Answers one download; a used, expired or unknown token gets 404 with what to do. */
export async function handleDownload(service: BerthService, res: ServerResponse, token: string): Promise<void> {
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  const fail = (status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(`${message}\n`);
  };
  if (!TOKEN_RE.test(token) || !service.contents) return fail(404, 'This download link is not valid. Choose Save again in Berth.');
  let download;
  try {
    download = await service.contents.takeDownload(token, ac.signal);
  } catch (err) {
    const wire = toWireError(err);
    return fail(wire.code === 'INVALID_ARGUMENT' ? 404 : 502, `${wire.code}: ${wire.message}`);
  }
  res.writeHead(200, {
    'content-type': download.kind === 'tar' ? 'application/x-tar' : 'application/octet-stream',
    'content-disposition': contentDisposition(download.name),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(download.size !== null ? { 'content-length': String(download.size) } : {}),
  });
  // A failure midway cuts the connection: the browser marks the download failed rather than complete.
  await pipeline(download.stream, res).catch(() => res.destroy());
}
