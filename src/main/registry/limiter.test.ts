import { describe, expect, it } from 'vitest';
import { Limiter, mapLimit } from './limiter';

describe('Limiter', () => {
  it('bounds holders and hands slots over in order', async () => {
    const l = new Limiter(2);
    const r1 = await l.acquire();
    const r2 = await l.acquire();
    let third = false;
    const p3 = l.acquire().then((r) => ((third = true), r));
    await new Promise((r) => setTimeout(r, 5));
    expect(third).toBe(false);
    expect(l.running).toBe(2);
    r1();
    r1(); // idempotent
    const r3 = await p3;
    expect(third).toBe(true);
    expect(l.running).toBe(2);
    r2();
    r3();
    expect(l.running).toBe(0);
  });

  it('drops queued waiters whose signal aborts, without taking a slot', async () => {
    const l = new Limiter(1);
    const r1 = await l.acquire();
    const ac = new AbortController();
    const queued = l.acquire(ac.signal);
    expect(l.waiting).toBe(1);
    ac.abort();
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(l.waiting).toBe(0);
    r1();
    expect(l.running).toBe(0);
    await expect(l.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('mapLimit keeps order and concurrency', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (x) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, x));
      active--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
