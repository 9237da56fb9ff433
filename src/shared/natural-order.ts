/**
 * The one order for every list a person reads (namespaces, repositories, tags, cleanup and delete
 * confirmations, CLI output): natural order, so `ns2` comes before `ns10` and `v0.0.2` before
 * `v0.0.10`. Paging cursors keep the registry's own lexical order (distribution spec); this is
 * only for display.
 */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order; names the collator calls equal (`App` / `app`) fall back to code-unit order, so the order is total. */
export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A sorted copy in natural order. */
export function sortNatural<T extends string>(list: Iterable<T>): T[] {
  return [...list].sort(compareNatural);
}
