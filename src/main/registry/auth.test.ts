import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { allowsPlainHttpRealm, fetchToken, scopeString, scopeStrings } from './auth';

describe('scopeStrings', () => {
  it('writes one repository, the catalog and no scope', () => {
    expect(scopeStrings({ repository: 'a/b', actions: ['push', 'pull', 'pull'] })).toEqual(['repository:a/b:pull,push']);
    expect(scopeStrings('catalog')).toEqual(['registry:catalog:*']);
    expect(scopeStrings(null)).toEqual([]);
    expect(scopeString(null)).toBe('');
  });

  it('lists the own repository first, then the others sorted, merging repeats', () => {
    const s = scopeStrings({
      repository: 'dst',
      actions: ['pull', 'push'],
      also: [
        { repository: 'zeta', actions: ['pull'] },
        { repository: 'alpha', actions: ['pull'] },
        { repository: 'zeta', actions: ['delete'] },
        { repository: 'dst', actions: ['pull'] },
      ],
    });
    expect(s).toEqual(['repository:dst:pull,push', 'repository:alpha:pull', 'repository:zeta:pull,delete']);
  });

  it('gives equal keys to equal scopes and different keys to different ones', () => {
    const a = scopeString({ repository: 'dst', actions: ['push', 'pull'], also: [{ repository: 'x', actions: ['pull'] }, { repository: 'y', actions: ['pull'] }] });
    const b = scopeString({ repository: 'dst', actions: ['pull', 'push'], also: [{ repository: 'y', actions: ['pull'] }, { repository: 'x', actions: ['pull'] }] });
    expect(a).toBe(b);
    expect(a).toBe('repository:dst:pull,push repository:x:pull repository:y:pull');
    expect(scopeString({ repository: 'dst', actions: ['pull', 'push'] })).not.toBe(a);
  });
});

describe('fetchToken', () => {
  it('sends each scope as its own `scope` parameter, as the token spec asks', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 't', expires_in: 30 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dispatcher = new Agent();
    try {
      const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      const scopes = scopeStrings({ repository: 'b', actions: ['pull', 'push'], also: [{ repository: 'a', actions: ['pull'] }] });
      expect(await fetchToken({ dispatcher, realm, service: 'svc', scopes })).toEqual({ token: 't', expiresIn: 30 });
      const q = new URL(seen[0], 'http://x').searchParams;
      expect(q.getAll('scope')).toEqual(['repository:b:pull,push', 'repository:a:pull']);
      expect(q.get('service')).toBe('svc');
    } finally {
      await dispatcher.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('plain-http token realms', () => {
  it('are allowed only for a registry that is itself plain http, on loopback, or marked insecure', () => {
    expect(allowsPlainHttpRealm('https://registry.example.com')).toBe(false);
    expect(allowsPlainHttpRealm('https://registry-1.docker.io')).toBe(false);
    expect(allowsPlainHttpRealm('https://registry.example.com', true)).toBe(true);
    expect(allowsPlainHttpRealm('http://registry.example.com', true)).toBe(true);
    expect(allowsPlainHttpRealm('http://127.0.0.1:5000')).toBe(true);
    expect(allowsPlainHttpRealm('https://localhost:5000')).toBe(true);
    expect(allowsPlainHttpRealm('https://[::1]:5000')).toBe(true);
  });

  it('never get the password from an https registry, even when the realm is on loopback', async () => {
    let asked = 0;
    const server = createServer((_req, res) => {
      asked++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"token":"t"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dispatcher = new Agent();
    const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    try {
      const refused = await fetchToken({ dispatcher, realm, scopes: [], username: 'u', password: 'p', allowPlainHttp: allowsPlainHttpRealm('https://registry.example.com') }).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(refused?.code).toBe('INSECURE_REFUSED');
      expect(refused?.message).toContain(`${new URL(realm).origin} uses plain http; refusing to send the password`);
      expect(asked).toBe(0);
      // Anonymous token requests carry nothing secret, and a local registry may use a local http realm.
      expect(await fetchToken({ dispatcher, realm, scopes: [] })).toMatchObject({ token: 't' });
      expect(await fetchToken({ dispatcher, realm, scopes: [], username: 'u', password: 'p', allowPlainHttp: allowsPlainHttpRealm('http://127.0.0.1:5000') })).toMatchObject({ token: 't' });
      expect(asked).toBe(2);
    } finally {
      await dispatcher.close();
      await new Promise((r) => server.close(r));
    }
  });
});
