import { describe, expect, it } from 'vitest';
import type { RegistryCheck } from '../../shared/types';
import { diagnose } from './fixes';

const healthy: RegistryCheck = {
  reachable: true,
  apiVersion: 'registry/2.0',
  authScheme: 'none',
  authenticated: true,
  catalog: true,
  deleteEnabled: true,
  referrers: false,
  httpGarbageCollect: false,
};

const byKey = (check: RegistryCheck) => Object.fromEntries(diagnose(check).map((i) => [i.key, i]));

describe('diagnose', () => {
  it('lists every item of the check in order', () => {
    expect(diagnose(healthy).map((i) => i.label)).toEqual([
      'Reachable', 'API version', 'Auth scheme', 'Catalog available', 'Delete enabled', 'OCI referrers API', 'HTTP garbage collection',
    ]);
    expect(byKey(healthy).delete).toMatchObject({ verdict: 'ok', fix: undefined });
  });

  it('delete disabled fails with the config snippet and the environment variable', () => {
    const item = byKey({ ...healthy, deleteEnabled: false }).delete;
    expect(item.verdict).toBe('fail');
    expect(item.fix?.snippets?.map((s) => s.code)).toEqual(['storage:\n  delete:\n    enabled: true', 'REGISTRY_STORAGE_DELETE_ENABLED=true']);
  });

  it('no catalog says to type a repository name; refused credentials say how to sign in', () => {
    expect(byKey({ ...healthy, catalog: false }).catalog.fix?.text).toMatch(/Type a repository name/);
    const a = byKey({ ...healthy, authScheme: 'bearer', authenticated: false }).auth;
    expect(a).toMatchObject({ verdict: 'fail', value: 'bearer, not signed in' });
    expect(a.fix?.text).toMatch(/username and password/);
  });

  it('an unreachable registry fails with the error and leaves the rest unknown', () => {
    const items = diagnose(
      { ...healthy, reachable: false, apiVersion: null, catalog: null, deleteEnabled: null, referrers: null, httpGarbageCollect: null, authenticated: false, error: { code: 'CONNECTION_REFUSED', message: 'refused' } },
      { id: 'r1', baseUrl: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', hasCredentials: false, insecure: false },
    );
    expect(items[0]).toMatchObject({ verdict: 'fail', value: 'CONNECTION_REFUSED: refused' });
    expect(items[0].fix?.snippets?.[0].code).toBe('curl -i http://127.0.0.1:5000/v2/');
    expect(items.slice(1).every((i) => i.verdict === 'unknown')).toBe(true);
  });
});
