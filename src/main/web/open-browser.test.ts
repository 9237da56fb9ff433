/**
 * `berth serve --open` keeps the login token off every command line: the browser is started on a
 * launch page only this user can read, which posts a one-time token and is deleted once used.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthService } from '../service/service';
import { defaultOpener } from './open-browser';
import { startWebServer, type WebServer } from './server';
import { fakeRenderer, raw } from '../../../test/support/app/web-session';

const service = new BerthService();
let server: WebServer;
let record: string;

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-fake-browser-'));
  record = join(dir, 'argv.txt');
  // A "browser" that writes down exactly the command line it was started with.
  const browser = join(dir, 'fake-browser');
  await writeFile(browser, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${record}'\n`);
  await chmod(browser, 0o755);
  server = await startWebServer({ port: 0, service, rendererDir: (await fakeRenderer()).dir, open: true, opener: defaultOpener({ BERTH_BROWSER: browser }) });
});
afterAll(async () => {
  await server?.close();
  await service.close();
});

describe('serve --open', () => {
  it('starts the browser on a private launch page: no token in its argv, the page posts a one-time token, then is deleted', async () => {
    const argv = (await until(async () => (existsSync(record) ? await readFile(record, 'utf8') : undefined), 'the fake browser')).trim().split('\n');
    expect(argv).toHaveLength(2);
    const page = argv[1]!;
    expect(page).toMatch(/berth-open-[^/]+\/open-berth\.html$/);
    const html = await readFile(page, 'utf8');
    const token = /name="token" value="([A-Za-z0-9_-]{43})"/.exec(html)?.[1];
    expect(token).toBeDefined();
    expect(html).toContain(`action="http://127.0.0.1:${server.port}/login"`);
    // The secret is in the page only, never on the command line (nor the printed URL's token).
    expect(argv.join(' ')).not.toContain(token!);
    expect(argv.join(' ')).not.toContain(new URL(server.url).searchParams.get('token')!);
    expect((await stat(page)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(page))).mode & 0o777).toBe(0o700);

    const post = () =>
      raw(server.port, { method: 'POST', path: '/login', headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    const login = await post();
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toMatch(/^berth_\d+=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict/);
    await until(async () => (existsSync(dirname(page)) ? undefined : true), 'the launch page to be deleted');
    expect((await post()).status).toBe(401);

    // The printed URL is a separate token, still good once for manual use.
    const u = new URL(server.url);
    expect((await raw(server.port, { path: `/${u.search}` })).status).toBe(303);
    expect((await raw(server.port, { path: `/${u.search}` })).status).toBe(401);
  });

  it('uses the platform opener, or BERTH_BROWSER, with the page path as the only argument', () => {
    const file = '/tmp/berth-open-x/open-berth.html';
    expect(defaultOpener({}, 'linux')(file)).toEqual(['xdg-open', [file]]);
    expect(defaultOpener({}, 'darwin')(file)).toEqual(['open', [file]]);
    expect(defaultOpener({}, 'win32')(file)).toEqual(['cmd', ['/c', 'start', '""', file]]);
    expect(defaultOpener({ BERTH_BROWSER: ' /usr/bin/firefox ' }, 'linux')(file)).toEqual(['/usr/bin/firefox', [file]]);
  });
});
