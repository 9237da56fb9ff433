import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../shared/api';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { dispatch, isApiMethod } from './dispatch';
import { BerthService } from './service';
import { METHOD_ARGS, validateArgs } from './validate';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('validateArgs', () => {
  it('has a schema for every contract method', () => {
    expect(Object.keys(METHOD_ARGS).sort()).toEqual([...API_METHODS].sort());
  });

  it.each([
    ['team/web', true],
    ['a', true],
    ['a.b_c__d---e/f0', true],
    ['Team/web', false],
    ['team//web', false],
    ['/team', false],
    ['team/', false],
    ['a..b', false],
    ['-a', false],
    ['a'.repeat(256), false],
  ])('repository %s → %s', (repo, ok) => {
    const run = () => validateArgs('listTags', ['r1', repo]);
    if (ok) expect(run()).toEqual(['r1', repo, undefined]);
    else expect(run).toThrow(/Invalid argument "repository"/);
  });

  it.each([
    ['1.0', true],
    ['latest', true],
    ['_x', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['.hidden', false],
    ['-x', false],
    ['a:b', false],
    ['', false],
  ])('tag %s → %s', (tag, ok) => {
    const run = () => validateArgs('getTagDetail', ['r1', 'team/web', tag]);
    if (ok) expect(run()).toEqual(['r1', 'team/web', tag]);
    else expect(run).toThrow(/Invalid argument "tag"/);
  });

  it('accepts a tag or a sha256 digest as a reference and nothing else', () => {
    expect(validateArgs('getManifest', ['r1', 'x', DIGEST])[2]).toBe(DIGEST);
    expect(validateArgs('planDelete', ['r1', 'x', 'v1'])[2]).toBe('v1');
    expect(() => validateArgs('getManifest', ['r1', 'x', 'sha256:ABC'])).toThrow(/"reference"/);
    expect(() => validateArgs('deleteManifest', ['r1', 'x', 'latest', []])).toThrow(/"digest"/);
    expect(() => validateArgs('deleteManifest', ['r1', 'x', DIGEST, ['ok', '../bad']])).toThrow(/"confirmedTags.1"/);
  });

  it('bounds page sizes to 1..1000 and treats null as absent', () => {
    expect(validateArgs('listRepositories', ['r1', { n: 1000, last: 'x' }])).toEqual(['r1', { n: 1000, last: 'x' }]);
    expect(validateArgs('listRepositories', ['r1', null])).toEqual(['r1', undefined]);
    expect(() => validateArgs('listRepositories', ['r1', { n: 1001 }])).toThrow(/"page.n"/);
    expect(() => validateArgs('listRepositories', ['r1', { n: 0 }])).toThrow(/"page.n"/);
    expect(() => validateArgs('listRepositories', ['r1', { n: 1.5 }])).toThrow(/"page.n"/);
    expect(() => validateArgs('listRepositories', ['r1', { extra: 1 }])).toThrow(/"page"/);
  });

  it('refuses extra arguments, bad ids and unknown fields', () => {
    expect(() => validateArgs('listRegistries', [1])).toThrow(/at most 0/);
    expect(() => validateArgs('removeRegistry', ['../x'])).toThrow(/"id"/);
    expect(() => validateArgs('addRegistry', [{ url: 'x', token: 'y' }])).toThrow(/"input"/);
    expect(() => validateArgs('addRegistry', [{ url: '  ' }])).toThrow(/"input.url"/);
    expect(() => validateArgs('startPush', [{ handle: 'h', registryId: 'r', target: 'Bad:tag' }])).toThrow(/"request.target"/);
    expect(validateArgs('startPush', [{ handle: 'h', registryId: 'r', target: 'team/app:1.0' }])[0]).toMatchObject({ target: 'team/app:1.0' });
  });
});

describe('dispatch', () => {
  let reg: RunningRegistry;
  const service = new BerthService();

  beforeAll(async () => {
    reg = await startRegistry();
    await pushImage(reg, 'team/web', ['1.0', 'stable'], { seed: 'dispatch' });
  });
  afterAll(async () => {
    await service.close();
    await reg?.stop();
  });

  it('refuses names that are not contract methods, inherited ones included', async () => {
    for (const name of ['nope', 'constructor', 'registerPath', 'close', 'toString', '__proto__']) {
      expect(isApiMethod(name)).toBe(false);
      const r = await dispatch(service, name, []);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });

  it('returns INVALID_ARGUMENT naming the argument and never calls the service', async () => {
    const r = await dispatch(service, 'listTags', ['r1', 'Bad Name']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('"repository"');
    expect(await dispatch(service, 'listRegistries', 'not-a-list')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('calls the engine against a real registry and keeps secrets in main', async () => {
    const added = await dispatch(service, 'addRegistry', [{ url: reg.host, username: 'u', password: 'hunter2' }]);
    expect(added.ok).toBe(true);
    const info = (added as { value: { id: string; hasCredentials: boolean } }).value;
    expect(info.hasCredentials).toBe(true);
    expect(JSON.stringify(await dispatch(service, 'listRegistries', []))).not.toContain('hunter2');
    const repos = await dispatch(service, 'listRepositories', [info.id]);
    expect(repos).toEqual({ ok: true, value: { repositories: ['team/web'], next: null } });
    const tags = await dispatch(service, 'listTags', [info.id, 'team/web', { n: 1 }]);
    expect(tags).toMatchObject({ ok: true, value: { tags: ['1.0'], next: expect.any(String) } });
    const plan = await dispatch(service, 'planDelete', [info.id, 'team/web', 'stable']);
    expect(plan).toMatchObject({ ok: true, value: { tags: ['1.0', 'stable'] } });
    expect(await dispatch(service, 'removeRegistry', [info.id])).toEqual({ ok: true, value: null });
    expect(await dispatch(service, 'listRepositories', [info.id])).toMatchObject({ ok: false, error: { code: 'REGISTRY_UNKNOWN' } });
  });

  it('turns engine errors into wire errors and honours an aborted signal', async () => {
    const added = await dispatch(service, 'addRegistry', [{ url: reg.host }]);
    const id = (added as { value: { id: string } }).value.id;
    expect(await dispatch(service, 'getTagDetail', [id, 'team/web', 'missing'])).toMatchObject({
      ok: false,
      error: { code: 'MANIFEST_UNKNOWN' },
    });
    const ac = new AbortController();
    ac.abort();
    expect(await dispatch(service, 'listRepositories', [id], ac.signal)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await dispatch(service, 'inspectArchive', ['deadbeef'])).toMatchObject({ ok: false, error: { code: 'HANDLE_UNKNOWN' } });
  });
});
