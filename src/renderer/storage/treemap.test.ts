import { describe, expect, it } from 'vitest';
import type { RepositoryStorage } from '../../shared/index-types';
import { squarify, storageTreemap, type Rect } from './treemap';

const area = (r: Rect): number => r.w * r.h;
const repo = (repository: string, ownBytes: number): RepositoryStorage => ({ repository, ownBytes, sharedBytes: 0, tags: 1, untagged: 0, lastPush: null, refreshedAt: null, stale: false });

describe('squarify', () => {
  it('gives each value an area in proportion, filling the rectangle without overlap', () => {
    const values = [6, 6, 4, 3, 2, 2, 1];
    const rects = squarify(values, { x: 0, y: 0, w: 60, h: 40 });
    const total = values.reduce((a, b) => a + b, 0);
    rects.forEach((r, i) => expect(area(r)).toBeCloseTo((values[i] / total) * 2400, 6));
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(-1e-9);
      expect(r.y).toBeGreaterThanOrEqual(-1e-9);
      expect(r.x + r.w).toBeLessThanOrEqual(60 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(40 + 1e-9);
    }
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i];
        const b = rects[j];
        const overlap = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
        expect(overlap).toBeLessThan(1e-6);
      }
    }
    // Squarified: no cell of this set is a sliver.
    for (const r of rects) expect(Math.max(r.w / r.h, r.h / r.w)).toBeLessThan(4);
  });

  it('copes with zeros and an empty total', () => {
    expect(squarify([0, 0], { x: 0, y: 0, w: 10, h: 10 }).map(area)).toEqual([0, 0]);
    const r = squarify([5, 0, 5], { x: 0, y: 0, w: 10, h: 10 });
    expect(area(r[1])).toBe(0);
    expect(area(r[0]) + area(r[2])).toBeCloseTo(100, 6);
  });
});

describe('storageTreemap', () => {
  it('adds up to the registry total: own bytes per repository plus one shared cell', () => {
    const groups = storageTreemap({ totalStoredBytes: 1000, repositories: [repo('team/a', 300), repo('team/b', 200), repo('solo', 100), repo('empty', 0)] });
    const cells = groups.flatMap((g) => g.cells);
    expect(cells.map((c) => [c.kind, c.label, c.bytes])).toEqual(
      expect.arrayContaining([
        ['repository', 'team/a', 300],
        ['repository', 'team/b', 200],
        ['repository', 'solo', 100],
        ['shared', 'Shared by several repositories', 400],
      ]),
    );
    expect(cells).toHaveLength(4);
    expect(groups.find((g) => g.namespace === 'team')!.bytes).toBe(500);
    const drawn = cells.reduce((s, c) => s + area(c.rect), 0);
    expect(drawn).toBeCloseTo(100 * 100, 3);
    expect(area(cells.find((c) => c.kind === 'shared')!.rect)).toBeCloseTo(4000, 3);
  });

  it('keeps the largest repositories and folds the rest into one cell', () => {
    const repos = Array.from({ length: 50 }, (_, i) => repo(`ns/r${i}`, 100 - i));
    const groups = storageTreemap({ totalStoredBytes: repos.reduce((s, r) => s + r.ownBytes, 0), repositories: repos }, 10);
    const cells = groups.flatMap((g) => g.cells);
    expect(cells.filter((c) => c.kind === 'repository').map((c) => c.label)).toEqual(Array.from({ length: 10 }, (_, i) => `ns/r${i}`));
    expect(cells.find((c) => c.kind === 'rest')).toMatchObject({ count: 40, label: '40 smaller repositories' });
    expect(cells.some((c) => c.kind === 'shared')).toBe(false);
  });
});
