import { describe, expect, it } from 'vitest';
import { indexAge } from './age';

describe('indexAge', () => {
  it('says "just now" for this very second, and the relative age otherwise', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(indexAge('2026-01-01T12:00:00Z', now)).toBe('just now');
    expect(indexAge('2026-01-01T11:57:00Z', now)).toBe('3 minutes ago');
    expect(indexAge(null, now)).toBe('—');
  });
});
