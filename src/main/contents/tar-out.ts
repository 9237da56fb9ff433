/**
 * A file or folder of an image as one stream, for a browser download: a file's bytes as they
 * are, a folder as a tar. Like saveToDisk, each layer holding saved content is read once, only
 * up to the last entry needed; nothing touches the local disk. Set-id and sticky bits are
 * dropped, hard links inside the folder stay hard links, symlinks are written as symlinks.
 */
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Header, type Pack } from 'tar-stream';
import { BerthError } from '../../shared/errors';
import type { ImageFiles } from './engine';
import { KIND } from './entry-kinds';
import { openNode, resolvePath } from './files-out';
import { readEntries } from './layer-entries';
import { planSave } from './save';

/** What a download streams: a file's bytes or a folder's tar, and the name to save it under. */
export interface ImageDownload {
  name: string;
  kind: 'file' | 'tar';
  /** Bytes of a file (a tar's size is not known in advance). */
  size: number | null;
  stream: Readable;
}

type EntryHeader = Partial<Header> & Pick<Header, 'name'>;

function addHeader(p: Pack, header: EntryHeader): Promise<void> {
  return new Promise((resolve, reject) => p.entry(header, (err) => (err ? reject(err) : resolve())));
}

/** Writes one file entry with backpressure; resolves once tar-stream has taken all of it. */
async function addFile(p: Pack, header: EntryHeader, data: AsyncIterable<Buffer>, signal: AbortSignal): Promise<void> {
  let sink!: ReturnType<Pack['entry']>;
  const done = new Promise<void>((resolve, reject) => {
    sink = p.entry(header, (err) => (err ? reject(err) : resolve()));
  });
  for await (const chunk of data) {
    if (signal.aborted) throw new BerthError('CANCELLED', 'The download was cancelled.');
    if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  }
  sink.end(undefined);
  await done;
}

/** Writes the tar of folder `top` into `p`, then ends it. */
async function writeFolder(img: ImageFiles, top: number, base: string, p: Pack, signal: AbortSignal): Promise<void> {
  const t = img.tree;
  const work = planSave(img, top, t.path(top));
  const name = (rel: string) => (rel ? `${base}/${rel}` : base);
  const stamp = (id: number) => ({ mtime: new Date(t.mtime[id] * 1000), uid: t.uid[id], gid: t.gid[id] });
  for (const d of work.dirs) await addHeader(p, { name: name(d.rel), type: 'directory', mode: (t.mode[d.id] & 0o777) | 0o700, ...stamp(d.id) });
  for (const [layer, byEntry] of [...work.files].sort((a, b) => a[0] - b[0])) {
    const index = await img.layerIndex(layer, signal);
    await readEntries(
      img.source.layers[layer],
      index,
      [...byEntry.keys()].sort((a, b) => a - b),
      async (ord, data) => {
        const { rels, id } = byEntry.get(ord) as { rels: string[]; id: number };
        const header: EntryHeader = { name: name(rels[0]), type: 'file', size: t.size[id], mode: (t.mode[id] & 0o777) | 0o600, ...stamp(id) };
        await addFile(p, header, data, signal);
        for (const rel of rels.slice(1)) await addHeader(p, { name: name(rel), type: 'link', linkname: name(rels[0]), mode: header.mode, ...stamp(id) });
      },
      signal,
    );
  }
  for (const l of work.links) await addHeader(p, { name: name(l.rel), type: 'symlink', linkname: l.target, mode: 0o777 });
  p.finalize();
}

/** The download of `path` (symlinks followed inside the image): a file's bytes, or a folder as a tar. */
export async function openDownload(img: ImageFiles, path: string, signal?: AbortSignal): Promise<ImageDownload> {
  const t = img.tree;
  const id = resolvePath(img, path);
  if (id < 0 || t.isGhost(id)) throw new BerthError('INVALID_ARGUMENT', `${img.source.label} has no ${path}; nothing was downloaded.`);
  const base = t.name(id) || 'image-root';
  if (t.kind[id] !== KIND.dir) {
    if (t.kind[id] !== KIND.file && t.kind[id] !== KIND.hardlink) throw new BerthError('INVALID_ARGUMENT', `${path} is not a file or a folder, so there is nothing to download.`);
    return { name: base, kind: 'file', size: t.size[id], stream: await openNode(img, id, signal) };
  }
  const p = pack();
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  // The reader going away (a closed download) stops the layer reads.
  out.once('close', () => stop.abort());
  pipeline(p, out).catch(() => undefined);
  writeFolder(img, id, base, p, stop.signal)
    .catch((err: unknown) => p.destroy(err as Error))
    .finally(() => signal?.removeEventListener('abort', onAbort));
  return { name: `${base}.tar`, kind: 'tar', size: null, stream: out };
}
