/**
 * How `berth files | cat | diff` name an image: a registry reference (`localhost:5000/app:1`,
 * `…@sha256:…`) or an archive on disk (`app.tar`, `app.tar:1` by number, `app.tar:team/app:1` by
 * tag). Both open through the same ContentsEngine and cache folder as the app, with the layer
 * reads' progress on stderr.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { openArchive } from '../archive';
import { ContentsEngine, pickArchiveImage, registryImage, type ImageFiles, type OpenProgress } from '../contents';
import { readSettings } from '../service/settings';
import { ContentStore } from '../store/content-store';
import { formatBytes, type CliIo } from './io';
import { parseImageArg, withClient, type CliTarget } from './target';

/** An image as typed: in a registry, or in an archive file. */
export type ImageRef = { kind: 'registry'; target: CliTarget } | { kind: 'archive'; path: string; selector?: string };

const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false);
const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz)$/i;

/** Reads REF: an existing file (optionally `:N` or `:TAG` after it) is an archive, anything else a registry reference. */
export async function parseImageRef(arg: string): Promise<ImageRef> {
  if (await isFile(arg)) return { kind: 'archive', path: arg };
  for (let i = arg.indexOf(':'); i > 0; i = arg.indexOf(':', i + 1)) {
    if (await isFile(arg.slice(0, i))) return { kind: 'archive', path: arg.slice(0, i), selector: arg.slice(i + 1) };
  }
  const bare = arg.replace(/:[^/:]*$/, '');
  if (ARCHIVE_NAME.test(arg) || ARCHIVE_NAME.test(bare)) throw new BerthError('INVALID_ARGUMENT', `${bare} does not exist; give the path of a docker save archive, or a registry reference such as localhost:5000/team/app:1.`);
  return { kind: 'registry', target: parseImageArg(arg) };
}

/** The engine over the app's own cache folder (BERTH_CACHE_DIR, else the platform's): indexes made by either are shared. */
export function cliEngine(): ContentsEngine {
  return new ContentsEngine(new ContentStore(join(readSettings(process.env).cacheDir, 'content')));
}

/** Prints opening progress on stderr: one line redrawn on a terminal, a line per layer read otherwise. */
export function progressPrinter(io: CliIo): { onProgress: (p: OpenProgress) => void; end: () => void } {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let drawn = false;
  let last = 0;
  return {
    onProgress: (p) => {
      if (p.phase === 'merge' || p.cached) return;
      const total = p.totalBytes === null ? '' : ` of ${formatBytes(p.totalBytes)}`;
      const text = `layer ${p.layer + 1} of ${p.layers}: ${formatBytes(p.storedBytes)}${total}, ${p.files.toLocaleString('en')} entries`;
      if (tty) {
        if (!p.done && Date.now() - last < 100) return;
        last = Date.now();
        io.stderr.write(`\r\x1b[2Kindexing ${text}`);
        drawn = true;
      } else if (p.done) io.stderr.write(`indexed ${text}\n`);
    },
    end: () => {
      if (drawn) io.stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** Opens `ref`'s merged filesystem and runs `fn` while its source (registry client, archive) is open. */
export async function withImage<T>(ref: ImageRef, flags: Record<string, string | boolean>, io: CliIo, engine: ContentsEngine, fn: (img: ImageFiles) => Promise<T>): Promise<T> {
  const progress = progressPrinter(io);
  try {
    if (ref.kind === 'registry') {
      const { target } = ref;
      const reference = target.digest ?? target.tag ?? 'latest';
      return await withClient(target.registry, flags, async (client) => {
        // Nothing else waits for this client: its layer reads need not yield to anything.
        const src = await registryImage(client, target.repository!, reference, { store: engine.store, layerPriority: 'foreground' });
        return fn(await engine.openImage(src, { onProgress: progress.onProgress }));
      });
    }
    const archive = await openArchive(ref.path, { displayName: basename(ref.path) });
    try {
      const src = pickArchiveImage(archive, ref.selector, basename(ref.path));
      return await fn(await engine.openImage(src, { onProgress: progress.onProgress }));
    } finally {
      await archive.close();
    }
  } finally {
    progress.end();
  }
}
