import { describe, expect, it } from 'vitest';
import { filterPackages } from './packages';

const pkgs = [
  { name: 'openssl', version: '3.0.13', license: 'Apache-2.0' },
  { name: 'zlib', version: '1.3.1', license: 'Zlib' },
  { name: 'busybox', version: null, license: null },
];

describe('filterPackages', () => {
  it('keeps every package for an empty query', () => {
    expect(filterPackages(pkgs, '  ')).toHaveLength(3);
  });
  it('matches name, version or license, case-insensitively, every word', () => {
    expect(filterPackages(pkgs, 'SSL').map((p) => p.name)).toEqual(['openssl']);
    expect(filterPackages(pkgs, '1.3').map((p) => p.name)).toEqual(['zlib']);
    expect(filterPackages(pkgs, 'apache 3.0').map((p) => p.name)).toEqual(['openssl']);
    expect(filterPackages(pkgs, 'apache zlib')).toEqual([]);
  });
});
