/**
 * The lines of an index file (one JSON object per line, see README.md): manifest records,
 * repository states and the build state, turned to and from their in-memory form. Digests are
 * written as strings (the file must stay valid when the in-memory ids change between runs).
 */
import { isValidDigest } from '../../shared/reference';
import type { DigestTable } from './digests';
import type { ManifestRecord, RecordKind } from './record';
import { opaqueRecord } from './record';

/** Version of the file format; a file of another version is set aside and the index starts empty. */
export const FORMAT = 1;

/** A manifest record line. */
export interface RecordLine {
  k: 'm';
  d: string;
  t: string;
  kd: RecordKind;
  s?: number;
  c?: [string, number];
  l?: [string, number][];
  f?: number[];
  ch?: [string, string | null, 0 | 1][];
  p?: string | null;
  cr?: number;
  lb?: Record<string, string>;
  sj?: string;
  at?: string;
  cf: 0 | 1;
}

/** One repository's state: tags grouped by digest, stored manifests no tag reaches, manifests known absent. */
export interface RepoLine {
  k: 'r';
  n: string;
  g: number;
  at: number;
  st?: 1;
  tg: Record<string, string[]>;
  u?: string[];
  ms?: string[];
  e?: string;
}

/** The build state of the registry's index. */
export interface BuildLine {
  k: 'b';
  g: number;
  running: boolean;
  startedAt: number;
  finishedAt: number | null;
  catalog: string[] | null;
}

/** Any line of the file. */
export type Line = { k: 'v'; format: number } | RecordLine | RepoLine | BuildLine | { k: 'rm'; n: string };

const sized = (table: DigestTable, id: number): [string, number] => [table.name(id), table.size(id)];

/** The line for a record. */
export function encodeRecord(table: DigestTable, r: ManifestRecord): RecordLine {
  const line: RecordLine = { k: 'm', d: table.name(r.digest), t: r.mediaType, kd: r.kind, cf: r.configRead ? 1 : 0 };
  const size = table.size(r.digest);
  if (Number.isFinite(size)) line.s = size;
  if (r.config >= 0) line.c = sized(table, r.config);
  if (r.layers.length) line.l = Array.from(r.layers, (id) => sized(table, id));
  if (r.foreign) line.f = Array.from(r.foreign);
  if (r.children.length) line.ch = Array.from(r.children, (id, i) => [table.name(id), r.childPlatforms[i] ?? null, r.childAttestation[i] ? 1 : 0]);
  if (r.platform) line.p = r.platform;
  if (Number.isFinite(r.created)) line.cr = r.created;
  if (r.labels) line.lb = r.labels;
  if (r.subject >= 0) line.sj = table.name(r.subject);
  if (r.artifactType) line.at = r.artifactType;
  return line;
}

const digestOk = (d: unknown): d is string => typeof d === 'string' && isValidDigest(d);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/** A record from its line; null when the line is not a well-formed record. */
export function decodeRecord(table: DigestTable, line: RecordLine): ManifestRecord | null {
  if (!digestOk(line.d) || typeof line.t !== 'string') return null;
  const id = table.intern(line.d);
  table.setSize(id, num(line.s), true);
  const rec = opaqueRecord(id, line.t);
  rec.kind = line.kd === 'image' || line.kd === 'index' ? line.kd : 'other';
  rec.configRead = line.cf === 1;
  const sizedId = (pair: unknown): number => {
    if (!Array.isArray(pair) || !digestOk(pair[0])) return -1;
    const d = table.intern(pair[0]);
    table.setSize(d, num(pair[1]));
    return d;
  };
  if (line.c) rec.config = sizedId(line.c);
  if (Array.isArray(line.l)) rec.layers = Int32Array.from(line.l.map(sizedId).filter((d) => d >= 0));
  if (Array.isArray(line.f)) rec.foreign = Int32Array.from(line.f.filter((i) => Number.isInteger(i) && i >= 0 && i < rec.layers.length));
  if (Array.isArray(line.ch)) {
    const kids = line.ch.filter((c) => Array.isArray(c) && digestOk(c[0]));
    rec.children = Int32Array.from(kids, (c) => table.intern(c[0]));
    rec.childPlatforms = kids.map((c) => (typeof c[1] === 'string' ? c[1] : null));
    rec.childAttestation = Uint8Array.from(kids, (c) => (c[2] === 1 ? 1 : 0));
  }
  if (typeof line.p === 'string') rec.platform = line.p;
  rec.created = num(line.cr);
  if (line.lb && typeof line.lb === 'object') {
    const labels = Object.entries(line.lb).filter(([, v]) => typeof v === 'string');
    rec.labels = labels.length ? Object.fromEntries(labels) : null;
  }
  if (digestOk(line.sj)) rec.subject = table.intern(line.sj);
  if (typeof line.at === 'string') rec.artifactType = line.at;
  return rec;
}
