import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import {
  convertToHostname,
  decodeAuthEntry,
  dockerConfigPath,
  findCredHelper,
  matchingAuthKeys,
  normaliseRegistryKey,
  readAuthFile,
  tildePath,
} from './docker-config';
import { authString as b64 } from '../../../test/support/credentials/docker-config';

const where = (): string => '"x" in test';

describe('registry key normalisation (Docker ConvertToHostname)', () => {
  it.each([
    ['registry.example.com', 'registry.example.com'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://registry.example.com', 'registry.example.com'],
    ['http://127.0.0.1:5000/v1/', '127.0.0.1:5000'],
    ['https://registry.example.com:8443/v2/', 'registry.example.com:8443'],
    ['registry.example.com/team', 'registry.example.com'],
  ])('%s → %s', (key, host) => {
    expect(convertToHostname(key)).toBe(host);
  });

  it('folds Docker Hub names and case', () => {
    for (const k of ['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'docker.io', 'https://registry-1.docker.io']) {
      expect(normaliseRegistryKey(k)).toBe('docker.io');
    }
    expect(normaliseRegistryKey('GHCR.io')).toBe('ghcr.io');
  });

  it('matches auths keys, exact key first, Hub by its v1 URL', () => {
    const auths = { 'http://127.0.0.1:5000/v1/': {}, '127.0.0.1:5000': {}, 'other:5000': {}, 'https://index.docker.io/v1/': {} };
    expect(matchingAuthKeys(auths, '127.0.0.1:5000')).toEqual(['127.0.0.1:5000', 'http://127.0.0.1:5000/v1/']);
    expect(matchingAuthKeys(auths, 'docker.io')).toEqual(['https://index.docker.io/v1/']);
    expect(matchingAuthKeys(auths, '127.0.0.1:5001')).toEqual([]);
  });

  it('keeps only host-level keys for podman', () => {
    const auths = { 'quay.io/team': {}, 'quay.io': {}, 'https://quay.io': {} };
    expect(matchingAuthKeys(auths, 'quay.io', true)).toEqual(['quay.io', 'https://quay.io']);
  });

  it('finds credHelpers by normalised key', () => {
    expect(findCredHelper({ credHelpers: { 'https://ghcr.io': 'gh', 'index.docker.io': 'desktop' } }, 'ghcr.io')).toBe('gh');
    expect(findCredHelper({ credHelpers: { 'index.docker.io': 'desktop' } }, 'docker.io')).toBe('desktop');
    expect(findCredHelper({ credHelpers: { 'ghcr.io': '' } }, 'ghcr.io')).toBeNull();
  });
});

describe('auths entries', () => {
  it('decodes base64 user:pass, splitting at the first colon', () => {
    expect(decodeAuthEntry({ auth: b64('alice:pa:ss:word') }, where)).toEqual({ username: 'alice', password: 'pa:ss:word' });
    expect(decodeAuthEntry({ auth: b64('bob:') }, where)).toEqual({ username: 'bob', password: '' });
  });

  it('reads an identitytoken as user <token> unless a username is given', () => {
    expect(decodeAuthEntry({ identitytoken: 'refresh-1' }, where)).toEqual({ username: '<token>', identityToken: 'refresh-1' });
    expect(decodeAuthEntry({ identitytoken: 'refresh-1', username: 'carol' }, where)).toEqual({ username: 'carol', identityToken: 'refresh-1' });
  });

  it('treats empty entries as nothing and corrupt auth as unreadable', () => {
    expect(decodeAuthEntry({}, where)).toBeNull();
    expect(decodeAuthEntry({ auth: '' }, where)).toBeNull();
    expect(() => decodeAuthEntry({ auth: b64('no-colon') }, where)).toThrow(/not base64 of "username:password"/);
    expect(() => decodeAuthEntry({ auth: '%%%' }, where)).toThrow(BerthError);
  });

  it('accepts separate username/password fields', () => {
    expect(decodeAuthEntry({ username: 'u', password: 'p' }, where)).toEqual({ username: 'u', password: 'p' });
  });
});

describe('config file', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lives in $DOCKER_CONFIG or ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/u')).toBe('/etc/dc/config.json');
    expect(dockerConfigPath({}, '/home/u')).toBe('/home/u/.docker/config.json');
    expect(tildePath('/home/u/.docker/config.json', '/home/u')).toBe('~/.docker/config.json');
    expect(tildePath('/home/user2/x', '/home/u')).toBe('/home/user2/x');
  });

  it('is null when missing and CREDENTIALS_UNREADABLE (naming the path and the fix) when malformed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-dc-'));
    expect(await readAuthFile(join(dir, 'nope.json'), dir, "Docker's config")).toBeNull();
    const bad = join(dir, 'config.json');
    await writeFile(bad, '{"auths": {');
    const err = await readAuthFile(bad, dir, "Docker's config").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('CREDENTIALS_UNREADABLE');
    expect((err as BerthError).message).toMatch(/Docker's config ~\/config\.json is not valid JSON/);
    expect((err as BerthError).message).toMatch(/Fix or remove the file/);
    await writeFile(bad, '{"auths": []}');
    await expect(readAuthFile(bad, dir, "Docker's config")).rejects.toThrow(/"auths" that is not an object/);
  });
});
