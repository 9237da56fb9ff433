/** Test helpers for the web shell: raw HTTP (so Host/Origin can be forged) and a logged-in session. */
import { request } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A raw response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request to 127.0.0.1:port with exactly the given headers. */
export function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(opts.body);
  });
}

/** Exchanges the printed URL's token for the session cookie, as a browser would. */
export async function login(url: string): Promise<string> {
  const u = new URL(url);
  const res = await raw(Number(u.port), { path: `${u.pathname}${u.search}` });
  const setCookie = res.headers['set-cookie'];
  const cookie = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (res.status !== 303 || !cookie) throw new Error(`login failed: HTTP ${res.status}`);
  return cookie.split(';')[0]!;
}

/** A fresh one-time login URL, asked for with a logged-in `cookie` (what a second browser would open). */
export async function mintLoginUrl(port: number, cookie: string): Promise<string> {
  const res = await raw(port, { method: 'POST', path: '/api/login-link', headers: { cookie, 'x-berth-api': '1' } });
  const body = JSON.parse(res.body) as { ok: boolean; value?: { url: string } };
  if (res.status !== 200 || !body.ok || !body.value) throw new Error(`login-link failed: HTTP ${res.status} ${res.body}`);
  return body.value.url;
}

/** A fake built renderer: index.html and one asset, plus a secret file next to (outside) it. */
export async function fakeRenderer(): Promise<{ dir: string; secretName: string }> {
  const root = await mkdtemp(join(tmpdir(), 'berth-renderer-'));
  const dir = join(root, 'renderer');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Berth test</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log("berth");');
  await writeFile(join(dir, 'assets', 'style.css'), 'body{}');
  await writeFile(join(root, 'secret.txt'), 'TOP-SECRET');
  return { dir, secretName: 'secret.txt' };
}
