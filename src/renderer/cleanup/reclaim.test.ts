import { describe, expect, it } from 'vitest';
import type { CleanupPlan } from '../../shared/cleanup-types';
import { cleanupSelection } from './reclaim';

describe('cleanupSelection', () => {
  it('selects each digest the plan deletes, the same array for the same plan', () => {
    const plan = { repository: 'shop/api', deleteDigests: [{ digest: 'sha256:a', tags: ['1'] }, { digest: 'sha256:b', tags: ['2', '2.0'] }] } as unknown as CleanupPlan;
    const s = cleanupSelection(plan);
    expect(s).toEqual([
      { repository: 'shop/api', digest: 'sha256:a' },
      { repository: 'shop/api', digest: 'sha256:b' },
    ]);
    expect(cleanupSelection(plan)).toBe(s);
    expect(cleanupSelection({ ...plan } as CleanupPlan)).not.toBe(s);
  });
});
