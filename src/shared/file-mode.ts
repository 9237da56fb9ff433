/** How the file browser and `berth files` show an entry's type and permissions (as `ls -l` does). */
import type { KindName } from './contents-types';

const TYPE_CHAR: Record<KindName, string> = { file: '-', hardlink: '-', dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p', whiteout: '-', opaque: 'd', other: '?' };

/** `drwxr-xr-x`, `-rwsr-xr-x`, `lrwxrwxrwx`: the kind, then owner/group/other with set-id and sticky bits. */
export function modeString(kind: KindName, mode: number): string {
  const triple = (bits: number, special: boolean, specialChar: string): string => {
    const x = bits & 1 ? (special ? specialChar : 'x') : special ? specialChar.toUpperCase() : '-';
    return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${x}`;
  };
  return TYPE_CHAR[kind] + triple(mode >> 6, (mode & 0o4000) !== 0, 's') + triple(mode >> 3, (mode & 0o2000) !== 0, 's') + triple(mode, (mode & 0o1000) !== 0, 't');
}

/** The layer (0-based) holding a path's current version: the last that changed it, else the one that added it. */
export function currentLayer(node: { addedIn: number | null; changedIn: number[] }): number | null {
  return node.changedIn.length ? node.changedIn[node.changedIn.length - 1] : node.addedIn;
}
