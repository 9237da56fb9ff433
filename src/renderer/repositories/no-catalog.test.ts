import { describe, expect, it } from 'vitest';
import type { RegistryCheck, RegistryInfo } from '../../shared/types';
import { catalogMissing } from './no-catalog';

const check = (authenticated: boolean): RegistryCheck => ({
  reachable: true,
  apiVersion: 'registry/2.0',
  authScheme: 'bearer',
  authenticated,
  catalog: false,
  deleteEnabled: null,
  referrers: null,
  httpGarbageCollect: null,
  credentials: null,
  rateLimit: null,
});
const hub = { dockerHub: true } as RegistryInfo;
const plain = { dockerHub: false } as RegistryInfo;

describe('catalogMissing', () => {
  it('takes a 404 catalog or an unsupported one as "no catalog"', () => {
    expect(catalogMissing('CATALOG_UNAVAILABLE', undefined, plain)).toBe(true);
    expect(catalogMissing('UNSUPPORTED', check(false), plain)).toBe(true);
  });

  it('takes a refused catalog as withheld on Docker Hub or once signed in, as a sign-in problem otherwise', () => {
    expect(catalogMissing('UNAUTHORIZED', check(false), hub)).toBe(true);
    expect(catalogMissing('UNAUTHORIZED', check(true), plain)).toBe(true);
    expect(catalogMissing('UNAUTHORIZED', check(false), plain)).toBe(false);
    expect(catalogMissing('DENIED', undefined, plain)).toBe(false);
  });

  it('leaves other failures (and success) alone', () => {
    expect(catalogMissing('CONNECTION_REFUSED', check(true), hub)).toBe(false);
    expect(catalogMissing(null, check(true), hub)).toBe(false);
  });
});
