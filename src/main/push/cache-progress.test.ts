import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushProgress } from '../../shared/types';
import { CACHE_FILE, PushCache } from './cache';
import { ProgressTracker } from './progress';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PushCache', () => {
  it('remembers layers and where digests were seen, merging concurrent writers', async () => {
    const a = await PushCache.open(dir);
    const b = await PushCache.open(dir);
    a.putLayer('sha256:d1', 'gzip', { digest: 'sha256:c1', size: 10 });
    a.addSeen('h:1', 'sha256:c1', 'repo-a');
    b.addSeen('h:1', 'sha256:c1', 'repo-b');
    await a.save();
    await b.save();
    const c = await PushCache.open(dir);
    expect(c.layer('sha256:d1', 'gzip')).toEqual({ digest: 'sha256:c1', size: 10 });
    expect(c.layer('sha256:d1', 'none')).toBeUndefined();
    expect(c.seenIn('h:1', 'sha256:c1').sort()).toEqual(['repo-a', 'repo-b']);
    c.forgetSeen('h:1', 'sha256:c1', 'repo-a');
    await c.save();
    expect((await PushCache.open(dir)).seenIn('h:1', 'sha256:c1')).toEqual(['repo-b']);
    // Atomic writes leave no temp files behind.
    expect(await readdir(dir)).toEqual([CACHE_FILE]);
  });
  it('treats a corrupt file as empty', async () => {
    const d = join(dir, 'corrupt');
    await PushCache.open(d).then((c) => c.save());
    await writeFile(join(d, CACHE_FILE), '{not json');
    const c = await PushCache.open(d);
    expect(c.layer('x', 'gzip')).toBeUndefined();
    await c.save();
    expect(JSON.parse(await readFile(join(d, CACHE_FILE), 'utf8')).version).toBe(1);
  });
});

describe('ProgressTracker', () => {
  it('emits at most every 100 ms, then a final event', async () => {
    const events: PushProgress[] = [];
    const t = new ProgressTracker('p', (p) => events.push(p));
    t.addLayer('l1', 1000);
    t.addLayer('l2', 1000);
    const start = Date.now();
    while (Date.now() - start < 350) {
      t.setBytes('l1', Math.min(1000, Date.now() - start));
      await new Promise((r) => setImmediate(r));
    }
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.length).toBeLessThanOrEqual(5);
    t.setState('l2', 'exists');
    const final = t.finish('done');
    expect(final.phase).toBe('done');
    expect(final.bytesDone).toBe(final.layers[0].bytesDone + 1000);
    expect(events.at(-1)).toBe(final);
    const n = events.length;
    t.setBytes('l1', 5);
    await new Promise((r) => setTimeout(r, 150));
    expect(events.length).toBe(n);
  });
});
