/**
 * Berth's own temp folders: one root per user inside the OS temp folder, and in it one folder per
 * spool (unpacked .tar.gz layers), upload (web shell), worker or save (an archive waiting for its download), named `berth-<kind>-<pid>-XXXXXX`.
 * The name says whose it is, so a start-up sweep can remove what a crashed Berth left behind
 * without touching anything it did not create or anything still in use.
 */
import type { Dirent } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Kinds of folder Berth makes under its temp root. */
export type SpoolKind = 'archive' | 'upload' | 'worker' | 'save';

const OWN_NAME = /^berth-(?:archive|upload|worker|save)-(\d+)-[A-Za-z0-9]{6}$/;
/** When this process started: anything Berth made before then is not this process's. */
const PROCESS_START = Date.now() - process.uptime() * 1000;

/** Free space Berth leaves on a disk it spools or uploads to. */
export const KEEP_FREE = 256 * 1024 * 1024;

let threadParent: string | null = null;

/** Makes this thread's spools go under `dir` (a worker's own folder, removed by the main thread when the worker ends). */
export function setSpoolParent(dir: string | null): void {
  threadParent = dir;
}

/**
 * The app's temp root (`<tmp>/berth-<uid>`, mode 0700), created when missing; null when a folder
 * of that name exists but is not this user's private folder (then nothing is kept or swept there).
 */
export async function appTempRoot(): Promise<string | null> {
  const uid = process.getuid?.();
  const root = join(tmpdir(), uid === undefined ? 'berth' : `berth-${uid}`);
  try {
    await mkdir(root, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  const st = await lstat(root).catch(() => null);
  if (!st?.isDirectory()) return null;
  if (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0)) return null;
  return root;
}

/** A new private folder (mode 0700) for spooled or uploaded data, under `parent` or the app's temp root. */
export async function makeSpoolDir(kind: SpoolKind, parent?: string): Promise<string> {
  const base = parent ?? threadParent ?? (await appTempRoot()) ?? tmpdir();
  return mkdtemp(join(base, `berth-${kind}-${process.pid}-`));
}

/** Bytes that may still be written under `dir` while leaving `keepFree` free on its disk (statfs). */
export async function usableBytes(dir: string, keepFree = KEEP_FREE): Promise<number> {
  const st = await statfs(dir);
  return Math.max(0, st.bavail * st.bsize - keepFree);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the folders a crashed Berth left in `root` (default: the app's temp root): only folders
 * named as Berth names them, made before this process started, whose process is gone (or is an
 * earlier process that had this one's id). Links and anything else are left alone. Returns the paths removed.
 */
export async function sweepStaleSpools(root?: string): Promise<string[]> {
  const dir = root ?? (await appTempRoot());
  if (!dir) return [];
  let items: Dirent[];
  try {
    items = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const item of items) {
    const m = OWN_NAME.exec(item.name);
    if (!m || !item.isDirectory()) continue;
    const pid = Number(m[1]);
    const path = join(dir, item.name);
    const st = await lstat(path).catch(() => null);
    if (!st?.isDirectory() || st.mtimeMs >= PROCESS_START) continue;
    if (pid !== process.pid && alive(pid)) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(path);
  }
  return removed;
}
