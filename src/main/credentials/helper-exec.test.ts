import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findHelper, helperSearchDirs, runHelper, type HelperRunOptions } from './helper-exec';
import { writeCredentialHelper } from '../../../test/support/credentials/helper';
import { failure } from '../../../test/support/engine/client';

let root = '';
let bin = '';
let opts: HelperRunOptions;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-helper-'));
  bin = join(root, 'bin');
  const home = join(root, 'home');
  opts = { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home }, home, timeoutMs: 5_000, via: 'credHelpers in ~/.docker/config.json', host: 'reg.test:5000' };
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Running (a zombie waiting for a non-reaping init, as in some containers, counts as stopped). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('finding a helper', () => {
  it('searches PATH, then the usual install folders (the dock does not pass the shell PATH)', () => {
    const dirs = helperSearchDirs({ PATH: '/custom/bin:/usr/bin' }, '/home/u', 'darwin');
    expect(dirs.slice(0, 2)).toEqual(['/custom/bin', '/usr/bin']);
    expect(dirs).toContain('/opt/homebrew/bin');
    expect(dirs).toContain('/Applications/Docker.app/Contents/Resources/bin');
    expect(dirs).toContain('/home/u/.docker/bin');
    expect(dirs).toContain('/snap/bin');
    expect(dirs.filter((d) => d === '/usr/bin')).toHaveLength(1);
    const win = helperSearchDirs({ Path: 'C:\\Tools' }, 'C:\\Users\\u', 'win32');
    expect(win[0]).toBe('C:\\Tools');
    expect(win).toContain('C:\\Program Files\\Docker\\Docker\\resources\\bin');
  });

  it('finds a helper in ~/.docker/bin even when PATH lacks it', async () => {
    const path = await writeCredentialHelper(join(opts.home, '.docker', 'bin'), 'berth-home');
    expect(await findHelper('berth-home', { ...opts, env: { PATH: '/usr/bin:/bin' } })).toBe(path);
  });

  it('names the helper, the folders tried and the fixes when it is missing', async () => {
    const err = await failure(findHelper('berth-absent', opts));
    expect(err.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(err.message).toMatch(/docker-credential-berth-absent \(credHelpers in ~\/\.docker\/config\.json\) was not found/);
    // The usual install folders by name, the PATH folders (here: `bin` and the system ones) counted.
    expect(err.message).toContain('/usr/local/bin, /opt/homebrew/bin');
    expect(err.message).toContain('~/.docker/bin');
    expect(err.message).toMatch(/and [1-9]\d* other folders? on PATH/);
    expect((err.detail as { searched: string[] }).searched).toContain(bin);
    expect(err.message).toMatch(/Install it .* choose "anonymous" or type a username and password/);
    expect((err.detail as { searched: string[] }).searched).toContain('/snap/bin');
  });

  it('refuses helper names that are paths', async () => {
    const err = await failure(findHelper('../../bin/sh', opts));
    expect(err.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(err.message).toMatch(/not a valid helper name/);
  });
});

describe('running a helper', () => {
  it('writes the server URL on stdin and reads Username/Secret', async () => {
    const record = join(root, 'calls.txt');
    await writeCredentialHelper(bin, 'berth-ok', { credentials: { 'reg.test:5000': { Username: 'u1', Secret: "s'e\"c $x" } }, recordFile: record });
    expect(await runHelper('berth-ok', 'reg.test:5000', opts)).toEqual({ username: 'u1', secret: "s'e\"c $x" });
    expect(await readFile(record, 'utf8')).toBe('reg.test:5000\n');
  });

  it('returns null on "credentials not found"', async () => {
    await writeCredentialHelper(bin, 'berth-empty', { credentials: {} });
    expect(await runHelper('berth-empty', 'reg.test:5000', opts)).toBeNull();
  });

  it('reports a failing helper with its own words and what to do', async () => {
    await writeCredentialHelper(bin, 'berth-broken', { fail: { message: 'error getting credentials - err: exit status 2, out: `gpg: decryption failed: No secret key`', exitCode: 2 } });
    const err = await failure(runHelper('berth-broken', 'reg.test:5000', opts));
    expect(err.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(err.message).toMatch(/docker-credential-berth-broken .* failed for reg\.test:5000 \(exit code 2\): error getting credentials/);
    expect(err.message).toMatch(/gpg: decryption failed/);
    expect(err.message).toMatch(/docker login reg\.test:5000/);
  });

  it('never quotes the stdout of a helper that printed its secret and then failed; stderr is quoted, trimmed and bounded', async () => {
    const answer = JSON.stringify({ ServerURL: 'reg.test:5000', Username: 'u1', Secret: 'hunter2-from-stdout' });
    const noise = `keychain locked ${'x'.repeat(2000)}`;
    await writeCredentialHelper(bin, 'berth-leaky', { fail: { message: `  ${noise}\n\n`, stdout: answer } });
    const err = await failure(runHelper('berth-leaky', 'reg.test:5000', opts));
    expect(err.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(err.message).not.toContain('hunter2-from-stdout');
    expect(err.message).not.toContain('Username');
    expect(err.message).toContain('(exit code 1): keychain locked xxx');
    expect(err.message.length).toBeLessThan(700);
    // With nothing on stderr, the message says why the helper's output is not shown.
    await writeCredentialHelper(bin, 'berth-quiet', { fail: { message: answer, toStdout: true } });
    const quiet = await failure(runHelper('berth-quiet', 'reg.test:5000', opts));
    expect(quiet.message).not.toContain('hunter2-from-stdout');
    expect(quiet.message).toContain('(exit code 1) and said nothing on stderr');
  });

  it('never quotes the output of a helper that answered garbage (it may hold the secret)', async () => {
    await writeCredentialHelper(bin, 'berth-garbage', { rawOutput: 'Username=u Secret=topsecret' });
    const err = await failure(runHelper('berth-garbage', 'reg.test:5000', opts));
    expect(err.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(err.message).toMatch(/not \{"Username","Secret"\} JSON/);
    expect(err.message).not.toContain('topsecret');
  });

  it('kills a helper that hangs (and its children) after the timeout', async () => {
    const pidFile = join(root, 'pid');
    await writeCredentialHelper(bin, 'berth-slow', { sleepSeconds: 30, pidFile, credentials: {} });
    const started = Date.now();
    const err = await failure(runHelper('berth-slow', 'reg.test:5000', { ...opts, timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(err.message).toMatch(/did not answer within 0\.3 s and was stopped/);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    // The sleeping child is in the helper's process group and must be gone too.
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(pid)).toBe(false);
  });

  it('stops on abort with CANCELLED', async () => {
    await writeCredentialHelper(bin, 'berth-slow2', { sleepSeconds: 30 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await failure(runHelper('berth-slow2', 'reg.test:5000', { ...opts, signal: ac.signal }));
    expect(err.code).toBe('CANCELLED');
  });
});
