/**
 * `node bin/berth.mjs …` as users run it: plain Node, the built bundle, a real registry. Needs
 * the build: beforeAll runs `electron-vite build` when out/main/cli.js is missing or older than
 * the sources it bundles, and FAILS (never skips) when the build does not work.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/berth.mjs');
const CLI = join(ROOT, 'out/main/cli.js');

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : e.name.endsWith('.test.ts') ? 0 : statSync(p).mtimeMs);
  }
  return max;
}

function ensureBuilt(): void {
  const sources = ['src/main', 'src/shared', 'src/preload', 'src/renderer'].map((d) => newestMtime(join(ROOT, d)));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= Math.max(...sources)) return;
  const r = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`electron-vite build failed, so the CLI cannot be tested:\n${r.stdout}\n${r.stderr}`);
}

function berth(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Modules reachable from `file` through static `import … from` (dynamic imports are left out). */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm)) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith('.')) staticImports(resolve(dirname(file), spec), seen);
    else seen.add(spec);
  }
  return seen;
}

let reg: RunningRegistry;
let digest: string;

beforeAll(async () => {
  ensureBuilt();
  reg = await startRegistry();
  digest = (await pushImage(reg, 'team/web', ['1.0', 'stable'], { seed: 'bin-web' })).digest;
  await pushImage(reg, 'team/web', ['2.0'], { seed: 'bin-web-2' });
}, 300_000);
afterAll(async () => {
  await reg?.stop();
});

describe('bin/berth.mjs', () => {
  it('starts without loading the engine for --help', () => {
    const graph = [...staticImports(CLI)];
    expect(graph.filter((m) => /undici|zod|tar-stream|electron/.test(m))).toEqual([]);
    const r = berth(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('berth serve');
  });

  it('ls, tags, inspect against a real registry', () => {
    expect(berth(['ls', reg.host])).toMatchObject({ code: 0, out: 'team/web\n' });
    expect(JSON.parse(berth(['tags', '--json', `${reg.host}/team/web`]).out)).toEqual(['1.0', '2.0', 'stable']);
    expect(JSON.parse(berth(['inspect', '--json', `${reg.host}/team/web:1.0`]).out)).toMatchObject({ kind: 'image', digest });
  });

  it('rm refuses without --yes off a terminal, then deletes with --yes', () => {
    const refused = berth(['rm', `${reg.host}/team/web:1.0`]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error CANCELLED: /);
    const r = berth(['rm', '--yes', '--json', `${reg.host}/team/web:1.0`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ repository: 'team/web', digest, deletedTags: ['1.0', 'stable'] });
    expect(berth(['tags', `${reg.host}/team/web`]).out).toBe('2.0\n');
  });

  it('reports errors as one line with exit 1 and usage errors with exit 2', () => {
    const down = berth(['ls', '127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^error CONNECTION_REFUSED: [^\n]+\n$/);
    expect(berth(['tags']).code).toBe(2);
  });

  it('serve prints the URL and serves the built renderer until SIGTERM, keeping registries in BERTH_DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-bin-data-'));
    const env = { ...process.env, BERTH_DATA_DIR: dataDir, REGISTRY_URL: 'http://127.0.0.1:5999' };
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed:\n${out}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /^Berth is at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]!);
        }
      });
    });
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(new URL('/', url), { headers: { cookie } });
    expect(page.status).toBe(200);
    const script = /<script[^>]+src="\.?(\/assets\/[^"]+\.js)"/.exec(await page.text());
    expect(script).not.toBeNull();
    const asset = await fetch(new URL(script![1]!, url), { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(out).toContain(`Saved registries and passwords (file mode 0600) are in ${dataDir}`);
    const saved = JSON.parse(readFileSync(join(dataDir, 'registries.json'), 'utf8')) as { registries: { url: string }[] };
    expect(saved.registries.map((r) => r.url)).toEqual(['http://127.0.0.1:5999']);
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  // Where an Electron binary exists, npm start launches it instead; that path needs a display.
  const hasElectron = (() => {
    try {
      const p = createRequire(import.meta.url)('electron') as unknown;
      return typeof p === 'string' && existsSync(p);
    } catch {
      return false;
    }
  })();
  it.skipIf(hasElectron)('npm start falls back to the web shell when the Electron binary is missing', async () => {
    const env = { ...process.env, BERTH_DATA_DIR: mkdtempSync(join(tmpdir(), 'berth-start-data-')) };
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed:\n${out}`)), 60_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/Berth is at http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n/.test(out)) {
          clearTimeout(timer);
          ok();
        }
      });
    });
    // A concurrent build elsewhere may empty out/ so start.mjs builds first: the notice need not be line 1.
    const notice = "Electron's binary is not installed here; starting the web shell instead.";
    expect(out.split('\n').filter((l) => l === notice)).toHaveLength(1);
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
