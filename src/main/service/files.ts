import { randomBytes } from 'node:crypto';
import { stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { BerthError } from '../../shared/errors';
import type { FileHandle, FileInfo } from '../../shared/types';

/** A file main knows by handle; the renderer only ever sees the handle, name and size. */
export interface FileEntry {
  path: string;
  name: string;
  size: number;
  /** Uploaded by the web shell into a temp dir: deleted when released. */
  temp: boolean;
}

/** Handles issued for dropped, chosen or uploaded files (Conventions 3: the renderer never names a path). */
export class FileTable {
  private readonly entries = new Map<FileHandle, FileEntry>();
  /** Handles whose release waits for a push that still reads the file. */
  private readonly pendingRelease = new Set<FileHandle>();
  private readonly inUse = new Map<FileHandle, number>();

  /** Issues a handle for a regular file at `path`; refuses anything else. */
  async register(path: string, opts: { name?: string; temp?: boolean } = {}): Promise<FileInfo> {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) {
        throw new BerthError('INVALID_ARGUMENT', `${basename(path)} is not a regular file. Drop a .tar or .tar.gz archive made by docker save.`);
      }
      size = st.size;
    } catch (err) {
      if (err instanceof BerthError) throw err;
      throw new BerthError('INVALID_ARGUMENT', `Cannot read ${basename(path)} (${(err as NodeJS.ErrnoException).code ?? String(err)}). Check that the file exists and is readable.`);
    }
    const handle = randomBytes(16).toString('hex');
    const name = opts.name ?? basename(path);
    this.entries.set(handle, { path, name, size, temp: opts.temp ?? false });
    return { handle, name, size };
  }

  /** The entry behind a handle, or HANDLE_UNKNOWN. */
  get(handle: FileHandle): FileEntry {
    const entry = this.entries.get(handle);
    if (!entry || this.pendingRelease.has(handle)) {
      throw new BerthError('HANDLE_UNKNOWN', 'That file is no longer known to Berth (it was released or Berth restarted). Drop or choose the file again.');
    }
    return entry;
  }

  /** Marks a handle as read by a push, so a release waits for the push to end. */
  retain(handle: FileHandle): void {
    this.get(handle);
    this.inUse.set(handle, (this.inUse.get(handle) ?? 0) + 1);
  }

  /** Ends one `retain`; performs a release that was asked for meanwhile. */
  async unretain(handle: FileHandle): Promise<void> {
    const n = (this.inUse.get(handle) ?? 0) - 1;
    if (n > 0) return void this.inUse.set(handle, n);
    this.inUse.delete(handle);
    if (this.pendingRelease.has(handle)) {
      this.pendingRelease.delete(handle);
      await this.drop(handle);
    }
  }

  /** Forgets a handle and deletes its temp file (later, if a push still reads it). */
  async release(handle: FileHandle): Promise<void> {
    this.get(handle);
    if (this.inUse.has(handle)) {
      this.pendingRelease.add(handle);
      return;
    }
    await this.drop(handle);
  }

  /** Releases everything (shutdown): temp files are deleted even if a push still runs. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((h) => this.drop(h)));
    this.pendingRelease.clear();
    this.inUse.clear();
  }

  private async drop(handle: FileHandle): Promise<void> {
    const entry = this.entries.get(handle);
    this.entries.delete(handle);
    if (entry?.temp) await unlink(entry.path).catch(() => undefined);
  }
}
