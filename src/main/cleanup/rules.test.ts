import { describe, expect, it } from 'vitest';
import type { CleanupTagRow } from '../../shared/cleanup-types';
import { BerthError } from '../../shared/errors';
import { freedSpace } from './freed';
import type { ManifestNode } from './inspect';
import { compilePattern, isSemverRelease } from './patterns';
import { evaluateRules, validateRules, type CleanupInputRow } from './rules';

const NOW = new Date('2025-06-30T00:00:00Z');
const dg = (n: number | string): string => `sha256:${String(n).padStart(64, '0')}`;
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const row = (tag: string, digest: string, created: string | null, extra: Partial<CleanupInputRow> = {}): CleanupInputRow => ({ tag, digest, created, size: 100, ...extra });
const decisions = (rows: CleanupTagRow[]): Record<string, string> => Object.fromEntries(rows.map((r) => [r.tag, r.decision]));
const byTag = (rows: CleanupTagRow[], tag: string): CleanupTagRow => rows.find((r) => r.tag === tag)!;

describe('patterns', () => {
  it('globs match the whole tag; * any run, ? one character, the rest literal', () => {
    const p = compilePattern('pr-*', 'nameMatches');
    expect(['pr-1', 'pr-', 'pr-abc'].map(p.test)).toEqual([true, true, true]);
    expect(['xpr-1', 'pr', 'PR-1'].map(p.test)).toEqual([false, false, false]);
    const q = compilePattern('1.?', 'nameMatches');
    expect(['1.0', '1.x', '1x0', '1.10'].map(q.test)).toEqual([true, true, false, false]);
    expect(compilePattern('a+b(c)', 'x').test('a+b(c)')).toBe(true);
    expect(compilePattern('a+b(c)', 'x').test('aab(c)')).toBe(false);
  });
  it('slashes make a regex, flags allowed, not anchored', () => {
    expect(compilePattern('/^pr-\\d+$/', 'x').test('pr-12')).toBe(true);
    expect(compilePattern('/^pr-\\d+$/', 'x').test('pr-12a')).toBe(false);
    expect(compilePattern('/rc/', 'x').test('1.0-rc1')).toBe(true);
    expect(compilePattern('/^RC/i', 'x').test('rc-1')).toBe(true);
  });
  it('refuses invalid regexes and empty patterns with INVALID_ARGUMENT', () => {
    expect(() => compilePattern('/(/', 'nameMatches')).toThrow(/nameMatches pattern/);
    expect(() => compilePattern('', 'nameMatches')).toThrow(BerthError);
  });
  it('semver releases, with or without v, no prerelease', () => {
    expect(['1.2.3', 'v10.0.1', '0.0.0'].map(isSemverRelease)).toEqual([true, true, true]);
    expect(['1.2', '1.2.3-rc1', 'V1.2.3', 'latest', '1.2.3.4', 'v1.2.x'].map(isSemverRelease)).toEqual([false, false, false, false, false, false]);
  });
});

describe('validateRules', () => {
  it('accepts good rules and drops nulls', () => {
    expect(validateRules({ keepNewest: 3, olderThanDays: 7.5, nameMatches: 'pr-*', keepSemver: true, nameNotMatches: null })).toEqual({
      keepNewest: 3, olderThanDays: 7.5, nameMatches: 'pr-*', keepSemver: true,
    });
  });
  it.each([
    [{}, /at least one/],
    [{ keepNewest: 0, keepSemver: false }, /at least one/],
    [{ keepNewest: -1 }, /Keep newest/],
    [{ keepNewest: 1.5 }, /Keep newest/],
    [{ olderThanDays: 'x' }, /Older than/],
    [{ nameMatches: '/[/' }, /not a valid regular expression/],
    [{ keepnewest: 2 }, /Unknown cleanup rule keepnewest/],
    [null, /must be an object/],
  ])('refuses %j', (input, msg) => {
    let err: unknown;
    try {
      validateRules(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('INVALID_ARGUMENT');
    expect((err as BerthError).message).toMatch(msg);
  });
});

describe('evaluateRules', () => {
  const six = [1, 2, 3, 4, 5, 6].map((i) => row(`t${i}`, dg(i), daysAgo(10 - i)));

  it('keepNewest keeps the N newest images and deletes the rest', () => {
    const out = evaluateRules(six, { keepNewest: 2 }, NOW);
    expect(decisions(out)).toEqual({ t1: 'delete', t2: 'delete', t3: 'delete', t4: 'delete', t5: 'keep', t6: 'keep' });
    expect(byTag(out, 't6').reason).toBe('among the 2 newest');
    expect(byTag(out, 't1').reason).toBe('not among the 2 newest');
    expect(out.map((r) => r.tag)).toEqual(six.map((r) => r.tag)); // input order
  });

  it('keepNewest counts images, not tags, and keeps ties at the Nth', () => {
    const rows = [row('latest', dg(9), daysAgo(1)), row('sha-9', dg(9), daysAgo(1)), row('sha-8', dg(8), daysAgo(2)), row('sha-7', dg(7), daysAgo(3))];
    expect(decisions(evaluateRules(rows, { keepNewest: 1 }, NOW))).toEqual({ latest: 'keep', 'sha-9': 'keep', 'sha-8': 'delete', 'sha-7': 'delete' });
    const tied = [row('a', dg(1), daysAgo(1)), row('b', dg(2), daysAgo(2)), row('c', dg(3), daysAgo(2)), row('d', dg(4), daysAgo(3))];
    expect(decisions(evaluateRules(tied, { keepNewest: 2 }, NOW))).toEqual({ a: 'keep', b: 'keep', c: 'keep', d: 'delete' });
    expect(decisions(evaluateRules(tied, { keepNewest: 10 }, NOW))).toEqual({ a: 'keep', b: 'keep', c: 'keep', d: 'keep' });
  });

  it('never deletes undated tags when a rule uses dates, but name rules alone may', () => {
    const rows = [row('a', dg(1), daysAgo(100)), row('nodate', dg(2), null), row('bad', dg(3), 'not a date')];
    const out = evaluateRules(rows, { keepNewest: 0, olderThanDays: 30 }, NOW);
    expect(decisions(out)).toEqual({ a: 'delete', nodate: 'keep', bad: 'keep' });
    expect(byTag(out, 'nodate').reason).toMatch(/created date unknown/);
    expect(decisions(evaluateRules(rows, { keepNewest: 1 }, NOW))).toEqual({ a: 'keep', nodate: 'keep', bad: 'keep' });
    expect(decisions(evaluateRules(rows, { nameMatches: '*' }, NOW))).toEqual({ a: 'delete', nodate: 'delete', bad: 'delete' });
  });

  it('olderThanDays is strict and measured from `now`', () => {
    const rows = [row('old', dg(1), daysAgo(31)), row('edge', dg(2), daysAgo(30)), row('new', dg(3), daysAgo(1))];
    const out = evaluateRules(rows, { olderThanDays: 30 }, NOW);
    expect(decisions(out)).toEqual({ old: 'delete', edge: 'keep', new: 'keep' });
    expect(byTag(out, 'old').reason).toBe('older than 30 days');
    expect(byTag(out, 'new').reason).toBe('not older than 30 days');
  });

  it('name filters: matches and not-matches', () => {
    const rows = ['pr-1', 'pr-2', 'main', 'pr-keep'].map((t, i) => row(t, dg(i + 1), daysAgo(i)));
    expect(decisions(evaluateRules(rows, { nameMatches: 'pr-*', nameNotMatches: '*keep' }, NOW))).toEqual({ 'pr-1': 'delete', 'pr-2': 'delete', main: 'keep', 'pr-keep': 'keep' });
    const out = evaluateRules(rows, { nameNotMatches: '/^pr-/' }, NOW);
    expect(decisions(out)).toEqual({ 'pr-1': 'keep', 'pr-2': 'keep', main: 'delete', 'pr-keep': 'keep' });
    expect(byTag(out, 'pr-1').reason).toBe('name matches /^pr-/');
    expect(byTag(out, 'main').reason).toBe('name does not match /^pr-/');
  });

  it('keepSemver keeps releases whatever the filters say', () => {
    const rows = ['v1.0.0', '1.2.3', '1.2.3-rc1', 'latest'].map((t, i) => row(t, dg(i + 1), daysAgo(100)));
    const out = evaluateRules(rows, { olderThanDays: 30, keepSemver: true }, NOW);
    expect(decisions(out)).toEqual({ 'v1.0.0': 'keep', '1.2.3': 'keep', '1.2.3-rc1': 'delete', latest: 'delete' });
    expect(byTag(out, 'v1.0.0').reason).toBe('semver release');
  });

  it('combines: candidates pass every filter, any keep rule saves', () => {
    const rows = [
      row('pr-1', dg(1), daysAgo(90)),
      row('pr-2', dg(2), daysAgo(60)),
      row('pr-3', dg(3), daysAgo(5)),
      row('main', dg(4), daysAgo(90)),
      row('pr-4', dg(5), daysAgo(40)),
    ];
    const out = evaluateRules(rows, { olderThanDays: 30, nameMatches: 'pr-*', keepNewest: 2 }, NOW);
    // Newest two images are pr-3 and pr-4; pr-1, pr-2 are old PRs; main fails the name filter.
    expect(decisions(out)).toEqual({ 'pr-1': 'delete', 'pr-2': 'delete', 'pr-3': 'keep', main: 'keep', 'pr-4': 'keep' });
    expect(byTag(out, 'pr-1').reason).toBe('older than 30 days, name matches pr-*');
    expect(byTag(out, 'pr-4').reason).toBe('among the 2 newest');
  });

  it('protects candidates that share a digest with a kept tag', () => {
    const rows = [row('1.0', dg(1), daysAgo(100)), row('build-17', dg(1), daysAgo(100)), row('build-18', dg(2), daysAgo(100))];
    const out = evaluateRules(rows, { nameMatches: 'build-*' }, NOW);
    expect(decisions(out)).toEqual({ '1.0': 'keep', 'build-17': 'protected', 'build-18': 'delete' });
    expect(byTag(out, 'build-17').reason).toBe(`shares sha256:000000000000… with kept tag 1.0`);
  });

  it('protects child manifests of a kept index, transitively', () => {
    const rows = [
      row('latest', dg('a'), daysAgo(1), { children: [dg('c1'), dg('c2'), dg('nested'), dg('n1')] }),
      row('amd64', dg('c1'), daysAgo(100)),
      row('nested-tag', dg('nested'), daysAgo(100), { children: [dg('n1')] }),
      row('n1-tag', dg('n1'), daysAgo(100)),
      row('old-index', dg('b'), daysAgo(100), { children: [dg('c3')] }),
      row('c3-tag', dg('c3'), daysAgo(5)),
    ];
    const out = evaluateRules(rows, { nameMatches: '*', keepNewest: 0, olderThanDays: 30 }, NOW);
    expect(decisions(out)).toEqual({ latest: 'keep', amd64: 'protected', 'nested-tag': 'protected', 'n1-tag': 'protected', 'old-index': 'delete', 'c3-tag': 'keep' });
    expect(byTag(out, 'amd64').reason).toBe('child of kept index latest');
  });

  it('forceKeep wins over every rule', () => {
    const out = evaluateRules([row('weird', dg(1), null, { forceKeep: 'unreadable' })], { nameMatches: '*' }, NOW);
    expect(out[0]).toMatchObject({ decision: 'keep', reason: 'unreadable' });
  });
});

describe('freedSpace', () => {
  const node = (d: string, blobs: [string, number][], children: string[] = []): [string, ManifestNode] => [
    d,
    { digest: d, kind: children.length ? 'index' : 'image', blobs: blobs.map(([digest, size]) => ({ digest, size })), children },
  ];
  const nodes = new Map([
    node('A', [['cfgA', 10], ['L1', 100], ['L2', 200]]),
    node('B', [['cfgB', 11], ['L1', 100], ['L3', 300]]),
    node('C', [['cfgC', 12], ['L2', 200], ['L4', 400]]),
    node('I', [], ['X', 'Y']),
    node('X', [['cfgX', 5], ['L5', 500]]),
    node('Y', [['cfgY', 6], ['L1', 100]]),
  ]);
  it('counts blobs only deleted manifests use, once each', () => {
    // Delete A and B, keep C: L1 is shared by A and B (counted once); L2 stays with C.
    expect(freedSpace(nodes, new Set(['A', 'B']), ['C'])).toEqual({ freedBytes: 10 + 11 + 100 + 300, untaggedChildren: [] });
  });
  it('follows index children and reports the ones left untagged', () => {
    expect(freedSpace(nodes, new Set(['I']), ['A'])).toEqual({ freedBytes: 5 + 500 + 6, untaggedChildren: ['X', 'Y'] });
    // A child that a remaining tag points at is not freed.
    expect(freedSpace(nodes, new Set(['I']), ['X'])).toEqual({ freedBytes: 6 + 100, untaggedChildren: ['Y'] });
  });
});
