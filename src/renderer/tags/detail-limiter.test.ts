import { describe, expect, it } from 'vitest';
import { abortableDelay, createLimiter } from './detail-limiter';

/** A task whose completion the test controls. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createLimiter', () => {
  it('never runs more than max tasks at once and runs the rest in order', async () => {
    const limiter = createLimiter(3);
    const gates = Array.from({ length: 10 }, () => deferred<number>());
    const started: number[] = [];
    let peak = 0;
    const results = gates.map((g, i) =>
      limiter.run(() => {
        started.push(i);
        peak = Math.max(peak, limiter.running);
        return g.promise;
      }),
    );
    expect(started).toEqual([0, 1, 2]);
    expect(limiter.waiting).toBe(7);
    for (let i = 0; i < 10; i++) {
      gates[i].resolve(i * 10);
      await tick();
    }
    expect(await Promise.all(results)).toEqual(gates.map((_, i) => i * 10));
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
    expect(limiter.running).toBe(0);
  });

  it('drops a queued task whose signal aborts: it is never started', async () => {
    const limiter = createLimiter(1);
    const first = deferred<string>();
    const started: string[] = [];
    const a = limiter.run(() => (started.push('a'), first.promise));
    const controller = new AbortController();
    const b = limiter.run(() => (started.push('b'), Promise.resolve('b')), controller.signal);
    const c = limiter.run(() => (started.push('c'), Promise.resolve('c')));
    expect(limiter.waiting).toBe(2);
    controller.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(limiter.waiting).toBe(1);
    first.resolve('a');
    expect(await a).toBe('a');
    expect(await c).toBe('c');
    expect(started).toEqual(['a', 'c']);
  });

  it('lets a started task finish even when its signal aborts later', async () => {
    const limiter = createLimiter(1);
    const gate = deferred<string>();
    const controller = new AbortController();
    const p = limiter.run(() => gate.promise, controller.signal);
    controller.abort();
    gate.resolve('done');
    expect(await p).toBe('done');
  });

  it('rejects at once for an already aborted signal and frees the slot after a failure', async () => {
    const limiter = createLimiter(1);
    let ran = false;
    await expect(limiter.run(async () => (ran = true), AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(ran).toBe(false);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(() => Promise.resolve(7))).toBe(7);
  });

  it('survives a storm: 1,000 rows queued and 990 aborted send only the 10 that stayed', async () => {
    const limiter = createLimiter(6);
    let sent = 0;
    const controllers = Array.from({ length: 1000 }, () => new AbortController());
    const runs = controllers.map((c, i) => limiter.run(async () => (sent++, i), c.signal).catch(() => -1));
    controllers.forEach((c, i) => {
      if (i >= 6 && i < 996) c.abort();
    });
    const out = await Promise.all(runs);
    expect(sent).toBe(10);
    expect(out.filter((v) => v >= 0)).toEqual([0, 1, 2, 3, 4, 5, 996, 997, 998, 999]);
  });
});

describe('abortableDelay', () => {
  it('resolves after the delay and rejects when aborted', async () => {
    await expect(abortableDelay(5)).resolves.toBeUndefined();
    const c = new AbortController();
    const p = abortableDelay(10_000, c.signal);
    c.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});
