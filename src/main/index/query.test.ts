import { describe, expect, it } from 'vitest';
import { glob, parseDate, parseQuery, parseSize } from './query';

describe('parseQuery', () => {
  it('reads every kind of term, negation and quotes', () => {
    const q = parseQuery('Team/App -tag:*-rc* digest:AB12 label:"org.label=two words" platform:linux/arm64 is:untagged base:lib/debian:12');
    expect(q.terms.map((t) => [t.kind, t.negate])).toEqual([
      ['repo', false], ['tag', true], ['digest', false], ['label', false], ['platform', false], ['is', false], ['base', false],
    ]);
    expect(q.terms[0]).toMatchObject({ text: 'team/app' });
    expect(q.terms[2]).toMatchObject({ hex: 'ab12', algorithm: null });
    const label = q.terms[3] as Extract<(typeof q.terms)[number], { kind: 'label' }>;
    expect([label.key, label.value?.test('two words'), label.value?.test('two')]).toEqual(['org.label', true, false]);
    expect(q.terms[4]).toMatchObject({ segments: ['linux', 'arm64'] });
    expect(q.terms[6]).toMatchObject({ ref: 'lib/debian:12' });
    expect(parseQuery('digest:sha256:ab').terms[0]).toMatchObject({ algorithm: 'sha256', hex: 'ab' });
  });

  it('turns dates and sizes into half-open intervals', () => {
    const day = Date.UTC(2024, 0, 1);
    const next = Date.UTC(2024, 0, 2);
    expect(parseQuery('created:>2024-01-01').terms[0]).toMatchObject({ from: next, to: Infinity });
    expect(parseQuery('created:>=2024-01-01').terms[0]).toMatchObject({ from: day, to: Infinity });
    expect(parseQuery('created:<2024-01-01').terms[0]).toMatchObject({ from: -Infinity, to: day });
    expect(parseQuery('created:<=2024-01-01').terms[0]).toMatchObject({ from: -Infinity, to: next });
    expect(parseQuery('created:2024-01..2024-03').terms[0]).toMatchObject({ from: day, to: Date.UTC(2024, 3, 1) });
    expect(parseQuery('created:2024').terms[0]).toMatchObject({ from: day, to: Date.UTC(2025, 0, 1) });
    expect(parseQuery('created:*..2024-01-01').terms[0]).toMatchObject({ from: -Infinity, to: next });
    expect(parseQuery('size:>100MB').terms[0]).toMatchObject({ min: 100e6 + 1, max: Infinity });
    expect(parseQuery('size:<=1KiB').terms[0]).toMatchObject({ min: -Infinity, max: 1025 });
    expect(parseQuery('size:10MB..1.5GB').terms[0]).toMatchObject({ min: 10e6, max: 1.5e9 + 1 });
    expect(parseDate('2024-13')).toBeNull();
    expect(parseSize('12 parsecs')).toBeNull();
  });

  it('says how to write a term it cannot read', () => {
    expect(() => parseQuery('colour:red')).toThrow(/Unknown search key "colour:"/);
    expect(() => parseQuery('size:big')).toThrow(/size:>100MB/);
    expect(() => parseQuery('created:yesterday')).toThrow(/created:>2024-01-01/);
    expect(() => parseQuery('digest:xyz')).toThrow(/not a digest prefix/);
    expect(() => parseQuery('is:old')).toThrow(/is:untagged/);
    expect(() => parseQuery('tag:')).toThrow(/needs a value/);
    expect(() => parseQuery('x'.repeat(2000))).toThrow(/too long/);
    // A colon in a plain word with a non-key prefix is a repository search (host:port style names).
    expect(parseQuery('localhost5000:x').terms[0].kind).toBe('repo');
  });

  it('globs match whole strings without backtracking blow-ups', () => {
    expect(glob('v1.*').test('v1.2.3')).toBe(true);
    expect(glob('v1.*').test('v10')).toBe(false);
    expect(glob('v?').test('v1')).toBe(true);
    expect(glob('*-rc*').test('2.0-rc1')).toBe(true);
    expect(glob('1.0').test('1.0')).toBe(true);
    expect(glob('1.0').test('1x0')).toBe(false);
    // A backtracking regular expression would not come back from this within the test's timeout.
    expect(glob(`${'*a'.repeat(30)}b`).test('a'.repeat(128))).toBe(false);
  });
});
