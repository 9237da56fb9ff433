/**
 * The in-memory index of one registry: interned digests, manifest records, and per repository
 * its tags → digest, its stored manifests that no tag reaches (untagged), and the manifests an
 * index refers to that are known not to be stored. What a repository stores is
 * closure(tags ∪ untagged) − missing, where the closure follows index children — the same set
 * `registry garbage-collect` enumerates as the repository's manifest revisions.
 */
import type { BuildLine, Line, RecordLine, RepoLine } from './codec';
import { FORMAT, decodeRecord, encodeRecord } from './codec';
import { DigestTable } from './digests';
import type { ManifestRecord } from './record';
import { isValidDigest } from '../../shared/reference';

const isDigest = (d: unknown): d is string => typeof d === 'string' && isValidDigest(d);

/** What the index knows about one repository. */
export interface RepoState {
  tags: Map<string, number>;
  untagged: Set<number>;
  missing: Set<number>;
  /** Build generation that last read the whole repository (0: none). */
  gen: number;
  /** When the whole repository was last read (ms since the epoch; 0: never). */
  refreshedAt: number;
  /** Something seen since (a tag list with tags the index has no digest for) says a refresh is due. */
  stale: boolean;
  /** Why the last read of the repository failed, if it did. */
  error: string | null;
}

/** Progress of whole-registry builds, persisted so a restarted build resumes. */
export interface BuildState {
  gen: number;
  running: boolean;
  startedAt: number;
  finishedAt: number | null;
  /** Repositories of the running generation (kept so a resumed build does not list the catalog again). */
  catalog: string[] | null;
}

/** A fresh, never-read repository state. */
export function emptyRepo(): RepoState {
  return { tags: new Map(), untagged: new Set(), missing: new Set(), gen: 0, refreshedAt: 0, stale: false, error: null };
}

/** Tags, records and build state of one registry, with the bookkeeping rules for untagged manifests. */
export class IndexModel {
  readonly digests = new DigestTable();
  readonly records = new Map<number, ManifestRecord>();
  readonly repos = new Map<string, RepoState>();
  build: BuildState = { gen: 0, running: false, startedAt: 0, finishedAt: null, catalog: null };
  /** Bumped on every change; derived figures are cached per version. */
  version = 0;

  /** The state of `name` (created empty when `create`). */
  repo(name: string, create: true): RepoState;
  repo(name: string, create?: false): RepoState | undefined;
  repo(name: string, create = false): RepoState | undefined {
    let r = this.repos.get(name);
    if (!r && create) this.repos.set(name, (r = emptyRepo()));
    return r;
  }

  /** Every manifest reachable from `roots` through index children (roots included). */
  closure(roots: Iterable<number>): Set<number> {
    const seen = new Set<number>();
    const stack = [...roots];
    while (stack.length) {
      const d = stack.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      const rec = this.records.get(d);
      if (rec) for (const c of rec.children) if (!seen.has(c)) stack.push(c);
    }
    return seen;
  }

  /** Manifests stored in repository `r`: closure(tags ∪ untagged) − missing. */
  stored(r: RepoState): Set<number> {
    const all = this.closure([...r.tags.values(), ...r.untagged]);
    for (const m of r.missing) all.delete(m);
    return all;
  }

  /** Points `tag` at `digest` (or removes it when digest < 0); a digest left without a tag becomes untagged. */
  setTag(name: string, tag: string, digest: number): void {
    const r = this.repo(name, true);
    const old = r.tags.get(tag);
    if (old === digest || (old === undefined && digest < 0)) return;
    if (digest < 0) r.tags.delete(tag);
    else {
      r.tags.set(tag, digest);
      r.untagged.delete(digest);
      r.missing.delete(digest);
    }
    if (old !== undefined && !this.closure(r.tags.values()).has(old)) r.untagged.add(old);
    this.version++;
  }

  /**
   * Forgets a manifest Berth deleted from `name`: its tags go; the children of a deleted index
   * stay stored (the registry keeps them) and become untagged when nothing else reaches them.
   */
  forget(name: string, digest: number): void {
    const r = this.repos.get(name);
    if (!r) return;
    r.untagged.delete(digest);
    for (const [tag, d] of [...r.tags]) if (d === digest) r.tags.delete(tag);
    const rec = this.records.get(digest);
    let reach = this.closure([...r.tags.values(), ...r.untagged]);
    for (const c of rec?.children ?? []) {
      if (!reach.has(c) && !r.missing.has(c) && c !== digest) {
        r.untagged.add(c);
        reach = this.closure([...r.tags.values(), ...r.untagged]);
      }
    }
    // Still referred to by another index of the repository: the reference stays, the revision is gone.
    if (reach.has(digest)) r.missing.add(digest);
    this.version++;
  }

  /** Replaces a repository's state wholesale (after reading it from the registry). */
  replaceRepo(name: string, state: RepoState): void {
    this.repos.set(name, state);
    this.version++;
  }

  /** Drops a repository that left the catalog. */
  removeRepo(name: string): void {
    if (this.repos.delete(name)) this.version++;
  }

  /** Adds a record (a record already present with its config read is kept: content is immutable). */
  putRecord(rec: ManifestRecord): void {
    const had = this.records.get(rec.digest);
    if (had?.configRead && !rec.configRead) return;
    this.records.set(rec.digest, rec);
    this.version++;
  }

  /** The line persisting repository `name`. */
  repoLine(name: string): RepoLine {
    const r = this.repos.get(name)!;
    const byDigest: Record<string, string[]> = {};
    for (const [tag, d] of r.tags) (byDigest[this.digests.name(d)] ??= []).push(tag);
    const line: RepoLine = { k: 'r', n: name, g: r.gen, at: r.refreshedAt, tg: byDigest };
    if (r.stale) line.st = 1;
    if (r.untagged.size) line.u = [...r.untagged].map((d) => this.digests.name(d));
    if (r.missing.size) line.ms = [...r.missing].map((d) => this.digests.name(d));
    if (r.error) line.e = r.error;
    return line;
  }

  /** The line persisting the build state. */
  buildLine(): BuildLine {
    const b = this.build;
    return { k: 'b', g: b.gen, running: b.running, startedAt: b.startedAt, finishedAt: b.finishedAt, catalog: b.running ? b.catalog : null };
  }

  /** Every line of a compacted file: records still reachable from some repository, repositories, build state. */
  *lines(): Iterable<Line> {
    yield { k: 'v', format: FORMAT };
    yield this.buildLine();
    const live = new Set<number>();
    for (const r of this.repos.values()) for (const d of this.closure([...r.tags.values(), ...r.untagged, ...r.missing])) live.add(d);
    for (const d of live) {
      const rec = this.records.get(d);
      if (rec) yield encodeRecord(this.digests, rec);
    }
    for (const name of this.repos.keys()) yield this.repoLine(name);
  }

  /** Applies one line read from the file (unknown or malformed lines are ignored); false for another format. */
  apply(value: unknown): boolean {
    const line = value as Line;
    if (!line || typeof line !== 'object') return true;
    switch (line.k) {
      case 'v':
        return line.format === FORMAT;
      case 'm': {
        const rec = decodeRecord(this.digests, line as RecordLine);
        if (rec) this.putRecord(rec);
        return true;
      }
      case 'r':
        if (typeof line.n === 'string') this.repos.set(line.n, this.decodeRepo(line));
        return true;
      case 'rm':
        if (typeof line.n === 'string') this.repos.delete(line.n);
        return true;
      case 'b':
        this.build = {
          gen: Number.isInteger(line.g) ? line.g : 0,
          running: line.running === true,
          startedAt: Number(line.startedAt) || 0,
          finishedAt: typeof line.finishedAt === 'number' ? line.finishedAt : null,
          catalog: Array.isArray(line.catalog) ? line.catalog.filter((n): n is string => typeof n === 'string') : null,
        };
        return true;
      default:
        return true;
    }
  }

  private decodeRepo(line: RepoLine): RepoState {
    const r = emptyRepo();
    const ids = (list: unknown): number[] => (Array.isArray(list) ? list.filter(isDigest).map((d) => this.digests.intern(d)) : []);
    for (const [digest, tags] of Object.entries(line.tg ?? {})) {
      if (!isDigest(digest)) continue;
      const id = this.digests.intern(digest);
      if (Array.isArray(tags)) for (const t of tags) if (typeof t === 'string') r.tags.set(t, id);
    }
    r.untagged = new Set(ids(line.u));
    r.missing = new Set(ids(line.ms));
    r.gen = Number.isInteger(line.g) ? line.g : 0;
    r.refreshedAt = Number(line.at) || 0;
    r.stale = line.st === 1;
    r.error = typeof line.e === 'string' ? line.e : null;
    return r;
  }
}
