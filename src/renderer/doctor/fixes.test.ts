import { describe, expect, it } from 'vitest';
import type { RegistryCheck, RegistryInfo } from '../../shared/types';
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
  credentials: { kind: 'none', description: 'no credentials for 127.0.0.1:5000' },
  rateLimit: null,
};

const info = (over: Partial<RegistryInfo> = {}): RegistryInfo => ({
  id: 'r1',
  name: 'local',
  baseUrl: 'https://127.0.0.1:5000',
  host: '127.0.0.1:5000',
  auth: 'auto',
  hasCredentials: false,
  insecure: false,
  tls: { mode: 'verify' },
  pinnedRepositories: [],
  dockerHub: false,
  ...over,
});

const unreachable = (code: 'CONNECTION_REFUSED' | 'TLS_UNTRUSTED' | 'TLS_PIN_MISMATCH' | 'CREDENTIAL_HELPER_FAILED', message: string): RegistryCheck => ({
  ...healthy,
  reachable: false,
  apiVersion: null,
  catalog: null,
  deleteEnabled: null,
  referrers: null,
  httpGarbageCollect: null,
  authenticated: false,
  error: { code, message },
});

const byKey = (check: RegistryCheck, i?: RegistryInfo) => Object.fromEntries(diagnose(check, i).map((x) => [x.key, x]));

describe('diagnose', () => {
  it('lists every item of the check in order', () => {
    expect(diagnose(healthy).map((i) => i.label)).toEqual([
      'Reachable', 'API version', 'Auth scheme', 'Catalog available', 'Delete enabled', 'OCI referrers API', 'HTTP garbage collection',
    ]);
    expect(byKey(healthy).delete).toMatchObject({ verdict: 'ok', fix: undefined });
  });

  it('what the doctor calls normal is info, never a warning', () => {
    const items = byKey({ ...healthy, referrers: false, httpGarbageCollect: false });
    expect(items.referrers.verdict).toBe('info');
    expect(items.gc.verdict).toBe('info');
    expect(items.gc.fix?.text).toMatch(/Normal for distribution/);
  });

  it('delete disabled fails with the config snippet and the environment variable', () => {
    const item = byKey({ ...healthy, deleteEnabled: false }).delete;
    expect(item.verdict).toBe('fail');
    expect(item.fix?.snippets?.map((s) => s.code)).toEqual(['storage:\n  delete:\n    enabled: true', 'REGISTRY_STORAGE_DELETE_ENABLED=true']);
  });

  it('no catalog points at "Add repository"', () => {
    expect(byKey({ ...healthy, catalog: false }).catalog.fix?.text).toMatch(/“Add repository”/);
  });

  it('refused credentials point at the registry’s settings, never at removing it', () => {
    const refused = { ...healthy, authScheme: 'bearer' as const, authenticated: false };
    const saved = byKey(refused, info({ auth: 'password', hasCredentials: true, username: 'alice' })).auth;
    expect(saved).toMatchObject({ verdict: 'fail', value: 'bearer, not signed in' });
    expect(saved.fix?.text).toMatch(/credentials for alice were refused\. Use “Edit registry”/);
    const auto = byKey(refused, info({ auth: 'auto' })).auth;
    expect(auto.fix?.text).toMatch(/docker login 127\.0\.0\.1:5000/);
    expect(auto.fix?.text).toMatch(/“Username and password”/);
    for (const item of [saved, auto]) expect(item.fix?.text).not.toMatch(/Remove|add it again/);
  });

  it('an unreachable registry fails with the error and leaves the rest unknown', () => {
    const items = diagnose(unreachable('CONNECTION_REFUSED', 'refused'), info({ baseUrl: 'http://127.0.0.1:5000' }));
    expect(items[0]).toMatchObject({ verdict: 'fail', value: 'CONNECTION_REFUSED: refused' });
    expect(items[0].fix?.snippets?.[0].code).toBe('curl -i http://127.0.0.1:5000/v2/');
    expect(items.slice(1).every((i) => i.verdict === 'unknown')).toBe(true);
  });

  it('an untrusted certificate points at the registry’s TLS settings, not at "insecure"', () => {
    const item = byKey(unreachable('TLS_UNTRUSTED', 'self-signed'), info()).reachable;
    expect(item.verdict).toBe('fail');
    expect(item.fix?.text).toMatch(/“Edit registry” → TLS for local/);
    expect(item.fix?.text).toMatch(/Trust a CA file.*Trust the certificate it presents/);
    expect(item.fix?.text).not.toMatch(/insecure|add it again/i);
    expect(item.fix?.snippets?.[0].code).toMatch(/openssl x509 -noout -fingerprint -sha256/);
  });

  it('a changed pinned certificate says it may be interception and how to trust the new one', () => {
    const item = byKey(unreachable('TLS_PIN_MISMATCH', 'changed'), info({ tls: { mode: 'pin', pinSha256: 'AA' } })).reachable;
    expect(item.value).toBe('TLS_PIN_MISMATCH: changed');
    expect(item.fix?.text).toMatch(/different certificate.*“Trust this certificate”.*intercepting/);
  });

  it('a failed credential lookup is "not checked", with the ways around it, not "is it running?"', () => {
    const item = byKey(unreachable('CREDENTIAL_HELPER_FAILED', 'helper missing'), info()).reachable;
    expect(item).toMatchObject({ verdict: 'fail', value: 'not checked (CREDENTIAL_HELPER_FAILED)' });
    expect(item.fix?.text).toMatch(/anonymous access or a username and password/);
    expect(item.fix?.snippets).toBeUndefined();
  });
});
