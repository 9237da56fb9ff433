import { describe, expect, it } from 'vitest';
import type { RegistryInfo } from '../../shared/types';
import { isFingerprint, normalizeFingerprint } from '../../shared/fingerprint';
import { EMPTY_FORM, forgottenPasswordNotice, formFromInfo, formProblem, toInput, toPatch, typedOrigin } from './form-state';

const FP = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');

const saved: RegistryInfo = {
  id: 'r1',
  name: 'work',
  baseUrl: 'https://registry.example.test',
  host: 'registry.example.test',
  auth: 'password',
  hasCredentials: true,
  username: 'alice',
  insecure: false,
  tls: { mode: 'ca', caName: 'ca.pem', caSubject: 'CN=Example CA' },
  pinnedRepositories: [],
  dockerHub: false,
};

describe('registry form', () => {
  it('adds with the URL only: automatic credentials, verified TLS', () => {
    expect(toInput({ ...EMPTY_FORM, url: ' localhost:5000 ' })).toEqual({ url: 'localhost:5000', auth: 'auto', insecure: false });
  });

  it('adds with a password, a name, a CA file or a pin', () => {
    const v = { ...EMPTY_FORM, url: 'r.test', name: 'Mine', auth: 'password' as const, username: ' bob ', password: 'pw' };
    expect(toInput(v)).toMatchObject({ name: 'Mine', auth: 'password', username: 'bob', password: 'pw' });
    expect(toInput({ ...v, tlsMode: 'ca', caPem: 'PEM', caName: 'ca.pem' }).tls).toEqual({ mode: 'ca', caPem: 'PEM', caName: 'ca.pem' });
    expect(toInput({ ...v, tlsMode: 'pin', pinSha256: FP.toLowerCase().replace(/:/g, ' ') }).tls).toEqual({ mode: 'pin', pinSha256: FP });
    // A pin without a fingerprint yet: checked normally, then trusted from the certificate screen.
    expect(toInput({ ...v, tlsMode: 'pin' }).tls).toBeUndefined();
    expect(toInput({ ...v, tlsMode: 'skip' }).tls).toEqual({ mode: 'skip' });
  });

  it('says what is missing before sending', () => {
    expect(formProblem(EMPTY_FORM)).toMatch(/address/);
    expect(formProblem({ ...EMPTY_FORM, url: 'x', auth: 'password' })).toMatch(/username/);
    expect(formProblem({ ...EMPTY_FORM, url: 'x', auth: 'password', username: 'u' })).toMatch(/password/);
    expect(formProblem({ ...EMPTY_FORM, url: 'x', tlsMode: 'ca' })).toMatch(/CA certificate file/);
    expect(formProblem({ ...EMPTY_FORM, url: 'x', tlsMode: 'pin', pinSha256: 'AB:CD' })).toMatch(/32 hex pairs/);
    expect(formProblem({ ...EMPTY_FORM, url: 'x', tlsMode: 'pin', pinSha256: FP })).toBeNull();
  });

  it('edits: an empty password keeps the saved one, and an unchanged form sends nothing', () => {
    const form = formFromInfo(saved);
    expect(form).toMatchObject({ url: 'https://registry.example.test', username: 'alice', password: '', tlsMode: 'ca' });
    expect(formProblem(form, saved)).toBeNull();
    expect(toPatch(form, saved)).toEqual({});
    expect(toPatch({ ...form, password: 'new' }, saved)).toEqual({ password: 'new' });
    expect(formProblem({ ...form, username: 'bob' }, saved)).toMatch(/password/);
  });

  it('edits send only what changed', () => {
    const form = formFromInfo(saved);
    expect(toPatch({ ...form, name: 'Work', insecure: true }, saved)).toEqual({ name: 'Work', insecure: true });
    expect(toPatch({ ...form, auth: 'anonymous' }, saved)).toEqual({ auth: 'anonymous' });
    expect(toPatch({ ...form, tlsMode: 'pin', pinSha256: FP }, saved)).toEqual({ tls: { mode: 'pin', pinSha256: FP } });
    expect(toPatch({ ...form, tlsMode: 'ca', caPem: 'NEW', caName: 'new.pem' }, saved)).toEqual({ tls: { mode: 'ca', caPem: 'NEW', caName: 'new.pem' } });
    expect(toPatch({ ...form, url: 'other.test:5000' }, saved)).toEqual({ url: 'other.test:5000' });
    const pinned = { ...saved, tls: { mode: 'pin' as const, pinSha256: FP } };
    expect(toPatch(formFromInfo(pinned), pinned)).toEqual({});
  });

  it('says the saved password will be forgotten when the URL moves to another origin, unless it is typed again', () => {
    const form = formFromInfo(saved);
    expect(forgottenPasswordNotice(form, saved)).toBeNull();
    // The same origin, however it is written, keeps the password.
    for (const url of ['registry.example.test', 'https://registry.example.test/', 'https://REGISTRY.example.test:443/v2/']) {
      expect(forgottenPasswordNotice({ ...form, url }, saved), url).toBeNull();
    }
    // Another host, port or scheme (http with "insecure" ticked) forgets it.
    for (const url of ['other.test', 'registry.example.test:5000', 'http://registry.example.test']) {
      const notice = forgottenPasswordNotice({ ...form, url, insecure: url.startsWith('http:') }, saved);
      expect(notice, url).toBe(`The saved password is sent only to https://registry.example.test. Type it again to use it at ${typedOrigin(url)}; otherwise saving forgets it.`);
    }
    expect(forgottenPasswordNotice({ ...form, url: 'other.test', password: 'typed' }, saved)).toBeNull();
    expect(forgottenPasswordNotice({ ...form, url: 'other.test', auth: 'auto' }, saved)).toBeNull();
    expect(forgottenPasswordNotice({ ...form, url: 'other.test' }, { ...saved, hasCredentials: false })).toBeNull();
    expect(forgottenPasswordNotice({ ...form, url: 'other.test' })).toBeNull();
  });

  it('reads a typed URL\'s origin as main does', () => {
    expect(typedOrigin('localhost:5000')).toBe('http://localhost:5000');
    expect(typedOrigin('127.0.0.1:5000/')).toBe('http://127.0.0.1:5000');
    expect(typedOrigin('registry.lan')).toBe('https://registry.lan');
    expect(typedOrigin('docker.io')).toBe('https://registry-1.docker.io');
    expect(typedOrigin('http://registry.lan:80')).toBe('http://registry.lan');
    expect(typedOrigin('')).toBeNull();
    expect(typedOrigin('ftp://x')).toBeNull();
    expect(typedOrigin('not a url')).toBeNull();
  });

  it('normalizes fingerprints however they were pasted', () => {
    expect(normalizeFingerprint('ab cd-ef')).toBe('AB:CD:EF');
    expect(isFingerprint(FP.replace(/:/g, ''))).toBe(true);
    expect(isFingerprint('AB:CD')).toBe(false);
  });
});
