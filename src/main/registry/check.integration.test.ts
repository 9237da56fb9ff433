import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/registry/ports';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { checkRegistry } from './check';
import { RegistryClient } from './client';
import { clientFor } from '../../../test/support/engine/client';
import { listAllTags } from './browse';

const regs: RunningRegistry[] = [];
async function registry(opts: Parameters<typeof startRegistry>[0]): Promise<RunningRegistry> {
  const reg = await startRegistry(opts);
  regs.push(reg);
  return reg;
}
afterAll(() => Promise.all(regs.map((r) => r.stop())));

async function check(reg: RunningRegistry, overrides: Parameters<typeof clientFor>[1] = {}) {
  const c = clientFor(reg, overrides);
  try {
    return await checkRegistry(c);
  } finally {
    await c.close();
  }
}

describe('checkRegistry', () => {
  let open: RunningRegistry;
  beforeAll(async () => {
    open = await registry({});
    await pushImage(open, 'team/app', ['v1']);
  });

  it('reports an open registry with catalog and deletes enabled', async () => {
    expect(await check(open)).toEqual({
      reachable: true,
      apiVersion: 'registry/2.0',
      authScheme: 'none',
      authenticated: true,
      catalog: true,
      deleteEnabled: true,
      referrers: false,
      httpGarbageCollect: false,
      credentials: null,
      rateLimit: null,
    });
    // The delete probe removed nothing.
    const c = clientFor(open);
    expect(await listAllTags(c, 'team/app')).toEqual(['v1']);
    await c.close();
  });

  it('leaves referrers unknown when there is no repository to ask', async () => {
    const empty = await registry({});
    const r = await check(empty);
    expect(r.catalog).toBe(true);
    expect(r.referrers).toBeNull();
    expect(r.deleteEnabled).toBe(true);
  });

  it('detects deletes disabled without deleting anything', async () => {
    const reg = await registry({ deleteEnabled: false });
    await pushImage(reg, 'team/app', ['v1']);
    expect(await check(reg)).toMatchObject({ reachable: true, authenticated: true, deleteEnabled: false });
  });

  it('reports Basic auth, with and without the right credentials', async () => {
    const reg = await registry({ auth: 'htpasswd' });
    await pushImage(reg, 'team/app', ['v1']);
    expect(await check(reg)).toMatchObject({ reachable: true, authScheme: 'basic', authenticated: true, catalog: true, deleteEnabled: true });
    const wrong = await check(reg, { password: 'wrong' });
    expect(wrong).toMatchObject({ reachable: true, authScheme: 'basic', authenticated: false, apiVersion: 'registry/2.0' });
    expect(wrong.error?.code).toBe('UNAUTHORIZED');
    const anon = await check(reg, { username: undefined, password: undefined });
    expect(anon).toMatchObject({ authenticated: false, authScheme: 'basic' });
    expect(anon.error?.message).toMatch(/log in/);
  });

  it('reports Bearer auth with a token issuer', async () => {
    const reg = await registry({ auth: 'token' });
    await pushImage(reg, 'team/app', ['v1']);
    expect(await check(reg)).toMatchObject({ reachable: true, authScheme: 'bearer', authenticated: true, catalog: true, deleteEnabled: true, referrers: false });
    const wrong = await check(reg, { password: 'wrong' });
    expect(wrong).toMatchObject({ reachable: true, authScheme: 'bearer', authenticated: false });
    expect(wrong.error?.code).toBe('AUTH_FAILED');
  });

  it('checks a TLS registry with its CA, and names an untrusted certificate', async () => {
    const reg = await registry({ tls: true });
    expect(await check(reg)).toMatchObject({ reachable: true, authenticated: true, apiVersion: 'registry/2.0' });
    const untrusted = await check(reg, { caPem: undefined });
    expect(untrusted.reachable).toBe(false);
    expect(untrusted.error?.code).toBe('TLS_UNTRUSTED');
  });

  it('names a closed port as CONNECTION_REFUSED', async () => {
    const port = await freePort();
    const c = new RegistryClient({ baseUrl: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` });
    try {
      const r = await checkRegistry(c);
      expect(r.reachable).toBe(false);
      expect(r.error?.code).toBe('CONNECTION_REFUSED');
      expect(r.error?.message).toMatch(/is the registry running\?/);
    } finally {
      await c.close();
    }
  });

  it('throws CANCELLED when aborted', async () => {
    const c = clientFor(open);
    try {
      await expect(checkRegistry(c, AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      await c.close();
    }
  });
});
