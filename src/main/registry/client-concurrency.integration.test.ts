import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, type PushedImage } from '../../../test/support/images/push';
import { listTags } from './browse';
import { headManifest } from './manifest';
import { clientFor } from '../../../test/support/engine/client';

/** Ten calls at once on a client that has not met the registry's challenge yet. */
function tenAtOnce(c: ReturnType<typeof clientFor>, repo: string): Promise<unknown[]> {
  return Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? listTags(c, repo) : headManifest(c, repo, 'v1'))));
}

describe('concurrent first requests under Basic auth (htpasswd)', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushImage(reg, 'team/app', ['v1']);
  });
  afterAll(() => reg?.stop());

  it('every request that met the challenge without credentials retries with them', async () => {
    const c = clientFor(reg);
    try {
      const results = await tenAtOnce(c, 'team/app');
      expect(results).toHaveLength(10);
      for (const [i, r] of results.entries()) {
        if (i % 2) expect((r as { tags: string[] }).tags).toEqual(['v1']);
        else expect(r).not.toBeNull();
      }
      expect(c.authScheme).toBe('basic');
      // At most one challenge per request, and credentials up front from then on.
      expect(c.requestCount).toBeLessThanOrEqual(20);
      const before = c.requestCount;
      await tenAtOnce(c, 'team/app');
      expect(c.requestCount).toBe(before + 10);
    } finally {
      await c.close();
    }
  });

  it('still refuses wrong credentials after one retry per request', async () => {
    const c = clientFor(reg, { password: 'nope' });
    try {
      const settled = await Promise.allSettled(Array.from({ length: 6 }, () => listTags(c, 'team/app')));
      expect(settled.every((s) => s.status === 'rejected' && (s.reason as { code?: string }).code === 'UNAUTHORIZED')).toBe(true);
      expect(c.requestCount).toBeLessThanOrEqual(12);
    } finally {
      await c.close();
    }
  });
});

describe('concurrent first requests and multi-repository scopes under token auth', () => {
  let reg: RunningRegistry;
  let src: PushedImage;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token' });
    src = await pushImage(reg, 'team/app', ['v1']);
  });
  afterAll(() => reg?.stop());

  it('ten concurrent first calls share one token fetch', async () => {
    const c = clientFor(reg);
    try {
      const results = await tenAtOnce(c, 'team/app');
      expect(results.every((r) => r !== null)).toBe(true);
      expect(c.authScheme).toBe('bearer');
      expect(c.tokenRequestCount).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('a cross-repository mount gets one token for both repositories and mounts (201)', async () => {
    const c = clientFor(reg);
    try {
      const layer = src.layers[0].digest;
      const issued = reg.issuer!.scopes.length;
      const res = await c.request({
        method: 'POST',
        url: `/v2/team/copy/blobs/uploads/?mount=${encodeURIComponent(layer)}&from=team%2Fapp`,
        scope: { repository: 'team/copy', actions: ['pull', 'push'], also: [{ repository: 'team/app', actions: ['pull'] }] },
        headers: { 'content-length': '0' },
        expect: [201, 202],
      });
      await res.body.dump();
      expect(res.status).toBe(201);
      expect(reg.issuer!.scopes.slice(issued)).toEqual([['repository:team/copy:pull,push', 'repository:team/app:pull']]);
      const head = await c.request({ method: 'HEAD', url: `/v2/team/copy/blobs/${layer}`, scope: { repository: 'team/copy', actions: ['pull'] } });
      await head.body.dump();
      expect(Number(head.headers['content-length'])).toBe(src.layers[0].size);
      // The same two-repository scope again is a cache hit, whatever order `also` lists.
      const tokens = c.tokenRequestCount;
      const again = await c.request({
        method: 'POST',
        url: `/v2/team/copy/blobs/uploads/?mount=${encodeURIComponent(src.layers[1].digest)}&from=team%2Fapp`,
        scope: { repository: 'team/copy', actions: ['push', 'pull'], also: [{ repository: 'team/app', actions: ['pull'] }] },
        headers: { 'content-length': '0' },
        expect: [201, 202],
      });
      await again.body.dump();
      expect(again.status).toBe(201);
      expect(c.tokenRequestCount).toBe(tokens);
    } finally {
      await c.close();
    }
  });

  it('without the source repository in the scope the registry refuses the mount', async () => {
    // The counter-test of the one above: distribution wants pull on `from`, so one-repository tokens cannot mount.
    const c = clientFor(reg);
    try {
      const res = await c.probe('POST', `/v2/team/lone/blobs/uploads/?mount=${encodeURIComponent(src.layers[0].digest)}&from=team%2Fapp`, {
        scope: { repository: 'team/lone', actions: ['pull', 'push'] },
        headers: { 'content-length': '0' },
      });
      expect(res.status).toBe(401);
    } finally {
      await c.close();
    }
  });
});

describe('keep-alive', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushImage(reg, 'team/app', ['v1']);
  });
  afterAll(() => reg?.stop());

  it('HEAD requests keep the connection open (undici closes it after each HEAD by default)', async () => {
    const c = clientFor(reg);
    let connects = 0;
    const onConnect = (): void => void connects++;
    subscribe('undici:client:connected', onConnect);
    try {
      for (let i = 0; i < 6; i++) expect(await headManifest(c, 'team/app', 'v1')).not.toBeNull();
      await listTags(c, 'team/app');
      expect(c.requestCount).toBe(7);
      // undici waits one event-loop turn before reusing a socket, so back-to-back calls may open a second one.
      expect(connects).toBeLessThanOrEqual(2);
    } finally {
      unsubscribe('undici:client:connected', onConnect);
      await c.close();
    }
  });
});
