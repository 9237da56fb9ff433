/**
 * Two rows picked to compare (the tags table's checkboxes): a separate hook, so the table only
 * renders a checkbox per row and the Compare bar. A third pick drops the oldest.
 */
import { useCallback, useState } from 'react';

/** What the tags table needs to offer "Compare". */
export interface CompareSelection {
  /** In the order picked: the first is A (before), the second B (after). */
  selected: string[];
  toggle: (tag: string) => void;
  clear: () => void;
}

/** Local state of the picked tags (it resets with the repository, since the table remounts). */
export function useCompareSelection(): CompareSelection {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = useCallback((tag: string) => setSelected((prev) => (prev.includes(tag) ? prev.filter((t) => t !== tag) : [...prev, tag].slice(-2))), []);
  const clear = useCallback(() => setSelected([]), []);
  return { selected, toggle, clear };
}
