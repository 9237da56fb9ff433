/**
 * What one tar entry of a layer is, as a small number (stored in a Uint8Array column), and how
 * a layer's entry names become image paths: normalised, whiteouts recognised (OCI image spec,
 * "Whiteouts": `.wh.<name>` deletes `<name>` from lower layers, `.wh..wh..opq` makes its
 * directory opaque).
 */
import type { Header } from 'tar-stream';
import { ENTRY_KINDS, type KindName } from '../../shared/contents-types';

/** Entry kinds as stored in the index. */
export const KIND = {
  file: 0,
  dir: 1,
  symlink: 2,
  hardlink: 3,
  char: 4,
  block: 5,
  fifo: 6,
  /** `.wh.<name>`: the path recorded is the one it deletes. */
  whiteout: 7,
  /** `.wh..wh..opq`: the path recorded is the directory made opaque. */
  opaque: 8,
  /** Anything else (the root entry, aufs metadata, unknown types): kept for numbering, ignored by the merge. */
  other: 9,
} as const;

/** Name of each kind, by number (the contract's list, in the same order as KIND). */
export const KIND_NAMES = ENTRY_KINDS;
export type { KindName };

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * An entry name as a path below the image root: leading `/` and `./` dropped, `.` removed and
 * `..` clamped at the root — the way runtimes resolve it (umoci's securejoin, Go's
 * filepath.Clean of "/"+name), so a hostile `../../etc/x` lands at `etc/x`, never outside.
 */
export function cleanPath(raw: string): string {
  if (!raw.includes('.') && !raw.startsWith('/') && !raw.includes('//') && !raw.endsWith('/')) return raw;
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function typeKind(type: Header['type'] | null | undefined): number {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return KIND.file;
    case 'directory':
      return KIND.dir;
    case 'symlink':
      return KIND.symlink;
    case 'link':
      return KIND.hardlink;
    case 'character-device':
      return KIND.char;
    case 'block-device':
      return KIND.block;
    case 'fifo':
      return KIND.fifo;
    default:
      return KIND.other;
  }
}

/** Kind, image path and link of a tar entry (symlink targets kept as written; hard link targets cleaned). */
export function classify(header: Header): { kind: number; path: string; link: string } {
  const path = cleanPath(header.name);
  let kind = typeKind(header.type);
  if (path === '') return { kind: KIND.other, path, link: '' };
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (base.startsWith(WH)) {
    const dir = slash < 0 ? '' : path.slice(0, slash);
    if (base === OPAQUE) return { kind: dir === '' ? KIND.other : KIND.opaque, path: dir, link: '' };
    const hidden = base.slice(WH.length);
    // `.wh..wh.plnk` and friends are aufs bookkeeping, not deletions.
    if (hidden.startsWith(WH) || hidden === '' || hidden === '.' || hidden === '..') return { kind: KIND.other, path, link: '' };
    return { kind: KIND.whiteout, path: dir ? `${dir}/${hidden}` : hidden, link: '' };
  }
  const linkname = header.linkname ?? '';
  if (kind === KIND.hardlink) {
    const target = cleanPath(linkname);
    if (target === '') kind = KIND.other;
    return { kind, path, link: target };
  }
  return { kind, path, link: kind === KIND.symlink ? linkname : '' };
}

/**
 * Order of names as UTF-8 bytes (= code points), which is how the string tables sort and compare;
 * UTF-16 order differs only where a surrogate meets U+E000–U+FFFF.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
