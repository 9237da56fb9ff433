/**
 * The web shell's uploads: a dropped file is streamed to a temp file on the host (never
 * buffered), bounded by a size cap and by the disk's free space, in a folder named as all of
 * Berth's temp folders are, so a start-up sweep removes what a crashed server left behind.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../../shared/errors';
import { makeSpoolDir, usableBytes } from '../archive/temp-root';

/** Largest upload the web shell accepts (an archive bigger than this is not a plausible image). */
export const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/** A folder of this server run's uploads, removed on close. */
export class UploadDir {
  private dir: Promise<string> | null = null;

  /** Creates the folder on first use (mode 0700 via mkdtemp, in the app's temp root). */
  path(): Promise<string> {
    this.dir ??= makeSpoolDir('upload');
    return this.dir;
  }

  /** Deletes the folder and whatever is still in it. */
  async remove(): Promise<void> {
    if (!this.dir) return;
    const dir = await this.dir.catch(() => null);
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** The file name to show for an upload: a base name, no control characters, bounded length. */
export function cleanUploadName(raw: string | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean && clean !== '.' && clean !== '..' ? clean : 'upload.tar';
}

/**
 * Streams the request body to a new temp file (never buffered), refusing more than `maxBytes`;
 * the partial file is deleted when the client aborts or the cap is hit.
 */
export async function receiveUpload(req: IncomingMessage, dir: string, maxBytes = MAX_UPLOAD_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (Number.isFinite(declared) && declared > (await usableBytes(dir))) throw noRoom(dir);
  const path = join(dir, `${randomBytes(16).toString('hex')}.upload`);
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(tooLarge(maxBytes));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, cap, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    if (!req.complete) throw aborted();
    return path;
  } catch (err) {
    await unlink(path).catch(() => undefined);
    if (err instanceof BerthError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw noRoom(dir);
    throw req.destroyed || !req.complete ? aborted() : err;
  }
}

function tooLarge(max: number): BerthError {
  return new BerthError('ARCHIVE_TOO_LARGE', `The upload is larger than ${Math.round(max / 1024 ** 3)} GiB, the most the web shell accepts. Push it with \`berth push\` instead.`);
}

function noRoom(dir: string): BerthError {
  return new BerthError('ARCHIVE_TOO_LARGE', `There is not enough free space in ${dir} for this upload. Free some space on the server's disk, or push the file with \`berth push\` on the server.`);
}

function aborted(): BerthError {
  return new BerthError('CANCELLED', 'The upload was interrupted before the whole file arrived. Drop the file again.');
}
