import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { fetchToken, scopeString, scopeStrings } from './auth';

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
