import { describe, expect, it } from 'vitest';
import { assignSlots, slotHue } from './digest-hues';

describe('digest hues per visible set', () => {
  it('gives every digest in view its own slot, and distinct hues', () => {
    const slots = assignSlots(new Map(), ['a', 'b', 'a', 'c']);
    expect([...slots.values()].sort()).toEqual([0, 1, 2]);
    const hues = new Set(Array.from({ length: 40 }, (_, i) => slotHue(i)));
    expect(hues.size).toBe(40);
  });

  it('keeps the slots of digests that stay in view while others scroll in and out', () => {
    const first = assignSlots(new Map(), ['a', 'b', 'c']);
    const scrolled = assignSlots(first, ['b', 'c', 'd']);
    expect(scrolled.get('b')).toBe(first.get('b'));
    expect(scrolled.get('c')).toBe(first.get('c'));
    // d takes a's slot (a left the view); b, c and d stay distinct.
    expect(new Set(['b', 'c', 'd'].map((d) => scrolled.get(d))).size).toBe(3);
    expect(scrolled.has('a')).toBe(false);
  });

  it('a digest that comes back keeps its slot when nobody took it', () => {
    const one = assignSlots(new Map(), ['a', 'b']);
    const two = assignSlots(one, ['b']);
    const three = assignSlots(two, ['a', 'b']);
    expect(three.get('a')).toBe(one.get('a'));
  });

  it('never gives two digests in view the same slot, whatever the history', () => {
    let slots = new Map<string, number>();
    for (const view of [['a', 'b'], ['c'], ['a', 'c', 'd'], ['b', 'd', 'e', 'a']]) {
      slots = assignSlots(slots, view);
      const held = view.map((d) => slots.get(d));
      expect(new Set(held).size).toBe(view.length);
    }
  });
});
