import { describe, expect, it } from 'vitest';
import type { TagDetail } from '../../shared/types';
import { digestCounts, knownFor, sortTags } from './sort';

function detail(tag: string, digest: string, size: number | null, created: string | null): TagDetail {
  return { tag, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', kind: 'image', size, created, platforms: [] };
}

const tags = ['1.10', '1.9', 'latest', 'edge', '2.0', 'old'];
const details = new Map<string, TagDetail>([
  ['1.10', detail('1.10', 'sha256:bbb', 300, '2024-03-01T00:00:00Z')],
  ['latest', detail('latest', 'sha256:bbb', 300, '2024-03-01T00:00:00Z')],
  ['1.9', detail('1.9', 'sha256:aaa', 200, '2024-01-01T00:00:00Z')],
  ['2.0', detail('2.0', 'sha256:ccc', 100, '2024-02-01T00:00:00Z')],
]);

describe('sortTags', () => {
  it('sorts by name in natural order, the same whatever details are known', () => {
    expect(sortTags(tags, new Map(), { key: 'name', dir: 'asc' })).toEqual(['1.9', '1.10', '2.0', 'edge', 'latest', 'old']);
    expect(sortTags(tags, details, { key: 'name', dir: 'asc' })).toEqual(['1.9', '1.10', '2.0', 'edge', 'latest', 'old']);
    expect(sortTags(['v0.0.10', 'v0.0.2'], new Map(), { key: 'name', dir: 'asc' })).toEqual(['v0.0.2', 'v0.0.10']);
  });

  it('reverses by name', () => {
    expect(sortTags(tags, new Map(), { key: 'name', dir: 'desc' })).toEqual(['old', 'latest', 'edge', '2.0', '1.10', '1.9']);
  });

  it('sorts by size among known rows, unknown rows after in name order', () => {
    expect(sortTags(tags, details, { key: 'size', dir: 'asc' })).toEqual(['2.0', '1.9', '1.10', 'latest', 'edge', 'old']);
    expect(sortTags(tags, details, { key: 'size', dir: 'desc' })).toEqual(['1.10', 'latest', '1.9', '2.0', 'edge', 'old']);
    expect(knownFor(tags, details, 'size')).toBe(4);
  });

  it('sorts by created, newest first when descending', () => {
    expect(sortTags(tags, details, { key: 'created', dir: 'desc' })).toEqual(['1.10', 'latest', '2.0', '1.9', 'edge', 'old']);
  });

  it('keeps the tags of one digest together among equal sizes', () => {
    const d = new Map(details);
    d.set('edge', detail('edge', 'sha256:abb', 300, null));
    const out = sortTags(tags, d, { key: 'size', dir: 'desc' });
    expect(out.slice(0, 3)).toEqual(['edge', '1.10', 'latest']);
  });
});

describe('digestCounts', () => {
  it('counts tags per digest over every known tag → digest', () => {
    const c = digestCounts(new Map([['1.10', 'sha256:bbb'], ['latest', 'sha256:bbb'], ['1.9', 'sha256:aaa']]));
    expect(c.get('sha256:bbb')).toBe(2);
    expect(c.get('sha256:aaa')).toBe(1);
  });
});
