import { describe, expect, it } from 'vitest';
import { digestHue, formatBytes, formatPlatform, formatRelative, plural, shortDigest } from './format';

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
