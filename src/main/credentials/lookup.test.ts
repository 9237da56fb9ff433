import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupCredentials, type LookupOptions } from './lookup';
import { podmanAuthPaths } from './podman-auth';
import { authString as b64, writeAuthFile as writeJson, writeDockerConfig } from '../../../test/support/credentials/docker-config';
import { writeCredentialHelper } from '../../../test/support/credentials/helper';
import { failure } from '../../../test/support/engine/client';

const HOST = '127.0.0.1:5000';

let root = '';
let home = '';
let bin = '';
let opts: LookupOptions & { env: NodeJS.ProcessEnv };

const dockerConfig = (data: unknown): Promise<string> => writeDockerConfig(join(home, '.docker'), data);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-creds-'));
  home = join(root, 'home');
  bin = join(root, 'bin');
  // A clean environment: never the real ~/.docker, XDG dirs or REGISTRY_AUTH_FILE.
  opts = { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home }, home, timeoutMs: 5_000 };
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('Docker config auths', () => {
  it('finds nothing when there is no config at all', async () => {
    expect(await lookupCredentials(HOST, opts)).toBeNull();
  });

  it('decodes auth from ~/.docker/config.json and says where it came from', async () => {
    await dockerConfig({ auths: { 'http://127.0.0.1:5000/v1/': { auth: b64('alice:s3:cret') } } });
    expect(await lookupCredentials(HOST, opts)).toEqual({
      username: 'alice',
      password: 's3:cret',
      source: { kind: 'docker-config', username: 'alice', description: '~/.docker/config.json (auths)' },
    });
  });

  it('prefers $DOCKER_CONFIG and matches Docker Hub by its v1 key', async () => {
    const dir = join(root, 'dc');
    await writeJson(join(dir, 'config.json'), { auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') } } });
    await dockerConfig({ auths: { 'https://index.docker.io/v1/': { auth: b64('wrong:wrong') } } });
    const found = await lookupCredentials('docker.io', { ...opts, env: { ...opts.env, DOCKER_CONFIG: dir } });
    expect(found?.username).toBe('hubuser');
    expect(found?.source.description).toBe(`${join(dir, 'config.json')} (auths)`);
  });

  it('returns an identity token with the user <token>', async () => {
    await dockerConfig({ auths: { 'registry.example.com': { identitytoken: 'refresh-abc' } } });
    expect(await lookupCredentials('registry.example.com', opts)).toEqual({
      username: '<token>',
      identityToken: 'refresh-abc',
      source: { kind: 'docker-config', username: '<token>', description: '~/.docker/config.json (auths)' },
    });
  });

  it('reports an unparsable config as CREDENTIALS_UNREADABLE naming the path', async () => {
    await dockerConfig('{ "auths": { "x": { "auth": "c2VjcmV0" } ');
    const err = await failure(lookupCredentials(HOST, opts));
    expect(err.code).toBe('CREDENTIALS_UNREADABLE');
    expect(err.message).toMatch(/~\/\.docker\/config\.json is not valid JSON.*Fix or remove the file/);
    expect(err.message).not.toContain('c2VjcmV0'); // the file's content never reaches a message
  });
});

describe('Docker credential helpers', () => {
  it('uses credHelpers before credsStore before auths, and never writes the config', async () => {
    const record = join(root, 'calls');
    await writeCredentialHelper(bin, 'berth-per-host', { credentials: { [HOST]: { Username: 'from-helper', Secret: 'h-secret' } }, recordFile: record });
    await writeCredentialHelper(bin, 'berth-store', { credentials: { [HOST]: { Username: 'from-store', Secret: 'x' } } });
    const path = await dockerConfig({
      auths: { [HOST]: { auth: b64('from-auths:x') } },
      credHelpers: { [HOST]: 'berth-per-host' },
      credsStore: 'berth-store',
    });
    const before = { text: await readFile(path, 'utf8'), mtime: (await stat(path)).mtimeMs };
    expect(await lookupCredentials(HOST, opts)).toEqual({
      username: 'from-helper',
      password: 'h-secret',
      source: { kind: 'docker-helper', username: 'from-helper', description: 'docker-credential-berth-per-host (credHelpers in ~/.docker/config.json)' },
    });
    expect(await readFile(record, 'utf8')).toBe(`${HOST}\n`);

    expect(await readFile(path, 'utf8')).toBe(before.text);
    expect((await stat(path)).mtimeMs).toBe(before.mtime);

    await dockerConfig({ auths: { [HOST]: { auth: b64('from-auths:x') } }, credsStore: 'berth-store' });
    const viaStore = await lookupCredentials(HOST, opts);
    expect(viaStore?.username).toBe('from-store');
    expect(viaStore?.source).toEqual({ kind: 'docker-helper', username: 'from-store', description: 'docker-credential-berth-store (credsStore in ~/.docker/config.json)' });
  });

  it('asks the helper with the key docker login stored, and Hub with https://index.docker.io/v1/', async () => {
    const record = join(root, 'calls');
    await writeCredentialHelper(bin, 'berth-store', {
      credentials: { 'https://index.docker.io/v1/': { Username: '<token>', Secret: 'hub-refresh' } },
      recordFile: record,
    });
    await dockerConfig({ auths: { 'https://registry.example.com': {} }, credsStore: 'berth-store' });
    const hub = await lookupCredentials('docker.io', opts);
    expect(hub).toEqual({
      username: '<token>',
      identityToken: 'hub-refresh',
      source: { kind: 'docker-helper', username: '<token>', description: 'docker-credential-berth-store (credsStore in ~/.docker/config.json)' },
    });
    expect(await lookupCredentials('registry.example.com', opts)).toBeNull();
    expect(await readFile(record, 'utf8')).toBe('https://index.docker.io/v1/\nhttps://registry.example.com\n');
  });

  it('falls back from a credsStore that does not know the host to a plain auths entry', async () => {
    await writeCredentialHelper(bin, 'berth-store', { credentials: {} });
    await dockerConfig({ auths: { [HOST]: { auth: b64('old:entry') } }, credsStore: 'berth-store' });
    const found = await lookupCredentials(HOST, opts);
    expect(found?.username).toBe('old');
    expect(found?.source.kind).toBe('docker-config');
  });

  it('a per-host helper that does not know the host means no Docker credentials (podman is asked next)', async () => {
    await writeCredentialHelper(bin, 'berth-per-host', { credentials: {} });
    await dockerConfig({ auths: { [HOST]: { auth: b64('ignored:x') } }, credHelpers: { [HOST]: 'berth-per-host' } });
    expect(await lookupCredentials(HOST, opts)).toBeNull();
    await writeJson(join(home, '.config', 'containers', 'auth.json'), { auths: { [HOST]: { auth: b64('pod:man') } } });
    expect((await lookupCredentials(HOST, opts))?.source.kind).toBe('podman');
  });

  it('fails with CREDENTIAL_HELPER_FAILED when the configured helper is missing, failing or slow', async () => {
    await dockerConfig({ credsStore: 'berth-nowhere' });
    const missing = await failure(lookupCredentials(HOST, opts));
    expect(missing.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(missing.message).toMatch(/docker-credential-berth-nowhere \(credsStore in ~\/\.docker\/config\.json\) was not found; looked in .*\/bin/);

    await writeCredentialHelper(bin, 'berth-bad', { fail: { message: 'keychain is locked', toStdout: true } });
    await dockerConfig({ credHelpers: { [HOST]: 'berth-bad' } });
    const failed = await failure(lookupCredentials(HOST, opts));
    expect(failed.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(failed.message).toMatch(/failed for 127\.0\.0\.1:5000 \(exit code 1\) and said nothing on stderr/);
    expect(failed.message).not.toContain('keychain is locked'); // stdout is never quoted

    await writeCredentialHelper(bin, 'berth-slow', { sleepSeconds: 20 });
    await dockerConfig({ credHelpers: { [HOST]: 'berth-slow' } });
    const slow = await failure(lookupCredentials(HOST, { ...opts, timeoutMs: 200 }));
    expect(slow.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(slow.message).toMatch(/did not answer within 0\.2 s/);
  });
});

describe('podman auth files', () => {
  it('looks in REGISTRY_AUTH_FILE alone, else the runtime dir then XDG_CONFIG_HOME', () => {
    expect(podmanAuthPaths({ REGISTRY_AUTH_FILE: '/a.json', XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/u')).toEqual(['/a.json']);
    expect(podmanAuthPaths({ XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/u')).toEqual([
      '/run/user/1000/containers/auth.json',
      '/home/u/.config/containers/auth.json',
    ]);
    expect(podmanAuthPaths({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toEqual(['/cfg/containers/auth.json']);
  });

  it('is consulted only when Docker gave nothing, runtime file first, host-level keys only', async () => {
    const runtime = join(root, 'run');
    const env = { ...opts.env, XDG_RUNTIME_DIR: runtime };
    await writeJson(join(runtime, 'containers', 'auth.json'), { auths: { [`${HOST}/team`]: { auth: b64('ns:only') }, other: { auth: b64('o:o') } } });
    await writeJson(join(home, '.config', 'containers', 'auth.json'), { auths: { [HOST]: { auth: b64('cfg:pass') } } });
    expect(await lookupCredentials(HOST, { ...opts, env })).toEqual({
      username: 'cfg',
      password: 'pass',
      source: { kind: 'podman', username: 'cfg', description: '~/.config/containers/auth.json (podman)' },
    });
    await writeJson(join(runtime, 'containers', 'auth.json'), { auths: { [HOST]: { auth: b64('rt:pass') } } });
    expect((await lookupCredentials(HOST, { ...opts, env }))?.source.description).toBe(`${join(runtime, 'containers', 'auth.json')} (podman)`);
    await dockerConfig({ auths: { [HOST]: { auth: b64('docker:wins') } } });
    expect((await lookupCredentials(HOST, { ...opts, env }))?.username).toBe('docker');
  });

  it('uses REGISTRY_AUTH_FILE instead of the defaults, and reports it when unparsable', async () => {
    const file = await writeJson(join(root, 'auth.json'), { auths: { 'docker.io': { auth: b64('p:q') } } });
    await writeJson(join(home, '.config', 'containers', 'auth.json'), { auths: { 'docker.io': { auth: b64('no:no') } } });
    const found = await lookupCredentials('docker.io', { ...opts, env: { ...opts.env, REGISTRY_AUTH_FILE: file } });
    expect(found?.username).toBe('p');
    await writeFile(file, 'not json');
    const err = await failure(lookupCredentials('docker.io', { ...opts, env: { ...opts.env, REGISTRY_AUTH_FILE: file } }));
    expect(err.code).toBe('CREDENTIALS_UNREADABLE');
    expect(err.message).toContain(`Podman's auth file ${file} is not valid JSON. Fix or remove the file (e.g. run "podman login" again)`);
  });
});
