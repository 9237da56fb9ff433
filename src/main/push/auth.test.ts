import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildArchive } from '../../../test/support/archives/archive';
import { pushTo } from '../../../test/support/engine/push';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-push-auth-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(['token', 'htpasswd'] as const)('push with %s auth', (auth) => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth, tls: auth === 'htpasswd' });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('pushes, then pushes the same layers to a second repository (mount or fallback upload)', async () => {
    const cacheDir = join(dir, `cache-${auth}`);
    const built = await buildArchive(join(dir, `${auth}.tar`), { layout: 'docker-legacy', seed: auth, images: [{ tags: ['auth/one:1'], layers: [{ sizeBytes: 5 * 1024 * 1024 }, { sizeBytes: 3000 }] }] });
    const first = await pushTo(reg, built.path, {}, { cacheDir });
    expect(first.error).toBeUndefined();
    const second = await pushTo(reg, built.path, { target: 'auth/two:2' }, { cacheDir });
    expect(second.error).toBeUndefined();
    expect(second.pushed[0].digest).toBe(first.pushed[0].digest);
    // A third push finds everything in place: nothing is sent, whatever the auth scheme.
    const third = await pushTo(reg, built.path, { target: 'auth/two:3' }, { cacheDir });
    expect(third.error).toBeUndefined();
    expect(third.bytesUploaded).toBe(0);
    expect(third.events.at(-1)!.layers.every((l) => l.state === 'exists')).toBe(true);
  });

  it('names wrong credentials', async () => {
    const built = await buildArchive(join(dir, `${auth}-bad.tar`), { layout: 'docker-legacy', seed: `${auth}-bad`, images: [{ tags: ['auth/bad:1'], layers: [{ sizeBytes: 1000 }] }] });
    const wrong = { ...reg, password: 'not-the-password' } as RunningRegistry;
    const out = await pushTo(wrong, built.path, {}, { cacheDir: join(dir, `cache-${auth}-bad`) });
    expect(out.ok).toBe(false);
    expect(['UNAUTHORIZED', 'AUTH_FAILED']).toContain(out.error?.code);
  });
});
