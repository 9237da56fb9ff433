/** The web shell's API over real HTTP against a real registry: calls, SSE, uploads, aborts. */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { FileInfo, PushProgress, RegistryInfo } from '../../shared/types';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { appTempRoot } from '../archive/temp-root';
import { bundleForTest } from '../../../test/support/engine/bundle';
import { BerthService } from '../service/service';
import { archiveBytes } from '../../../test/support/archives/archive';
import { ServiceEvents } from '../service/events';
import { startWebServer, type WebServer } from './server';
import { EventStreamHub } from './sse';
import { fakeRenderer, login, raw } from '../../../test/support/app/web-session';

let reg: RunningRegistry;
let server: WebServer;
let cookie: string;
let uploadRoot: string;
let service: BerthService;
let workerFile: string;
const savedTmp = process.env.TMPDIR;

async function call<T>(method: string, ...args: unknown[]): Promise<Result<T>> {
  const res = await raw(server.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { cookie, 'x-berth-api': '1', 'content-type': 'application/json', origin: `http://127.0.0.1:${server.port}` },
    body: JSON.stringify({ args }),
  });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Result<T>;
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Files in the server's upload folders (in the app's temp root under TMPDIR). */
async function uploadFiles(): Promise<string[]> {
  const root = (await appTempRoot())!;
  const dirs = (await readdir(root)).filter((d) => d.startsWith(`berth-upload-${process.pid}-`));
  const files = await Promise.all(dirs.map(async (d) => (await readdir(join(root, d))).map((f) => join(root, d, f))));
  return files.flat();
}

beforeAll(async () => {
  // Uploads go to os.tmpdir(); a private one lets the test see exactly which files exist.
  uploadRoot = await mkdtemp(join(tmpdir(), 'berth-web-test-'));
  process.env.TMPDIR = uploadRoot;
  // Inspections run in the engine worker, as in the app.
  workerFile = await bundleForTest('src/main/push/worker.ts', 'push-worker');
  service = new BerthService({ workerUrl: pathToFileURL(workerFile) });
  reg = await startRegistry();
  await pushImage(reg, 'team/web', ['1.0', 'stable'], { seed: 'web-api' });
  await pushImage(reg, 'team/web', ['2.0'], { seed: 'web-api-2' });
  const { dir } = await fakeRenderer();
  server = await startWebServer({ port: 0, service, rendererDir: dir, maxUploadBytes: 1024 * 1024 });
  cookie = await login(server.url);
});
afterAll(async () => {
  await server?.close();
  await service?.close();
  await reg?.stop();
  if (workerFile) await rm(workerFile, { force: true });
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

describe('contract over HTTP', () => {
  it('browses, plans and deletes against a real registry', async () => {
    const info = value(await call<RegistryInfo>('addRegistry', { url: reg.host }));
    expect(info).toMatchObject({ baseUrl: reg.url, host: reg.host, hasCredentials: false, insecure: false });
    expect(value(await call<RegistryInfo[]>('listRegistries'))).toEqual([info]);
    expect(value(await call('checkRegistry', info.id))).toMatchObject({ reachable: true, authScheme: 'none', catalog: true });
    expect(value(await call('listRepositories', info.id, { n: 10 }))).toEqual({ repositories: ['team/web'], next: null });
    expect(value(await call('listTags', info.id, 'team/web'))).toEqual({ tags: ['1.0', '2.0', 'stable'], next: null });
    const detail = value(await call<{ digest: string }>('getTagDetail', info.id, 'team/web', '1.0'));
    const manifest = value(await call<{ kind: string; digest: string }>('getManifest', info.id, 'team/web', detail.digest));
    expect(manifest).toMatchObject({ kind: 'image', digest: detail.digest });
    const plan = value(await call<{ digest: string; tags: string[] }>('planDelete', info.id, 'team/web', 'stable'));
    expect(plan).toMatchObject({ digest: detail.digest, tags: ['1.0', 'stable'] });
    const stale = await call('deleteManifest', info.id, 'team/web', plan.digest, ['stable']);
    expect(stale).toMatchObject({ ok: false, error: { code: 'TAGS_CHANGED' } });
    expect(value(await call('deleteManifest', info.id, 'team/web', plan.digest, plan.tags))).toMatchObject({ deletedTags: ['1.0', 'stable'] });
    expect(value(await call('listTags', info.id, 'team/web'))).toEqual({ tags: ['2.0'], next: null });
    expect(value(await call('listPushes'))).toEqual([]);
    expect(value(await call('removeRegistry', info.id))).toBeNull();
    expect(await call('listTags', info.id, 'team/web')).toMatchObject({ ok: false, error: { code: 'REGISTRY_UNKNOWN' } });
  });

  it('validates arguments at the boundary', async () => {
    const r = await call('listTags', 'r1', '../etc');
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(!r.ok && r.error.message).toContain('"repository"');
  });

  it('aborts the engine call when the HTTP client goes away', async () => {
    // A "registry" that accepts connections and never answers: only an abort closes its socket.
    const sockets: Socket[] = [];
    const closed: Promise<void>[] = [];
    const hang: Server = createServer(() => undefined);
    hang.on('connection', (s) => {
      sockets.push(s);
      closed.push(new Promise((ok) => s.on('close', () => ok())));
    });
    await new Promise<void>((ok) => hang.listen(0, '127.0.0.1', ok));
    const info = value(await call<RegistryInfo>('addRegistry', { url: `127.0.0.1:${(hang.address() as AddressInfo).port}` }));
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: '/api/listRepositories',
      headers: { host: `127.0.0.1:${server.port}`, cookie, 'x-berth-api': '1' },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ args: [info.id] }));
    await expect.poll(() => sockets.length, { timeout: 5000 }).toBeGreaterThan(0);
    req.destroy();
    await Promise.race([Promise.all(closed), new Promise((_, fail) => setTimeout(() => fail(new Error('engine request was not aborted')), 5000))]);
    hang.close();
    await call('removeRegistry', info.id);
  });
});

describe('events', () => {
  it('delivers service events over SSE', async () => {
    const received = new Promise<string>((ok, fail) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/events', headers: { host: `127.0.0.1:${server.port}`, cookie } },
        (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            if (text.includes(': connected')) emitOnce();
            const m = /event: push:progress\ndata: (.*)\n\n/.exec(text);
            if (m) {
              req.destroy();
              ok(m[1]!);
            }
          });
        },
      );
      req.on('error', fail);
      req.end();
    });
    const progress: PushProgress = { pushId: 'p1', phase: 'blobs', layers: [], bytesDone: 5, bytesTotal: 10, rate: 1, eta: 5 };
    let emitted = false;
    function emitOnce() {
      if (emitted) return;
      emitted = true;
      service.events.emit('push:progress', progress);
    }
    expect(JSON.parse(await received)).toEqual(progress);
  });
});

describe('event stream hub', () => {
  it('sends heartbeat comments and stops listening on close', async () => {
    const events = new ServiceEvents();
    const hub = new EventStreamHub(events, 30);
    const srv = createServer((_req, res) => hub.attach(res));
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const text = await new Promise<string>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: (srv.address() as AddressInfo).port, path: '/' }, (res) => {
        let t = '';
        res.on('data', (c: Buffer) => {
          t += c.toString();
          if (t.split(': heartbeat').length > 2) {
            req.destroy();
            ok(t);
          }
        });
      });
      req.on('error', fail);
      req.end();
    });
    expect(text).toMatch(/^retry: \d+\n: connected\n\n(: heartbeat\n\n){2}/);
    expect(events.count('push:done')).toBe(1);
    hub.close();
    expect(events.count('push:done')).toBe(0);
    srv.close();
  });
});

describe('uploads', () => {
  const upload = (name: string, body: Buffer) =>
    raw(server.port, { method: 'POST', path: `/api/upload?name=${encodeURIComponent(name)}`, headers: { cookie, 'x-berth-api': '1' }, body });

  it('streams to a temp file, issues a handle, inspects it, and deletes it on release', async () => {
    const { bytes: archive } = await archiveBytes({ layout: 'docker-legacy', manifestAtEnd: true, seed: 'web-upload', images: [{ tags: ['demo:1'], layers: [{ sizeBytes: 300 }] }] });
    const res = await upload('../../demo.tar', archive);
    const info = value(JSON.parse(res.body) as Result<FileInfo>);
    expect(info).toMatchObject({ name: 'demo.tar', size: archive.length });
    const files = await uploadFiles();
    expect(files).toHaveLength(1);
    expect((await stat(files[0]!)).size).toBe(archive.length);
    const inspected = value(await call<{ format: string; images: { tags: string[] }[] }>('inspectArchive', info.handle));
    expect(inspected.format).toBe('docker-legacy');
    expect(inspected.images[0]!.tags).toEqual(['demo:1']);
    expect(value(await call('releaseFile', info.handle))).toBeNull();
    expect(existsSync(files[0]!)).toBe(false);
    expect(await call('inspectArchive', info.handle)).toMatchObject({ ok: false, error: { code: 'HANDLE_UNKNOWN' } });
  });

  it('refuses uploads over the cap and leaves no file behind', async () => {
    const res = await upload('big.tar', Buffer.alloc(2 * 1024 * 1024)).catch(() => null);
    if (res) expect(res.status).toBe(413);
    await expect.poll(uploadFiles).toEqual([]);
  });

  it('deletes the partial file when the client aborts', async () => {
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: '/api/upload?name=partial.tar',
      headers: { host: `127.0.0.1:${server.port}`, cookie, 'x-berth-api': '1', 'content-length': String(500_000) },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(100_000));
    await expect.poll(async () => (await uploadFiles()).length).toBe(1);
    req.destroy();
    await expect.poll(uploadFiles).toEqual([]);
  });
});
