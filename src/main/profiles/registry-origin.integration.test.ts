/**
 * Issue #9 item 2: a saved password is bound to the registry's origin (scheme, host, port). Moving
 * a registry to another origin without typing the password again forgets it, so it never reaches
 * the new host; typing a new one in the same edit keeps that one.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { createService } from '../service/create-service';
import type { BerthService } from '../service/service';

let first: RunningRegistry;
let second: RunningRegistry;
let front: TestProxy;
const services: BerthService[] = [];

beforeAll(async () => {
  // Both registries accept the same user and password: exactly when a password that followed the URL would work.
  [first, second] = await Promise.all([startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'htpasswd' })]);
  front = await startProxy(second.url);
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(services.map((s) => s.close()));
  await front?.stop();
  await Promise.allSettled([first, second].map((r) => r?.stop()));
});

async function service(): Promise<{ s: BerthService; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-origin-'));
  const s = await createService({ dataDir: dir, cacheDir: join(dir, 'cache'), env: { HOME: dir } });
  services.push(s);
  return { s, dir };
}

/** Every Basic header the proxy saw, decoded: none may hold the password. */
function expectNoPasswordAt(proxy: TestProxy, password: string): void {
  expect(proxy.seen.length).toBeGreaterThan(0);
  const sent = proxy.seen
    .map((q) => q.headers.authorization)
    .filter((a): a is string => typeof a === 'string')
    .map((a) => (a.startsWith('Basic ') ? Buffer.from(a.slice(6), 'base64').toString('utf8') : a));
  expect(sent.filter((a) => a.includes(password))).toEqual([]);
}

describe('a saved password is bound to its registry origin', () => {
  it('moving the URL to another registry without a password forgets it: no Authorization with it reaches the new host', async () => {
    const { s, dir } = await service();
    const r = await s.addRegistry({ url: first.host, username: first.username, password: first.password });
    expect(await s.checkRegistry(r.id)).toMatchObject({ authenticated: true });

    const moved = await s.updateRegistry(r.id, { url: front.url });
    expect(moved).toMatchObject({ baseUrl: front.url, auth: 'password', username: first.username, hasCredentials: false });
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain(first.password!);

    const check = await s.checkRegistry(r.id);
    expect(check).toMatchObject({ reachable: true, authenticated: false, error: { code: 'UNAUTHORIZED' }, credentials: { kind: 'none' } });
    expect(check.credentials?.description).toContain(`no password saved for ${first.username} at ${front.url}`);
    expectNoPasswordAt(front, first.password!);
    // Not even the bare username goes out: without its password the registry is asked anonymously.
    expect(front.seen.filter((q) => q.headers.authorization !== undefined)).toEqual([]);
  });

  it('holds even when registries.json is edited by hand: the secret was saved for the old origin', async () => {
    const { s, dir } = await service();
    const r = await s.addRegistry({ url: first.host, username: first.username, password: first.password });
    await s.close();
    const file = join(dir, 'registries.json');
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`"url": "${first.host}"`);
    await writeFile(file, text.replace(`"url": "${first.host}"`, `"url": "${front.url}"`));
    const again = await createService({ dataDir: dir, cacheDir: join(dir, 'cache'), env: { HOME: dir } });
    services.push(again);
    expect((await again.listRegistries()).find((x) => x.id === r.id)).toMatchObject({ baseUrl: front.url, hasCredentials: false });
    expect(await again.checkRegistry(r.id)).toMatchObject({ authenticated: false });
    expectNoPasswordAt(front, first.password!);
  });

  it('the same move with a new password keeps that new password', async () => {
    const { s } = await service();
    const r = await s.addRegistry({ url: first.host, username: first.username, password: 'old-password' });
    const moved = await s.updateRegistry(r.id, { url: second.url, password: second.password });
    expect(moved).toMatchObject({ baseUrl: second.url, hasCredentials: true });
    expect(await s.checkRegistry(r.id)).toMatchObject({ authenticated: true });
  });

  it('a new scheme (http with "insecure") or port drops it; the same origin spelled otherwise, or other edits, keep it', async () => {
    const { s, dir } = await service();
    const add = () => s.addRegistry({ url: 'https://registry.example.com', username: 'me', password: 'p4ss-word' });
    const secrets = () => readFile(join(dir, 'secrets.json'), 'utf8');

    const plain = await add();
    expect(await s.updateRegistry(plain.id, { url: 'http://registry.example.com', insecure: true })).toMatchObject({ insecure: true, hasCredentials: false });
    const port = await add();
    expect(await s.updateRegistry(port.id, { url: 'registry.example.com:5443' })).toMatchObject({ hasCredentials: false });
    expect(await secrets()).not.toContain('p4ss-word');

    const kept = await add();
    expect(await s.updateRegistry(kept.id, { url: 'registry.example.com', name: 'Renamed' })).toMatchObject({ name: 'Renamed', hasCredentials: true });
    expect(await s.updateRegistry(kept.id, { url: 'https://REGISTRY.example.com:443/v2/' })).toMatchObject({ hasCredentials: true });
    expect(await s.updateRegistry(kept.id, { tls: { mode: 'skip' } })).toMatchObject({ hasCredentials: true });
    expect(await secrets()).toContain('p4ss-word');
  });
});
