import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { listRepositories } from '../registry/browse';
import { RegistryClient } from '../registry/client';
import { failure } from '../../../test/support/engine/client';
import { lookupCredentials, type FoundCredentials, type LookupOptions } from './lookup';
import { writeCredentialHelper } from '../../../test/support/credentials/helper';
import { authEntry, writeDockerConfig } from '../../../test/support/credentials/docker-config';


describe('credentials found on disk open a real htpasswd registry', () => {
  let reg: RunningRegistry;
  let root: string;
  let opts: LookupOptions;
  let configDir: string;
  let bin: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushImage(reg, 'team/app', ['v1']);
    root = await mkdtemp(join(tmpdir(), 'berth-creds-int-'));
    configDir = join(root, 'docker');
    bin = join(root, 'bin');
    await mkdir(configDir, { recursive: true });
    const home = join(root, 'home');
    opts = { env: { DOCKER_CONFIG: configDir, PATH: `${bin}:/usr/bin:/bin`, HOME: home }, home, timeoutMs: 5_000 };
  });
  afterAll(async () => {
    await reg?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const writeConfig = (data: unknown): Promise<string> => writeDockerConfig(configDir, data);
  const clientWith = (found: FoundCredentials): RegistryClient =>
    new RegistryClient({ baseUrl: reg.url, host: reg.host, username: found.username, password: found.password });

  it('auths entry (base64 user:pass) in $DOCKER_CONFIG/config.json', async () => {
    await writeConfig({ auths: { [reg.host]: authEntry(reg.username!, reg.password!) } });
    const found = await lookupCredentials(reg.host, opts);
    expect(found?.source).toEqual({ kind: 'docker-config', username: reg.username, description: `${join(configDir, 'config.json')} (auths)` });
    const client = clientWith(found!);
    try {
      expect((await listRepositories(client)).repositories).toEqual(['team/app']);
    } finally {
      await client.close();
    }
  });

  it('credHelpers: a helper script first on PATH answers for the host', async () => {
    await writeCredentialHelper(bin, 'berth-int', { credentials: { [reg.host]: { Username: reg.username!, Secret: reg.password! } } });
    await writeConfig({ auths: { [reg.host]: authEntry('stale', 'wrong') }, credHelpers: { [reg.host]: 'berth-int' } });
    const found = await lookupCredentials(reg.host, opts);
    expect(found?.source.kind).toBe('docker-helper');
    expect(found?.source.description).toMatch(/^docker-credential-berth-int \(credHelpers in .*config\.json\)$/);
    const client = clientWith(found!);
    try {
      expect((await listRepositories(client)).repositories).toEqual(['team/app']);
    } finally {
      await client.close();
    }
  });

  it('a wrong password in the config makes the registry call fail as unauthorized', async () => {
    await writeConfig({ auths: { [`http://${reg.host}/v1/`]: authEntry(reg.username!, 'not-the-password') } });
    const found = await lookupCredentials(reg.host, opts);
    expect(found?.password).toBe('not-the-password');
    const client = clientWith(found!);
    try {
      const err = await failure(listRepositories(client));
      expect(['AUTH_FAILED', 'UNAUTHORIZED']).toContain(err.code);
    } finally {
      await client.close();
    }
  });
});
