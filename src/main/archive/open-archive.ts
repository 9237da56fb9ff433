/**
 * Opening an archive: a `docker save` / OCI archive (plain or gzipped tar) is recognised by its
 * first bytes, indexed (plain tars, with positioned reads) or spooled once (.tar.gz), and its
 * images listed; blobs are streamed from it later.
 */
import { open, rm } from 'node:fs/promises';
import { BerthError } from '../../shared/errors';
import { archiveErrors, type ArchiveErrors } from './archive-errors';
import { openBlobStream } from './blob-stream';
import { type ArchiveContents, resolveEntry } from './contents';
import { readDockerImages } from './docker-format';
import { spoolGzipTar } from './gzip-spool';
import { newLayout, readOciImages } from './oci-format';
import { indexPlainTar, readFully } from './tar-index';
import type { ArchiveImageEntry, ArchiveLayout, OpenArchiveOptions, OpenedArchive } from './types';

async function readImages(contents: ArchiveContents): Promise<{ format: OpenedArchive['format']; images: ArchiveImageEntry[]; layout: ArchiveLayout | null }> {
  let found: { format: OpenedArchive['format']; images: Omit<ArchiveImageEntry, 'index'>[] };
  const layout = resolveEntry(contents, 'index.json') ? newLayout(contents) : null;
  if (resolveEntry(contents, 'manifest.json')) found = await readDockerImages(contents, layout ?? undefined);
  else if (layout) found = { format: 'oci', images: await readOciImages(contents, layout) };
  else if (!contents.complete) throw contents.errors.truncated('it ends before its manifest.json or index.json (the end-of-archive marker is missing)');
  else throw contents.errors.noManifest();
  if (found.images.length === 0) throw contents.errors.noImages();
  return { format: found.format, images: found.images.map((img, index) => ({ index, ...img })), layout };
}

function checkMagic(head: Buffer, errors: ArchiveErrors): void {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) {
    throw errors.unsupported('zstd-compressed', 'decompress it first (`zstd -d FILE`) or save it again with `docker save IMAGE -o file.tar`');
  }
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw errors.unsupported('xz-compressed', 'decompress it first (`xz -d FILE`)');
  }
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') {
    throw errors.unsupported('bzip2-compressed', 'decompress it first (`bunzip2 FILE`)');
  }
}

function fileError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new BerthError('INVALID_ARGUMENT', `${path} does not exist; choose the file again.`);
  if (code === 'EISDIR') return new BerthError('INVALID_ARGUMENT', `${path} is a folder; choose a .tar file made by \`docker save IMAGE -o file.tar\`.`);
  if (code === 'EACCES' || code === 'EPERM') return new BerthError('INVALID_ARGUMENT', `${path} cannot be read (permission denied); check its permissions.`);
  return err as Error;
}

/** Opens an archive and lists its images; nothing is left behind when it fails. */
export async function openArchive(path: string, opts: OpenArchiveOptions = {}): Promise<OpenedArchive> {
  const errors = archiveErrors(opts.displayName ?? path);
  const { signal } = opts;
  if (signal?.aborted) throw errors.cancelled();
  let fh;
  try {
    fh = await open(path, 'r');
    const info = await fh.stat();
    if (info.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    const size = info.size;
    if (size === 0) throw errors.empty();
    const head = await readFully(fh, 0, Math.min(512, size));
    checkMagic(head, errors);

    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      await fh.close();
      fh = undefined;
      const { contents, dir } = await spoolGzipTar(path, size, errors, { tempRoot: opts.tempDir, signal, keepFree: opts.keepFree });
      const close = () => rm(dir, { recursive: true, force: true });
      try {
        const { format, images, layout } = await readImages(contents);
        if (signal?.aborted) throw errors.cancelled();
        return {
          path,
          format,
          compressed: true,
          images,
          layout,
          openBlob: (source, sig) => openBlobStream(path, contents.entries, errors, source, sig),
          close,
        };
      } catch (err) {
        await close();
        throw err;
      }
    }

    const handle = fh;
    const { entries, complete } = await indexPlainTar(handle, size, errors, signal);
    const contents: ArchiveContents = {
      path,
      entries,
      complete,
      errors,
      spent: { bytes: 0, values: 0 },
      async read(entry, position, length) {
        const buf = await readFully(handle, (entry.offset ?? 0) + position, length);
        if (buf.length < length) throw errors.truncated(`${entry.name} ends early (was the file changed while it was read?)`);
        return buf;
      },
    };
    const { format, images, layout } = await readImages(contents);
    if (signal?.aborted) throw errors.cancelled();
    return {
      path,
      format,
      compressed: false,
      images,
      layout,
      openBlob: (source, sig) => openBlobStream(path, null, errors, source, sig),
      close: async () => {},
    };
  } catch (err) {
    throw err instanceof BerthError ? err : fileError(path, err);
  } finally {
    await fh?.close();
  }
}
