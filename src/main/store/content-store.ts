/**
 * The one on-disk home of content that is immutable by digest (DESIGN convention 5): manifests,
 * configs and referrer lists as the registry sent them, and data derived from a blob (a layer's
 * file index) keyed by that blob's digest. Read once, kept, never fetched again; only tag → digest
 * moves, and that lives elsewhere. Writes go through a temporary file and a rename, so a crash
 * never leaves half an entry; a reader sees the whole entry or none.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { digestOf } from '../registry/digest';

const DIGEST = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;
const KIND = /^[a-z][a-z0-9-]{0,31}$/;

/** Content-addressed files under one root: `blobs/<algo>/<2 hex>/<hex>` and `derived/<kind>/<algo>/<2 hex>/<hex>`. */
export class ContentStore {
  constructor(readonly root: string) {}

  /** The bytes stored under `digest`, or null when this store has never seen them. */
  async get(digest: string): Promise<Buffer | null> {
    return readOrNull(this.blobPath(digest));
  }

  /** Stores `bytes` under `digest` after checking that they hash to it (DIGEST_MISMATCH otherwise). */
  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const actual = digestOf(bytes, split(digest)[0]);
    if (actual !== digest) {
      throw new BerthError('DIGEST_MISMATCH', `Refused to cache content as ${digest}: the bytes hash to ${actual}.`, { expected: digest, actual });
    }
    await writeAtomic(this.blobPath(digest), bytes);
  }

  /** JSON derived from the blob `digest` by `kind` (e.g. "layer-files"), or null when not derived yet. */
  async getDerived<T>(kind: string, digest: string): Promise<T | null> {
    const bytes = await readOrNull(this.derivedPath(kind, digest));
    if (!bytes) return null;
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch {
      // A damaged entry is only a cache miss: derive it again.
      return null;
    }
  }

  /** Stores JSON derived from the blob `digest`; the caller vouches that it is a pure function of that blob. */
  async putDerived(kind: string, digest: string, value: unknown): Promise<void> {
    await writeAtomic(this.derivedPath(kind, digest), Buffer.from(JSON.stringify(value)));
  }

  /** Raw bytes of a derived entry (binary formats), or null when not derived yet. */
  async getDerivedBytes(kind: string, digest: string): Promise<Buffer | null> {
    return readOrNull(this.derivedPath(kind, digest));
  }

  /**
   * Streams a large derived entry: `write` fills a private temporary file next to the final path,
   * renamed into place only when `write` resolves (removed when it throws), so readers see all or nothing.
   */
  async writeDerived(kind: string, digest: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
    const path = this.derivedPath(kind, digest);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await write(fh);
      await fh.close();
      await rename(tmp, path);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Path of a derived entry, for callers that stream large derived files themselves (written with `writeAtomic`). */
  derivedPath(kind: string, digest: string): string {
    if (!KIND.test(kind)) throw new BerthError('INVALID_ARGUMENT', `"${kind}" is not a valid kind of derived content.`);
    const [algorithm, hex] = split(digest);
    return join(this.root, 'derived', kind, algorithm, hex.slice(0, 2), hex);
  }

  /** Whether a derived entry exists. */
  async hasDerived(kind: string, digest: string): Promise<boolean> {
    return stat(this.derivedPath(kind, digest)).then(() => true, () => false);
  }

  /** Forgets a derived entry (for example one found inconsistent). */
  async dropDerived(kind: string, digest: string): Promise<void> {
    await rm(this.derivedPath(kind, digest), { force: true });
  }

  private blobPath(digest: string): string {
    const [algorithm, hex] = split(digest);
    return join(this.root, 'blobs', algorithm, hex.slice(0, 2), hex);
  }
}

/** Writes a file through a sibling temporary file and a rename (atomic on one filesystem). */
export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function split(digest: string): [string, string] {
  const m = DIGEST.exec(digest);
  if (!m) throw new BerthError('INVALID_ARGUMENT', `"${digest}" is not a sha256 or sha512 digest.`);
  return [m[1], m[2]];
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
