/**
 * Search over the index (language in query.ts). Rows are every tag of every repository plus each
 * repository's untagged manifests, in name order, kept per index version. A query is evaluated
 * once per repository name and once per manifest record into flat arrays, then the rows are one
 * pass of array lookups — linear in the index, so 50,000 tags take a few milliseconds.
 */
import { BerthError } from '../../shared/errors';
import { DEFAULT_TAG, splitRepoTag } from '../../shared/reference';
import type { IndexModel } from './model';
import { parseQuery, type ParsedQuery, type Term } from './query';
import type { ManifestRecord, RecordKind } from './record';
import type { RegistryIndex } from './registry-index';
import { displayCreated, displaySize, topLevelUntagged } from './views';

/** One result: a tag (or an untagged manifest, tag null) and what the index knows of its manifest. */
export interface SearchHit {
  repository: string;
  tag: string | null;
  digest: string;
  kind: RecordKind | null;
  size: number | null;
  created: string | null;
  platforms: string[];
}

/** Results in repository then tag order (untagged manifests after a repository's tags). */
export interface SearchResult {
  hits: SearchHit[];
  /** Rows matching, beyond `limit` too. */
  total: number;
  truncated: boolean;
}

interface Rows {
  version: number;
  repos: string[];
  rowRepo: Int32Array;
  rowTag: (string | null)[];
  rowDigest: Int32Array;
  /** The distinct digests of the rows: record-level terms are evaluated for these only. */
  digests: Int32Array;
  size: Float64Array;
  created: Float64Array;
  /** Records by digest id (array lookups are much cheaper than the Map's in the hot loops). */
  records: (ManifestRecord | undefined)[];
  /** Per digest id: still matching the query being evaluated. */
  digestOk: Uint8Array;
  /** Platform of each image record (lower case, see platformKey), by digest id. */
  platform: (string | null)[];
}

const cache = new WeakMap<RegistryIndex, Rows>();

function rowsOf(index: RegistryIndex): Rows {
  const model = index.model;
  const hit = cache.get(index);
  if (hit && hit.version === model.version) return hit;
  const repos = index.repositories();
  const rowRepo: number[] = [];
  const rowTag: (string | null)[] = [];
  const rowDigest: number[] = [];
  repos.forEach((name, i) => {
    const r = model.repo(name)!;
    for (const tag of [...r.tags.keys()].sort(byCodeUnit)) {
      rowRepo.push(i);
      rowTag.push(tag);
      rowDigest.push(r.tags.get(tag)!);
    }
    for (const d of topLevelUntagged(model, r).sort((a, b) => byCodeUnit(model.digests.name(a), model.digests.name(b)))) {
      rowRepo.push(i);
      rowTag.push(null);
      rowDigest.push(d);
    }
  });
  const size = new Float64Array(model.digests.count).fill(NaN);
  const created = new Float64Array(model.digests.count).fill(NaN);
  const records: (ManifestRecord | undefined)[] = new Array(model.digests.count).fill(undefined);
  const platform: (string | null)[] = new Array(model.digests.count).fill(null);
  for (const rec of model.records.values()) {
    size[rec.digest] = displaySize(model, rec);
    created[rec.digest] = displayCreated(model, rec);
    records[rec.digest] = rec;
    platform[rec.digest] = rec.platform;
  }
  const digests = Int32Array.from(new Set(rowDigest));
  const rows = { version: model.version, repos, rowRepo: Int32Array.from(rowRepo), rowTag, rowDigest: Int32Array.from(rowDigest), digests, size, created, records, platform, digestOk: new Uint8Array(model.digests.count) };
  cache.set(index, rows);
  return rows;
}

/** Runs a query (text or parsed) over the index; at most `limit` hits (default 500) are returned. */
export function searchIndex(index: RegistryIndex, query: string | ParsedQuery, opts: { limit?: number } = {}): SearchResult {
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  const limit = Math.max(0, Math.min(opts.limit ?? 500, 10_000));
  const rows = rowsOf(index);
  const model = index.model;
  const repoOk = new Uint8Array(rows.repos.length).fill(1);
  // Scratch reused across queries (searches are synchronous, so never shared by two at once).
  const digestOk = rows.digestOk.fill(1);
  const rowTerms: Term[] = [];
  for (const term of parsed.terms) {
    if (term.kind === 'repo') {
      rows.repos.forEach((name, i) => {
        if (name.toLowerCase().includes(term.text) === term.negate) repoOk[i] = 0;
      });
    } else if (term.kind === 'tag' || term.kind === 'is') {
      rowTerms.push(term);
    } else {
      const test = term.kind === 'digest' ? null : recordTest(model, rows, term);
      const hit = term.kind === 'digest' ? prefixMatches(model, term) : null;
      for (const d of rows.digests) {
        if (!digestOk[d]) continue;
        const rec = rows.records[d];
        const ok = hit ? digestMatches(hit, d, rec) : !!rec && test!(rec);
        if (ok === term.negate) digestOk[d] = 0;
      }
    }
  }
  const hits: SearchHit[] = [];
  let total = 0;
  for (let i = 0; i < rows.rowRepo.length; i++) {
    const d = rows.rowDigest[i];
    if (!repoOk[rows.rowRepo[i]] || !digestOk[d]) continue;
    const tag = rows.rowTag[i];
    let holds = true;
    for (let k = 0; k < rowTerms.length && holds; k++) holds = rowTermHolds(rows, rowTerms[k], tag, d) !== rowTerms[k].negate;
    if (!holds) continue;
    total++;
    if (hits.length < limit) hits.push(hitOf(model, rows, i));
  }
  return { hits, total, truncated: total > hits.length };
}

function rowTermHolds(rows: Rows, t: Term, tag: string | null, d: number): boolean {
  if (t.kind === 'tag') return tag !== null && t.pattern.test(tag);
  if (t.kind !== 'is') return true;
  if (t.what === 'untagged') return tag === null;
  if (t.what === 'tagged') return tag !== null;
  return rows.records[d]?.kind === t.what;
}

/** Per digest id, 1 when the digest starts with the term's prefix (one pass over the digest strings). */
function prefixMatches(model: IndexModel, t: Extract<Term, { kind: 'digest' }>): Uint8Array {
  const names = model.digests.all();
  const out = new Uint8Array(names.length);
  const hex = t.hex;
  const first = hex.charCodeAt(0);
  for (let id = 0; id < names.length; id++) {
    const name = names[id];
    const colon = name.charCodeAt(6) === 58 ? 6 : name.indexOf(':');
    if (name.charCodeAt(colon + 1) !== first) continue;
    let ok = true;
    for (let i = 1; i < hex.length && ok; i++) ok = name.charCodeAt(colon + 1 + i) === hex.charCodeAt(i);
    if (ok && (t.algorithm === null || (colon === t.algorithm.length && name.startsWith(t.algorithm)))) out[id] = 1;
  }
  return out;
}

/** A manifest matches a digest prefix by its own digest, its config's (the image ID) or a child's. */
function digestMatches(hit: Uint8Array, d: number, rec: ManifestRecord | undefined): boolean {
  if (hit[d]) return true;
  if (!rec) return false;
  if (rec.config >= 0 && hit[rec.config]) return true;
  for (const c of rec.children) if (hit[c]) return true;
  return false;
}

/** A test of one record for the record-level terms (an index passes when one of its images does, for labels and platforms). */
function recordTest(model: IndexModel, rows: Rows, term: Term): (rec: ManifestRecord) => boolean {
  const viaChildren = (own: (r: ManifestRecord) => boolean) => (rec: ManifestRecord): boolean => {
    if (rec.kind !== 'index') return own(rec);
    for (let i = 0; i < rec.children.length; i++) {
      const child = rows.records[rec.children[i]];
      if (!rec.childAttestation[i] && child && own(child)) return true;
    }
    return false;
  };
  switch (term.kind) {
    case 'label':
      return viaChildren((r) => !!r.labels && Object.hasOwn(r.labels, term.key) && (term.value === null || term.value.test(r.labels[term.key])));
    case 'platform': {
      const want = term.segments.join('/');
      const fits = (p: string | null): boolean => !!p && (p === want || (p.startsWith(want) && p.charCodeAt(want.length) === 47));
      const images = viaChildren((r) => fits(rows.platform[r.digest]));
      return (rec) => {
        if (rec.kind !== 'index') return images(rec);
        for (let i = 0; i < rec.children.length; i++) if (!rec.childAttestation[i] && fits(rec.childPlatforms[i])) return true;
        return images(rec);
      };
    }
    case 'created':
      return (rec) => rows.created[rec.digest] >= term.from && rows.created[rec.digest] < term.to;
    case 'size':
      return (rec) => rows.size[rec.digest] >= term.min && rows.size[rec.digest] < term.max;
    case 'base':
      return baseTest(model, term.ref);
    default:
      return () => true;
  }
}

/** Images whose layer list starts with the layers of `ref` (an image, or any platform image of an index). */
function baseTest(model: IndexModel, ref: string): (rec: ManifestRecord) => boolean {
  const base = resolve(model, ref);
  const lists = (base.kind === 'index' ? [...base.children].map((c) => model.records.get(c)) : [base])
    .filter((r): r is ManifestRecord => !!r && r.kind === 'image' && r.layers.length > 0)
    .map((r) => r.layers);
  if (!lists.length) throw new BerthError('INVALID_ARGUMENT', `base:${ref} has no layers the index knows; refresh its repository first.`);
  const excluded = new Set([base.digest, ...base.children]);
  const startsWith = (layers: Int32Array): boolean => lists.some((b) => b.length <= layers.length && b.every((l, i) => layers[i] === l));
  return (rec) => {
    if (excluded.has(rec.digest)) return false;
    if (rec.kind === 'image') return startsWith(rec.layers);
    if (rec.kind !== 'index') return false;
    return [...rec.children].some((c) => {
      const child = model.records.get(c);
      return !!child && child.kind === 'image' && !excluded.has(c) && startsWith(child.layers);
    });
  };
}

/** `repo:tag`, `repo@digest` or a bare digest, as an indexed record. */
function resolve(model: IndexModel, ref: string): ManifestRecord {
  let id: number;
  const at = ref.indexOf('@');
  if (at > 0) id = model.digests.id(ref.slice(at + 1));
  else if (/^sha(256|384|512):/.test(ref)) id = model.digests.id(ref);
  else {
    const { name, tag = DEFAULT_TAG } = splitRepoTag(ref);
    id = model.repo(name)?.tags.get(tag) ?? -1;
  }
  const rec = id >= 0 ? model.records.get(id) : undefined;
  if (!rec) throw new BerthError('INVALID_ARGUMENT', `base:${ref} is not in the index. Write base:repository:tag, base:repository@sha256:… or base:sha256:… of an indexed image.`);
  return rec;
}

function hitOf(model: IndexModel, rows: Rows, i: number): SearchHit {
  const d = rows.rowDigest[i];
  const rec = model.records.get(d);
  const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
  let platforms: string[] = [];
  if (rec?.kind === 'image' && rec.platform) platforms = [rec.platform];
  else if (rec?.kind === 'index') platforms = rec.childPlatforms.filter((p, j): p is string => !!p && !rec.childAttestation[j]);
  const created = rows.created[d];
  return {
    repository: rows.repos[rows.rowRepo[i]],
    tag: rows.rowTag[i],
    digest: model.digests.name(d),
    kind: rec?.kind ?? null,
    size: finite(rows.size[d]),
    created: Number.isFinite(created) ? new Date(created).toISOString() : null,
    platforms,
  };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
