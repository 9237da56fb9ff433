import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { listAllTags } from './browse';
import type { RegistryClient } from './client';
import { DELETE_DISABLED_MESSAGE, deleteManifest, planDelete } from './delete';
import { headManifest } from './manifest';
import { clientFor } from '../../../test/support/engine/client';
import { seedClient } from '../../../test/support/images/seed-client';

for (const auth of ['none', 'token'] as const) {
  describe(`delete (${auth})`, () => {
    let reg: RunningRegistry;
    let c: RegistryClient;
    beforeAll(async () => {
      reg = await startRegistry({ auth });
      c = clientFor(reg);
    });
    afterAll(async () => {
      await c.close();
      await reg.stop();
    });

    it('plans every tag on the digest and deletes them all by digest', async () => {
      const old = await pushImage(reg, 'team/app', ['v1', 'stable']);
      const keep = await pushImage(reg, 'team/app', ['v2']);
      const plan = await planDelete(c, 'team/app', 'v1');
      expect(plan).toEqual({ repository: 'team/app', digest: old.digest, tags: expect.any(Array), leavesRepositoryEmpty: false });
      expect(plan.tags.sort()).toEqual(['stable', 'v1']);
      // planning by digest gives the same plan
      const byDigest = await planDelete(c, 'team/app', old.digest);
      expect(byDigest.tags.sort()).toEqual(['stable', 'v1']);

      const result = await deleteManifest(c, 'team/app', plan.digest, plan.tags);
      expect(result.digest).toBe(old.digest);
      expect(result.deletedTags.sort()).toEqual(['stable', 'v1']);
      expect(await headManifest(c, 'team/app', old.digest)).toBeNull();
      expect(await listAllTags(c, 'team/app')).toEqual(['v2']);
      expect((await headManifest(c, 'team/app', 'v2'))?.digest).toBe(keep.digest);
      if (auth === 'token') {
        expect(reg.issuer!.scopes.flat()).toContain('repository:team/app:pull,delete');
      }
    });

    it('says when a delete leaves the repository empty', async () => {
      await pushImage(reg, 'team/solo', ['only', 'alias']);
      const plan = await planDelete(c, 'team/solo', 'only');
      expect(plan.leavesRepositoryEmpty).toBe(true);
      await deleteManifest(c, 'team/solo', plan.digest, plan.tags);
      expect(await listAllTags(c, 'team/solo')).toEqual([]);
    });

    it('refuses with TAGS_CHANGED when another tag moved onto the digest, deleting nothing', async () => {
      const img = await pushImage(reg, 'team/race', ['a', 'b']);
      const plan = await planDelete(c, 'team/race', 'a');
      expect(plan.tags.sort()).toEqual(['a', 'b']);
      // Someone tags the same manifest as "c" after the user saw the plan.
      await seedClient(reg).putManifest('team/race', 'c', img.mediaType, img.manifestBytes);
      await expect(deleteManifest(c, 'team/race', plan.digest, plan.tags)).rejects.toMatchObject({
        code: 'TAGS_CHANGED',
        detail: { unexpected: ['c'] },
      });
      expect((await listAllTags(c, 'team/race')).sort()).toEqual(['a', 'b', 'c']);
      expect((await headManifest(c, 'team/race', plan.digest))?.digest).toBe(img.digest);
    });

    it('reports a missing tag or digest as MANIFEST_UNKNOWN and validates input', async () => {
      await pushImage(reg, 'team/x', ['v1']);
      await expect(planDelete(c, 'team/x', 'nope')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
      await expect(deleteManifest(c, 'team/x', `sha256:${'1'.repeat(64)}`, [])).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
      await expect(deleteManifest(c, 'team/x', 'v1', ['v1'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(planDelete(c, 'Team/X', 'v1')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });
}

describe('delete disabled', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ deleteEnabled: false });
  });
  afterAll(() => reg.stop());

  it('maps 405 to UNSUPPORTED with how to enable deletion', async () => {
    const img = await pushImage(reg, 'team/app', ['v1']);
    const c = clientFor(reg);
    try {
      const plan = await planDelete(c, 'team/app', 'v1');
      const err = await deleteManifest(c, 'team/app', plan.digest, plan.tags).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UNSUPPORTED', message: DELETE_DISABLED_MESSAGE });
      expect(DELETE_DISABLED_MESSAGE).toBe(
        "Deletion is disabled on this registry. Enable it with `storage.delete.enabled: true` in the registry's config.yml (or REGISTRY_STORAGE_DELETE_ENABLED=true for the registry:2 image) and restart it.",
      );
      expect((await headManifest(c, 'team/app', 'v1'))?.digest).toBe(img.digest);
    } finally {
      await c.close();
    }
  });
});
