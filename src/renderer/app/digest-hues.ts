/**
 * Digest chip colours: the digests on screen get distinct hues (golden-angle steps over slots
 * 0, 1, 2 …), so unrelated digests never look alike among the rows in view; a digest keeps its
 * slot while it stays in view (stable while scrolling), and a slot is reused only once its digest
 * has left the view. Any list of digest chips wraps itself in `DigestHues` (see DigestChip).
 */
import { createContext, useContext, useMemo, useRef } from 'react';
import { digestHue } from './format';

const GOLDEN_ANGLE = 137.508;
/** Where slot 0 starts on the colour wheel (a blue). */
const BASE_HUE = 210;

/** The hue of a slot. */
export function slotHue(slot: number): number {
  return Math.round((BASE_HUE + slot * GOLDEN_ANGLE) % 360);
}

/**
 * New slots for `inView` given the previous ones: digests in view keep theirs; a digest entering
 * the view takes the lowest slot no digest in view holds (evicting an off-screen holder). Every
 * slot belongs to at most one digest.
 */
export function assignSlots(prev: ReadonlyMap<string, number>, inView: readonly string[]): Map<string, number> {
  const next = new Map(prev);
  const visible = [...new Set(inView)];
  const used = new Set<number>();
  const entering: string[] = [];
  for (const d of visible) {
    const slot = next.get(d);
    if (slot !== undefined && !used.has(slot)) used.add(slot);
    else entering.push(d);
  }
  const holder = new Map([...next].map(([d, s]) => [s, d]));
  let free = 0;
  for (const d of entering) {
    while (used.has(free)) free++;
    const evicted = holder.get(free);
    if (evicted !== undefined) next.delete(evicted);
    next.set(d, free);
    holder.set(free, d);
    used.add(free);
  }
  return next;
}

/** Digest → hue for the digests in view, stable across renders (a component's own memory). */
export function useDigestHues(inView: readonly string[]): ReadonlyMap<string, number> {
  const slots = useRef<ReadonlyMap<string, number>>(new Map());
  const key = inView.join(' ');
  return useMemo(() => {
    slots.current = assignSlots(slots.current, key ? key.split(' ') : []);
    return new Map([...slots.current].map(([d, s]) => [d, slotHue(s)]));
  }, [key]);
}

/** Hues of the list a chip sits in; outside any list a chip falls back to a hue of its own digest. */
export const DigestHuesContext = createContext<ReadonlyMap<string, number> | null>(null);

/** The hue for one digest chip. */
export function useDigestHue(digest: string): number {
  return useContext(DigestHuesContext)?.get(digest) ?? digestHue(digest);
}
