import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthService } from '../service/service';
import { MAX_API_BODY, startWebServer, type WebServer } from './server';
import { fakeRenderer, login, raw } from './test-support';

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

describe('token and cookie', () => {
  it('prints a loopback URL with a 32-byte token', () => {
    const u = new URL(server.url);
    expect(u.hostname).toBe('127.0.0.1');
    expect(Number(u.port)).toBe(server.port);
    expect(Buffer.from(u.searchParams.get('token')!, 'base64url')).toHaveLength(32);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and redirects to / without it', async () => {
    const u = new URL(server.url);
    const res = await raw(server.port, { path: `/${u.search}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
    expect(set).not.toContain(u.searchParams.get('token'));
  });

  it('answers 401 with directions without the cookie or with a wrong token', async () => {
    const none = await raw(server.port, { path: '/' });
    expect(none.status).toBe(401);
    expect(none.body).toContain('URL printed in the terminal');
    expect((await raw(server.port, { path: '/?token=wrong' })).status).toBe(401);
    expect((await raw(server.port, { path: '/', headers: { cookie: `berth_${server.port}=forged` } })).status).toBe(401);
    const api = await raw(server.port, { method: 'POST', path: '/api/listRegistries', headers: { 'x-berth-api': '1' }, body: '{"args":[]}' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await raw(server.port, { path: '/api/events' })).status).toBe(401);
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
