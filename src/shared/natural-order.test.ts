import { describe, expect, it } from 'vitest';
import { compareNatural, sortNatural } from './natural-order';

describe('natural order', () => {
  it('orders numbers inside names by value', () => {
    expect(sortNatural(['ns10', 'ns2', 'ns1'])).toEqual(['ns1', 'ns2', 'ns10']);
    expect(sortNatural(['v0.0.10', 'v0.0.2', 'v0.0.9', 'latest'])).toEqual(['latest', 'v0.0.2', 'v0.0.9', 'v0.0.10']);
    expect(sortNatural(['1.10', '1.9', '2.0'])).toEqual(['1.9', '1.10', '2.0']);
  });

  it('is total: names equal to the collator still get one order', () => {
    expect(compareNatural('App', 'app')).not.toBe(0);
    expect(sortNatural(['app', 'App'])).toEqual(sortNatural(['App', 'app']));
    expect(compareNatural('same', 'same')).toBe(0);
  });
});
