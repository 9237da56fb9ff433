/**
 * The figure that matters most: the bytes the index says a delete frees are the bytes the real
 * registry's blob store loses once `docker-registry garbage-collect` has run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import type { RegistryClient } from '../registry/client';
import { deleteManifest } from '../registry/delete';
import { clientFor } from '../../../test/support/engine/client';
import { buildIndex } from './build';
import { reclaim, storageFigures, type SelectionItem } from './figures';
import { refreshRepository } from './refresh';
import type { RegistryIndex } from './registry-index';
import { tempIndexHome } from '../../../test/support/engine/index-home';
import { registryGarbageCollect, haltRegistry } from '../../../test/support/registry/garbage-collect';
import { storedBlobs, sumSizes } from '../../../test/support/registry/storage';

describe('reclaim figures against docker-registry garbage-collect', () => {
  let reg: RunningRegistry;
  let home: Awaited<ReturnType<typeof tempIndexHome>>;
  let client: RegistryClient;
  let index: RegistryIndex;
  const img: Record<string, PushedImage> = {};
  let multi: PushedIndex;
  let keep: PushedIndex;

  beforeAll(async () => {
    reg = await startRegistry();
    home = await tempIndexHome();
    // One base image; app images are the base's two layers plus one of their own, in several repositories.
    const os = { seed: 'os', created: '2023-01-01T00:00:00Z' };
    img.base = await pushImage(reg, 'base/os', ['12'], { ...os, layerSizes: [3000, 2000] });
    img.web1 = await pushImage(reg, 'app/web', ['v1'], { ...os, layerSizes: [3000, 2000, 4000], labels: { team: 'web' } });
    // The same image (same bytes, same digest) in a second repository.
    img.mirror = await pushImage(reg, 'mirror/web', ['v1'], { ...os, layerSizes: [3000, 2000, 4000], labels: { team: 'web' } });
    img.web2 = await pushImage(reg, 'app/web', ['v2', 'latest'], { ...os, layerSizes: [3000, 2000, 4100], created: '2024-02-01T00:00:00Z' });
    img.api1 = await pushImage(reg, 'app/api', ['1'], { ...os, layerSizes: [3000, 2000, 4200] });
    img.api2old = await pushImage(reg, 'app/api', ['2'], { ...os, layerSizes: [3000, 2000, 4300] });
    img.solo = await pushImage(reg, 'other/solo', ['1'], { seed: 'solo', layerSizes: [5000] });
    multi = await pushIndex(reg, 'multi/tool', ['1'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { attestation: true, seed: 'multi' });
    keep = await pushIndex(reg, 'multi/keep', ['1'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { seed: 'keep' });
    // Orphans of seeding (if any) must not count: collect once before the baseline.
    await registryGarbageCollect(reg);
    client = clientFor(reg);
    index = await home.open();
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await home?.remove();
  });

  it('the index total is the blob store, and the bytes freed by deleting tags are what GC takes away', async () => {
    expect(img.mirror.digest).toBe(img.web1.digest);
    await buildIndex(client, index);
    // Another client moves app/api:2; the refresh keeps the old image as an untagged manifest.
    const api2new = await pushImage(reg, 'app/api', ['2'], { seed: 'os', created: '2023-01-01T00:00:00Z', layerSizes: [3000, 2000, 4400] });
    await refreshRepository(client, index, 'app/api');
    expect(index.repository('app/api')!.untagged).toEqual([img.api2old.digest]);

    const before = await storedBlobs(reg);
    const figures = storageFigures(index);
    expect(figures.unknownSizes).toBe(0);
    expect(figures.totalStoredBytes).toBe(sumSizes(before));
    expect(figures.naiveTagBytes).toBeGreaterThan(figures.totalStoredBytes);

    const arm = multi.children.find((c) => c.platform.architecture === 'arm64' && !c.attestationFor)!;
    const selection: SelectionItem[] = [
      { repository: 'app/web', tag: 'v1' }, // still stored in mirror/web: frees nothing of its own
      { repository: 'app/web', tag: 'v2' }, // takes `latest` with it
      { repository: 'multi/tool', tag: '1' }, // the index only: its platform images stay stored
      { repository: 'multi/tool', digest: arm.digest }, // and one platform image by digest
      { repository: 'app/api', digest: img.api2old.digest }, // an untagged manifest
      // A platform image of an index that stays: its manifest blob stays (the index refers to it), its layers go.
      { repository: 'multi/keep', digest: keep.children[0].digest },
    ];
    const fig = reclaim(index, selection);
    expect(fig.notFound).toEqual([]);
    expect(fig.unknownSizes).toBe(0);
    expect(fig.manifests.find((m) => m.digest === img.web2.digest)?.tags).toEqual(['latest', 'v2']);
    expect(fig.leftUntagged.map((u) => u.digest).sort()).toEqual(multi.children.filter((c) => c.digest !== arm.digest).map((c) => c.digest).sort());
    expect(fig.freedBytes).toBeGreaterThan(0);
    expect(fig.freedBytes).toBeLessThan(sumSizes(before));

    for (const m of fig.manifests) {
      await deleteManifest(client, m.repository, m.digest, m.tags);
      index.forgetManifest(m.repository, m.digest);
    }
    // Garbage collection with the registry stopped, as its documentation asks.
    await haltRegistry(reg);
    await registryGarbageCollect(reg);
    const after = await storedBlobs(reg);
    const lost = sumSizes(before) - sumSizes(after);
    expect(lost).toBe(fig.freedBytes);
    expect([...after.keys()].filter((d) => !before.has(d))).toEqual([]);
    // And the index, having forgotten what Berth deleted, still describes the blob store exactly.
    expect(storageFigures(index).totalStoredBytes).toBe(sumSizes(after));
    expect(after.has(api2new.digest)).toBe(true);
  });
});
