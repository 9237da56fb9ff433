/**
 * Entry-name normalisation and link resolution. Berth never extracts an archive, but it refuses
 * names and links that escape it, so that no later step (spooling, a future extract) can be fooled.
 */

/** Applies `path`'s parts to the directory parts in `from`; null when `..` climbs above the root. */
function walk(from: string[], path: string): string | null {
  const out = [...from];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

/** Normalised entry name, '' for the root, or null when the name escapes the archive. */
export function normalizeEntryName(raw: string): string | null {
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) return null;
  return walk([], raw);
}

/** Target of a symlink entry (linkname relative to the entry's directory), null when it escapes. */
export function symlinkTarget(entryName: string, linkname: string): string | null {
  if (linkname.startsWith('/')) return null;
  const slash = entryName.lastIndexOf('/');
  const dir = slash < 0 ? '' : entryName.slice(0, slash);
  // Walk from the entry's directory so `a/../../x` is caught even though it normalises to `../x`.
  return walk(dir ? dir.split('/') : [], linkname);
}

/** Archive path of an OCI layout blob, or null when the digest is malformed. */
export function blobPath(digest: string): string | null {
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  return m ? `blobs/${m[1]}/${m[2]}` : null;
}

/** The digest an entry name encodes (`blobs/sha256/<hex>` or legacy `<hex>.json`), if any. */
export function digestFromName(name: string): string | null {
  let m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
  if (m) return `sha256:${m[1]}`;
  m = /^(?:.*\/)?([a-f0-9]{64})\.json$/.exec(name);
  return m ? `sha256:${m[1]}` : null;
}
