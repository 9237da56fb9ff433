import { describe, expect, it } from 'vitest';
import { dayOf, digestHue, formatBytes, formatDate, formatPlatform, formatRelative, plural, sharedDays, shortDigest } from './format';

describe('format', () => {
  it('shortens digests like docker does', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('0123456789ab');
  });

  it('formats sizes in SI units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1530)).toBe('1.53 kB');
    expect(formatBytes(3_520_000)).toBe('3.52 MB');
    expect(formatBytes(120_000)).toBe('120 kB');
    expect(formatBytes(null)).toBe('—');
  });

  it('formats relative dates and tolerates unknown ones', () => {
    const now = Date.parse('2024-05-04T12:00:00Z');
    expect(formatRelative('2024-05-01T12:00:00Z', now)).toBe('3 days ago');
    expect(formatRelative('2024-05-04T11:00:00Z', now)).toBe('1 hour ago');
    expect(formatRelative(null, now)).toBe('—');
    expect(formatRelative('not a date', now)).toBe('—');
  });

  it('shows absolute dates, with the time when recent or when asked (neighbours share the day)', () => {
    const now = Date.parse('2024-05-04T12:00:00Z');
    const old = '2021-06-01T09:30:00';
    expect(formatDate(old, { now })).toBe('2021-06-01');
    expect(formatDate(old, { now, withTime: true })).toBe('2021-06-01 09:30');
    expect(formatDate('2024-05-03T08:05:00', { now })).toBe('2024-05-03 08:05');
    expect(formatDate(null, { now })).toBe('—');
    expect(formatDate('garbage', { now })).toBe('—');
  });

  it('finds the days that several dates share', () => {
    expect(dayOf('2021-06-01T23:00:00')).toBe('2021-06-01');
    expect([...sharedDays(['2021-06-01T09:00:00', '2021-06-01T12:00:00', '2021-06-02T09:00:00', null])]).toEqual(['2021-06-01']);
  });

  it('formats platforms and plurals', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(formatPlatform(null)).toBe('—');
    expect(plural(1, 'tag')).toBe('1 tag');
    expect(plural(1200, 'tag')).toBe('1,200 tags');
  });

  it('gives the same hue to the same digest', () => {
    expect(digestHue('sha256:ffeedd00')).toBe(digestHue('sha256:ffeedd00'));
    expect(digestHue('sha256:000001')).not.toBe(digestHue('sha256:0000b4'));
  });
});
