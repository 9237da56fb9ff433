/** BerthService's own bookkeeping (handles, pushes, secrets) with the real engine and a real registry. */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushOutcome, PushProgress } from '../../shared/types';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { BerthService } from './service';
import { buildArchive } from '../../../test/support/archives/archive';

let reg: RunningRegistry;
let dir: string;
let service: BerthService;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-service-'));
  service = new BerthService({ cacheDir: join(dir, 'cache'), pushInProcess: true });
});
afterAll(async () => {
  await service?.close();
  await reg?.stop();
});

describe('BerthService', () => {
  it('never returns secrets and updates a registry added twice instead of duplicating it', async () => {
    const a = await service.addRegistry({ url: reg.host, username: 'alice', password: 's3cret' });
    const b = await service.addRegistry({ url: `http://${reg.host}`, username: 'alice', password: 'other' });
    expect(b.id).toBe(a.id);
    const list = await service.listRegistries();
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list)).not.toMatch(/s3cret|other/);
    expect(list[0]).toEqual({
      id: a.id,
      name: reg.host,
      baseUrl: reg.url,
      host: reg.host,
      auth: 'password',
      hasCredentials: true,
      username: 'alice',
      insecure: false,
      tls: { mode: 'verify' },
      pinnedRepositories: [],
      dockerHub: false,
    });
    await service.removeRegistry(a.id);
    await expect(service.removeRegistry(a.id)).rejects.toMatchObject({ code: 'REGISTRY_UNKNOWN' });
  });

  it('issues handles only for regular files', async () => {
    await expect(service.registerPath(dir)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.registerPath(join(dir, 'missing.tar'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.inspectArchive('0123abcd')).rejects.toMatchObject({ code: 'HANDLE_UNKNOWN' });
  });

  it('pushes through the push manager, forwards events, and deletes a released temp file only after the push', async () => {
    const path = join(dir, 'upload.tar');
    await buildArchive(path, { layout: 'docker-legacy', manifestAtEnd: true, seed: 'service-push', images: [{ tags: ['demo:1'], layers: [{ sizeBytes: 200_000 }] }] });
    const file = await service.registerPath(path, { name: 'demo.tar', temp: true });
    expect((await service.inspectArchive(file.handle)).images[0]!.tags).toEqual(['demo:1']);
    const registry = await service.addRegistry({ url: reg.host });
    const progress: PushProgress[] = [];
    const offProgress = service.events.on('push:progress', (p) => progress.push(p));
    const done = new Promise<PushOutcome>((ok) => {
      const off = service.events.on('push:done', (o) => {
        off();
        ok(o);
      });
    });
    const pushId = await service.startPush({ handle: file.handle, registryId: registry.id, target: 'svc/demo:7' });
    // Released while the push still reads it: the file must survive until the push ends.
    await service.releaseFile(file.handle);
    expect(existsSync(path)).toBe(true);
    await expect(service.inspectArchive(file.handle)).rejects.toMatchObject({ code: 'HANDLE_UNKNOWN' });
    const outcome = await done;
    offProgress();
    expect(outcome).toMatchObject({ pushId, ok: true, pushed: [{ repository: 'svc/demo', tag: '7' }] });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.pushId === pushId)).toBe(true);
    await expect.poll(() => existsSync(path)).toBe(false);
    expect((await service.listPushes()).map((p) => p.pushId)).toContain(pushId);
    expect((await service.listTags(registry.id, 'svc/demo')).tags).toEqual(['7']);
  });

  it('deletes uploaded temp files on close', async () => {
    const own = new BerthService();
    const path = join(dir, 'left-behind.tar');
    await writeFile(path, 'x');
    await own.registerPath(path, { temp: true });
    await own.close();
    expect(existsSync(path)).toBe(false);
    await expect(own.registerPath(path)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
