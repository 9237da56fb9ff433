import { afterAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { existsSync } from 'node:fs';
import { startRegistry, type RunningRegistry } from './start';
import { pushImage } from '../images/push';
import { registryGarbageCollect } from './garbage-collect';
import { basicAuth, seedClient } from '../images/seed-client';

const started: RunningRegistry[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
});
async function start(...args: Parameters<typeof startRegistry>): Promise<RunningRegistry> {
  const reg = await startRegistry(...args);
  started.push(reg);
  return reg;
}
const ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

describe.concurrent('startRegistry', () => {
  it('open: a pushed tag resolves to the pushed digest', async () => {
    const reg = await start();
    expect(reg.url).toBe(`http://127.0.0.1:${reg.port}`);
    expect(reg.host).toBe(`127.0.0.1:${reg.port}`);
    const img = await pushImage(reg, 'library/alpine', ['3.20', 'latest']);
    for (const tag of ['3.20', 'latest']) {
      const res = await reg.fetch(`/v2/library/alpine/manifests/${tag}`, { headers: { accept: ACCEPT } });
      expect(res.status).toBe(200);
      expect(res.headers.get('docker-content-digest')).toBe(img.digest);
      expect(Buffer.from(await res.arrayBuffer()).equals(img.manifestBytes)).toBe(true);
    }
    const tags = (await (await reg.fetch('/v2/library/alpine/tags/list')).json()) as { name: string; tags: string[] };
    expect(tags.name).toBe('library/alpine');
    expect(tags.tags.sort()).toEqual(['3.20', 'latest']);
  });

  it('htpasswd: 401 with a Basic challenge without credentials, 200 with, 401 with a wrong password', async () => {
    const reg = await start({ auth: 'htpasswd', users: [{ username: 'alice', password: 'wonder' }, { username: 'bob', password: 'b' }] });
    expect(reg.username).toBe('alice');
    const anon = await reg.fetch('/v2/');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await reg.fetch('/v2/', { headers: { authorization: basicAuth('alice', 'wonder') } })).status).toBe(200);
    expect((await reg.fetch('/v2/', { headers: { authorization: basicAuth('bob', 'b') } })).status).toBe(200);
    expect((await reg.fetch('/v2/', { headers: { authorization: basicAuth('alice', 'nope') } })).status).toBe(401);
    const img = await pushImage(reg, 'team/app', ['1.0']);
    const res = await seedClient(reg).request('team/app', '/v2/team/app/manifests/1.0', { method: 'HEAD', headers: { accept: ACCEPT } });
    expect(res.headers.get('docker-content-digest')).toBe(img.digest);
  });

  it('token: accepts the issuer token, rejects a tampered or foreign-audience one', async () => {
    const reg = await start({ auth: 'token' });
    const issuer = reg.issuer!;
    const anon = await reg.fetch('/v2/');
    expect(anon.status).toBe(401);
    const challenge = anon.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`realm="${issuer.realm}"`);
    expect(challenge).toContain(`service="${issuer.service}"`);

    const img = await pushImage(reg, 'team/app', ['1.0']);
    const before = issuer.requests;
    const url = `${issuer.realm}?service=${issuer.service}&scope=repository:team/app:pull&scope=registry:catalog:*`;
    const tokRes = await fetch(url, { headers: { authorization: basicAuth(reg.username!, reg.password!) } });
    expect(tokRes.status).toBe(200);
    const body = (await tokRes.json()) as { token: string; access_token: string; expires_in: number };
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    expect(issuer.requests).toBe(before + 1);
    expect(issuer.scopes.at(-1)).toEqual(['repository:team/app:pull', 'registry:catalog:*']);

    const get = (token: string, path: string) => reg.fetch(path, { headers: { authorization: `Bearer ${token}`, accept: ACCEPT } });
    const ok = await get(body.token, '/v2/team/app/manifests/1.0');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('docker-content-digest')).toBe(img.digest);
    expect((await get(body.token, '/v2/_catalog')).status).toBe(200);
    // pull only: a push scope was not asked for, so an upload is refused
    expect((await reg.fetch('/v2/team/app/blobs/uploads/', { method: 'POST', headers: { authorization: `Bearer ${body.token}` } })).status).toBe(401);

    const [h, c, s] = body.token.split('.');
    const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
    expect((await get(`${h}.${c}.${flipped}`, '/v2/team/app/manifests/1.0')).status).toBe(401);
    const foreign = issuer.sign('alice', [{ type: 'repository', name: 'team/app', actions: ['pull'] }], { audience: 'elsewhere' });
    expect((await get(foreign, '/v2/team/app/manifests/1.0')).status).toBe(401);

    const bad = await fetch(url, { headers: { authorization: basicAuth(reg.username!, 'wrong') } });
    expect(bad.status).toBe(401);
    expect((await fetch(url)).status).toBe(401); // anonymousPull defaults to false
    issuer.failNext(503);
    expect((await fetch(url, { headers: { authorization: basicAuth(reg.username!, reg.password!) } })).status).toBe(503);
    expect((await fetch(url, { headers: { authorization: basicAuth(reg.username!, reg.password!) } })).status).toBe(200);
  });

  it('token with anonymousPull: anonymous gets pull but not push', async () => {
    const reg = await start({ auth: 'token', anonymousPull: true });
    await pushImage(reg, 'pub/app', ['1']);
    const res = await fetch(`${reg.issuer!.realm}?service=${reg.issuer!.service}&scope=repository:pub/app:pull,push`);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { access: unknown };
    expect(claims.access).toEqual([{ type: 'repository', name: 'pub/app', actions: ['pull'] }]);
    expect((await reg.fetch('/v2/pub/app/manifests/1', { headers: { authorization: `Bearer ${token}`, accept: ACCEPT } })).status).toBe(200);
  });

  it('tls: fetch trusting the CA works, without it fails', async () => {
    const reg = await start({ tls: true });
    expect(reg.url).toBe(`https://127.0.0.1:${reg.port}`);
    expect(reg.caPem).toContain('BEGIN CERTIFICATE');
    const trusting = new Agent({ connect: { ca: reg.caPem } });
    const plain = new Agent();
    try {
      expect((await fetch(`${reg.url}/v2/`, { dispatcher: trusting })).status).toBe(200);
      await expect(fetch(`${reg.url}/v2/`, { dispatcher: plain })).rejects.toThrow();
      const img = await pushImage(reg, 'secure/app', ['x'], { format: 'oci' });
      const res = await fetch(`${reg.url}/v2/secure/app/manifests/x`, { dispatcher: trusting, headers: { accept: ACCEPT } });
      expect(res.headers.get('docker-content-digest')).toBe(img.digest);
    } finally {
      await Promise.all([trusting.close(), plain.close()]);
    }
  });

  it('deleteEnabled:false answers 405 to DELETE; true deletes and garbage-collect runs', async () => {
    const [off, on] = await Promise.all([start({ deleteEnabled: false }), start()]);
    const a = await pushImage(off, 'x/y', ['1']);
    const delOff = await off.fetch(`/v2/x/y/manifests/${a.digest}`, { method: 'DELETE' });
    expect(delOff.status).toBe(405);
    const b = await pushImage(on, 'x/y', ['1']);
    expect((await on.fetch(`/v2/x/y/manifests/${b.digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await on.fetch('/v2/x/y/manifests/1', { headers: { accept: ACCEPT } })).status).toBe(404);
    const out = await registryGarbageCollect(on);
    expect(out).toMatch(/blob eligible for deletion/);
    expect((await on.fetch(`/v2/x/y/blobs/${b.layers[0].digest}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('stop() ends the process and removes its folder', async () => {
    const reg = await startRegistry();
    await reg.stop();
    expect(existsSync(reg.dataDir)).toBe(false);
    await expect(fetch(`${reg.url}/v2/`)).rejects.toThrow();
    await reg.stop(); // idempotent
  });

  it('a missing binary fails with the package to install; an early exit carries stderr', async () => {
    await expect(startRegistry({ binary: '/nonexistent/docker-registry' })).rejects.toThrow(/install Debian's docker-registry package/);
    // sh treats "serve" as a script path and says on stderr that it cannot open it.
    await expect(startRegistry({ binary: '/bin/sh' })).rejects.toThrow(/exited early[\s\S]*serve/);
  });
});
