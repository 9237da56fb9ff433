/**
 * What the readers keep of an archive's entries. An image archive has a few hundred entries that
 * matter, all at the places the image layouts put them; everything else (a rootfs tar dropped by
 * mistake, a hostile archive of a million empty files) is counted and forgotten, so memory stays
 * bounded by what an image can need whatever the archive holds.
 */
import type { ArchiveErrors } from './archive-errors';
import type { IndexedEntry } from './contents';
import { normalizeEntryName, symlinkTarget } from './paths';

/** Entries of any kind an archive may have before it is refused (counted, not kept). */
export const MAX_ENTRIES = 1_000_000;
/** Entries at image-layout paths kept in memory before the archive is refused. */
export const MAX_IMAGE_ENTRIES = 100_000;

/**
 * True when an entry can be part of an image layout: a top-level file (manifest.json, index.json,
 * oci-layout, repositories, `<id>.json` configs, skopeo's `<diffid>.tar`, go-containerregistry's
 * `<hex>.tar.gz`), a legacy `<id>/layer.tar`, or an OCI `blobs/<algorithm>/<encoded>`. Folders are
 * never needed (links are followed by name), nor are the legacy `<id>/json` and `<id>/VERSION`.
 */
export function mayBelongToImage(name: string, kind: IndexedEntry['kind']): boolean {
  if (kind === 'dir' || kind === 'other') return false;
  const first = name.indexOf('/');
  if (first < 0) return true;
  const second = name.indexOf('/', first + 1);
  if (second < 0) return name.endsWith('/layer.tar');
  return first === 5 && name.startsWith('blobs/') && name.indexOf('/', second + 1) < 0;
}

/** Builds the entry for a header once pax / GNU overrides are applied; checks its names. */
export function makeEntry(
  errors: ArchiveErrors,
  rawName: string,
  kind: IndexedEntry['kind'],
  linkname: string,
  size: number,
  offset: number | null,
): IndexedEntry | null {
  const name = normalizeEntryName(rawName);
  if (name === null) throw errors.unsafePath(rawName);
  if (name === '') return null;
  const entry: IndexedEntry = { name, kind, size, offset };
  if (kind === 'symlink') {
    const target = symlinkTarget(name, linkname);
    if (target === null) throw errors.unsafePath(`${rawName} -> ${linkname}`);
    entry.target = target;
  } else if (kind === 'hardlink') {
    const target = normalizeEntryName(linkname);
    if (target === null) throw errors.unsafePath(`${rawName} -> ${linkname}`);
    entry.target = target;
  }
  return entry;
}

/** The entries a reader keeps, with the count of all it saw. */
export class EntryBook {
  readonly entries = new Map<string, IndexedEntry>();
  /** Every entry seen, kept or not (extended headers excluded). */
  seen = 0;

  constructor(private readonly errors: ArchiveErrors) {}

  /**
   * Counts an entry and checks its names (an escaping name is refused even when it would be
   * skipped); returns the entry when an image can need it, else null. `keep` stores it.
   */
  admit(rawName: string, kind: IndexedEntry['kind'], linkname: string, size: number, offset: number | null): IndexedEntry | null {
    if (++this.seen > MAX_ENTRIES) throw this.errors.tooManyEntries(MAX_ENTRIES);
    const entry = makeEntry(this.errors, rawName, kind, linkname, size, offset);
    return entry && mayBelongToImage(entry.name, kind) ? entry : null;
  }

  /** Stores an admitted entry (a later entry of the same name replaces it, as in tar). */
  keep(entry: IndexedEntry): void {
    this.entries.set(entry.name, entry);
    if (this.entries.size > MAX_IMAGE_ENTRIES) throw this.errors.tooManyEntries(MAX_IMAGE_ENTRIES, true);
  }
}
