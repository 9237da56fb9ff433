/** The CLI's commands in-process against a real registry (the spawned binary is bin.test.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/registry/ports';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex } from '../../../test/support/images/push';
import { runCli } from './index';
import { captureIo } from '../../../test/support/engine/cli-io';
import { authEntry, writeDockerConfig } from '../../../test/support/credentials/docker-config';

let reg: RunningRegistry;
let auth: RunningRegistry;
let webDigest: string;

// Never the user's own `docker login`: each test says which docker config it has.
const noDockerLogin = mkdtempSync(join(tmpdir(), 'berth-cli-docker-'));
process.env.DOCKER_CONFIG = noDockerLogin;
process.env.REGISTRY_AUTH_FILE = join(noDockerLogin, 'podman-auth.json');

beforeAll(async () => {
  [reg, auth] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' })]);
  webDigest = (await pushImage(reg, 'team/web', ['1.0', 'stable'], { seed: 'cli-web', cmd: ['nginx'] })).digest;
  await pushImage(reg, 'team/web', ['2.0'], { seed: 'cli-web-2' });
  await pushIndex(reg, 'team/multi', ['1.0'], [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ]);
  await pushImage(auth, 'private/app', ['1'], { seed: 'cli-auth' });
});
afterAll(async () => {
  await Promise.all([reg?.stop(), auth?.stop()]);
  delete process.env.BERTH_USERNAME;
  delete process.env.BERTH_PASSWORD;
  delete process.env.DOCKER_CONFIG;
  delete process.env.REGISTRY_AUTH_FILE;
});

async function run(argv: string[], opts?: { tty?: boolean; input?: string }) {
  const io = captureIo(opts);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('berth ls / tags / inspect', () => {
  it('lists repositories and tags, as text and JSON', async () => {
    expect(await run(['ls', reg.host])).toEqual({ code: 0, out: 'team/multi\nteam/web\n', err: '' });
    expect(JSON.parse((await run(['ls', reg.url, '--json'])).out)).toEqual(['team/multi', 'team/web']);
    expect((await run(['tags', `${reg.host}/team/web`])).out).toBe('1.0\n2.0\nstable\n');
    expect(JSON.parse((await run(['tags', '--json', `${reg.url}/team/web`])).out)).toEqual(['1.0', '2.0', 'stable']);
  });

  it('inspects an image and an index', async () => {
    const image = await run(['inspect', `${reg.host}/team/web:1.0`]);
    expect(image.code).toBe(0);
    expect(image.out).toContain(`Digest      ${webDigest}`);
    expect(image.out).toContain('Cmd         ["nginx"]');
    expect(image.out).toContain('linux/amd64');
    const json = JSON.parse((await run(['inspect', '--json', `${reg.host}/team/web@${webDigest}`])).out);
    expect(json).toMatchObject({ kind: 'image', digest: webDigest, repository: 'team/web' });
    const index = await run(['inspect', `${reg.host}/team/multi:1.0`]);
    expect(index.out).toContain('linux/arm64/v8');
  });

  it('uses `docker login` credentials for the host when BERTH_USERNAME is not set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-cli-docker-'));
    await writeDockerConfig(dir, { auths: { [`https://${auth.host}`]: authEntry(auth.username!, auth.password!) } });
    process.env.DOCKER_CONFIG = dir;
    try {
      expect(await run(['ls', auth.host])).toMatchObject({ code: 0, out: 'private/app\n' });
    } finally {
      process.env.DOCKER_CONFIG = noDockerLogin;
    }
  });

  it('reads credentials from BERTH_USERNAME / BERTH_PASSWORD', async () => {
    const denied = await run(['ls', auth.host]);
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/^error (UNAUTHORIZED|AUTH_FAILED): /);
    process.env.BERTH_USERNAME = auth.username;
    process.env.BERTH_PASSWORD = auth.password;
    expect(await run(['ls', auth.host])).toMatchObject({ code: 0, out: 'private/app\n' });
  });

  it('prints one error line and exits 1 when the registry is down', async () => {
    const r = await run(['ls', `127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error CONNECTION_REFUSED: .+\n$/);
    expect(r.err.split('\n')).toHaveLength(2);
    const missing = await run(['inspect', `${reg.host}/team/web:nope`]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/^error MANIFEST_UNKNOWN: /);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [['ls'], ['ls', reg.host, 'extra'], ['ls', '--bogus', reg.host], ['frobnicate'], ['tags', reg.host], ['rm', `${reg.host}/team/web`], ['serve', '--port', 'x']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(/^usage error: /);
    }
    expect((await run(['--help'])).out).toContain('berth rm');
  });
});

describe('berth rm', () => {
  it('refuses without a terminal and without --yes, deleting nothing', async () => {
    const r = await run(['rm', `${reg.host}/team/web:stable`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error CANCELLED: Nothing was deleted: .*tags 1\.0, stable.*--yes/);
    expect((await run(['tags', `${reg.host}/team/web`])).out).toBe('1.0\n2.0\nstable\n');
  });

  it('asks on a terminal and keeps everything on "n"', async () => {
    const r = await run(['rm', `${reg.host}/team/web:stable`], { tty: true, input: 'n\n' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('removes tags 1.0, stable');
    expect(r.err).toContain('Nothing was deleted.');
    expect((await run(['tags', `${reg.host}/team/web`])).out).toBe('1.0\n2.0\nstable\n');
  });

  it('deletes the digest and every tag on it after "y"', async () => {
    const r = await run(['rm', `${reg.host}/team/web:stable`], { tty: true, input: 'y\n' });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Deleted team/web@${webDigest}`);
    expect(r.out).toContain('untagged 1.0');
    expect((await run(['tags', `${reg.host}/team/web`])).out).toBe('2.0\n');
  });
});

describe('natural order (issue 12)', () => {
  it('berth tags and berth ls print v0.0.2 before v0.0.10 and ns2 before ns10', async () => {
    await pushImage(reg, 'ns10/app', ['v0.0.10', 'v0.0.2', 'v0.0.9'], { seed: 'cli-natural' });
    await pushImage(reg, 'ns2/app', ['1'], { seed: 'cli-natural-2' });
    expect((await run(['tags', `${reg.host}/ns10/app`])).out).toBe('v0.0.2\nv0.0.9\nv0.0.10\n');
    const repos = (await run(['ls', reg.host])).out.trim().split('\n');
    expect(repos.indexOf('ns2/app')).toBeLessThan(repos.indexOf('ns10/app'));
  });
});
