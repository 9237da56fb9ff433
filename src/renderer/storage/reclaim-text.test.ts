import { describe, expect, it } from 'vitest';
import { reclaimWording } from './reclaim-text';

const full = { coverage: 'full' as const, unknownSizes: 0, notFound: [] };

describe('reclaimWording', () => {
  it('says "exactly" only for a full index with every size and item known', () => {
    expect(reclaimWording(full)).toEqual({ exact: true, bound: 'exactly ', scope: ', registry-wide' });
  });

  it('is a floor with unknown sizes, a ceiling on a partial index, and plain when an item is not in the index', () => {
    expect(reclaimWording({ ...full, unknownSizes: 2 })).toMatchObject({ exact: false, bound: 'at least ' });
    expect(reclaimWording({ ...full, coverage: 'partial' })).toEqual({ exact: false, bound: 'up to ', scope: '' });
    expect(reclaimWording({ ...full, coverage: 'pinned' })).toEqual({ exact: false, bound: 'up to ', scope: ', counting the pinned repositories only' });
    expect(reclaimWording({ ...full, notFound: [{ repository: 'a', tag: 'x' }] })).toMatchObject({ exact: false, bound: '' });
  });
});
