/**
 * Pure evaluation of cleanup rules (semantics documented on CleanupRules): candidates from the
 * delete filters, keeps from the keep rules, then protection — registries delete by digest, so a
 * digest stays whenever any tag on it stays, and so do the platform manifests of a kept index.
 */
import type { CleanupRules, CleanupTagRow } from '../../shared/cleanup-types';
import { BerthError } from '../../shared/errors';
import { compilePattern, isSemverRelease, type TagPattern } from './patterns';

/** What the rules look at for one tag. */
export interface CleanupInputRow {
  tag: string;
  digest: string;
  created: string | null;
  size: number | null;
  /** For an index: every manifest digest below it (platform images, attestations, nested indexes). */
  children?: string[];
  /** Set when the tag must stay whatever the rules say (e.g. its manifest could not be read): the reason. */
  forceKeep?: string;
}

const DAY_MS = 86_400_000;
const RULE_KEYS = ['keepNewest', 'olderThanDays', 'nameMatches', 'nameNotMatches', 'keepSemver'] as const;

function invalid(message: string): BerthError {
  return new BerthError('INVALID_ARGUMENT', message);
}

/** Checks rules from an untrusted caller and returns a clean copy; throws INVALID_ARGUMENT saying what to fix. */
export function validateRules(input: unknown): CleanupRules {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('Cleanup rules must be an object; set at least one rule.');
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !(RULE_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw invalid(`Unknown cleanup rule ${unknown.join(', ')}; the rules are ${RULE_KEYS.join(', ')}.`);
  const out: CleanupRules = {};
  if (raw.keepNewest !== undefined && raw.keepNewest !== null) {
    const n = raw.keepNewest;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid(`"Keep newest" must be a whole number of images, 0 or more; got ${String(n)}.`);
    out.keepNewest = n;
  }
  if (raw.olderThanDays !== undefined && raw.olderThanDays !== null) {
    const d = raw.olderThanDays;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d > 365_000) throw invalid(`"Older than" must be a number of days, 0 or more; got ${String(d)}.`);
    out.olderThanDays = d;
  }
  for (const key of ['nameMatches', 'nameNotMatches'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalid(`${key} must be a glob or /regex/ string.`);
    compilePattern(v, key);
    out[key] = v;
  }
  if (raw.keepSemver !== undefined && raw.keepSemver !== null) {
    if (typeof raw.keepSemver !== 'boolean') throw invalid('keepSemver must be true or false.');
    out.keepSemver = raw.keepSemver;
  }
  if (!hasAnyRule(out)) {
    throw invalid('Set at least one cleanup rule. To delete every tag of a repository on purpose, use the name pattern "*".');
  }
  return out;
}

/** True when the rules would select something deliberately (see CleanupRules). */
export function hasAnyRule(r: CleanupRules): boolean {
  return (
    r.olderThanDays !== undefined ||
    r.nameMatches !== undefined ||
    r.nameNotMatches !== undefined ||
    (r.keepNewest ?? 0) > 0 ||
    r.keepSemver === true
  );
}

/** `sha256:0123456789ab…` for reasons. */
export function shortDigest(digest: string): string {
  const [algo, hex = ''] = digest.split(':');
  return hex.length > 12 ? `${algo}:${hex.slice(0, 12)}…` : digest;
}

function timeOf(created: string | null): number | null {
  if (created === null) return null;
  const t = Date.parse(created);
  return Number.isFinite(t) ? t : null;
}

/** Digests of the N newest images, ties at the Nth included. */
function newestDigests(rows: CleanupInputRow[], n: number): Set<string> {
  const newest = new Map<string, number>();
  for (const r of rows) {
    const t = timeOf(r.created);
    if (t === null) continue;
    newest.set(r.digest, Math.max(t, newest.get(r.digest) ?? -Infinity));
  }
  const times = [...newest.values()].sort((a, b) => b - a);
  if (n <= 0 || times.length === 0) return new Set();
  const threshold = times[Math.min(n, times.length) - 1];
  return new Set([...newest].filter(([, t]) => t >= threshold).map(([d]) => d));
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

interface Compiled {
  rules: CleanupRules;
  matches?: TagPattern;
  notMatches?: TagPattern;
  cutoff?: number;
  newest: Set<string>;
  usesDates: boolean;
}

function keepReasons(row: CleanupInputRow, c: Compiled): string[] {
  if (row.forceKeep) return [row.forceKeep];
  const out: string[] = [];
  const n = c.rules.keepNewest ?? 0;
  if (n > 0 && c.newest.has(row.digest)) out.push(n === 1 ? 'the newest' : `among the ${n} newest`);
  if (c.rules.keepSemver && isSemverRelease(row.tag)) out.push('semver release');
  if (c.usesDates && timeOf(row.created) === null) out.push('created date unknown; rules by date never delete it');
  return out;
}

/** Delete-filter verdict: the reasons it passed, or the first reason it did not. */
function filterVerdict(row: CleanupInputRow, c: Compiled): { candidate: boolean; reasons: string[] } {
  const passed: string[] = [];
  if (c.cutoff !== undefined) {
    const t = timeOf(row.created);
    const days = c.rules.olderThanDays!;
    if (t === null || t >= c.cutoff) return { candidate: false, reasons: [`not older than ${days} ${plural(days, 'day', 'days')}`] };
    passed.push(`older than ${days} ${plural(days, 'day', 'days')}`);
  }
  if (c.matches) {
    if (!c.matches.test(row.tag)) return { candidate: false, reasons: [`name does not match ${c.matches.source}`] };
    passed.push(`name matches ${c.matches.source}`);
  }
  if (c.notMatches) {
    if (c.notMatches.test(row.tag)) return { candidate: false, reasons: [`name matches ${c.notMatches.source}`] };
    passed.push(`name does not match ${c.notMatches.source}`);
  }
  if (passed.length === 0) {
    const n = c.rules.keepNewest ?? 0;
    const nots = [n > 0 ? (n === 1 ? 'not the newest' : `not among the ${n} newest`) : '', c.rules.keepSemver ? 'not a semver release' : ''].filter(Boolean);
    passed.push(nots.length ? nots.join(' and ') : 'no rule keeps it');
  }
  return { candidate: true, reasons: passed };
}

/**
 * Decides every row (same order as given). `keep`: a keep rule holds or a delete filter fails;
 * `delete`: a candidate no keep rule saves; `protected`: a candidate whose digest stays anyway
 * (shared with a kept tag, or a child manifest of a kept index).
 */
export function evaluateRules(rows: CleanupInputRow[], rules: CleanupRules, now: Date): CleanupTagRow[] {
  const c: Compiled = {
    rules,
    matches: rules.nameMatches !== undefined ? compilePattern(rules.nameMatches, 'nameMatches') : undefined,
    notMatches: rules.nameNotMatches !== undefined ? compilePattern(rules.nameNotMatches, 'nameNotMatches') : undefined,
    cutoff: rules.olderThanDays !== undefined ? now.getTime() - rules.olderThanDays * DAY_MS : undefined,
    newest: newestDigests(rows, rules.keepNewest ?? 0),
    usesDates: rules.olderThanDays !== undefined || (rules.keepNewest ?? 0) > 0,
  };
  const out: CleanupTagRow[] = rows.map((r) => {
    const base = { tag: r.tag, digest: r.digest, created: r.created, size: r.size };
    const keeps = keepReasons(r, c);
    if (keeps.length) return { ...base, decision: 'keep', reason: keeps.join('; ') };
    const v = filterVerdict(r, c);
    return { ...base, decision: v.candidate ? 'delete' : 'keep', reason: v.reasons.join(', ') };
  });
  protect(rows, out);
  return out;
}

/** Turns `delete` rows whose digest must stay into `protected`, with the tag that holds it. */
function protect(rows: CleanupInputRow[], out: CleanupTagRow[]): void {
  const childrenOf = new Map<string, string[]>();
  for (const r of rows) if (r.children?.length) childrenOf.set(r.digest, r.children);
  // The tag holding each staying digest: directly kept, or an ancestor index that stays.
  const heldBy = new Map<string, { tag: string; via: 'tag' | 'index' }>();
  for (const row of out) if (row.decision === 'keep' && !heldBy.has(row.digest)) heldBy.set(row.digest, { tag: row.tag, via: 'tag' });
  const queue = [...heldBy.keys()];
  while (queue.length) {
    const d = queue.shift()!;
    const holder = heldBy.get(d)!;
    for (const child of childrenOf.get(d) ?? []) {
      if (heldBy.has(child)) continue;
      heldBy.set(child, { tag: holder.tag, via: 'index' });
      queue.push(child);
    }
  }
  for (const row of out) {
    if (row.decision !== 'delete') continue;
    const h = heldBy.get(row.digest);
    if (!h) continue;
    row.decision = 'protected';
    row.reason = h.via === 'tag' ? `shares ${shortDigest(row.digest)} with kept tag ${h.tag}` : `child of kept index ${h.tag}`;
  }
}
