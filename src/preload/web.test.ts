/** The browser bridge's method calls against the real web shell (fetch only; SSE and XHR run in the e2e specs). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS } from '../shared/api';
import { startRegistry, type RunningRegistry } from '../../test/support/registry/start';
import { pushImage } from '../../test/support/images/push';
import { BerthService } from '../main/service/service';
import { startWebServer, type WebServer } from '../main/web/server';
import { fakeRenderer, login } from '../../test/support/app/web-session';
import { createWebClient } from './web';

let reg: RunningRegistry;
let server: WebServer;
let cookie: string;
const service = new BerthService();
const realFetch = globalThis.fetch;

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, 'tools/alpine', ['3.20'], { seed: 'bridge' });
  server = await startWebServer({ port: 0, service, rendererDir: (await fakeRenderer()).dir });
  cookie = await login(server.url);
  // What a page served from the server does: relative URLs, the cookie sent by the browser.
  vi.stubGlobal('fetch', (input: string, init: RequestInit) =>
    realFetch(new URL(input, `http://127.0.0.1:${server.port}`), { ...init, headers: { ...(init.headers as object), cookie } }),
  );
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.close();
  await service.close();
  await reg?.stop();
});

describe('web bridge', () => {
  it('offers every contract method and says it is the web shell', () => {
    const client = createWebClient();
    for (const m of API_METHODS) expect(typeof client[m], m).toBe('function');
    expect(client.fileIntake).toBe('upload');
    expect(typeof client.on).toBe('function');
    expect(typeof client.registerFile).toBe('function');
  });

  it('round-trips calls as Results, dropping trailing undefined arguments', async () => {
    const client = createWebClient();
    const added = await client.addRegistry({ url: reg.host });
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(await client.listRepositories(added.value.id, undefined)).toEqual({ ok: true, value: { repositories: ['tools/alpine'], next: null } });
    expect(await client.listTags(added.value.id, 'tools/alpine')).toEqual({ ok: true, value: { tags: ['3.20'], next: null } });
    expect(await client.getTagDetail(added.value.id, 'tools/alpine', 'nope')).toMatchObject({ ok: false, error: { code: 'MANIFEST_UNKNOWN' } });
  });

  it('turns an unreachable server into a NETWORK error, not a throw', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));
    expect(await createWebClient().listRegistries()).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('<html>proxy error</html>', { status: 502 })));
    expect(await createWebClient().listRegistries()).toMatchObject({ ok: false, error: { code: 'UNEXPECTED_RESPONSE' } });
  });
});
