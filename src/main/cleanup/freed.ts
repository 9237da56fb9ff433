/**
 * Pure freed-space count: a blob comes back (after garbage collection) only when no remaining
 * manifest refers to it, so blobs are deduplicated by digest across both sides.
 */
import type { ManifestNode } from './inspect';

/** Every manifest digest reachable from `roots` through index children (roots included). */
export function closure(roots: Iterable<string>, nodes: ReadonlyMap<string, ManifestNode>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    for (const c of nodes.get(d)?.children ?? []) stack.push(c);
  }
  return seen;
}

/**
 * Bytes of blobs referenced only by the deleted manifests (and their children that nothing
 * remaining refers to), and those orphaned children.
 */
export function freedSpace(
  nodes: ReadonlyMap<string, ManifestNode>,
  deleted: ReadonlySet<string>,
  remaining: Iterable<string>,
): { freedBytes: number; untaggedChildren: string[] } {
  const kept = closure(remaining, nodes);
  const gone = [...closure(deleted, nodes)].filter((d) => !kept.has(d));
  const keptBlobs = new Set<string>();
  for (const d of kept) for (const b of nodes.get(d)?.blobs ?? []) keptBlobs.add(b.digest);
  const freed = new Map<string, number>();
  for (const d of gone) {
    for (const b of nodes.get(d)?.blobs ?? []) {
      if (!keptBlobs.has(b.digest) && !freed.has(b.digest)) freed.set(b.digest, b.size);
    }
  }
  let freedBytes = 0;
  for (const size of freed.values()) freedBytes += size;
  return { freedBytes, untaggedChildren: gone.filter((d) => !deleted.has(d)).sort() };
}
