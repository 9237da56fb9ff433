import { describe, expect, it } from 'vitest';
import type { PresentedCertificate, RegistryCheck } from '../../shared/types';
import { formatDateUtc } from '../app/format';
import { credentialsText, formatRateLimit, registryTone, secretStorageText, sidebarAuthText, tlsProblemText } from './status';

const ok: RegistryCheck = {
  reachable: true,
  apiVersion: 'registry/2.0',
  authScheme: 'bearer',
  authenticated: true,
  catalog: true,
  deleteEnabled: true,
  referrers: null,
  httpGarbageCollect: null,
  credentials: { kind: 'docker-helper', username: 'alice', description: 'docker-credential-desktop (credsStore in ~/.docker/config.json)' },
  rateLimit: null,
};

const cert: PresentedCertificate = {
  subject: 'CN=127.0.0.1',
  issuer: 'CN=Test CA',
  altNames: ['127.0.0.1', 'localhost'],
  validFrom: 'Nov 22 10:00:00 2026 GMT',
  validTo: 'Nov 24 10:00:00 2026 GMT',
  sha256: 'AB:CD',
  selfSigned: false,
  problem: 'unknown-ca',
  problemCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
};

describe('registryTone', () => {
  it('is grey before the first answer, red when the check call failed', () => {
    expect(registryTone(undefined, false)).toBe('checking');
    expect(registryTone(undefined, true)).toBe('bad');
  });

  it('is green when reachable and signed in (or no auth), amber when not signed in', () => {
    expect(registryTone(ok, false)).toBe('ok');
    expect(registryTone({ ...ok, authScheme: 'none', authenticated: false }, false)).toBe('ok');
    expect(registryTone({ ...ok, authenticated: false }, false)).toBe('warn');
    expect(registryTone({ ...ok, error: { code: 'CREDENTIAL_HELPER_FAILED', message: 'x' } }, false)).toBe('warn');
    expect(registryTone({ ...ok, reachable: false, error: { code: 'CREDENTIALS_UNREADABLE', message: 'x' } }, false)).toBe('warn');
  });

  it('is red when unreachable or the certificate is refused', () => {
    expect(registryTone({ ...ok, reachable: false }, false)).toBe('bad');
    expect(registryTone({ ...ok, reachable: false, error: { code: 'TLS_UNTRUSTED', message: 'x' } }, false)).toBe('bad');
  });
});

describe('texts', () => {
  it('rate limit: remaining / limit per window, with missing parts left out', () => {
    expect(formatRateLimit({ limit: 100, remaining: 76, windowSeconds: 21600, seenAt: 0 })).toBe('Pulls left: 76 / 100 per 6 h');
    expect(formatRateLimit({ limit: null, remaining: 3, windowSeconds: null, seenAt: 0 })).toBe('Pulls left: 3');
    expect(formatRateLimit({ limit: 10, remaining: 0, windowSeconds: 90, seenAt: 0 })).toBe('Pulls left: 0 / 10 per 90 s');
  });

  it('credentials: who and from where', () => {
    expect(credentialsText(ok)).toBe('Signed in as alice · from docker-credential-desktop (credsStore in ~/.docker/config.json)');
    expect(credentialsText({ ...ok, credentials: { kind: 'docker-config', username: '<token>', description: '~/.docker/config.json (auths)' } })).toBe(
      'Signed in with a token · from ~/.docker/config.json (auths)',
    );
    expect(credentialsText({ ...ok, credentials: { kind: 'none', description: 'no credentials found' } })).toBe('No credentials found');
    expect(credentialsText({ ...ok, credentials: null })).toBeNull();
  });

  it('never says signed in when the registry refused the credentials or asked for none', () => {
    const refused = { ...ok, authScheme: 'basic' as const, authenticated: false, credentials: { kind: 'saved' as const, username: 'bob', description: 'the password saved in Berth' } };
    expect(credentialsText(refused)).toBe('The registry refused bob · from the password saved in Berth');
    expect(credentialsText({ ...ok, authScheme: 'none' })).toMatch(/^No sign-in needed/);
    const info = { auth: 'auto', username: undefined } as unknown as import('../../shared/types').RegistryInfo;
    expect(sidebarAuthText(info, { ...ok, credentials: { kind: 'none', description: 'no docker login' } })).toBe('anonymous');
    expect(sidebarAuthText(info, refused)).toBe('bob: refused');
    expect(sidebarAuthText(info, ok)).toBe('alice');
    expect(sidebarAuthText(info, undefined)).toBeNull();
    expect(sidebarAuthText({ ...info, auth: 'anonymous' }, undefined)).toBe('anonymous');
  });

  it('certificate problems in words, a changed pin with the old fingerprint', () => {
    expect(tlsProblemText({ ...cert, problem: 'self-signed', selfSigned: true })).toMatch(/self-signed/);
    expect(tlsProblemText(cert)).toBe('The certificate was issued by “CN=Test CA”, an authority this system does not trust.');
    expect(tlsProblemText({ ...cert, problem: 'expired' })).toBe('The certificate expired on 2026-11-24 10:00 UTC.');
    expect(tlsProblemText({ ...cert, problem: 'wrong-host' })).toMatch(/for 127\.0\.0\.1, localhost, not for the address/);
    expect(tlsProblemText({ ...cert, problem: 'pin-mismatch' }, '11:22')).toMatch(/different certificate from the one you trusted \(11:22\)/);
    expect(tlsProblemText({ ...cert, problem: 'other' })).toBe('The certificate was refused (UNABLE_TO_VERIFY_LEAF_SIGNATURE).');
  });

  it('certificate dates in UTC to the minute', () => {
    expect(formatDateUtc('2026-11-23T13:36:52.000Z')).toBe('2026-11-23 13:36 UTC');
    expect(formatDateUtc('Nov 24 10:00:00 2026 GMT')).toBe('2026-11-24 10:00 UTC');
    expect(formatDateUtc('soon')).toBe('soon');
  });

  it('secret storage: keychain or the file, said plainly', () => {
    expect(secretStorageText({ kind: 'safeStorage', path: '/x' })).toMatch(/encrypted with the system keychain/);
    expect(secretStorageText({ kind: 'file', path: '/home/u/.config/berth/secrets.json' })).toBe(
      'Passwords are kept in /home/u/.config/berth/secrets.json, readable only by you (not encrypted: no system keychain is in use).',
    );
  });
});
