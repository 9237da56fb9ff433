import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url';

const SECRET = 's3cr3t-pw';

describe('redactUrl', () => {
  it('strips user:password@ (and user@) from URLs of any scheme, up to the URL parser\'s last @', () => {
    expect(redactUrl(`"https://alice:${SECRET}@registry.example.com/v2/" has a path`)).toBe('"https://registry.example.com/v2/" has a path');
    expect(redactUrl(`ftp://bob:${SECRET}@host uses an unsupported scheme`)).toBe('ftp://host uses an unsupported scheme');
    expect(redactUrl(`at http://alice@127.0.0.1:5000 and HTTPS://a:b@c.example`)).toBe('at http://127.0.0.1:5000 and HTTPS://c.example');
    expect(redactUrl(`https://alice:p@ss@host.example/x`)).toBe('https://host.example/x');
  });

  it('strips user:password@ from image references typed without a scheme', () => {
    expect(redactUrl(`"alice:${SECRET}@localhost:5000/team/app:1" is not valid`)).toBe('"localhost:5000/team/app:1" is not valid');
  });

  it('leaves references with digests, e-mail-like words and plain text alone', () => {
    for (const text of [
      'team/app@sha256:abc is gone',
      'ubuntu:24.04@sha256:abc',
      'localhost:5000/team/app:v1@sha256:abc',
      'Signed in as alice · from ~/.docker/config.json',
      'https://registry.example.com/v2/team/app/manifests/v1',
    ]) {
      expect(redactUrl(text)).toBe(text);
    }
  });
});
