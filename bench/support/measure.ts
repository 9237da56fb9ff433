/** Runs a command under GNU time and returns its wall time, peak memory and output. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  peakMB: number;
  /** User + system CPU seconds of the command and the children it waited for (less sensitive to load than wall time). */
  cpuSeconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `/usr/bin/time -f "%e %M %U %S"`: elapsed seconds, max RSS (KiB) and CPU seconds of the command itself. */
export async function measure(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-measure-'));
  const out = join(dir, 'time.txt');
  const t0 = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', '-o', out, cmd, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  const wall = (performance.now() - t0) / 1000;
  let peakMB = NaN;
  let cpuSeconds = NaN;
  let seconds = wall;
  try {
    const [e, m, u, s] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-4);
    seconds = Number(e) || wall;
    peakMB = Number(m) / 1024;
    cpuSeconds = Number(u) + Number(s);
  } catch {
    // time could not write (killed): keep the wall clock.
  }
  rmSync(dir, { recursive: true, force: true });
  return { seconds, peakMB, cpuSeconds, code, stdout, stderr };
}
