/**
 * DESIGN "Electron security (must hold)" checked without an Electron binary: only the `electron`
 * import is replaced (no binary runs here); the code under test is the real shell code.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, ipcChannel } from '../../shared/api';

const handlers = new Map<string, (...args: unknown[]) => unknown>();
const sent: [string, unknown][] = [];
vi.mock('electron', () => ({
  shell: { openExternal: vi.fn(() => Promise.resolve()) },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  ipcMain: {
    handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn)),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  },
  BrowserWindow: {
    getAllWindows: () => [
      { isDestroyed: () => false, webContents: { isDestroyed: () => false, send: (c: string, p: unknown) => sent.push([c, p]) } },
    ],
  },
}));

const electron = await import('electron');
const security = await import('./security');
const { appResponse } = await import('./protocol');
const { registerIpc } = await import('./ipc');
const { BerthService } = await import('../service/service');

beforeEach(() => vi.mocked(electron.shell.openExternal).mockClear());

describe('webPreferences', () => {
  it('holds the checklist: isolation, sandbox, no node, web security, no webview', () => {
    const prefs = security.secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    });
  });
});

describe('IPC sender check', () => {
  it('trusts only the top frame of app://berth', () => {
    expect(security.isTrustedSender({ url: 'app://berth/index.html' })).toBe(true);
    expect(security.isTrustedSender({ url: 'app://berth/index.html', parent: null })).toBe(true);
    expect(security.isTrustedSender({ url: 'app://berth/index.html', parent: {} })).toBe(false);
    for (const url of ['app://evil/index.html', 'https://berth/', 'file:///app/index.html', 'http://127.0.0.1:5173/', 'app://berth.evil/', 'about:blank', 'garbage']) {
      expect(security.isTrustedSender({ url }), url).toBe(false);
    }
    expect(security.isTrustedSender(null)).toBe(false);
    expect(security.isTrustedSender(undefined)).toBe(false);
  });

  it('trusts the dev server only when main says it runs one', () => {
    expect(security.isTrustedSender({ url: 'http://localhost:5173/' })).toBe(false);
    expect(security.isTrustedSender({ url: 'http://localhost:5173/' }, 'http://localhost:5173')).toBe(true);
    expect(security.isTrustedSender({ url: 'http://localhost:5174/' }, 'http://localhost:5173')).toBe(false);
  });
});

describe('dev server URL (ELECTRON_RENDERER_URL)', () => {
  it('is honoured only by a dev-server build, and only for a loopback http URL', () => {
    expect(security.devRendererUrl('http://localhost:5173', true)).toBe('http://localhost:5173/');
    expect(security.devRendererUrl('http://127.0.0.1:5173/', true)).toBe('http://127.0.0.1:5173/');
    expect(security.devRendererUrl('http://[::1]:5173', true)).toBe('http://[::1]:5173/');
    // `npm start` and packaged apps are built output: the variable is ignored whatever it says.
    expect(security.devRendererUrl('http://localhost:5173', false)).toBeNull();
    expect(security.devRendererUrl(undefined, true)).toBeNull();
    for (const url of ['https://evil.example', 'http://evil.example:5173', 'http://192.168.1.10:5173', 'file:///tmp/x.html', 'app://berth/index.html', 'http://u:p@localhost:5173', 'javascript:alert(1)', 'not a url']) {
      expect(security.devRendererUrl(url, true), url).toBeNull();
    }
  });
});

describe('navigation and windows', () => {
  it('prevents every navigation and opens only https links externally', () => {
    const event = { preventDefault: vi.fn() };
    security.preventNavigation(event, 'https://docs.docker.com/');
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://docs.docker.com/');
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://berth/x', 'https://user:pw@example.com/', 'smb://host/share']) {
      const e = { preventDefault: vi.fn() };
      security.preventNavigation(e, url);
      expect(e.preventDefault, url).toHaveBeenCalledOnce();
    }
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies every window.open', () => {
    expect(security.denyWindowOpen({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(security.denyWindowOpen({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('installs navigation, redirect, webview and window-open guards once per contents', () => {
    const on = vi.fn();
    const setWindowOpenHandler = vi.fn();
    const contents = { on, setWindowOpenHandler } as unknown as Parameters<typeof security.hardenContents>[0];
    security.hardenContents(contents);
    security.hardenContents(contents);
    const events = on.mock.calls.map((c) => c[0]);
    expect(events).toEqual(['will-navigate', 'will-redirect', 'will-attach-webview']);
    expect(setWindowOpenHandler).toHaveBeenCalledWith(security.denyWindowOpen);
    const attach = on.mock.calls[2]![1] as (e: { preventDefault(): void }) => void;
    const e = { preventDefault: vi.fn() };
    attach(e);
    expect(e.preventDefault).toHaveBeenCalled();
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    security.hardenSession(session as never);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (...a: unknown[]) => void;
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (...a: unknown[]) => boolean;
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      request({}, perm, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(check({}, perm)).toBe(false);
    }
  });
});

describe('app:// protocol', () => {
  it('serves the renderer with the CSP and never leaves its folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-app-'));
    const dir = join(root, 'renderer');
    await mkdir(join(dir, 'assets'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html>berth');
    await writeFile(join(dir, 'assets', 'a.js'), 'export {}');
    await writeFile(join(root, 'secret.txt'), 'TOP-SECRET');
    const index = await appResponse(dir, 'app://berth/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await appResponse(dir, 'app://berth/assets/a.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const url of ['app://berth/../secret.txt', 'app://berth/%2e%2e/secret.txt', 'app://berth/assets/..%2f..%2fsecret.txt', 'app://other/index.html']) {
      const res = await appResponse(dir, url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('TOP-SECRET');
    }
  });
});

describe('IPC handlers', () => {
  it('registers every contract method plus registerPath, each refusing untrusted senders', async () => {
    const service = new BerthService();
    const undo = registerIpc(service);
    expect([...handlers.keys()].sort()).toEqual([...API_METHODS.map(ipcChannel), ipcChannel('registerPath')].sort());
    const trusted = { senderFrame: { url: 'app://berth/index.html', parent: null } };
    const untrusted = { senderFrame: { url: 'https://evil.example/', parent: null } };
    for (const m of API_METHODS) {
      expect(await handlers.get(ipcChannel(m))!(untrusted), m).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    }
    expect(await handlers.get(ipcChannel('listRegistries'))!(trusted)).toEqual({ ok: true, value: [] });
    expect(await handlers.get(ipcChannel('listTags'))!(trusted, 'r1', 'Bad')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const register = handlers.get(ipcChannel('registerPath'))!;
    expect(await register(untrusted, '/etc/hosts')).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    expect(await register(trusted, 'relative/path')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await register(trusted, '/')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const file = join(await mkdtemp(join(tmpdir(), 'berth-ipc-')), 'x.tar');
    await writeFile(file, 'abc');
    const info = (await register(trusted, file)) as { ok: true; value: { handle: string; name: string; size: number } };
    expect(info.value).toMatchObject({ name: 'x.tar', size: 3 });
    expect(JSON.stringify(info)).not.toContain(file);
    service.events.emit('push:done', { pushId: 'p', ok: true, pushed: [], bytesUploaded: 0, seconds: 1 });
    expect(sent).toEqual([['berth:event:push:done', { pushId: 'p', ok: true, pushed: [], bytesUploaded: 0, seconds: 1 }]]);
    undo();
    expect(handlers.size).toBe(0);
    await service.close();
  });
});
