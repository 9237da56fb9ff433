/**
 * A small tar header parser (POSIX ustar + pax + GNU long names), enough to index a
 * `docker save` archive with positioned reads. Formats: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html
 */

export const BLOCK = 512;

/** Entry kinds Berth cares about; everything else is skipped. */
export type TarEntryKind = 'file' | 'symlink' | 'hardlink' | 'dir' | 'pax' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link' | 'other';

/** One raw 512-byte header, decoded. */
export interface RawHeader {
  name: string;
  linkname: string;
  size: number;
  kind: TarEntryKind;
  typeflag: string;
}

/** Thrown for a block that is not a valid tar header (caller maps it to ARCHIVE_NOT_TAR). */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

function cString(buf: Buffer, start: number, end: number): string {
  let i = start;
  while (i < end && buf[i] !== 0) i++;
  return buf.toString('utf8', start, i);
}

/** Octal field (NUL/space padded) or GNU base-256 (high bit of the first byte set). */
export function parseNumeric(buf: Buffer, start: number, end: number): number {
  if (buf[start] & 0x80) {
    if (buf[start] === 0xff) throw new TarFormatError('negative base-256 number');
    let v = buf[start] & 0x7f;
    for (let i = start + 1; i < end; i++) v = v * 256 + buf[i];
    if (!Number.isSafeInteger(v)) throw new TarFormatError('number too large');
    return v;
  }
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = buf[i];
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new TarFormatError('bad octal digit');
    v = v * 8 + (c - 0x30);
    digits++;
  }
  return digits === 0 ? 0 : v;
}

/** True when the checksum field matches the header (unsigned or, for old tars, signed sum). */
export function checksumOk(block: Buffer): boolean {
  let stored: number;
  try {
    stored = parseNumeric(block, 148, 156);
  } catch {
    return false;
  }
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += block[i];
    signed += block[i] > 127 ? block[i] - 256 : block[i];
  }
  return stored === unsigned || stored === signed;
}

/** True for an all-zero block (end-of-archive marker). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function kindOf(typeflag: string): TarEntryKind {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'dir';
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-long-name';
    case 'K':
      return 'gnu-long-link';
    default:
      return 'other';
  }
}

/** Decodes one non-zero header block; throws TarFormatError when it is not a tar header. */
export function parseHeader(block: Buffer): RawHeader {
  if (block.length < BLOCK) throw new TarFormatError('short header block');
  if (!checksumOk(block)) throw new TarFormatError('header checksum mismatch');
  const typeflag = String.fromCharCode(block[156]);
  const magic = block.toString('latin1', 257, 263);
  let name = cString(block, 0, 100);
  // POSIX ustar splits long names into prefix + name; GNU tar uses those bytes for times.
  if (magic === 'ustar\0') {
    const prefix = cString(block, 345, 500);
    if (prefix) name = `${prefix}/${name}`;
  }
  let kind = kindOf(typeflag);
  // Pre-POSIX tars mark directories only with a trailing slash.
  if (kind === 'file' && name.endsWith('/')) kind = 'dir';
  return { name, linkname: cString(block, 157, 257), size: parseNumeric(block, 124, 136), kind, typeflag };
}

/** Parses pax extended header records (`"%d %s=%s\n"`); the length counts the whole record. */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space < 0) throw new TarFormatError('bad pax record');
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw new TarFormatError('bad pax record length');
    const record = data.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Value of a GNU `L`/`K` entry: a NUL-terminated name. */
export function parseGnuLongName(data: Buffer): string {
  return cString(data, 0, data.length);
}

/** Bytes the data of an entry occupies, padded to whole blocks. */
export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** True for headers whose data describes the next entry (pax, GNU long names) rather than being one. */
export function isExtendedKind(kind: TarEntryKind): boolean {
  return kind === 'pax' || kind === 'pax-global' || kind === 'gnu-long-name' || kind === 'gnu-long-link';
}

/** An entry's header once pax / GNU overrides are applied. */
export interface ResolvedHeader {
  name: string;
  linkname: string;
  kind: 'file' | 'symlink' | 'hardlink' | 'dir' | 'other';
  size: number;
}

/**
 * pax and GNU long-name state carried from extended headers to the entry they describe, shared by
 * the positioned (plain tar) and the streaming (.tar.gz) readers so both resolve names alike.
 */
export class ExtendedHeaders {
  private global: Record<string, string> = {};
  private pax: Record<string, string> | null = null;
  private longName: string | null = null;
  private longLink: string | null = null;

  /** Takes in the data of an extended header; throws TarFormatError when it is damaged. */
  apply(kind: TarEntryKind, data: Buffer): void {
    if (kind === 'pax') this.pax = { ...(this.pax ?? {}), ...parsePax(data) };
    else if (kind === 'pax-global') this.global = { ...this.global, ...parsePax(data) };
    else if (kind === 'gnu-long-name') this.longName = parseGnuLongName(data);
    else if (kind === 'gnu-long-link') this.longLink = parseGnuLongName(data);
  }

  /** Data size of the entry a regular header starts (a pax size wins); NaN or negative when invalid. */
  size(header: RawHeader): number {
    const paxSize = this.pax?.size ?? this.global.size;
    return paxSize === undefined ? header.size : Number(paxSize);
  }

  /** The entry a regular header starts; clears the per-entry overrides. */
  resolve(header: RawHeader, size: number): ResolvedHeader {
    const name = this.pax?.path ?? this.longName ?? this.global.path ?? header.name;
    const linkname = this.pax?.linkpath ?? this.longLink ?? this.global.linkpath ?? header.linkname;
    const k = header.kind;
    const kind = k === 'file' || k === 'symlink' || k === 'hardlink' || k === 'dir' ? k : 'other';
    this.pax = null;
    this.longName = null;
    this.longLink = null;
    return { name, linkname, kind, size };
  }
}
