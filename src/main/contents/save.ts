/**
 * Saves a file or a folder of an image to disk. Each layer that holds the last version of a
 * saved file is read once, only up to the last entry needed; everything is written into a
 * private sibling of the target and renamed into place at the end (all or nothing). Nothing is
 * written outside it: names come from the merged tree and are checked, files are created
 * exclusively in folders Berth just made, and symlinks are recreated as symlinks — never followed.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, rename, rm, symlink, utimes } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../../shared/errors';
import type { ImageFiles } from './engine';
import { KIND, KIND_NAMES } from './entry-kinds';
import { resolvePath } from './files-out';
import { readEntries } from './layer-entries';
import { FLAG } from './merge';
import { NO_LAYER } from './merged-tree';

/** How far a save got. */
export interface SaveProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** What a save wrote, and what it left out (devices, FIFOs, names unsafe on this system). */
export interface SaveResult {
  target: string;
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  skipped: { path: string; reason: string }[];
}

/** What saving a path writes: folders, file contents by layer and entry, symlinks, and what is left out. */
export interface SavePlan {
  dirs: { rel: string; id: number }[];
  /** Layer → content entry → the relative paths that show it (a file and its hard links). */
  files: Map<number, Map<number, { rels: string[]; id: number }>>;
  links: { rel: string; target: string }[];
  skipped: SaveResult['skipped'];
  totalFiles: number;
  totalBytes: number;
}

const unsafeName = (name: string) => name === '' || name === '.' || name === '..' || /[/\0]/.test(name) || (process.platform === 'win32' && /[\\:]/.test(name));

/** Plans saving node `top` (shown as `topPath`) and what is below it; ghost paths and unsafe names are left out. */
export function planSave(img: ImageFiles, top: number, topPath: string): SavePlan {
  const t = img.tree;
  const p: SavePlan = { dirs: [], files: new Map(), links: [], skipped: [], totalFiles: 0, totalBytes: 0 };
  const rels: string[] = [];
  const add = (id: number, rel: string): void => {
    const kind = t.kind[id];
    const shown = rel ? `${topPath}/${rel}` : topPath;
    if (kind === KIND.dir) p.dirs.push({ rel, id });
    else if (kind === KIND.symlink) p.links.push({ rel, target: t.link(id) });
    else if ((kind === KIND.file || kind === KIND.hardlink) && t.srcLayer[id] !== NO_LAYER) {
      const byEntry = p.files.get(t.srcLayer[id]) ?? new Map<number, { rels: string[]; id: number }>();
      p.files.set(t.srcLayer[id], byEntry);
      const slot = byEntry.get(t.srcEntry[id]);
      if (slot) slot.rels.push(rel);
      else {
        byEntry.set(t.srcEntry[id], { rels: [rel], id });
        p.totalBytes += t.size[id];
      }
      p.totalFiles++;
    } else p.skipped.push({ path: shown, reason: kind === KIND.hardlink ? 'a hard link to a missing file' : `a ${KIND_NAMES[kind]} (not saved)` });
  };
  add(top, '');
  if (t.kind[top] !== KIND.dir) return p;
  const stack: number[] = [top];
  for (let i = top + 1; i < t.end[top]; i++) {
    while (t.end[stack[stack.length - 1]] <= i) {
      stack.pop();
      rels.pop();
    }
    const name = t.name(i);
    if (t.flags[i] & FLAG.ghost || unsafeName(name)) {
      if (!(t.flags[i] & FLAG.ghost)) p.skipped.push({ path: `${topPath}/${[...rels, name].join('/')}`, reason: 'a name this system cannot hold safely' });
      i = t.end[i] - 1;
      continue;
    }
    const rel = [...rels, name].join('/');
    add(i, rel);
    if (t.kind[i] === KIND.dir) {
      stack.push(i);
      rels.push(name);
    }
  }
  return p;
}

/** Writes `path` of the image (a file, symlink or folder) to `target`, which must not exist yet. */
export async function saveToDisk(
  img: ImageFiles,
  path: string,
  target: string,
  opts: { signal?: AbortSignal; onProgress?: (p: SaveProgress) => void } = {},
): Promise<SaveResult> {
  const { signal, onProgress } = opts;
  const t = img.tree;
  const top = resolvePath(img, path, false);
  if (top < 0) throw new BerthError('INVALID_ARGUMENT', `${img.source.label} has no ${path}; nothing was saved.`);
  const dest = resolve(target);
  if (await lstat(dest).then(() => true, () => false)) {
    throw new BerthError('INVALID_ARGUMENT', `${dest} already exists; choose another name or remove it first. Nothing was saved.`);
  }
  const topPath = t.path(top);
  const work = planSave(img, top, topPath);
  const tmp = join(dirname(dest), `.${basename(dest)}.berth-${randomBytes(4).toString('hex')}.partial`);
  const at = (rel: string) => (rel ? join(tmp, ...rel.split('/')) : tmp);
  const progress: SaveProgress = { files: 0, totalFiles: work.totalFiles, bytes: 0, totalBytes: work.totalBytes };
  let created = false;
  try {
    for (const d of work.dirs) {
      await mkdir(at(d.rel), { mode: 0o700 });
      created = true;
    }
    for (const [layer, byEntry] of [...work.files].sort((a, b) => a[0] - b[0])) {
      const index = await img.layerIndex(layer, signal);
      await readEntries(
        img.source.layers[layer],
        index,
        [...byEntry.keys()].sort((a, b) => a - b),
        async (ord, data) => {
          const { rels, id } = byEntry.get(ord) as { rels: string[]; id: number };
          const counted = async function* () {
            for await (const chunk of data) {
              progress.bytes += chunk.length;
              yield chunk;
            }
          };
          created = true;
          await pipeline(counted(), createWriteStream(at(rels[0]), { flags: 'wx', mode: 0o600 }), { signal });
          for (const rel of rels.slice(1)) await copyFile(at(rels[0]), at(rel));
          for (const rel of rels) {
            // Owner can always read and remove what was saved; set-id and sticky bits are dropped.
            await chmod(at(rel), (t.mode[id] & 0o777) | 0o600);
            await utimes(at(rel), t.mtime[id], t.mtime[id]);
          }
          progress.files += rels.length;
          onProgress?.({ ...progress });
        },
        signal,
      );
    }
    let symlinks = 0;
    for (const l of work.links) {
      try {
        await symlink(l.target, at(l.rel));
        created = true;
        symlinks++;
      } catch (err) {
        work.skipped.push({ path: l.rel ? `${topPath}/${l.rel}` : topPath, reason: `a symlink this system refused (${(err as NodeJS.ErrnoException).code})` });
      }
    }
    for (const d of [...work.dirs].reverse()) {
      await chmod(at(d.rel), (t.mode[d.id] & 0o777) | 0o700);
      await utimes(at(d.rel), t.mtime[d.id], t.mtime[d.id]);
    }
    if (!created) throw new BerthError('INVALID_ARGUMENT', `${path} is ${work.skipped[0]?.reason ?? 'nothing that can be saved'}; nothing was saved.`);
    await rename(tmp, dest);
    return { target: dest, files: progress.files, dirs: work.dirs.length, symlinks, bytes: progress.bytes, skipped: work.skipped };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (signal?.aborted) throw new BerthError('CANCELLED', `Saving ${path} was cancelled; nothing was left behind.`);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new BerthError('INVALID_ARGUMENT', `The disk holding ${dirname(dest)} is full; free some space and save again.`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new BerthError('INVALID_ARGUMENT', `Berth may not write to ${dirname(dest)} (${code}); choose another folder.`);
    throw err;
  }
}
