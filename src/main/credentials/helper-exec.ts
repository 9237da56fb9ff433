/**
 * Docker credential helpers (`docker-credential-NAME get`): finding the program even when the app
 * was started from the dock without the shell's PATH, and running it without a shell.
 * Protocol: https://github.com/docker/docker-credential-helpers#development
 */
import { spawn } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import { BerthError } from '../../shared/errors';
import { tildePath } from './docker-config';

/** Prefix of every credential helper program. */
export const HELPER_PREFIX = 'docker-credential-';

/** What a helper answered for a server URL. */
export interface HelperAnswer {
  username: string;
  secret: string;
}

/** How to run a helper: whose environment, which home, how long to wait. */
export interface HelperRunOptions {
  env: NodeJS.ProcessEnv;
  home: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Where the helper was configured, for messages: "credHelpers in ~/.docker/config.json". */
  via: string;
  /** Host the credentials are for, for messages. */
  host: string;
  platform?: NodeJS.Platform;
}

const OUTPUT_CAP = 64 * 1024;

/** PATH's folders, then the places Docker Desktop, Homebrew, snap and users put helpers. */
export function helperSearchDirs(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string[] {
  const win = platform === 'win32';
  const join = win ? win32.join : posix.join;
  // Windows environment names are case-insensitive, but a copied env object is not.
  const pathKey = win ? (Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH') : 'PATH';
  const fromPath = (env[pathKey] ?? '').split(win ? ';' : ':').filter((d) => d !== '');
  const usual = win
    ? ['C:\\Program Files\\Docker\\Docker\\resources\\bin', join(home, '.docker', 'bin'), join(home, 'bin')]
    : [
        '/usr/local/bin',
        '/opt/homebrew/bin',
        '/usr/bin',
        '/bin',
        join(home, '.docker', 'bin'),
        join(home, 'bin'),
        join(home, '.local', 'bin'),
        '/Applications/Docker.app/Contents/Resources/bin',
        '/snap/bin',
      ];
  return [...new Set([...fromPath, ...usual])];
}

async function isExecutable(file: string, win: boolean): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    if (!win) await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The helper's full path, or a CREDENTIAL_HELPER_FAILED naming the folders tried and the fixes. */
export async function findHelper(name: string, opts: HelperRunOptions): Promise<string> {
  const platform = opts.platform ?? process.platform;
  const win = platform === 'win32';
  const program = `${HELPER_PREFIX}${name}`;
  // A config file is not trusted to point outside the search folders.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new BerthError(
      'CREDENTIAL_HELPER_FAILED',
      `The credential helper name "${name}" (${opts.via}) is not a valid helper name. Fix the entry for ${opts.host}, or choose "anonymous" or type a password in the registry's settings.`,
    );
  }
  const file = win ? `${program}.exe` : program;
  const dirs = helperSearchDirs(opts.env, opts.home, platform);
  const join = win ? win32.join : posix.join;
  for (const dir of dirs) {
    const candidate = join(dir, file);
    if (await isExecutable(candidate, win)) return candidate;
  }
  // The usual install folders are what a person recognises; PATH (often long) is only counted.
  const usualDirs = helperSearchDirs({}, opts.home, platform);
  const onPath = dirs.filter((d) => !usualDirs.includes(d)).length;
  const usual = usualDirs.map((d) => tildePath(d, opts.home));
  throw new BerthError(
    'CREDENTIAL_HELPER_FAILED',
    `The credential helper ${program} (${opts.via}) was not found; looked in ${usual.join(', ')} and ${onPath} other folder${onPath === 1 ? '' : 's'} on PATH. ` +
      `Install it or put it in one of those folders, or open the registry's settings and choose "anonymous" or type a username and password.`,
    { helper: program, searched: dirs },
  );
}

/** A helper's stderr in one line, short, for messages (stdout is never quoted: it may hold the secret). */
function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 300)}…` : one;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * Runs `docker-credential-NAME get` with `serverUrl` on stdin. Null when the helper says
 * "credentials not found"; the answer otherwise. Kills the helper (and its children) on timeout
 * or abort.
 */
export async function runHelper(name: string, serverUrl: string, opts: HelperRunOptions): Promise<HelperAnswer | null> {
  if (opts.signal?.aborted) throw cancelled();
  const file = await findHelper(name, opts);
  const program = `${HELPER_PREFIX}${name}`;
  const win = (opts.platform ?? process.platform) === 'win32';
  const redo = `Run "docker login ${opts.host}" again or fix the helper, or choose "anonymous" or type a password in the registry's settings.`;

  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    // Own process group (POSIX) so a timeout also stops whatever the helper started (gpg, sleep …).
    const child = spawn(file, ['get'], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: !win, windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const kill = (): void => {
      try {
        if (!win && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish(() =>
        reject(
          new BerthError(
            'CREDENTIAL_HELPER_FAILED',
            `The credential helper ${program} (${opts.via}) did not answer within ${seconds(opts.timeoutMs)} and was stopped. ` +
              `It may be waiting for a locked keychain or a passphrase (e.g. gpg for "pass"): unlock it and retry, or choose "anonymous" or type a password in the registry's settings.`,
          ),
        ),
      );
    }, opts.timeoutMs);
    const onAbort = (): void => {
      kill();
      finish(() => reject(cancelled()));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => {
      if (outLen < OUTPUT_CAP) out.push(b);
      outLen += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errLen < OUTPUT_CAP) err.push(b);
      errLen += b.length;
    });
    child.on('error', (e) =>
      finish(() =>
        reject(new BerthError('CREDENTIAL_HELPER_FAILED', `The credential helper ${file} (${opts.via}) could not be started (${e.message}). ${redo}`)),
      ),
    );
    child.on('close', (exitCode) =>
      finish(() => resolve({ code: exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })),
    );
    // A helper that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(serverUrl);
  });

  if (code !== 0) {
    if (/credentials not found/i.test(stdout) || /credentials not found/i.test(stderr)) return null;
    // Only stderr is quoted: a helper may print its answer (the secret) on stdout before failing.
    const said = excerpt(stderr);
    const why = said ? `: ${said}` : ' and said nothing on stderr (its standard output is not shown: it may hold the secret)';
    throw new BerthError(
      'CREDENTIAL_HELPER_FAILED',
      `The credential helper ${program} (${opts.via}) failed for ${serverUrl} (exit code ${code ?? 'signal'})${why}. ${redo}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    parsed = null;
  }
  const answer = parsed as { Username?: unknown; Secret?: unknown } | null;
  // Never quote stdout here: on success it holds the secret.
  if (!answer || typeof answer !== 'object' || typeof answer.Secret !== 'string' || (answer.Username !== undefined && typeof answer.Username !== 'string')) {
    throw new BerthError(
      'CREDENTIAL_HELPER_FAILED',
      `The credential helper ${program} (${opts.via}) answered for ${serverUrl} with something that is not {"Username","Secret"} JSON. ${redo}`,
    );
  }
  if (answer.Secret === '' && !answer.Username) return null;
  return { username: (answer.Username as string | undefined) ?? '', secret: answer.Secret };
}

function cancelled(): BerthError {
  return new BerthError('CANCELLED', 'Looking up credentials was cancelled.');
}
