/**
 * The archive reader's errors, one function per code, so every message says what happened and
 * what the user should do in the same words wherever the problem is found.
 */
import { basename } from 'node:path';
import { BerthError } from '../../shared/errors';

const RECREATE = 'create it again with `docker save IMAGE -o file.tar`';

function amount(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024).toLocaleString('en-US')} KiB`;
  return `${Math.round(bytes / 1024 / 1024).toLocaleString('en-US')} MiB`;
}

/** Builds the error for a given archive file (only its base name is shown to the user). */
export function archiveErrors(path: string) {
  const file = basename(path);
  return {
    notTar: (why?: string) =>
      new BerthError(
        'ARCHIVE_NOT_TAR',
        why
          ? `${file} is not a readable tar archive (${why}); ${RECREATE}.`
          : `${file} is not a tar archive; create one with \`docker save IMAGE -o file.tar\`.`,
      ),
    unsupported: (what: string, fix: string) =>
      new BerthError('ARCHIVE_UNSUPPORTED', `${file} is ${what}, which Berth cannot read; ${fix}.`),
    empty: () => new BerthError('ARCHIVE_EMPTY', `${file} is empty (it holds no files); ${RECREATE}.`),
    truncated: (detail: string) =>
      new BerthError('ARCHIVE_TRUNCATED', `${file} is truncated: ${detail}. The copy is incomplete; copy it again or ${RECREATE}.`),
    noManifest: () =>
      new BerthError(
        'ARCHIVE_NO_MANIFEST',
        `${file} has neither manifest.json nor index.json, so it is not an image archive; ${RECREATE}.`,
      ),
    noImages: () =>
      new BerthError('ARCHIVE_NO_MANIFEST', `${file} lists no image in its manifest; ${RECREATE}.`),
    badJson: (entry: string, detail: string) =>
      new BerthError('ARCHIVE_BAD_JSON', `${entry} in ${file} is not valid: ${detail}; ${RECREATE}.`, { entry }),
    missingBlob: (entry: string, what: string) =>
      new BerthError(
        'ARCHIVE_MISSING_BLOB',
        `${file} names ${what} ${entry}, but the archive does not contain it; ${RECREATE}.`,
        { entry },
      ),
    unsafePath: (entry: string) =>
      new BerthError(
        'ARCHIVE_UNSAFE_PATH',
        `${file} contains the path "${entry}", which points outside the archive; Berth refuses to read it. Only use archives from a source you trust, or ${RECREATE}.`,
        { entry },
      ),
    tooLarge: (entry: string, limit: number) =>
      new BerthError(
        'ARCHIVE_TOO_LARGE',
        `${entry} in ${file} is larger than ${Math.round(limit / 1024 / 1024)} MiB, too large for image metadata; the archive is damaged or not an image archive — ${RECREATE}.`,
        { entry },
      ),
    tooManyEntries: (limit: number, atImagePaths = false) =>
      new BerthError(
        'ARCHIVE_TOO_LARGE',
        `${file} has more than ${limit.toLocaleString('en-US')} entries${atImagePaths ? ' where image files go' : ''}; image archives have a few hundred, so it is not an image archive (or it is damaged) — ${RECREATE}.`,
        { entries: limit },
      ),
    tooMuchMetadata: (how: string) =>
      new BerthError(
        'ARCHIVE_TOO_LARGE',
        `${file} holds ${how} of metadata (manifest.json, index.json, image configs); image archives hold far less, so it is damaged or not an image archive — ${RECREATE}.`,
      ),
    bomb: (ratio: number, expanded: number, compressed: number) =>
      new BerthError(
        'ARCHIVE_TOO_LARGE',
        `${file} expands to more than ${ratio} times its compressed size (${amount(expanded)} from ${amount(compressed)}); no image archive compresses that well, so Berth stopped reading it (it looks like a gzip bomb). If you trust the file, decompress it yourself (\`gunzip ${file}\`) and drop the .tar.`,
        { ratio },
      ),
    noRoom: (dir: string, needed: number, free: number) =>
      new BerthError(
        'ARCHIVE_TOO_LARGE',
        `${file} is gzip-compressed and Berth unpacks its layers to ${dir} first, but the next one needs ${amount(needed)} and only ${amount(free)} can be used there; free some space, or decompress it yourself (\`gunzip ${file}\`) and drop the .tar (a plain .tar is read in place).`,
        { needed, free },
      ),
    digestMismatch: (what: string, entry: string, expected: string, actual: string) =>
      new BerthError(
        'DIGEST_MISMATCH',
        `${what} ${entry} in ${file} hashes to ${actual}, not ${expected}: the archive is damaged; ${RECREATE}.`,
        { entry, expected, actual },
      ),
    noSpace: (dir: string) =>
      new BerthError(
        'ARCHIVE_TOO_LARGE',
        `${file} is gzip-compressed and Berth unpacks it to ${dir} first, but the disk is full; free some space, or decompress it yourself (\`gunzip ${file}\`) and drop the .tar.`,
      ),
    cancelled: () => new BerthError('CANCELLED', `Reading ${file} was cancelled.`),
  };
}

export type ArchiveErrors = ReturnType<typeof archiveErrors>;
