/** `berth files`, `berth cat` and `berth diff` in-process, against a real registry and a real archive. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../../../test/support/archives/archive';
import { buildLayer, L, pseudoRandom } from '../../../../test/support/images/layers';
import { pushLayers } from '../../../../test/support/images/push';
import { startRegistry, type RunningRegistry } from '../../../../test/support/registry/start';
import { runCli } from '../index';

let reg: RunningRegistry;
let dir: string;
let archive: string;
const savedCache = process.env.BERTH_CACHE_DIR;
/** Bytes no text decoder would leave alone: every value, NULs and invalid UTF-8 included. */
const BLOB = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), pseudoRandom(70_000, 'cli-cat')]);

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-cli-contents-'));
  process.env.BERTH_CACHE_DIR = join(dir, 'cache');
  const base = await buildLayer([L.dir('etc'), L.file('etc/hosts', '127.0.0.1 localhost\n'), L.dir('bin'), L.file('bin/blob', BLOB, { mode: 0o755 }), L.symlink('bin/link', 'blob')]);
  const top = await buildLayer([L.file('etc/hosts', '10.0.0.1 db\n'), L.whiteout('bin/link'), L.dir('srv'), L.file('srv/app.txt', 'app\n')]);
  await pushLayers(reg, 'team/app', ['1'], [base]);
  await pushLayers(reg, 'team/app', ['2'], [base, top], { env: ['STAGE=2'] });
  archive = join(dir, 'app.tar');
  await buildArchive(archive, {
    layout: 'docker-oci',
    seed: 'cli-contents',
    images: [
      { tags: ['team/app:3'], layers: [{ files: { 'srv/app.txt': 'three\n', 'srv/new.txt': 'new\n' } }] },
      { tags: ['team/other:1'], layers: [{ files: { 'other.txt': 'other\n' } }] },
    ],
  });
});

afterAll(async () => {
  if (savedCache === undefined) delete process.env.BERTH_CACHE_DIR;
  else process.env.BERTH_CACHE_DIR = savedCache;
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs one command line, keeping stdout as bytes (cat must not be decoded). */
async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  let err = '';
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(argv, { stdout, stderr });
  const bytes = Buffer.concat(out);
  return { code, bytes, out: bytes.toString('utf8'), err };
}

describe('berth files', () => {
  it('lists the merged filesystem like ls -l, indexing once (progress on stderr) and from the cache after', async () => {
    const first = await run(['files', `${reg.host}/team/app:2`]);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/indexed layer 1 of 2: .*entries/);
    expect(first.out.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^drwxr-xr-x 0\/0 +0 L1 +\/bin$/),
      expect.stringMatching(/^-rwxr-xr-x 0\/0 +70256 L1 +\/bin\/blob$/),
      expect.stringMatching(/^drwxr-xr-x .* \/etc$/),
      expect.stringMatching(/^-rw-r--r-- 0\/0 +12 L2 +\/etc\/hosts$/),
      expect.stringMatching(/ \/srv$/),
      expect.stringMatching(/ L2 +\/srv\/app\.txt$/),
    ]);
    expect(first.err).toMatch(/team\/app:2: 3 files, .* in 2 layer\(s\); .* wasted, efficiency \d+\.\d %/);
    const again = await run(['files', `${reg.host}/team/app:2`, '/etc']);
    expect(again.err).not.toContain('indexed');
    expect(again.out).toMatch(/^-rw-r--r-- .* \/etc\/hosts\n$/);
  });

  it('shows what one layer did with --layer N (from 1), and the whole listing as JSON', async () => {
    const layer2 = await run(['files', `${reg.host}/team/app:2`, '--layer', '2']);
    expect(layer2.out).toContain('D lrwxrwxrwx');
    expect(layer2.out).toMatch(/^C -rw-r--r-- .* \/etc\/hosts$/m);
    expect(layer2.out).toMatch(/^A -rw-r--r-- .* \/srv\/app\.txt$/m);
    expect(layer2.out).toMatch(/\/bin\/link -> blob$/m);
    const json = JSON.parse((await run(['files', `${reg.host}/team/app:2`, 'srv', '--json'])).out);
    expect(json).toMatchObject({ image: `${reg.host}/team/app:2`, layer: null, entries: [{ path: 'srv/app.txt', size: 4, addedIn: 1 }] });
    expect(json.summary.layers).toHaveLength(2);
  });

  it('reads an archive image by number or by tag', async () => {
    expect((await run(['files', archive])).out).toMatch(/\/srv\/new\.txt$/m);
    expect((await run(['files', `${archive}:1`])).out).toMatch(/^-rw-r--r-- .* \/other\.txt\n$/);
    expect((await run(['files', `${archive}:team/other:1`])).out).toMatch(/\/other\.txt\n$/);
    expect(await run(['files', `${archive}:7`])).toMatchObject({ code: 1, err: expect.stringContaining('error INVALID_ARGUMENT: The archive holds 2 image(s)') });
  });

  it('says what is wrong with a bad command line or a missing path', async () => {
    expect(await run(['files', `${reg.host}/team/app:2`, '--layer', '0'])).toMatchObject({ code: 2, err: expect.stringContaining('--layer takes a layer number from 1') });
    expect(await run(['files', `${reg.host}/team/app:2`, '--layer', '3'])).toMatchObject({ code: 1, err: expect.stringContaining('there is no layer 3') });
    expect(await run(['files', `${reg.host}/team/app:2`, '/nope'])).toMatchObject({ code: 1, err: expect.stringContaining('has no /nope') });
    expect(await run(['files', join(dir, 'missing.tar')])).toMatchObject({ code: 1, err: expect.stringContaining('missing.tar does not exist') });
  });
});

describe('berth cat', () => {
  it('prints the file’s exact bytes, following symlinks inside the image', async () => {
    const r = await run(['cat', `${reg.host}/team/app:1`, '/bin/link']);
    expect(r.code).toBe(0);
    expect(r.bytes.equals(BLOB)).toBe(true);
    expect((await run(['cat', `${archive}:0`, 'srv/app.txt'])).out).toBe('three\n');
  });

  it('refuses a deleted file and a folder with the engine’s errors', async () => {
    expect(await run(['cat', `${reg.host}/team/app:2`, 'bin/link'])).toMatchObject({ code: 1, err: expect.stringContaining('deleted by a later layer') });
    expect(await run(['cat', `${reg.host}/team/app:2`, 'etc'])).toMatchObject({ code: 1, err: expect.stringContaining('is a folder') });
  });
});

describe('berth diff', () => {
  it('prints the summary line first, then config, layers and files', async () => {
    const r = await run(['diff', `${reg.host}/team/app:1`, `${reg.host}/team/app:2`]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('+1 files, −1, 1 changed, −4 B');
    expect(r.out).toContain('  env STAGE: (none) → 2');
    expect(r.out).toContain('Layers: 1 shared, then 0 only in A, 1 only in B');
    expect(r.out).toContain('  - /bin/link');
    expect(r.out).toContain('  ~ /etc/hosts  20 B → 12 B (size)');
    expect(r.out).toContain('  + /srv/app.txt  4 B');
  });

  it('diffs an archive image against a registry tag, as JSON', async () => {
    const d = JSON.parse((await run(['diff', `${reg.host}/team/app:2`, `${archive}:team/app:3`, '--json'])).out);
    expect(d).toMatchObject({ a: `${reg.host}/team/app:2`, b: 'app.tar:0', totals: { added: 1, changed: 1 } });
    expect(d.files).toContainEqual({ path: 'srv/new.txt', change: 'added', kind: 'file', sizeA: null, sizeB: 4, fields: [] });
  });
});

describe('berth --help', () => {
  it('documents files, cat and diff', async () => {
    const r = await run(['--help']);
    expect(r.out).toContain('berth files REF [PATH] [--layer N]');
    expect(r.out).toContain('berth cat REF PATH');
    expect(r.out).toContain('berth diff REF_A REF_B');
  });
});
