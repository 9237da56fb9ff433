/**
 * The web shell's saved archives (issue 14): a save writes into a private temporary folder, and
 * the browser gets a one-time download URL for it. The link works once (and for an hour at
 * most); the file goes as soon as it was sent or the link expired, and at close.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { WEB_DOWNLOAD_PATH } from '../../shared/api';
import { tempDestination, type SaveDestination } from '../service/transfers';

/** Path prefix of download URLs: `/api/download/<token>`, the one download route (image files share it). */
export const DOWNLOAD_PREFIX = WEB_DOWNLOAD_PATH;
/** How long a download link stays good when nobody follows it. */
export const DOWNLOAD_TTL_MS = 60 * 60 * 1000;

interface Pending {
  path: string;
  fileName: string;
  timer: ReturnType<typeof setTimeout>;
}

/** One-time downloads of finished saves, and the SaveDestination that makes them. */
export class Downloads {
  private readonly pending = new Map<string, Pending>();
  private readonly temp: SaveDestination;
  /** What the service saves into (set with `service.useSaveDestination`). */
  readonly destination: SaveDestination;

  constructor(private readonly ttlMs = DOWNLOAD_TTL_MS) {
    this.temp = tempDestination((path, fileName) => this.issue(path, fileName));
    this.destination = { ...this.temp, close: () => this.close() };
  }

  /** A fresh one-time URL for the archive at `path`. */
  issue(path: string, fileName: string): string {
    const token = randomBytes(32).toString('base64url');
    const timer = setTimeout(() => void this.take(token), this.ttlMs);
    timer.unref();
    this.pending.set(token, { path, fileName, timer });
    return `${DOWNLOAD_PREFIX}${token}`;
  }

  /** Whether `token` is a pending archive's (other tokens on the route are image files'). */
  has(token: string): boolean {
    return this.pending.has(token);
  }

  /** Streams the archive of `token` as an attachment, once; 404 for a used, expired or unknown link. */
  async serve(token: string, res: ServerResponse): Promise<void> {
    const entry = this.claim(token);
    const size = entry ? await stat(entry.path).then((s) => s.size, () => null) : null;
    if (!entry || size === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end('This download link was used already or has expired. Save the archive again.\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/x-tar',
      'content-length': String(size),
      // The name is Berth's own (archiveFileName: letters, digits, . _ -), never the user's input.
      'content-disposition': `attachment; filename="${entry.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    const done = (): void => void this.temp.discard(entry.path).catch(() => undefined);
    res.once('close', done);
    createReadStream(entry.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  /** Removes every pending archive. */
  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    await this.temp.close?.();
  }

  /** Takes the entry out of the table (the link is spent). */
  private claim(token: string): Pending | undefined {
    const entry = this.pending.get(token);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(token);
    return entry;
  }

  private async take(token: string): Promise<void> {
    const entry = this.claim(token);
    if (entry) await this.temp.discard(entry.path).catch(() => undefined);
  }
}
