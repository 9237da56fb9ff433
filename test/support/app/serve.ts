/** Starts the web shell (`node bin/berth.mjs serve --port 0`) as a user would: for e2e and benches. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { login, mintLoginUrl } from './web-session';

/** The CSP both shells send with the renderer, for specs that check what a shell served. */
export { RENDERER_CSP } from '../../../src/main/web/static-files';

/** A running `berth serve`. */
export interface RunningApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /**
   * A fresh one-time login URL (`/?token=…`) for one browser page or context. Login tokens work
   * once, so the printed one is traded by startApp itself and every caller asks for its own.
   */
  loginUrl(): Promise<string>;
  /** Process id of `berth serve` (benches read its RSS from /proc). */
  pid: number;
  /** The app's data folder (saved registries, secrets): a temporary one unless BERTH_DATA_DIR was given. */
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Spawns `berth serve` on a free port (plus `serveArgs`) and waits for its "Berth is at" line. Its saved registries
 * go to a fresh temporary folder (removed by `stop`) unless `env.BERTH_DATA_DIR` names one, so a
 * test starts with what a first start shows and never touches the user's own list.
 */
export async function startApp(env: Record<string, string> = {}, serveArgs: string[] = []): Promise<RunningApp> {
  const ownDataDir = env.BERTH_DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'berth-app-data-'));
  const dataDir = env.BERTH_DATA_DIR ?? ownDataDir!;
  const child: ChildProcess = spawn(process.execPath, [resolve(ROOT, 'bin/berth.mjs'), 'serve', '--port', '0', ...serveArgs], {
    cwd: ROOT,
    env: { ...process.env, BERTH_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    // A bound against a hung start, not a speed check: a loaded machine can take a while.
    const timer = setTimeout(() => fail(new Error(`berth serve printed no URL in 60 s:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Berth is at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`berth serve exited with ${code}:\n${out}`));
    });
  });
  const origin = new URL(url).origin;
  let cookie: string;
  try {
    cookie = await login(url);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    origin,
    loginUrl: () => mintLoginUrl(Number(new URL(origin).port), cookie),
    pid: child.pid ?? 0,
    dataDir,
    output: () => out,
    stop: async () => {
      await new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
