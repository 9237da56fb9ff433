/**
 * Test support (unit, integration and e2e tests only): writes a fake `docker-credential-NAME`
 * that speaks the credential-helper protocol, so tests never touch a real keychain.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the fake helper answers and how it misbehaves. */
export interface FakeHelperOptions {
  /** Server URL (exactly as read on stdin) → credentials; anything else gets "credentials not found". */
  credentials?: Record<string, { Username: string; Secret: string }>;
  /**
   * Fail every call: print `message` (to stderr unless `toStdout`) and exit with `exitCode` (default 1);
   * `stdout` is printed on stdout first (a helper that prints its answer, then fails).
   */
  fail?: { message: string; exitCode?: number; toStdout?: boolean; stdout?: string };
  /** Sleep this long before answering (a hanging helper), in a child process whose id goes to `pidFile`. */
  sleepSeconds?: number;
  pidFile?: string;
  /** Print this verbatim (exit 0) instead of JSON, e.g. to test garbage output. */
  rawOutput?: string;
  /** Append each server URL read on stdin as one line to this file. */
  recordFile?: string;
}

/** Single-quotes a string for /bin/sh (no expansion of any kind inside). */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes an executable `#!/bin/sh` script `docker-credential-<name>` into `dir` (created if needed)
 * and returns its path. Put `dir` first on PATH in the lookup's `env` to use it.
 */
export async function writeCredentialHelper(dir: string, name: string, opts: FakeHelperOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const lines = ['#!/bin/sh', '# Fake docker credential helper written by Berth tests.', 'url=$(cat)'];
  lines.push('[ "$1" = get ] || { echo "unsupported action: $1" >&2; exit 2; }');
  if (opts.recordFile) lines.push(`printf '%s\\n' "$url" >> ${q(opts.recordFile)}`);
  if (opts.sleepSeconds !== undefined) {
    // A child process, like gpg under `pass`: a timeout must stop it too, not only the script.
    lines.push(`sleep ${Number(opts.sleepSeconds)} &`);
    if (opts.pidFile) lines.push(`echo $! > ${q(opts.pidFile)}`);
    lines.push('wait $!');
  }
  if (opts.fail) {
    const redirect = opts.fail.toStdout ? '' : ' >&2';
    if (opts.fail.stdout !== undefined) lines.push(`printf '%s\\n' ${q(opts.fail.stdout)}`);
    lines.push(`printf '%s\\n' ${q(opts.fail.message)}${redirect}`, `exit ${opts.fail.exitCode ?? 1}`);
  } else if (opts.rawOutput !== undefined) {
    lines.push(`printf '%s' ${q(opts.rawOutput)}`, 'exit 0');
  } else {
    lines.push('case "$url" in');
    for (const [server, c] of Object.entries(opts.credentials ?? {})) {
      const json = JSON.stringify({ ServerURL: server, Username: c.Username, Secret: c.Secret });
      lines.push(`  ${q(server)}) printf '%s\\n' ${q(json)}; exit 0 ;;`);
    }
    lines.push('esac', 'echo "credentials not found in native keychain"', 'exit 1');
  }
  const path = join(dir, `docker-credential-${name}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  await chmod(path, 0o755);
  return path;
}
