/**
 * The search language, parsed from one string. Terms are separated by spaces and all must hold;
 * a leading `-` negates a term; values may be "quoted".
 *
 *   word                 repository name contains word (case-insensitive)
 *   tag:v1.*             tag matches the glob (`*`, `?`); without a wildcard, exactly
 *   digest:sha256:ab12   manifest, platform-manifest or config digest starts with it (bare hex too)
 *   label:key=value      image label (value may be a glob); `label:key` = has the label
 *   platform:linux/arm64 image platform, or an index with that platform (os[/arch[/variant]])
 *   created:>2024-01-01  also >=, <, <=, a day/month/year (2024-05), ranges 2024-01..2024-06, *..2024
 *   size:>100MB          also >=, <, <=, ranges 10MB..1GB; B, KB/MB/GB/TB (1000), KiB/MiB/GiB/TiB (1024)
 *   base:repo:tag        images built on that image: their layers start with its layers (also repo@digest, digest)
 *   is:untagged          also is:tagged, is:index, is:image
 */
import { BerthError } from '../../shared/errors';

/** One parsed term. */
export type Term = { negate: boolean } & (
  | { kind: 'repo'; text: string }
  | { kind: 'tag'; pattern: Matcher }
  | { kind: 'digest'; hex: string; algorithm: string | null }
  | { kind: 'label'; key: string; value: Matcher | null }
  | { kind: 'platform'; segments: string[] }
  | { kind: 'created'; from: number; to: number }
  | { kind: 'size'; min: number; max: number }
  | { kind: 'base'; ref: string }
  | { kind: 'is'; what: 'untagged' | 'tagged' | 'index' | 'image' }
);

/** A parsed query: every term must hold. */
export interface ParsedQuery {
  source: string;
  terms: Term[];
}

const KEYS = ['tag', 'digest', 'label', 'platform', 'created', 'size', 'base', 'is', 'repo'];
const MAX_QUERY = 1000;

const bad = (message: string): BerthError => new BerthError('INVALID_ARGUMENT', message);

/** Parses a search string; a malformed term is an INVALID_ARGUMENT error saying how to write it. */
export function parseQuery(source: string): ParsedQuery {
  if (typeof source !== 'string') throw bad('The search must be text.');
  if (source.length > MAX_QUERY) throw bad(`The search is too long (${source.length} characters; at most ${MAX_QUERY}).`);
  return { source, terms: tokens(source).map(parseTerm) };
}

function tokens(s: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of s.matchAll(re)) out.push(m[0].replace(/"/g, ''));
  return out.filter(Boolean);
}

function parseTerm(token: string): Term {
  const negate = token.startsWith('-') && token.length > 1;
  const t = negate ? token.slice(1) : token;
  const colon = t.indexOf(':');
  const key = colon > 0 ? t.slice(0, colon).toLowerCase() : '';
  if (!KEYS.includes(key)) {
    if (colon > 0 && /^[a-z]+$/.test(key)) throw bad(`Unknown search key "${key}:". Use ${KEYS.map((k) => `${k}:`).join(', ')} or a plain word for repository names.`);
    return { negate, kind: 'repo', text: t.toLowerCase() };
  }
  const value = t.slice(colon + 1);
  if (!value) throw bad(`"${key}:" needs a value, e.g. ${example(key)}.`);
  switch (key) {
    case 'repo':
      return { negate, kind: 'repo', text: value.toLowerCase() };
    case 'tag':
      return { negate, kind: 'tag', pattern: glob(value) };
    case 'digest': {
      const m = /^(?:(sha256|sha384|sha512):)?([0-9a-f]+)$/i.exec(value);
      if (!m) throw bad(`"${value}" is not a digest prefix; write digest:sha256:ab12… or digest:ab12….`);
      return { negate, kind: 'digest', algorithm: m[1]?.toLowerCase() ?? null, hex: m[2].toLowerCase() };
    }
    case 'label': {
      const eq = value.indexOf('=');
      if (eq === 0) throw bad(`"label:${value}" has no key; write label:key=value or label:key.`);
      return eq < 0 ? { negate, kind: 'label', key: value, value: null } : { negate, kind: 'label', key: value.slice(0, eq), value: glob(value.slice(eq + 1)) };
    }
    case 'platform': {
      const segments = value.toLowerCase().split('/');
      if (segments.length > 3 || segments.some((s) => !/^[a-z0-9._-]+$/.test(s))) throw bad(`"${value}" is not a platform; write platform:linux, platform:linux/arm64 or platform:linux/arm/v7.`);
      return { negate, kind: 'platform', segments };
    }
    case 'created': {
      const [from, to] = range(value, parseDate, 'created', (a, b) => [a.from, b.to]);
      return { negate, kind: 'created', from, to };
    }
    case 'size': {
      const [min, max] = range(value, parseSize, 'size', (a, b) => [a.from, b.to]);
      return { negate, kind: 'size', min, max };
    }
    case 'base':
      return { negate, kind: 'base', ref: value };
    default: {
      const what = value.toLowerCase();
      if (what !== 'untagged' && what !== 'tagged' && what !== 'index' && what !== 'image') throw bad(`"is:${value}" is not known; use is:untagged, is:tagged, is:index or is:image.`);
      return { negate, kind: 'is', what };
    }
  }
}

function example(key: string): string {
  return {
    tag: 'tag:v1.*',
    digest: 'digest:sha256:ab12',
    label: 'label:org.opencontainers.image.source=*github*',
    platform: 'platform:linux/arm64',
    created: 'created:>2024-01-01 or created:2024-01..2024-06',
    size: 'size:>100MB or size:10MB..1GB',
    base: 'base:library/debian:12',
    is: 'is:untagged',
    repo: 'repo:team/app',
  }[key]!;
}

/** A value denoting an interval [from, to): a day, a month, a size. */
interface Span {
  from: number;
  to: number;
}

/** Reads `>x`, `>=x`, `<x`, `<=x`, `a..b` (either side may be `*`) or `x`, as a half-open interval. */
function range(value: string, read: (s: string) => Span | null, key: string, join: (a: Span, b: Span) => [number, number]): [number, number] {
  const fail = (): BerthError => bad(`"${key}:${value}" is not understood; write for example ${example(key)}.`);
  const one = (s: string): Span => {
    const span = read(s);
    if (!span) throw fail();
    return span;
  };
  const m = /^(>=|<=|>|<)(.+)$/.exec(value);
  if (m) {
    const span = one(m[2]);
    if (m[1] === '>') return [span.to, Infinity];
    if (m[1] === '>=') return [span.from, Infinity];
    if (m[1] === '<') return [-Infinity, span.from];
    return [-Infinity, span.to];
  }
  const dots = value.indexOf('..');
  if (dots >= 0) {
    const a = value.slice(0, dots);
    const b = value.slice(dots + 2);
    const lo = a === '*' ? { from: -Infinity, to: -Infinity } : one(a);
    const hi = b === '*' ? { from: Infinity, to: Infinity } : one(b);
    return join(lo, hi);
  }
  const span = one(value);
  return [span.from, span.to];
}

/** `2024`, `2024-05`, `2024-05-01` (UTC) or a full ISO 8601 time, as the interval it names. */
export function parseDate(s: string): Span | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = m[2] ? Number(m[2]) - 1 : 0;
    const d = m[3] ? Number(m[3]) : 1;
    if (mo > 11 || d < 1 || d > 31) return null;
    const from = Date.UTC(y, mo, d);
    const to = m[3] ? Date.UTC(y, mo, d + 1) : m[2] ? Date.UTC(y, mo + 1, 1) : Date.UTC(y + 1, 0, 1);
    return { from, to };
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return null;
  const at = Date.parse(s);
  return Number.isFinite(at) ? { from: at, to: at + 1 } : null;
}

const UNITS: Record<string, number> = { b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** `100MB`, `1.5GiB`, `512` (bytes) as the integer byte interval [n, n+1). */
export function parseSize(s: string): Span | null {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(s);
  if (!m) return null;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  if (!unit) return null;
  const n = Math.round(Number(m[1]) * unit);
  return { from: n, to: n + 1 };
}

/** Something that matches whole strings. */
export interface Matcher {
  test(s: string): boolean;
}

/**
 * A glob (`*` any run, `?` one character) matching whole strings, in O(length × pattern) time
 * (no regular expression, so no pattern can make it backtrack exponentially).
 */
export function glob(pattern: string): Matcher {
  if (!/[*?]/.test(pattern)) return { test: (s) => s === pattern };
  return {
    test(s: string): boolean {
      let i = 0;
      let p = 0;
      let star = -1;
      let mark = 0;
      while (i < s.length) {
        if (p < pattern.length && (pattern[p] === '?' || pattern[p] === s[i])) {
          i++;
          p++;
        } else if (p < pattern.length && pattern[p] === '*') {
          star = p++;
          mark = i;
        } else if (star >= 0) {
          p = star + 1;
          i = ++mark;
        } else return false;
      }
      while (p < pattern.length && pattern[p] === '*') p++;
      return p === pattern.length;
    },
  };
}
