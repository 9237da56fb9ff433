/**
 * Saved registries end to end through BerthService, against real registries: what is written to
 * disk (and what never is), passwords kept across restarts, TLS trust by CA and by fingerprint,
 * pinned repositories checked against tags/list.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { writeCredentialHelper } from '../../../test/support/credentials/helper';
import { authEntry, writeDockerConfig } from '../../../test/support/credentials/docker-config';
import { createService } from '../service/create-service';
import type { BerthService } from '../service/service';

let open: RunningRegistry;
let basic: RunningRegistry;
let secure: RunningRegistry;
const services: BerthService[] = [];

beforeAll(async () => {
  [open, basic, secure] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' }), startRegistry({ tls: true })]);
  await Promise.all([pushImage(open, 'team/app', ['v1']), pushImage(secure, 'secure/app', ['v1'])]);
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(services.map((s) => s.close()));
  await Promise.allSettled([open, basic, secure].map((r) => r?.stop()));
});

async function serviceIn(dir: string, env: NodeJS.ProcessEnv = {}): Promise<BerthService> {
  const s = await createService({ dataDir: dir, cacheDir: join(dir, 'cache'), env: { ...env, HOME: dir } });
  services.push(s);
  return s;
}
const tempDir = () => mkdtemp(join(tmpdir(), 'berth-book-'));

describe('saved registries', () => {
  it('start with http://localhost:5000, or REGISTRY_URL with REGISTRY_INSECURE, on first start only', async () => {
    const plain = await serviceIn(await tempDir());
    expect((await plain.listRegistries()).map((r) => [r.baseUrl, r.insecure])).toEqual([['http://localhost:5000', false]]);
    const dir = await tempDir();
    const fromEnv = await serviceIn(dir, { REGISTRY_URL: 'http://registry.lan:5000', REGISTRY_INSECURE: 'true' });
    const [seeded] = await fromEnv.listRegistries();
    expect(seeded).toMatchObject({ baseUrl: 'http://registry.lan:5000', host: 'registry.lan:5000', insecure: true, auth: 'auto' });
    await fromEnv.removeRegistry(seeded!.id);
    // The user removed it: a restart does not bring it back.
    expect(await (await serviceIn(dir, { REGISTRY_URL: 'http://registry.lan:5000' })).listRegistries()).toEqual([]);
  });

  it('keep name, order and password across a restart; the password is only in the 0600 secrets file', async () => {
    const dir = await tempDir();
    const first = await serviceIn(dir);
    const [seeded] = await first.listRegistries();
    const a = await first.addRegistry({ url: basic.host, name: 'Team registry', username: basic.username, password: basic.password });
    await first.reorderRegistries([a.id, seeded!.id]);
    await first.close();

    const second = await serviceIn(dir);
    const list = await second.listRegistries();
    expect(list.map((r) => r.id)).toEqual([a.id, seeded!.id]);
    expect(list[0]).toMatchObject({ name: 'Team registry', auth: 'password', username: basic.username, hasCredentials: true });
    expect(JSON.stringify(list)).not.toContain(basic.password!);
    const check = await second.checkRegistry(a.id);
    expect(check).toMatchObject({ reachable: true, authenticated: true, credentials: { kind: 'saved', username: basic.username } });

    expect(await readFile(join(dir, 'registries.json'), 'utf8')).not.toContain(basic.password!);
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).toContain(basic.password!);
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await second.getSecretStorage()).toEqual({ kind: 'file', path: join(dir, 'secrets.json') });
  });

  it('htpasswd: a wrong password gives a clear error; editing in the right one (and only it) works', async () => {
    const s = await serviceIn(await tempDir());
    const r = await s.addRegistry({ url: basic.host, username: basic.username, password: 'wrong-password' });
    const bad = await s.checkRegistry(r.id);
    expect(bad).toMatchObject({ reachable: true, authenticated: false, error: { code: 'UNAUTHORIZED' } });
    expect(bad.error!.message).toMatch(/username and password/i);
    await expect(s.listRepositories(r.id)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await s.updateRegistry(r.id, { password: basic.password });
    expect((await s.checkRegistry(r.id)).authenticated).toBe(true);
    // Renaming leaves the saved password alone.
    await s.updateRegistry(r.id, { name: 'renamed' });
    expect((await s.checkRegistry(r.id)).authenticated).toBe(true);
    await expect(s.updateRegistry(r.id, { username: 'someone-else' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('TLS: refused by default with the certificate shown; trusted by fingerprint or by CA file', async () => {
    const s = await serviceIn(await tempDir());
    const r = await s.addRegistry({ url: secure.url });
    const check = await s.checkRegistry(r.id);
    expect(check.error?.code).toBe('TLS_UNTRUSTED');
    const expected = new X509Certificate(secure.caPem!).fingerprint256;
    expect(check.certificate).toMatchObject({ sha256: expected, problem: 'self-signed' });
    await expect(s.listRepositories(r.id)).rejects.toMatchObject({ code: 'TLS_UNTRUSTED' });

    const pinned = await s.updateRegistry(r.id, { tls: { mode: 'pin', pinSha256: check.certificate!.sha256 } });
    expect(pinned.tls).toEqual({ mode: 'pin', pinSha256: expected });
    expect((await s.listRepositories(r.id)).repositories).toEqual(['secure/app']);

    const withCa = await s.updateRegistry(r.id, { tls: { mode: 'ca', caPem: secure.caPem, caName: 'registry-ca.pem' } });
    expect(withCa.tls).toMatchObject({ mode: 'ca', caName: 'registry-ca.pem', caSubject: expect.stringContaining('CN=') });
    expect((await s.listRepositories(r.id)).repositories).toEqual(['secure/app']);
    await expect(s.updateRegistry(r.id, { tls: { mode: 'ca', caPem: 'not a certificate' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('pins a repository only after tags/list shows it exists', async () => {
    const s = await serviceIn(await tempDir());
    const r = await s.addRegistry({ url: open.host });
    const info = await s.pinRepository(r.id, `${open.host}/team/app:v1`);
    expect(info.pinnedRepositories).toEqual(['team/app']);
    const missing = s.pinRepository(r.id, 'team/nope');
    await expect(missing).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await expect(s.pinRepository(r.id, 'Not A Name')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await s.unpinRepository(r.id, 'team/app')).pinnedRepositories).toEqual([]);
  });

  it('a registry added by its address alone signs in with `docker login` credentials and says where they came from', async () => {
    const dir = await tempDir();
    const dockerConfig = join(dir, 'docker');
    await writeDockerConfig(dockerConfig, { auths: { [basic.host]: authEntry(basic.username!, basic.password!) } });
    const s = await serviceIn(dir, { DOCKER_CONFIG: dockerConfig });
    const r = await s.addRegistry({ url: basic.host });
    expect(r).toMatchObject({ auth: 'auto', hasCredentials: false });
    const check = await s.checkRegistry(r.id);
    expect(check).toMatchObject({ authenticated: true, credentials: { kind: 'docker-config', username: basic.username } });
    expect(check.credentials!.description).toContain('config.json');
    expect((await s.listRepositories(r.id)).repositories).toEqual([]);
    // "Anonymous" means anonymous, even with a docker login at hand.
    await s.updateRegistry(r.id, { auth: 'anonymous' });
    expect(await s.checkRegistry(r.id)).toMatchObject({ authenticated: false, credentials: { kind: 'none' }, error: { code: 'UNAUTHORIZED' } });
  });

  it('asks a credential helper found on PATH, and names the helper and the folders tried when it is missing', async () => {
    const dir = await tempDir();
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeCredentialHelper(bin, 'berthtest', { credentials: { [basic.host]: { Username: basic.username!, Secret: basic.password! } } });
    await writeDockerConfig(dir, { credHelpers: { [basic.host]: 'berthtest', [open.host]: 'absent' } });
    const s = await serviceIn(dir, { DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin` });
    const viaHelper = await s.checkRegistry((await s.addRegistry({ url: basic.host })).id);
    expect(viaHelper).toMatchObject({ authenticated: true, credentials: { kind: 'docker-helper', username: basic.username } });
    expect(viaHelper.credentials!.description).toContain('docker-credential-berthtest');
    const missing = await s.checkRegistry((await s.addRegistry({ url: open.host })).id);
    expect(missing.error?.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(missing.error?.message).toContain('docker-credential-absent');
    expect(missing.error?.message).toContain('/usr/local/bin');
  });

  it('refuses plain http to a non-loopback host unless "insecure (http)" is ticked', async () => {
    const s = await serviceIn(await tempDir());
    await expect(s.addRegistry({ url: 'http://registry.lan:5000' })).rejects.toMatchObject({ code: 'INSECURE_REFUSED' });
    expect(await s.addRegistry({ url: 'http://registry.lan:5000', insecure: true })).toMatchObject({ insecure: true });
  });
});

describe('broken data files', () => {
  it('are set aside (kept) and a fresh list starts, with a warning naming where they went', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'registries.json'), '{"version":1,"registries":[');
    await writeFile(join(dir, 'secrets.json'), '"just a string"');
    const warnings: string[] = [];
    const s = await createService({ dataDir: dir, cacheDir: join(dir, 'cache'), env: { HOME: dir }, warn: (m) => warnings.push(m) });
    services.push(s);
    expect((await s.listRegistries()).map((r) => r.baseUrl)).toEqual(['http://localhost:5000']);
    expect(warnings).toHaveLength(2);
    const kept = /kept as (\S+registries\.json\.broken-\S+) and/.exec(warnings[0]!)?.[1];
    expect(await readFile(kept!, 'utf8')).toBe('{"version":1,"registries":[');
    expect(warnings[1]).toMatch(/secrets\.json\.broken-.*Type the passwords again/);
  });
});
