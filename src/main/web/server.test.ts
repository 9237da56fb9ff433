import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthService } from '../service/service';
import { MAX_API_BODY, startWebServer, type WebServer } from './server';
import { fakeRenderer, login, mintLoginUrl, raw } from '../../../test/support/app/web-session';

let server: WebServer;
let cookie: string;
const service = new BerthService();

beforeAll(async () => {
  const { dir } = await fakeRenderer();
  server = await startWebServer({ port: 0, service, rendererDir: dir });
  cookie = await login(server.url);
});
afterAll(async () => {
  await server?.close();
  await service.close();
});

describe('one-time login tokens and the cookie', () => {
  const pathOf = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };
  const cookieAttrs = (set: string) => {
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
  };

  it('prints a loopback URL with a 32-byte token', () => {
    const u = new URL(server.url);
    expect(u.hostname).toBe('127.0.0.1');
    expect(Number(u.port)).toBe(server.port);
    expect(Buffer.from(u.searchParams.get('token')!, 'base64url')).toHaveLength(32);
  });

  it('trades a token once for an HttpOnly SameSite=Strict cookie; a second exchange is refused with a page that says why', async () => {
    const link = await mintLoginUrl(server.port, cookie);
    const token = new URL(link).searchParams.get('token')!;
    const first = await raw(server.port, { path: pathOf(link) });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const set = String(first.headers['set-cookie']);
    cookieAttrs(set);
    expect(set).not.toContain(token);

    const again = await raw(server.port, { path: pathOf(link) });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('This login link was already used');
    expect(again.body).toContain('start it again for a new link');
    // The printed URL too works only once (the test's own login used it).
    expect((await raw(server.port, { path: pathOf(server.url) })).body).toContain('already used');
  });

  it('keeps a browser logged in through its cookie (a reload, a second click on a used link)', async () => {
    const fresh = (await raw(server.port, { path: pathOf(await mintLoginUrl(server.port, cookie)) })).headers['set-cookie'];
    const browserCookie = String(fresh).split(';')[0]!;
    for (let i = 0; i < 3; i++) expect((await raw(server.port, { path: '/', headers: { cookie: browserCookie } })).status).toBe(200);
    const used = await raw(server.port, { path: pathOf(server.url), headers: { cookie: browserCookie } });
    expect(used.status).toBe(303);
  });

  it('answers 401 with directions without the cookie or with a token it never issued', async () => {
    const none = await raw(server.port, { path: '/' });
    expect(none.status).toBe(401);
    expect(none.body).toContain('link printed in the terminal');
    const wrong = await raw(server.port, { path: '/?token=wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('This login link is not valid');
    expect((await raw(server.port, { path: '/', headers: { cookie: `berth_${server.port}=forged` } })).status).toBe(401);
    const api = await raw(server.port, { method: 'POST', path: '/api/listRegistries', headers: { 'x-berth-api': '1' }, body: '{"args":[]}' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await raw(server.port, { path: '/api/events' })).status).toBe(401);
  });

  it('mints login links only for a logged-in caller with the API header', async () => {
    expect((await raw(server.port, { method: 'POST', path: '/api/login-link', headers: { 'x-berth-api': '1' } })).status).toBe(401);
    expect((await raw(server.port, { method: 'POST', path: '/api/login-link', headers: { cookie } })).status).toBe(403);
    const evil = { cookie, 'x-berth-api': '1', origin: 'http://evil.example' };
    expect((await raw(server.port, { method: 'POST', path: '/api/login-link', headers: evil })).status).toBe(403);
  });

  it('takes a token posted by the launch page (Origin: null), once, and moves on to / from its own page', async () => {
    const token = new URL(await mintLoginUrl(server.port, cookie)).searchParams.get('token')!;
    const post = (origin: string) =>
      raw(server.port, { method: 'POST', path: '/login', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect((await post('http://evil.example')).status).toBe(403);
    const ok = await post('null');
    expect(ok.status).toBe(200);
    cookieAttrs(String(ok.headers['set-cookie']));
    expect(ok.body).toContain('<meta http-equiv="refresh" content="0;url=/">');
    const reuse = await post('null');
    expect(reuse.status).toBe(401);
    expect(reuse.body).toContain('already used');
  });
});

describe('Host and Origin', () => {
  it('refuses a foreign Host (DNS rebinding) even with the cookie', async () => {
    for (const host of ['evil.example:' + server.port, `127.0.0.1:${server.port + 1}`, '127.0.0.1']) {
      const res = await raw(server.port, { path: '/', headers: { host, cookie } });
      expect(res.status, host).toBe(403);
    }
    expect((await raw(server.port, { path: '/', headers: { host: `localhost:${server.port}`, cookie } })).status).toBe(200);
  });

  it('refuses a foreign Origin and accepts its own', async () => {
    const call = (origin: string) =>
      raw(server.port, { method: 'POST', path: '/api/listRegistries', headers: { cookie, origin, 'x-berth-api': '1' }, body: '{"args":[]}' });
    expect((await call('http://evil.example')).status).toBe(403);
    expect((await call(`http://localhost:${server.port}`)).status).toBe(403);
    expect((await call('null')).status).toBe(403);
    expect((await call(`http://127.0.0.1:${server.port}`)).status).toBe(200);
  });

  it('requires the x-berth-api header on API calls', async () => {
    const res = await raw(server.port, { method: 'POST', path: '/api/listRegistries', headers: { cookie }, body: '{"args":[]}' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toContain('x-berth-api');
    const upload = await raw(server.port, { method: 'POST', path: '/api/upload?name=a.tar', headers: { cookie }, body: 'x' });
    expect(upload.status).toBe(403);
  });
});

describe('static files', () => {
  it('serves index.html and assets with types, CSP and nosniff', async () => {
    const index = await raw(server.port, { path: '/', headers: { cookie } });
    expect(index.status).toBe(200);
    expect(index.body).toContain('Berth test');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await raw(server.port, { path: '/assets/app.js', headers: { cookie } });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await raw(server.port, { path: '/assets/style.css', headers: { cookie } });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/%00x', '/assets']) {
      const res = await raw(server.port, { path, headers: { cookie } });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('TOP-SECRET');
    }
  });

  it('refuses methods other than GET/HEAD on pages and non-POST on the API', async () => {
    expect((await raw(server.port, { method: 'POST', path: '/', headers: { cookie } })).status).toBe(405);
    expect((await raw(server.port, { method: 'GET', path: '/api/listRegistries', headers: { cookie, 'x-berth-api': '1' } })).status).toBe(405);
  });
});

describe('API body handling', () => {
  const post = (body: string | Buffer) =>
    raw(server.port, { method: 'POST', path: '/api/listRegistries', headers: { cookie, 'x-berth-api': '1' }, body });

  it('answers INVALID_ARGUMENT for a body that is not {args:[…]}', async () => {
    for (const body of ['not json', '[1]', '"x"']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });

  it('caps the body size', async () => {
    const res = await post(Buffer.alloc(MAX_API_BODY + 1024, 0x20));
    expect(res.status).toBe(413);
  });

  it('answers an unknown method as INVALID_ARGUMENT', async () => {
    const res = await raw(server.port, { method: 'POST', path: '/api/constructor', headers: { cookie, 'x-berth-api': '1' }, body: '{"args":[]}' });
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
