/**
 * Inside the image through the contract (issue 13): every call goes through `dispatch`, as the
 * shells send it, to a service built by createService over a real registry and a real archive.
 */
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentsProgress, DirListing, FileNode, FoundFiles, ImageDiffPage, ImageFilesInfo, SaveFilesResult, TextView } from '../../shared/contents-types';
import type { Result } from '../../shared/errors';
import { buildArchive } from '../../../test/support/archives/archive';
import { buildLayer, L } from '../../../test/support/images/layers';
import { pushLayers } from '../../../test/support/images/push';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { login } from '../../../test/support/app/web-session';
import { startProxy } from '../../../test/support/proxy/proxy';
import { startWebServer } from '../web/server';
import { createService } from './create-service';
import { dispatch } from './dispatch';
import type { BerthService } from './service';

let reg: RunningRegistry;
let dir: string;
let service: BerthService;
let registryId: string;

const BIN = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]);

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-contents-service-'));
  const base = await buildLayer([
    L.dir('etc'),
    L.file('etc/os-release', 'ID=berth\n'),
    L.file('etc/motd', 'hello\n'),
    L.dir('usr'),
    L.dir('usr/bin'),
    L.file('usr/bin/tool', BIN, { mode: 0o755 }),
    L.symlink('usr/bin/tool-link', 'tool'),
    L.dir('var'),
    L.file('var/cache.bin', 'C'.repeat(4000)),
  ]);
  const app1 = await buildLayer([L.dir('app'), L.file('app/main.js', 'console.log(1)\n'), L.file('etc/motd', 'hello again, longer\n'), L.whiteout('var/cache.bin')]);
  const app2 = await buildLayer([L.dir('app'), L.file('app/main.js', 'console.log("two")\n'), L.file('app/extra.js', 'extra\n')]);
  await pushLayers(reg, 'team/app', ['1'], [base, app1], { env: ['MODE=one'] });
  await pushLayers(reg, 'team/app', ['2'], [base, app2], { env: ['MODE=two'] });
  service = await createService({ dataDir: join(dir, 'data'), cacheDir: join(dir, 'cache'), env: {}, pushInProcess: true });
  registryId = (await service.addRegistry({ url: reg.host })).id;
});

afterAll(async () => {
  await service?.close();
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One contract call as a shell makes it; throws the wire error so failures read well. */
async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const r = (await dispatch(service, method, args)) as Result<T>;
  if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { code: r.error.code });
  return r.value;
}
const tag = (reference: string) => ({ registryId, repository: 'team/app', reference });
const names = (l: { entries: FileNode[] }) => l.entries.map((e) => e.name);

describe('openImageFiles and the file browser calls', () => {
  it('opens a tag with figures per layer, wasted bytes and the efficiency, and reports progress', async () => {
    const events: ContentsProgress[] = [];
    const off = service.events.on('contents:progress', (p) => events.push(p));
    // Asked only for what is cached, it reads no layer.
    expect(await call('openImageFiles', tag('1'), { ifCached: true })).toBeNull();
    expect(events).toEqual([]);
    const info = await call<ImageFilesInfo>('openImageFiles', tag('1'));
    off();
    expect(await call('openImageFiles', tag('1'), { ifCached: true })).toEqual(info);
    expect(info.label).toBe(`${reg.host}/team/app:1`);
    expect(info.summary.layers.map((l) => [l.added, l.changed, l.removed])).toEqual([
      [9, 0, 0],
      [2, 1, 1],
    ]);
    // The first etc/motd (6 bytes) is overwritten and var/cache.bin (4000) deleted.
    expect(info.summary.layers[0].wastedBytes).toBe(4006);
    expect(info.summary.wastedBytes).toBe(4006);
    expect(info.summary.efficiency).toBeCloseTo(1 - 4006 / info.summary.layerFileBytes, 6);
    expect(events.at(-1)).toMatchObject({ key: info.key, phase: 'done', layers: 2, layersDone: 2 });
    expect(events.some((e) => e.phase === 'index' || e.phase === 'merge')).toBe(true);
  });

  it('lists folders, filters to what one layer did, searches by glob and finds the biggest files', async () => {
    expect(names(await call<DirListing>('listImageFiles', tag('1'), ''))).toEqual(['app', 'etc', 'usr', 'var']);
    const layer1 = await call<DirListing>('listImageFiles', tag('1'), '', { layer: 1 });
    expect(names(layer1)).toEqual(['app', 'etc', 'var']);
    const removed = await call<DirListing>('listImageFiles', tag('1'), 'var', { layer: 1, show: ['removed'] });
    expect(removed.entries).toMatchObject([{ path: 'var/cache.bin', status: 'removed', removedIn: 1 }]);
    const page = await call<DirListing>('listImageFiles', tag('1'), 'etc', { offset: 1, limit: 1 });
    expect(page).toMatchObject({ total: 2, offset: 1, entries: [{ name: 'os-release' }] });
    const found = await call<FoundFiles>('findImageFiles', tag('1'), '*.js');
    expect(found.entries.map((e) => e.path)).toEqual(['app/main.js']);
    const biggest = await call<FileNode[]>('biggestImageFiles', tag('1'), { limit: 2 });
    expect(biggest.map((e) => e.path)).toEqual(['etc/motd', 'app/main.js']);
  });

  it('reads a text file, says a binary file is binary, and refuses a deleted one', async () => {
    expect(await call<TextView>('readImageFile', tag('1'), 'etc/motd')).toEqual({ text: 'hello again, longer\n', size: 20, truncated: false });
    expect(await call<TextView>('readImageFile', tag('1'), '/usr/bin/tool-link')).toEqual({ binary: true, size: BIN.length });
    await expect(call('readImageFile', tag('1'), 'var/cache.bin')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('deleted by a later layer') });
  });

  it('refuses bad arguments naming them, before anything is read', async () => {
    await expect(call('openImageFiles', { registryId, repository: 'Team/App', reference: '1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('openImageFiles', { fileHandle: '../etc/passwd', image: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('listImageFiles', tag('1'), 'etc\0x')).rejects.toMatchObject({ message: expect.stringContaining('"path"') });
    await expect(call('listImageFiles', tag('1'), '', { limit: 100_000 })).rejects.toMatchObject({ message: expect.stringContaining('"options.limit"') });
    await expect(call('listImageFiles', tag('1'), '', { layer: 7 })).rejects.toMatchObject({ message: expect.stringContaining('no layer 7') });
    await expect(call('findImageFiles', tag('1'), '  ')).rejects.toMatchObject({ message: expect.stringContaining('"glob"') });
  });
});

describe('diffImages', () => {
  it('diffs two tags: the summary line, config, layers, and the changed files page by page and by kind', async () => {
    const d = await call<ImageDiffPage>('diffImages', tag('1'), tag('2'), { limit: 2 });
    // B brings app/extra.js back and var/cache.bin (deleted in A), changes app/main.js and etc/motd.
    expect(d.summary).toBe('+2 files, −0, 2 changed, +4.0 kB');
    expect(d.config).toEqual([{ field: 'env', key: 'MODE', a: 'one', b: 'two' }]);
    expect(d.layers.shared).toBe(1);
    expect(d.counts).toEqual({ all: 4, added: 2, removed: 0, changed: 2, maybe: 0 });
    expect(d.filesTotal).toBe(4);
    expect(d.files.map((f) => [f.path, f.change, f.sizeA, f.sizeB])).toEqual([
      ['app/extra.js', 'added', null, 6],
      ['app/main.js', 'changed', 15, 19],
    ]);
    const rest = await call<ImageDiffPage>('diffImages', tag('1'), tag('2'), { offset: 2, limit: 2 });
    expect(rest.files.map((f) => [f.path, f.change, f.sizeA, f.sizeB])).toEqual([
      ['etc/motd', 'changed', 20, 6],
      ['var/cache.bin', 'added', null, 4000],
    ]);
    const added = await call<ImageDiffPage>('diffImages', tag('1'), tag('2'), { filter: 'added' });
    expect(added).toMatchObject({ filesTotal: 2, files: [{ path: 'app/extra.js' }, { path: 'var/cache.bin' }] });
  });
});

describe('an archive the user dropped', () => {
  it('opens, reads, diffs against the registry tag it would replace, and is forgotten once released', async () => {
    const path = join(dir, 'app.tar');
    await buildArchive(path, { layout: 'docker-legacy', seed: 'contents-service', images: [{ tags: ['team/app:1'], layers: [{ files: { 'app/main.js': 'console.log(3)\n', 'app/new.txt': 'new\n' } }] }] });
    const { handle } = await service.registerPath(path);
    const source = { fileHandle: handle, image: 0 };
    const info = await call<ImageFilesInfo>('openImageFiles', source);
    expect(info.label).toBe('app.tar:0');
    expect(names(await call<DirListing>('listImageFiles', source, 'app'))).toEqual(['main.js', 'new.txt']);
    expect(await call<TextView>('readImageFile', source, 'app/new.txt')).toMatchObject({ text: 'new\n' });
    const d = await call<ImageDiffPage>('diffImages', tag('1'), source);
    expect(d.b).toBe('app.tar:0');
    expect(d.files.find((f) => f.path === 'app/new.txt')).toMatchObject({ change: 'added' });
    expect(d.files.find((f) => f.path === 'etc/motd')).toMatchObject({ change: 'removed' });
    await service.releaseFile(handle);
    await expect(call('listImageFiles', source, '')).rejects.toMatchObject({ code: 'HANDLE_UNKNOWN' });
  });
});

describe('saveImageFiles', () => {
  it('without a native dialog (web shell) hands out a one-time download: the file bytes, or a folder as a tar', async () => {
    const file = await call<SaveFilesResult>('saveImageFiles', tag('1'), 'usr/bin/tool');
    expect(file).toMatchObject({ kind: 'download', name: 'tool', url: expect.stringMatching(/^\/api\/download\/[\w-]+$/) });
    const token = (file as { url: string }).url.split('/').pop()!;
    const dl = await service.contents!.takeDownload(token);
    expect(dl).toMatchObject({ kind: 'file', name: 'tool', size: BIN.length });
    expect(Buffer.concat(await dl.stream.toArray())).toEqual(BIN);
    await expect(service.contents!.takeDownload(token)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('used already') });
    const folder = await call<SaveFilesResult>('saveImageFiles', tag('1'), 'etc');
    expect(folder).toMatchObject({ kind: 'download', name: 'etc.tar' });
    await expect(call('saveImageFiles', tag('1'), 'nope')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('with a native dialog (desktop) writes where the user chose, or nothing when they cancel', async () => {
    const chosen: string[] = [];
    let answer: string | null = join(dir, 'saved-usr');
    const desktop = await createService({ dataDir: join(dir, 'data2'), cacheDir: join(dir, 'cache'), env: {}, pushInProcess: true, chooseSavePath: async (name) => (chosen.push(name), answer) });
    try {
      const id = (await desktop.addRegistry({ url: reg.host })).id;
      const src = { registryId: id, repository: 'team/app', reference: '1' };
      const saved = (await dispatch(desktop, 'saveImageFiles', [src, 'usr'])) as Result<SaveFilesResult>;
      expect(saved).toMatchObject({ ok: true, value: { kind: 'saved', target: join(dir, 'saved-usr'), files: 1, symlinks: 1 } });
      expect(chosen).toEqual(['usr']);
      expect(await readFile(join(dir, 'saved-usr', 'bin', 'tool'))).toEqual(BIN);
      expect(await readlink(join(dir, 'saved-usr', 'bin', 'tool-link'))).toBe('tool');
      answer = null;
      expect(await dispatch(desktop, 'saveImageFiles', [src, 'etc/motd'])).toEqual({ ok: true, value: { kind: 'cancelled' } });
      await expect(stat(join(dir, 'motd'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await desktop.close();
    }
  });
});

describe('long opens', () => {
  it('stop on cancelImageFiles, and when the only caller goes away', async () => {
    const big = await buildLayer([L.file('big.bin', 'x'.repeat(10_000))]);
    await pushLayers(reg, 'team/slow', ['1'], [big]);
    // The registry hangs every read of that layer: the open waits for it until it is stopped.
    const proxy = await startProxy(reg.url, { answer: (_req, _res, r) => r.kind === 'GET blobs' && r.url.endsWith(big.digest) });
    try {
      const id = (await service.addRegistry({ url: proxy.host, name: 'slow' })).id;
      const src = { registryId: id, repository: 'team/slow', reference: '1' };
      const gets = () => proxy.seen.filter((r) => r.kind === 'GET blobs').length;
      const pending = dispatch(service, 'openImageFiles', [src]);
      // At least one read is hanging (a loaded machine may have retried it already).
      await expect.poll(gets).toBeGreaterThanOrEqual(1);
      expect(await dispatch(service, 'cancelImageFiles', [src])).toEqual({ ok: true, value: null });
      expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });

      const ac = new AbortController();
      const before = gets();
      const leaving = dispatch(service, 'openImageFiles', [src], ac.signal);
      await expect.poll(gets).toBeGreaterThan(before);
      ac.abort();
      expect(await leaving).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      // The hung reads were dropped, not left holding connections.
      await expect.poll(() => proxy.inflight).toBe(0);
    } finally {
      await proxy.stop();
    }
  });
});

describe('the web shell’s download', () => {
  it('streams a folder as a tar to the logged-in browser, once', async () => {
    const server = await startWebServer({ service, rendererDir: dir });
    try {
      const cookie = await login(server.url);
      const saved = await call<SaveFilesResult & { kind: 'download' }>('saveImageFiles', tag('1'), 'etc');
      const url = `http://127.0.0.1:${server.port}${saved.url}`;
      const anonymous = await request(url);
      await anonymous.body.dump();
      expect(anonymous.statusCode).toBe(401);
      const res = await request(url, { headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="etc.tar"; filename*=UTF-8''etc.tar`);
      const entries: [string, string, string][] = [];
      const ex = extract();
      ex.on('entry', (h, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => chunks.push(c as Buffer));
        stream.on('end', () => (entries.push([h.name, h.type ?? '', Buffer.concat(chunks).toString()]), next()));
      });
      const done = new Promise<void>((ok) => ex.on('finish', () => ok()));
      ex.end(Buffer.from(await res.body.arrayBuffer()));
      await done;
      expect(entries).toEqual([
        ['etc', 'directory', ''],
        ['etc/os-release', 'file', 'ID=berth\n'],
        ['etc/motd', 'file', 'hello again, longer\n'],
      ]);
      const again = await request(url, { headers: { cookie } });
      expect(again.statusCode).toBe(404);
      expect(await again.body.text()).toContain('used already');
    } finally {
      await server.close();
    }
  });
});
