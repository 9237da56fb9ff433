import { describe, expect, it } from 'vitest';
import { parseRateLimit, parseRateLimitValue } from './rate-limit';

describe('parseRateLimitValue', () => {
  it('reads a count with and without a window', () => {
    expect(parseRateLimitValue('100;w=21600')).toEqual({ count: 100, windowSeconds: 21600 });
    expect(parseRateLimitValue(' 76 ; w = 21600 ')).toEqual({ count: 76, windowSeconds: 21600 });
    expect(parseRateLimitValue('180')).toEqual({ count: 180, windowSeconds: null });
    expect(parseRateLimitValue(['5;w=60;comment="x"', '9'])).toEqual({ count: 5, windowSeconds: 60 });
  });

  it('gives null for missing or garbled values', () => {
    for (const v of [undefined, '', 'many', '-1;w=60', '1.5', ';w=60', '1e3', []]) expect(parseRateLimitValue(v)).toBeNull();
    expect(parseRateLimitValue('7;w=soon')).toEqual({ count: 7, windowSeconds: null });
  });
});

describe('parseRateLimit', () => {
  it("reads Docker Hub's pull limit headers", () => {
    expect(parseRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600', 'docker-ratelimit-source': '1.2.3.4' }, 42)).toEqual({
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
      seenAt: 42,
    });
  });

  it("reads Hub API's x-ratelimit-* spelling and a limit-less remaining", () => {
    expect(parseRateLimit({ 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': '179' }, 1)).toEqual({ limit: 180, remaining: 179, windowSeconds: null, seenAt: 1 });
    expect(parseRateLimit({ 'ratelimit-remaining': '3' }, 1)).toEqual({ limit: null, remaining: 3, windowSeconds: null, seenAt: 1 });
    expect(parseRateLimit({ 'ratelimit-limit': '100;w=60', 'ratelimit-remaining': '3' }, 1)?.windowSeconds).toBe(60);
  });

  it('gives null when remaining is absent or garbled', () => {
    expect(parseRateLimit({})).toBeNull();
    expect(parseRateLimit({ 'ratelimit-limit': '100;w=21600' })).toBeNull();
    expect(parseRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': 'lots' })).toBeNull();
  });

  it('keeps a readable remaining when only the limit is garbled', () => {
    expect(parseRateLimit({ 'ratelimit-limit': 'x', 'ratelimit-remaining': '10;w=60' }, 5)).toEqual({ limit: null, remaining: 10, windowSeconds: 60, seenAt: 5 });
  });
});
