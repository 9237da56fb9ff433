/**
 * What the format readers see of an archive, whichever way it was indexed (positioned reads of
 * a plain tar, or a spooled .tar.gz): a map of entries and a capped way to read them.
 */
import type { ArchiveErrors } from './archive-errors';
import type { BlobSource } from './types';

/** Largest metadata file (manifest.json, index.json, a config, an OCI manifest) Berth reads. */
export const METADATA_CAP = 16 * 1024 * 1024;
/** Metadata bytes read from one archive in all (configs stay in memory with their images). */
export const METADATA_TOTAL = 64 * 1024 * 1024;
/**
 * JSON values (objects, arrays, array elements and members) parsed from one archive in all. Real
 * archives have thousands; each costs heap once parsed, so this bounds the reader's memory.
 */
export const JSON_VALUES_TOTAL = 2_000_000;

/** One entry of the archive after its name was normalised. */
export interface IndexedEntry {
  name: string;
  kind: 'file' | 'symlink' | 'hardlink' | 'dir' | 'other';
  /** Normalised target of a symlink (resolved from the entry's dir) or hard link. */
  target?: string;
  size: number;
  /** Data offset in the plain tar. */
  offset: number | null;
  /** Spooled copy (.tar.gz). */
  file?: string;
  /** Small entry held in memory (.tar.gz). */
  data?: Buffer;
  /** First bytes of the data, captured while streaming (.tar.gz). */
  head?: Buffer;
}

/** An indexed archive as the format readers use it. */
export interface ArchiveContents {
  path: string;
  entries: Map<string, IndexedEntry>;
  /** The end-of-archive marker was seen: a missing entry is missing, not cut off. */
  complete: boolean;
  errors: ArchiveErrors;
  /** What reading metadata has cost so far (bounded by METADATA_TOTAL and JSON_VALUES_TOTAL). */
  spent: { bytes: number; values: number };
  /** Reads `length` bytes of an entry's data starting at `position` within it. */
  read(entry: IndexedEntry, position: number, length: number): Promise<Buffer>;
}

/** Follows symlinks and hard links to a regular file entry; undefined when absent. */
export function resolveEntry(contents: ArchiveContents, name: string): IndexedEntry | undefined {
  let entry = contents.entries.get(name);
  for (let hops = 0; entry && entry.kind !== 'file'; hops++) {
    if ((entry.kind !== 'symlink' && entry.kind !== 'hardlink') || hops > 32 || entry.target === undefined) return undefined;
    entry = contents.entries.get(entry.target);
  }
  return entry;
}

/** The error for an entry that is named but absent (or cut off when the archive ended early). */
export function missing(contents: ArchiveContents, name: string, what: string): Error {
  return contents.complete
    ? contents.errors.missingBlob(name, what)
    : contents.errors.truncated(`it ends before ${what} ${name} (the end-of-archive marker is missing)`);
}

/** Resolves an entry that must exist. */
export function requireEntry(contents: ArchiveContents, name: string, what: string): IndexedEntry {
  const entry = resolveEntry(contents, name);
  if (!entry) throw missing(contents, name, what);
  return entry;
}

/** Whole data of a metadata entry, capped at METADATA_CAP. */
export async function readMetadata(contents: ArchiveContents, name: string, what: string): Promise<Buffer> {
  const entry = requireEntry(contents, name, what);
  if (entry.size > METADATA_CAP) throw contents.errors.tooLarge(name, METADATA_CAP);
  contents.spent.bytes += entry.size;
  if (contents.spent.bytes > METADATA_TOTAL) throw contents.errors.tooMuchMetadata(`more than ${METADATA_TOTAL / 1024 / 1024} MiB`);
  return contents.read(entry, 0, entry.size);
}

/** An upper bound of the values JSON.parse builds from `bytes`: one per container plus one per separator. */
export function countJsonValues(bytes: Buffer): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x2c || c === 0x7b || c === 0x5b) n++;
  }
  return n;
}

/** Parses JSON bytes, naming the file on failure; refuses more values than image metadata has. */
export function parseJson(contents: ArchiveContents, name: string, bytes: Buffer): unknown {
  contents.spent.values += countJsonValues(bytes);
  if (contents.spent.values > JSON_VALUES_TOTAL) throw contents.errors.tooMuchMetadata(`more than ${JSON_VALUES_TOTAL.toLocaleString('en-US')} JSON values`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw contents.errors.badJson(name, (err as Error).message);
  }
}

/** Reads and parses a metadata JSON entry. */
export async function readJson(contents: ArchiveContents, name: string, what: string): Promise<unknown> {
  return parseJson(contents, name, await readMetadata(contents, name, what));
}

/** The first bytes of an entry (fewer when it is shorter). */
export async function readHead(contents: ArchiveContents, entry: IndexedEntry, n: number): Promise<Buffer> {
  if (entry.head && (entry.head.length >= n || entry.head.length === entry.size)) return entry.head.subarray(0, n);
  return contents.read(entry, 0, Math.min(n, entry.size));
}

/** Where openBlob finds an entry's bytes. */
export function blobSource(entry: IndexedEntry): BlobSource {
  const source: BlobSource = { entry: entry.name, offset: entry.offset, size: entry.size };
  if (entry.file) source.file = entry.file;
  return source;
}

/** A parsed JSON object whose fields are checked where they are used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;

/** True for a plain object (JSON `{…}`). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
