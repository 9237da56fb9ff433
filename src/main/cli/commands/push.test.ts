import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../../test/support/registry/start';
import { buildArchive } from '../../../../test/support/archives/archive';
import { parsePushArgs, progressLine, runPushCommand, splitDestination } from './push';
import { readBack, tagsOf } from '../../../../test/support/registry/read-back';

let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-cli-push-'));
  process.env.BERTH_CACHE_DIR = join(dir, 'cache');
});
afterAll(async () => {
  delete process.env.BERTH_CACHE_DIR;
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function io() {
  const out = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') =>
    ({ isTTY: false, write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WriteStream;
  return { out, io: { stdout: stream('stdout'), stderr: stream('stderr') } };
}

describe('parsePushArgs', () => {
  it('splits the destination and reads the options', () => {
    expect(splitDestination('127.0.0.1:5000')).toEqual({ registryUrl: '127.0.0.1:5000' });
    expect(splitDestination('http://127.0.0.1:5000/team/app:1')).toEqual({ registryUrl: 'http://127.0.0.1:5000', target: 'team/app:1' });
    const a = parsePushArgs(['f.tar', 'localhost:5000/app', '--compression', 'none', '--image=1', '--json', '--insecure']);
    expect(a).toMatchObject({ file: 'f.tar', registryUrl: 'localhost:5000', target: 'app', compression: 'none', image: 1, json: true, insecure: true, allTags: false });
  });

  it('refuses bad command lines with INVALID_ARGUMENT and the usage', () => {
    for (const argv of [['f.tar'], ['f.tar', 'r:5000', '--compression', 'xz'], ['f.tar', 'r:5000', '--image', 'one'], ['f.tar', 'r:5000/app:1', '--all-tags'], ['f.tar', 'r:5000', '--nope']]) {
      expect(() => parsePushArgs(argv)).toThrow(/usage: berth push/);
    }
  });

  it('draws a progress line', () => {
    const line = progressLine({ pushId: 'x', phase: 'blobs', layers: [], bytesDone: 50e6, bytesTotal: 100e6, rate: 10e6, eta: 5 }, 10);
    expect(line).toBe('[#####.....] 50% 50.0 MB/100.0 MB 10.0 MB/s ETA 5s (0/0 blobs, blobs)');
  });
});

describe('berth push', () => {
  it('pushes to the image\'s own tags and prints one line per tag', async () => {
    const built = await buildArchive(join(dir, 'own.tar'), { layout: 'docker-legacy', images: [{ tags: ['cli-own:1', 'cli-own:2'], layers: [{ sizeBytes: 50_000 }] }] });
    const { out, io: streams } = io();
    const code = await runPushCommand([built.path, reg.host], streams);
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    const digest = (await readBack(reg, 'cli-own', '1')).digest;
    expect(out.stdout).toBe(`pushed ${reg.host}/cli-own:1 ${digest}\npushed ${reg.host}/cli-own:2 ${digest}\n`);
  });

  it('pushes to an explicit repository:tag with --json', async () => {
    const built = await buildArchive(join(dir, 'json.tar'), { layout: 'oci', images: [{ tags: ['whatever:9'], layers: [{ sizeBytes: 70_000 }] }] });
    const { out, io: streams } = io();
    const code = await runPushCommand([built.path, `${reg.host}/cli/json:7`, '--json', '--compression', 'none'], streams);
    expect(code).toBe(0);
    const res = JSON.parse(out.stdout) as { ok: boolean; pushed: { repository: string; tag: string; digest: string }[]; bytesUploaded: number; seconds: number };
    expect(res.ok).toBe(true);
    expect(res.pushed).toEqual([{ repository: 'cli/json', tag: '7', digest: (await readBack(reg, 'cli/json', '7')).digest }]);
    expect(res.bytesUploaded).toBeGreaterThan(70_000);
    expect(res.seconds).toBeGreaterThan(0);
    expect(await tagsOf(reg, 'whatever')).toEqual([]);
  });

  it('fails with one error line and exit 1 (or JSON with --json)', async () => {
    const missing = join(dir, 'missing.tar');
    const a = io();
    expect(await runPushCommand([missing, reg.host], a.io)).toBe(1);
    expect(a.out.stdout).toBe('');
    expect(a.out.stderr).toMatch(/^error INVALID_ARGUMENT: .*does not exist.*\n$/);
    const b = io();
    expect(await runPushCommand([missing, reg.host, '--json'], b.io)).toBe(1);
    expect(JSON.parse(b.out.stdout)).toEqual({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('does not exist') } });
    const c = io();
    expect(await runPushCommand([missing], c.io)).toBe(2);
    expect(c.out.stderr).toMatch(/^error INVALID_ARGUMENT: FILE and REGISTRY are required/);
  });
});
