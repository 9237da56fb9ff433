import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { fetchToken } from './auth';
import { listRepositories, listTags } from './browse';
import { headManifest } from './manifest';
import { clientFor, failure } from '../../../test/support/engine/client';

const READER = { username: 'reader', password: 'reader-secret' };

describe('identity tokens (OAuth2 refresh-token grant) against a token-auth registry', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', users: [{ username: 'berth', password: 'berth-secret' }, READER] });
    await pushImage(reg, 'team/app', ['v1', 'v2']);
    await pushImage(reg, 'team/other', ['x']);
    reg.issuer!.addRefreshToken('refresh-berth', 'berth');
    reg.issuer!.addRefreshToken('refresh-reader', 'reader');
    reg.issuer!.allowActions('reader', ['pull']);
  });
  afterAll(() => reg.stop());

  it('exchanges the identity token by POST and browses with the access token', async () => {
    // As `docker login` saves it: no password, only the identity token.
    const c = clientFor(reg, { username: undefined, password: undefined, identityToken: 'refresh-berth' });
    try {
      const forms = reg.issuer!.oauthForms.length;
      expect((await listTags(c, 'team/app')).tags).toEqual(['v1', 'v2']);
      expect((await listRepositories(c)).repositories).toEqual(['team/app', 'team/other']);
      expect(reg.issuer!.oauthForms.slice(forms)).toEqual([
        { grant_type: 'refresh_token', refresh_token: 'refresh-berth', client_id: 'berth', service: 'berth-test-registry', scope: 'repository:team/app:pull' },
        { grant_type: 'refresh_token', refresh_token: 'refresh-berth', client_id: 'berth', service: 'berth-test-registry', scope: 'registry:catalog:*' },
      ]);
      // Cached per scope like password tokens.
      await headManifest(c, 'team/app', 'v1');
      expect(c.tokenRequestCount).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('sends several scopes space-separated in one scope field, and can push', async () => {
    const c = clientFor(reg, { password: undefined, identityToken: 'refresh-berth' });
    try {
      const res = await c.request({
        method: 'POST',
        url: '/v2/team/new/blobs/uploads/',
        scope: { repository: 'team/new', actions: ['pull', 'push'], also: [{ repository: 'team/app', actions: ['pull'] }] },
        expect: [202],
      });
      await res.body.dump();
      expect(reg.issuer!.oauthForms.at(-1)?.scope).toBe('repository:team/new:pull,push repository:team/app:pull');
    } finally {
      await c.close();
    }
  });

  it('maps a refused identity token (400 invalid_grant, or 401) to AUTH_FAILED asking for docker login', async () => {
    const revoked = clientFor(reg, { username: undefined, password: undefined, identityToken: 'revoked' });
    const c = clientFor(reg, { username: undefined, password: undefined, identityToken: 'refresh-berth' });
    try {
      const e = await failure(listTags(revoked, 'team/app'));
      expect(e.code).toBe('AUTH_FAILED');
      expect(e.message).toMatch(/refused the saved login token \(HTTP 400\)/);
      expect(e.message).toMatch(/docker login/);
      reg.issuer!.failNext(401);
      const e2 = await failure(listTags(c, 'team/app'));
      expect(e2.code).toBe('AUTH_FAILED');
      expect(e2.message).toMatch(/saved login token \(HTTP 401\)/);
      expect((await listTags(c, 'team/app')).tags).toEqual(['v1', 'v2']);
    } finally {
      await Promise.all([revoked.close(), c.close()]);
    }
  });

  it('never sends the identity token to a plain-http token service off loopback', async () => {
    const dispatcher = new Agent();
    try {
      const e = await failure(fetchToken({ dispatcher, realm: 'http://auth.example.invalid/token', scopes: ['repository:a/b:pull'], identityToken: 'secret' }));
      expect(e.code).toBe('INSECURE_REFUSED');
      expect(e.message).toMatch(/saved login token/);
    } finally {
      await dispatcher.close();
    }
  });

  // The existing "insufficient_scope → DENIED" test in client-auth.integration.test.ts asks for too
  // little itself; here the issuer caps an account, which is how real registries grant read-only users.
  it('honours scoped grants: a pull-only account gets DENIED on push, a pull,push account does not', async () => {
    const reader = clientFor(reg, READER);
    const readerByToken = clientFor(reg, { username: 'reader', password: undefined, identityToken: 'refresh-reader' });
    const writer = clientFor(reg);
    const push = { method: 'POST' as const, url: '/v2/team/app/blobs/uploads/', scope: { repository: 'team/app', actions: ['pull' as const, 'push' as const] }, expect: [202] };
    try {
      expect((await listTags(reader, 'team/app')).tags).toEqual(['v1', 'v2']);
      for (const c of [reader, readerByToken]) {
        const e = await failure(c.request(push));
        expect(e.code).toBe('DENIED');
        expect(e.message).toContain('did not grant "repository:team/app:pull,push" to reader');
        expect(e.message).toMatch(/Check that the account has permission/);
      }
      expect(await headManifest(readerByToken, 'team/app', 'v1')).not.toBeNull();
      const res = await writer.request(push);
      await res.body.dump();
      expect(res.status).toBe(202);
    } finally {
      await Promise.all([reader.close(), readerByToken.close(), writer.close()]);
    }
  });
});
