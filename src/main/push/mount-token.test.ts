import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildArchive } from '../../../test/support/archives/archive';
import { fetchManifest } from '../registry/manifest';
import { clientFor } from '../../../test/support/engine/client';
import { pushTo } from '../../../test/support/engine/push';

let reg: RunningRegistry;
let dir: string;
beforeAll(async () => {
  reg = await startRegistry({ auth: 'token' });
  dir = await mkdtemp(join(tmpdir(), 'berth-mount-token-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('push under token auth', () => {
  it('a second push of the same archive to another repository mounts every blob', async () => {
    const cacheDir = join(dir, 'cache');
    const layers = [{ sizeBytes: 3 * 1024 * 1024 }, { sizeBytes: 6 * 1024 * 1024 }, { files: { 'etc/motd': 'hello\n' } }];
    const built = await buildArchive(join(dir, 'm.tar'), { layout: 'docker-legacy', seed: 'mount-token', images: [{ tags: ['src/app:1'], layers }] });
    const first = await pushTo(reg, built.path, {}, { cacheDir });
    expect(first.error).toBeUndefined();
    expect(first.bytesUploaded).toBeGreaterThan(9 * 1024 * 1024 * 0.9);

    const issued = reg.issuer!.scopes.length;
    const second = await pushTo(reg, built.path, { target: 'dst/app:2' }, { cacheDir });
    expect(second.error).toBeUndefined();
    expect(second.bytesUploaded).toBe(0);
    const states = second.events.at(-1)!.layers.map((l) => l.state);
    // Every layer and the config.
    expect(states).toEqual(Array(layers.length + 1).fill('mounted'));
    expect(second.pushed[0].digest).toBe(first.pushed[0].digest);
    // The mounts asked for one token covering both repositories.
    expect(reg.issuer!.scopes.slice(issued)).toContainEqual(['repository:dst/app:pull,push', 'repository:src/app:pull']);

    // What dst/app:2 references is really there, read with the registry's own auth.
    const c = clientFor(reg);
    try {
      const m = await fetchManifest(c, 'dst/app', '2');
      expect(m.digest).toBe(first.pushed[0].digest);
      const blobs = (JSON.parse(m.bytes.toString()) as { config: { digest: string }; layers: { digest: string; size: number }[] });
      for (const d of [blobs.config.digest, ...blobs.layers.map((l) => l.digest)]) {
        const head = await c.request({ method: 'HEAD', url: `/v2/dst/app/blobs/${d}`, scope: { repository: 'dst/app', actions: ['pull'] } });
        await head.body.dump();
        expect(head.status).toBe(200);
      }
    } finally {
      await c.close();
    }
  });

  it('learns the auth while reading the archive: one challenge and one token for the whole push', async () => {
    const built = await buildArchive(join(dir, 'w.tar'), { layout: 'docker-legacy', seed: 'warm-token', images: [{ tags: ['warm/app:1'], layers: [{ sizeBytes: 5000 }, { sizeBytes: 7000 }, { sizeBytes: 9000 }] }] });
    const statuses: number[] = [];
    const onHeaders = (m: unknown): void => void statuses.push((m as { response: { statusCode: number } }).response.statusCode);
    subscribe('undici:request:headers', onHeaders);
    try {
      const issued = reg.issuer!.requests;
      const out = await pushTo(reg, built.path, { target: 'warm/app:1' }, { cacheDir: join(dir, 'cache-warm') });
      expect(out.error).toBeUndefined();
      expect(reg.issuer!.requests - issued).toBe(1);
      // Without the warm-up every blob request of the first parallel batch meets the 401 itself.
      expect(statuses.filter((s) => s === 401)).toHaveLength(1);
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(5); // 4 blobs + manifest
    } finally {
      unsubscribe('undici:request:headers', onHeaders);
    }
  });
});
