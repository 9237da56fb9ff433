import { describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import { parseReference, registryConfigFromInput } from './reference';

const D = `sha256:${'ab'.repeat(32)}`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof BerthError ? err.code : 'not-a-berth-error';
  }
  return undefined;
}

describe('parseReference', () => {
  it('applies Docker Hub defaults', () => {
    expect(parseReference('alpine')).toEqual({ registry: 'docker.io', repository: 'library/alpine' });
    expect(parseReference('alpine:3.20')).toEqual({ registry: 'docker.io', repository: 'library/alpine', tag: '3.20' });
    expect(parseReference('bitnami/redis:7')).toEqual({ registry: 'docker.io', repository: 'bitnami/redis', tag: '7' });
    expect(parseReference('docker.io/alpine')).toEqual({ registry: 'docker.io', repository: 'library/alpine' });
    expect(parseReference('index.docker.io/library/alpine:1')).toEqual({ registry: 'docker.io', repository: 'library/alpine', tag: '1' });
  });

  it('recognises registries by dot, port or localhost', () => {
    expect(parseReference('localhost:5000/team/app:v1')).toEqual({ registry: 'localhost:5000', repository: 'team/app', tag: 'v1' });
    expect(parseReference('localhost/app')).toEqual({ registry: 'localhost', repository: 'app' });
    expect(parseReference('ghcr.io/owner/app')).toEqual({ registry: 'ghcr.io', repository: 'owner/app' });
    expect(parseReference('127.0.0.1:5000/a/b/c:latest')).toEqual({ registry: '127.0.0.1:5000', repository: 'a/b/c', tag: 'latest' });
    expect(parseReference('[::1]:5000/app:1')).toEqual({ registry: '[::1]:5000', repository: 'app', tag: '1' });
    // no dot/colon: a Docker Hub namespace, not a host
    expect(parseReference('MyHost/app')).toEqual({ registry: 'myhost', repository: 'app' });
    expect(parseReference('myhost/app')).toEqual({ registry: 'docker.io', repository: 'myhost/app' });
  });

  it('parses digests, with and without a tag', () => {
    expect(parseReference(`localhost:5000/app@${D}`)).toEqual({ registry: 'localhost:5000', repository: 'app', digest: D });
    expect(parseReference(`localhost:5000/app:v2@${D}`)).toEqual({ registry: 'localhost:5000', repository: 'app', tag: 'v2', digest: D });
  });

  it('rejects invalid input with INVALID_REFERENCE', () => {
    for (const bad of ['', '   ', 'team/UPPER', 'localhost:5000/', 'app:bad tag', 'app@sha256:123', 'app:-x', 'https://localhost:5000/app', 'a//b', 'host:99999/app', `app@sha256:${'AB'.repeat(32)}`]) {
      expect(codeOf(() => parseReference(bad)), bad).toBe('INVALID_REFERENCE');
    }
    expect(codeOf(() => parseReference('x:' + 'a'.repeat(129)))).toBe('INVALID_REFERENCE');
  });
});

describe('registryConfigFromInput', () => {
  it('defaults to https, and to http for loopback', () => {
    expect(registryConfigFromInput({ url: 'registry.example.com' })).toEqual({ baseUrl: 'https://registry.example.com', host: 'registry.example.com' });
    expect(registryConfigFromInput({ url: 'localhost:5000' })).toEqual({ baseUrl: 'http://localhost:5000', host: 'localhost:5000' });
    expect(registryConfigFromInput({ url: ' 127.0.0.1:5000/ ' })).toEqual({ baseUrl: 'http://127.0.0.1:5000', host: '127.0.0.1:5000' });
    expect(registryConfigFromInput({ url: 'https://127.0.0.1:5443/v2/' }).baseUrl).toBe('https://127.0.0.1:5443');
    expect(registryConfigFromInput({ url: '[::1]:5000' }).baseUrl).toBe('http://[::1]:5000');
  });

  it('maps Docker Hub to its API host', () => {
    expect(registryConfigFromInput({ url: 'docker.io' })).toEqual({ baseUrl: 'https://registry-1.docker.io', host: 'docker.io' });
    expect(registryConfigFromInput({ url: 'https://index.docker.io' }).baseUrl).toBe('https://registry-1.docker.io');
  });

  it('refuses plain http to a non-loopback host unless insecure', () => {
    expect(codeOf(() => registryConfigFromInput({ url: 'http://registry.lan:5000' }))).toBe('INSECURE_REFUSED');
    expect(registryConfigFromInput({ url: 'http://registry.lan:5000', insecure: true })).toEqual({ baseUrl: 'http://registry.lan:5000', host: 'registry.lan:5000', insecure: true });
    expect(registryConfigFromInput({ url: 'http://localhost:5000' }).baseUrl).toBe('http://localhost:5000');
  });

  it('keeps credentials and validates them', () => {
    expect(registryConfigFromInput({ url: 'localhost:5000', username: ' bob ', password: 'pw' })).toMatchObject({ username: 'bob', password: 'pw' });
    expect(codeOf(() => registryConfigFromInput({ url: 'localhost:5000', password: 'pw' }))).toBe('INVALID_ARGUMENT');
  });

  it('rejects malformed URLs with INVALID_ARGUMENT and a clear message', () => {
    for (const bad of ['', 'ftp://host', 'https://u:p@host', 'https://host/some/path', 'https://host?x=1', 'http://', 'bad host']) {
      expect(codeOf(() => registryConfigFromInput({ url: bad })), bad).toBe('INVALID_ARGUMENT');
    }
    try {
      registryConfigFromInput({ url: 'https://u:p@host' });
    } catch (err) {
      expect((err as Error).message).toMatch(/username and password fields/);
    }
  });
});
