import { describe, expect, it } from 'vitest';
import type { RepositoryGraph } from './inspect';
import { RepositoryReadCache } from './read-cache';

const graph = (tag: string): RepositoryGraph => ({ rows: [{ tag, digest: `sha256:${'a'.repeat(64)}`, created: null, size: null }], nodes: new Map() });

describe('RepositoryReadCache', () => {
  it('reuses a read within the TTL and forgets it after', () => {
    let t = 0;
    const cache = new RepositoryReadCache(1000, () => t);
    const g = graph('x');
    cache.set('r1', 'team/app', g);
    t = 999;
    expect(cache.get('r1', 'team/app')).toBe(g);
    expect(cache.get('r2', 'team/app')).toBeUndefined();
    t = 1001;
    expect(cache.get('r1', 'team/app')).toBeUndefined();
  });

  it('forgets one repository or every repository of a registry', () => {
    const cache = new RepositoryReadCache(60_000);
    cache.set('r1', 'a', graph('a'));
    cache.set('r1', 'b', graph('b'));
    cache.set('r2', 'a', graph('c'));
    cache.forget('r1', 'a');
    expect(cache.get('r1', 'a')).toBeUndefined();
    expect(cache.get('r1', 'b')).toBeDefined();
    cache.forget('r1');
    expect(cache.get('r1', 'b')).toBeUndefined();
    expect(cache.get('r2', 'a')).toBeDefined();
  });

  it('keeps at most 8 repositories, dropping the least recently used', () => {
    const cache = new RepositoryReadCache(60_000);
    for (let i = 0; i < 8; i++) cache.set('r', `repo${i}`, graph(String(i)));
    cache.get('r', 'repo0');
    cache.set('r', 'repo8', graph('8'));
    expect(cache.get('r', 'repo0')).toBeDefined();
    expect(cache.get('r', 'repo1')).toBeUndefined();
    expect(cache.get('r', 'repo8')).toBeDefined();
  });
});
