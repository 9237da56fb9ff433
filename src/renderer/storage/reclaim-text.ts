/** How sure a reclaim estimate is, in the words the reclaim line uses. */
import type { ReclaimEstimate } from '../../shared/index-types';

/** The estimate's wording: `exact` only when the whole registry is indexed and every freed size and selected item is known. */
export function reclaimWording(e: Pick<ReclaimEstimate, 'coverage' | 'unknownSizes' | 'notFound'>): { exact: boolean; bound: string; scope: string } {
  const exact = e.coverage === 'full' && e.unknownSizes === 0 && e.notFound.length === 0;
  // Unknown sizes make the figure a floor; a partial index may count blobs other repositories still use, a ceiling.
  const bound = e.unknownSizes > 0 ? 'at least ' : e.coverage !== 'full' ? 'up to ' : exact ? 'exactly ' : '';
  const scope = e.coverage === 'full' ? ', registry-wide' : e.coverage === 'pinned' ? ', counting the pinned repositories only' : '';
  return { exact, bound, scope };
}
