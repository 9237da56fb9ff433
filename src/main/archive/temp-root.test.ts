/** Berth's temp folders: one private root per user, and a start-up sweep that removes only what a crashed Berth left. */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appTempRoot, makeSpoolDir, sweepStaleSpools } from './temp-root';

let dir: string;
const savedTmp = process.env.TMPDIR;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-temp-root-'));
});
afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await rm(dir, { recursive: true, force: true });
});

/** The id of a process that has ended. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', '']);
    p.on('error', reject);
    p.on('exit', () => resolve(p.pid!));
  });
}

const LONG_AGO = new Date(Date.now() - 3600_000);

async function folder(root: string, name: string, old = true): Promise<string> {
  const path = join(root, name);
  await mkdir(path);
  await writeFile(join(path, '0.blob'), 'spooled bytes');
  if (old) await utimes(path, LONG_AGO, LONG_AGO);
  return path;
}

describe('sweepStaleSpools', () => {
  it('removes only Berth’s own folders of ended processes made before this one started', async () => {
    const root = await mkdtemp(join(dir, 'root-'));
    const dead = await deadPid();
    const alive = process.ppid;
    const stale = [
      await folder(root, `berth-archive-${dead}-abc123`),
      await folder(root, `berth-upload-${dead}-xyz789`),
      await folder(root, `berth-worker-${dead}-Q1w2E3`),
      // An earlier process that had this process's id (ids are reused).
      await folder(root, `berth-archive-${process.pid}-before`),
    ];
    const kept = [
      await folder(root, `berth-worker-${process.pid}-inuse1`, false), // this process's, in use
      await folder(root, `berth-archive-${alive}-livepd`), // a running Berth's
      await folder(root, `berth-archive-${dead}-newer1`, false), // made after this process started
      await folder(root, `berth-archive-${dead}-toolong`), // not a name Berth makes
      await folder(root, 'someone-elses-folder'),
    ];
    const target = await folder(dir, 'link-target');
    await symlink(target, join(root, `berth-archive-${dead}-link01`));
    await writeFile(join(root, `berth-upload-${dead}-file01`), 'a file, not a folder');

    const removed = await sweepStaleSpools(root);
    expect(removed.sort()).toEqual([...stale].sort());
    expect((await readdir(root)).sort()).toEqual(
      [...kept.map((p) => p.slice(root.length + 1)), `berth-archive-${dead}-link01`, `berth-upload-${dead}-file01`].sort(),
    );
    // A link is never followed.
    expect(await readdir(target)).toEqual(['0.blob']);
  });

  it('sweeps nothing when the app’s temp root is not this user’s private folder', async () => {
    process.env.TMPDIR = await mkdtemp(join(dir, 'tmp-'));
    const root = (await appTempRoot())!;
    expect(root).toBe(join(process.env.TMPDIR, `berth-${process.getuid!()}`));
    const stale = await folder(root, `berth-archive-${await deadPid()}-abcdef`);
    await chmod(root, 0o755);
    expect(await appTempRoot()).toBeNull();
    expect(await sweepStaleSpools()).toEqual([]);
    await chmod(root, 0o700);
    expect(await sweepStaleSpools()).toEqual([stale]);
  });

  it('does not use a root that is a link, and spools under the OS temp folder instead', async () => {
    process.env.TMPDIR = await mkdtemp(join(dir, 'tmp-'));
    const elsewhere = await mkdtemp(join(dir, 'elsewhere-'));
    await chmod(elsewhere, 0o700);
    await symlink(elsewhere, join(process.env.TMPDIR, `berth-${process.getuid!()}`));
    expect(await appTempRoot()).toBeNull();
    const spool = await makeSpoolDir('archive');
    expect(spool.startsWith(join(process.env.TMPDIR, `berth-archive-${process.pid}-`))).toBe(true);
    expect(await readdir(elsewhere)).toEqual([]);
  });
});
