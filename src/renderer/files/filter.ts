/** The Files section's two filter choices (layer, status) as the engine's TreeFilter. */
import type { NodeStatus, TreeFilter } from '../../shared/contents-types';

/** Status shown: everything, or added / changed / removed paths only. */
export type ShowChoice = 'all' | Exclude<NodeStatus, 'unchanged'>;

/** The engine's filter for a layer choice and a status choice. */
export function treeFilter(layer: number | null, show: ShowChoice): TreeFilter {
  const f: TreeFilter = layer === null ? {} : { layer };
  return show === 'all' ? f : { ...f, show: [show] };
}
