/**
 * One file's bytes out of an image: resolve the path in the merged tree (symlinks followed
 * inside the image, never on the host), then read only the layer holding its last version, up
 * to that entry. Text view: a size cap and binary detection (a NUL byte, or invalid UTF-8).
 */
import { PassThrough, type Readable } from 'node:stream';
import type { TextView } from '../../shared/contents-types';
import { BerthError } from '../../shared/errors';
import type { ImageFiles } from './engine';
import { KIND, KIND_NAMES } from './entry-kinds';
import { readEntries } from './layer-entries';
import { FLAG } from './merge';
import { NO_LAYER } from './merged-tree';

const MAX_HOPS = 40;

export type { TextView };

/**
 * Node id of `path` with symlinks resolved inside the image (absolute targets from the image
 * root, `..` clamped there); the last component is followed only when `followLast`.
 */
export function resolvePath(img: ImageFiles, path: string, followLast = true): number {
  const t = img.tree;
  const pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const stack: number[] = [0];
  let hops = 0;
  while (pending.length) {
    const part = pending.shift() as string;
    const cur = stack[stack.length - 1];
    if (part === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    if (t.kind[cur] !== KIND.dir) return -1;
    const next = t.child(cur, Buffer.from(part, 'utf8'));
    if (next < 0 || t.flags[next] & FLAG.ghost) return -1;
    if (t.kind[next] === KIND.symlink && (pending.length > 0 || followLast)) {
      if (++hops > MAX_HOPS) throw new BerthError('INVALID_ARGUMENT', `${path} has more than ${MAX_HOPS} levels of symbolic links (a loop?).`);
      const target = t.link(next);
      if (target.startsWith('/')) stack.length = 1;
      pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
      continue;
    }
    stack.push(next);
  }
  return stack[stack.length - 1];
}

/** The live node for reading `path`'s bytes; explains what else it is. */
function fileNode(img: ImageFiles, path: string): number {
  const id = resolvePath(img, path);
  if (id < 0) {
    const seen = img.tree.lookup(path);
    if (seen >= 0 && img.tree.isGhost(seen)) throw new BerthError('INVALID_ARGUMENT', `${path} was deleted by a later layer of ${img.source.label}; it is not in the image.`);
    throw new BerthError('INVALID_ARGUMENT', `${img.source.label} has no ${path} (symbolic links are followed inside the image).`);
  }
  const kind = img.tree.kind[id];
  if (kind === KIND.dir) throw new BerthError('INVALID_ARGUMENT', `${path} is a folder; save it to disk instead of viewing it.`);
  if (kind !== KIND.file && kind !== KIND.hardlink) throw new BerthError('INVALID_ARGUMENT', `${path} is a ${KIND_NAMES[kind]} and has no content to show.`);
  if (img.tree.srcLayer[id] === NO_LAYER) throw new BerthError('INVALID_ARGUMENT', `${path} is a hard link to ${img.tree.link(id)}, which the image does not have.`);
  return id;
}

/** The bytes of node `id` (a file, or a hard link's target content) as a stream; destroying it stops the read. */
export async function openNode(img: ImageFiles, id: number, signal?: AbortSignal): Promise<Readable> {
  const t = img.tree;
  const layer = t.srcLayer[id];
  const entry = t.srcEntry[id];
  const ref = img.source.layers[layer];
  const index = await img.layerIndex(layer, signal);
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  out.once('close', () => {
    if (!finished) stop.abort();
  });
  readEntries(
    ref,
    index,
    [entry],
    async (_ord, data) => {
      for await (const chunk of data) {
        if (out.destroyed) return;
        if (!out.write(chunk)) await new Promise<void>((resolve) => (out.once('drain', resolve), out.once('close', resolve)));
      }
    },
    stop.signal,
  ).then(
    () => {
      finished = true;
      out.end();
    },
    (err: unknown) => {
      finished = true;
      if (!out.destroyed) out.destroy(err as Error);
    },
  ).finally(() => signal?.removeEventListener('abort', onAbort));
  return out;
}

/** A file's bytes (symlinks followed inside the image), streamed from the layer holding its last version. */
export async function openFile(img: ImageFiles, path: string, signal?: AbortSignal): Promise<{ size: number; stream: Readable }> {
  const id = fileNode(img, path);
  return { size: img.tree.size[id], stream: await openNode(img, id, signal) };
}

/** The first `maxBytes` (default 1 MiB) of a file as text, or `{ binary: true }` for a NUL byte or invalid UTF-8. */
export async function readText(img: ImageFiles, path: string, opts: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<TextView> {
  const cap = opts.maxBytes ?? 1024 * 1024;
  const { size, stream } = await openFile(img, path, opts.signal);
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= cap) break;
    }
  } finally {
    stream.destroy();
  }
  const head = Buffer.concat(chunks).subarray(0, cap);
  if (head.includes(0)) return { binary: true, size };
  const truncated = size > head.length;
  try {
    // `stream: true` lets a multi-byte character cut by the cap pass; anything else invalid is binary.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: truncated });
    return { text, size, truncated };
  } catch {
    return { binary: true, size };
  }
}
