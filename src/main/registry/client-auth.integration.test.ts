import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { TokenCache } from './auth';
import { listRepositories, listTags } from './browse';
import { headManifest } from './manifest';
import { clientFor, failure } from '../../../test/support/engine/client';

describe('Basic auth (htpasswd)', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushImage(reg, 'team/app', ['v1']);
  });
  afterAll(() => reg.stop());

  it('answers the challenge once, then sends credentials up front', async () => {
    const c = clientFor(reg);
    try {
      expect((await listTags(c, 'team/app')).tags).toEqual(['v1']);
      expect(c.requestCount).toBe(2); // 401 challenge + retry
      expect(c.authScheme).toBe('basic');
      await listTags(c, 'team/app');
      await listRepositories(c);
      expect(c.requestCount).toBe(4);
    } finally {
      await c.close();
    }
  });

  it('maps wrong and missing credentials to UNAUTHORIZED with advice', async () => {
    const wrong = clientFor(reg, { password: 'nope' });
    const anon = clientFor(reg, { username: undefined, password: undefined });
    try {
      const e1 = await failure(listTags(wrong, 'team/app'));
      expect(e1.code).toBe('UNAUTHORIZED');
      expect(e1.message).toMatch(/Check the username and password/);
      const e2 = await failure(listTags(anon, 'team/app'));
      expect(e2.code).toBe('UNAUTHORIZED');
      expect(e2.message).toMatch(/requires you to log in/);
    } finally {
      await Promise.all([wrong.close(), anon.close()]);
    }
  });
});

describe('Bearer auth (token issuer)', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', anonymousPull: true });
    await pushImage(reg, 'team/app', ['v1', 'v2']);
    await pushImage(reg, 'team/other', ['x']);
  });
  afterAll(() => reg.stop());

  it('caches one token per scope: repeated calls in scope do not hit the issuer', async () => {
    const c = clientFor(reg);
    try {
      await listTags(c, 'team/app');
      const issued = reg.issuer!.requests;
      for (let i = 0; i < 5; i++) {
        await listTags(c, 'team/app');
        await headManifest(c, 'team/app', 'v1');
      }
      expect(reg.issuer!.requests).toBe(issued);
      expect(c.tokenRequestCount).toBe(1);
      // New scopes need new tokens, fetched up front (no extra 401 round trip).
      const before = c.requestCount;
      await listTags(c, 'team/other');
      await listRepositories(c);
      expect(reg.issuer!.requests).toBe(issued + 2);
      expect(c.requestCount).toBe(before + 2);
      expect(reg.issuer!.scopes.slice(-2)).toEqual([['repository:team/other:pull'], ['registry:catalog:*']]);
    } finally {
      await c.close();
    }
  });

  it('shares one token fetch between concurrent requests of the same scope', async () => {
    const c = clientFor(reg);
    try {
      await listTags(c, 'team/other'); // learns the challenge
      const issued = reg.issuer!.requests;
      await Promise.all(['v1', 'v2', 'v1', 'v2'].map((t) => headManifest(c, 'team/app', t)));
      expect(reg.issuer!.requests).toBe(issued + 1);
    } finally {
      await c.close();
    }
  });

  it('retries once with a fresh token when the cached one is refused', async () => {
    const c = clientFor(reg);
    try {
      await listTags(c, 'team/app');
      // Poison the cache with a token the registry rejects (wrong audience).
      const bad = reg.issuer!.sign('berth', [{ type: 'repository', name: 'team/app', actions: ['pull'] }], { audience: 'someone-else' });
      (c as unknown as { tokens: TokenCache }).tokens.set('repository:team/app:pull', bad, 300);
      const issued = reg.issuer!.requests;
      expect((await listTags(c, 'team/app')).tags).toEqual(['v1', 'v2']);
      expect(reg.issuer!.requests).toBe(issued + 1);
    } finally {
      await c.close();
    }
  });

  it('gets anonymous tokens without credentials', async () => {
    const c = clientFor(reg, { username: undefined, password: undefined });
    try {
      expect((await listTags(c, 'team/app')).tags).toEqual(['v1', 'v2']);
      const e = await failure(listRepositories(c)); // anonymous callers get no catalog grant
      expect(e.code).toBe('UNAUTHORIZED');
      expect(e.message).toMatch(/log in/);
    } finally {
      await c.close();
    }
  });

  it('maps a token without the needed action (insufficient_scope) to DENIED', async () => {
    const c = clientFor(reg);
    try {
      // DELETE needs the delete action; asking only for pull gets a token the registry refuses.
      const e = await failure(c.request({ method: 'DELETE', url: `/v2/team/app/manifests/sha256:${'0'.repeat(64)}`, scope: { repository: 'team/app', actions: ['pull'] } }));
      expect(e.code).toBe('DENIED');
      expect(e.message).toContain('repository:team/app:pull');
      expect((await headManifest(c, 'team/app', 'v1'))).not.toBeNull();
    } finally {
      await c.close();
    }
  });

  it('reports token endpoint failures as AUTH_FAILED with advice', async () => {
    const wrong = clientFor(reg, { password: 'nope' });
    const c = clientFor(reg);
    try {
      const e = await failure(listTags(wrong, 'team/app'));
      expect(e.code).toBe('AUTH_FAILED');
      expect(e.message).toMatch(/Check the username and password/);
      reg.issuer!.failNext(500);
      const e2 = await failure(listTags(c, 'team/other'));
      expect(e2.code).toBe('AUTH_FAILED');
      expect(e2.message).toMatch(/HTTP 500/);
      expect((await listTags(c, 'team/other')).tags).toEqual(['x']);
    } finally {
      await Promise.all([wrong.close(), c.close()]);
    }
  });
});

describe('TokenCache', () => {
  it('honours expires_in with a safety margin', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('s', 't', 60);
    now += 50_000;
    expect(cache.get('s')).toBe('t');
    now += 5_000; // 55 s: inside the 10% margin
    expect(cache.get('s')).toBeUndefined();
  });
});
