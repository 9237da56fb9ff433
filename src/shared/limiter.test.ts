import { describe, expect, it } from 'vitest';
import { BerthError } from './errors';
import { Limiter, mapLimit } from './limiter';

const tick = () => new Promise((r) => setTimeout(r, 5));

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

  it('background work never holds every slot and takes one only when no foreground request waits', async () => {
    const l = new Limiter(4);
    expect(l.backgroundMax).toBe(2);
    const bg = await Promise.all([l.acquire(undefined, 'background'), l.acquire(undefined, 'background')]);
    let thirdBg: (() => void) | null = null;
    const pThirdBg = l.acquire(undefined, 'background').then((r) => (thirdBg = r));
    await tick();
    // Two slots stay free for the screens although background work waits.
    expect([l.running, l.runningBackground, l.waitingIn('background')]).toEqual([2, 2, 1]);
    const fg = await Promise.all([l.acquire(), l.acquire()]);
    expect(l.running).toBe(4);
    // Every slot is busy: a foreground waiter queued after the background one is served first.
    const order: string[] = [];
    const pFg = l.acquire().then((r) => (order.push('fg'), r));
    const pThirdBg2 = pThirdBg.then((r) => (order.push('bg'), r));
    fg[0]();
    await tick();
    expect(order).toEqual(['fg']);
    // A freed foreground slot does not go to background work while it is at its cap.
    fg[1]();
    await tick();
    expect(order).toEqual(['fg']);
    expect(thirdBg).toBeNull();
    bg[0]();
    await pThirdBg2;
    expect(order).toEqual(['fg', 'bg']);
    (await pFg)();
    bg[1]();
    thirdBg!();
    expect([l.running, l.runningBackground, l.waiting]).toEqual([0, 0, 0]);
  });

  it('a new background request waits behind queued foreground ones even with a slot free', async () => {
    const l = new Limiter(3, { backgroundMax: 3 });
    const held = await Promise.all([l.acquire(), l.acquire(), l.acquire(undefined, 'background')]);
    const order: string[] = [];
    const fg = l.acquire().then((r) => (order.push('fg'), r));
    const bg = l.acquire(undefined, 'background').then((r) => (order.push('bg'), r));
    held[2]();
    await tick();
    expect(order).toEqual(['fg']);
    held[0]();
    (await fg)();
    (await bg)();
    held[1]();
    expect(l.running).toBe(0);
  });

  it('a small limit still lets background work run, and aborted background waiters leave', async () => {
    const one = new Limiter(1);
    expect(one.backgroundMax).toBe(1);
    const r = await one.acquire(undefined, 'background');
    const ac = new AbortController();
    const queued = one.acquire(ac.signal, 'background');
    ac.abort();
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    r();
    expect([one.running, one.waiting]).toEqual([0, 0]);
    expect(new Limiter(8).backgroundMax).toBe(6);
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

  it('mapLimit starts nothing after a failure, waits for what started, and reports the cause over the cancellations it caused', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapLimit([0, 1, 2, 3, 4], 2, async (x) => {
      started.push(x);
      try {
        await new Promise((r) => setTimeout(r, x === 0 ? 1 : 20));
        if (x === 0) throw new BerthError('CANCELLED', 'sibling cancelled');
        if (x === 1) throw new BerthError('BLOB_UNKNOWN', 'the real cause');
        return x;
      } finally {
        settled++;
      }
    });
    await expect(run).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });

  it('run starts a task at once when a slot is free and frees the slot when it settles', async () => {
    const l = new Limiter(1, { cancelled: () => new Error('gone') });
    let started = false;
    const first = l.run(async () => {
      started = true;
      await tick();
      throw new Error('boom');
    });
    expect(started).toBe(true);
    const ac = new AbortController();
    const second = l.run(async () => 2, ac.signal);
    const third = l.run(async () => 3);
    ac.abort();
    await expect(second).rejects.toThrow('gone');
    await expect(first).rejects.toThrow('boom');
    expect(await third).toBe(3);
    expect(l.running).toBe(0);
  });
});
