/** The push's retry policy: how long each kind of fault is waited out, and the words it shows. */
import { describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import type { PushNotice } from '../../shared/types';
import { classify, classifyRaw, DEFAULT_TIMINGS, parseRetryAfter, RetryPolicy, waitedMs } from './retry';

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('4')).toBe(4000);
    expect(parseRetryAfter(['7'])).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it('is honoured up to the bound, and beyond it the push gives up naming the wait', () => {
    const p = new RetryPolicy('reg:5000', DEFAULT_TIMINGS);
    expect(p.delayFor('rate-limited', 1, 4000)).toBe(4000);
    expect(p.delayFor('rate-limited', 1, 60_000)).toBe(60_000);
    expect(p.delayFor('rate-limited', 1, 61_000)).toBeNull();
    const err = p.explain(new BerthError('TOOMANYREQUESTS', 'x', { status: 429 })) as BerthError;
    expect(err.message).toMatch(/reg:5000 asked Berth to wait 61 s before trying again, longer than Berth waits \(60 s\)/);
    // Without Retry-After: backoff, a bounded number of times.
    expect(p.delayFor('rate-limited', 1, null)).toBe(500);
    expect(p.delayFor('rate-limited', 7, null)).toBeNull();
  });
});

describe('faults', () => {
  it('an unreachable registry is retried for about 30 s, with growing waits', () => {
    const p = new RetryPolicy('h', DEFAULT_TIMINGS);
    const waits: number[] = [];
    for (let n = 1; ; n++) {
      const d = p.delayFor('unreachable', n);
      if (d === null) break;
      waits.push(d);
    }
    expect(waits.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(30_000);
    expect(total).toBeLessThan(35_000);
    expect(waitedMs(3)).toBe(3500);
  });

  it('classifies what the client and undici report', () => {
    expect(classifyRaw(429, undefined)).toBe('rate-limited');
    expect(classifyRaw(503, undefined)).toBe('rate-limited');
    expect(classifyRaw(502, undefined)).toBe('server-error');
    expect(classifyRaw(404, undefined)).toBe('final');
    expect(classifyRaw(undefined, 'ECONNREFUSED')).toBe('unreachable');
    expect(classifyRaw(undefined, 'UND_ERR_SOCKET')).toBe('cut');
    expect(classify(new BerthError('TIMEOUT', 'x', { stalled: true }))).toBe('stalled');
    expect(classify(new BerthError('CONNECTION_REFUSED', 'x'))).toBe('unreachable');
    expect(classify(new BerthError('NETWORK', 'x'))).toBe('cut');
    expect(classify(new BerthError('DIGEST_INVALID', 'x'))).toBe('final');
  });

  it('shows each wait while it lasts; with several at once the newest until the last ends', async () => {
    const shown: (PushNotice | null)[] = [];
    const p = new RetryPolicy('reg', DEFAULT_TIMINGS, (n) => shown.push(n));
    await Promise.all([p.wait('unreachable', 20), p.wait('rate-limited', 40)]);
    expect(shown.map((n) => n?.message ?? null)).toEqual(['reg unreachable, retrying in 1 s', 'reg asked to wait, retrying in 1 s', 'reg asked to wait, retrying in 1 s', null]);
  });

  it('a connection cut again and again is a network problem', () => {
    const p = new RetryPolicy('reg:5000', DEFAULT_TIMINGS);
    p.cuts = 5;
    const err = p.explain(new BerthError('NETWORK', 'The connection to reg:5000 failed (ECONNRESET).')) as BerthError;
    expect(err.message).toMatch(/^The connection to reg:5000 was cut 5 times during the push; check the network or proxy/);
  });
});
