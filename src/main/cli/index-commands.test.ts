/**
 * `berth rm --dry-run`, `berth du` and `berth find` in-process against a real registry, and the
 * test that matters most (issue 11): the `freedBytes` a dry run predicts for a set of tags is what
 * the blob store really loses once they are deleted and `docker-registry garbage-collect` ran.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import { captureIo } from '../../../test/support/engine/cli-io';
import { haltRegistry, registryGarbageCollect } from '../../../test/support/registry/garbage-collect';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { storedBlobs, sumSizes } from '../../../test/support/registry/storage';
import type { IndexStatus, RegistryStorage, RepositoryStorageDetail } from '../../shared/index-types';
import type { RegistryInfo } from '../../shared/types';
import { openEngines } from '../service/create-service';
import { BerthService } from '../service/service';
import { runCli } from './index';

// Never the user's own cache or `docker login`.
const home = mkdtempSync(join(tmpdir(), 'berth-cli-index-'));
process.env.BERTH_CACHE_DIR = join(home, 'cache');
process.env.DOCKER_CONFIG = join(home, 'docker');

async function run(argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function registryTags(reg: RunningRegistry, repo: string): Promise<string[]> {
  const body = (await (await reg.fetch(`/v2/${repo}/tags/list`)).json()) as { tags: string[] | null };
  return (body.tags ?? []).sort();
}

let reg: RunningRegistry;
const img: Record<string, PushedImage> = {};
let multi: PushedIndex;

beforeAll(async () => {
  reg = await startRegistry();
  // Base layers shared by images in several repositories; one image stored in two repositories.
  const os = { seed: 'os', created: '2023-01-01T00:00:00Z' };
  img.base = await pushImage(reg, 'base/os', ['12'], { ...os, layerSizes: [3000, 2000] });
  img.web1 = await pushImage(reg, 'app/web', ['v1'], { ...os, layerSizes: [3000, 2000, 4000], labels: { team: 'web' } });
  img.mirror = await pushImage(reg, 'mirror/web', ['v1'], { ...os, layerSizes: [3000, 2000, 4000], labels: { team: 'web' } });
  img.web2 = await pushImage(reg, 'app/web', ['v2', 'latest'], { ...os, layerSizes: [3000, 2000, 4100], created: '2024-02-01T00:00:00Z' });
  img.api = await pushImage(reg, 'app/api', ['1'], { ...os, layerSizes: [3000, 2000, 4200] });
  img.solo = await pushImage(reg, 'other/solo', ['1', '1.0'], { seed: 'solo', layerSizes: [5000] });
  multi = await pushIndex(reg, 'multi/tool', ['1'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { attestation: true, seed: 'multi' });
  // Orphans of seeding (if any) must not count: collect once before the baseline.
  await registryGarbageCollect(reg);
});
afterAll(async () => {
  await reg?.stop();
  await rm(home, { recursive: true, force: true });
});

describe('berth du and berth find', () => {
  it('builds the index once (saying so on stderr) and answers from it', async () => {
    const first = await run(['du', reg.host, '--json']);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/^berth: indexing 127\.0\.0\.1:\d+ \(first build; .*\nberth: indexed 6 repositories in /);
    const figures = JSON.parse(first.out) as Omit<RegistryStorage, 'coverage' | 'status'> & { asOf: string };
    expect(figures.totalStoredBytes).toBe(sumSizes(await storedBlobs(reg)));
    expect(figures.naiveTagBytes).toBeGreaterThan(figures.totalStoredBytes);
    expect(figures.repositories.find((r) => r.repository === 'mirror/web')).toMatchObject({ tags: 1, ownBytes: 0 });

    // A recent index is reused: nothing on stderr, the same answer.
    const text = await run(['du', reg.url]);
    expect(text).toMatchObject({ code: 0, err: '' });
    expect(text.out).toMatch(/^Stored {6}\S/);
    expect(text.out).toMatch(/REPOSITORY\s+TAGS\s+OWN\s+SHARED\s+LAST PUSH\n/);
    expect(text.out).toContain(`(${figures.totalStoredBytes.toLocaleString('en')} bytes)`);
  });

  it('shows one repository per tag, with the bytes each frees', async () => {
    const r = await run(['du', `${reg.host}/other/solo`, '--json']);
    expect(r.code).toBe(0);
    const detail = JSON.parse(r.out) as RepositoryStorageDetail;
    expect(detail.tags.map((t) => [t.tag, t.withTags])).toEqual([['1', ['1.0']], ['1.0', ['1']]]);
    // Nothing of other/solo is shared: its layer, config and manifest go.
    expect(detail.tags[0].freedBytes).toBe(img.solo.size + img.solo.manifestBytes.length);
    const text = await run(['du', `${reg.host}/other/solo`]);
    expect(text.out).toMatch(/^other\/solo: 2 tags, /);
    expect(text.out).toMatch(/\n1\.0\s+sha256:/);
  });

  it('finds across repositories', async () => {
    const r = await run(['find', reg.host, 'label:team=web', '--json']);
    expect(r.code).toBe(0);
    const found = JSON.parse(r.out) as { hits: { repository: string; tag: string }[]; total: number };
    expect(found.hits.map((h) => `${h.repository}:${h.tag}`)).toEqual(['app/web:v1', 'mirror/web:v1']);
    const text = await run(['find', reg.host, 'base:base/os:12', 'tag:v*']);
    expect(text.out.split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual(['app/web:v1', 'app/web:v2', 'mirror/web:v1']);
    const bad = await run(['find', reg.host, 'colour:red']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error INVALID_ARGUMENT: Unknown search key "colour:"/);
    expect((await run(['find', reg.host])).code).toBe(2);
  });

  it('shares its index with the app (same cache folder, same registry)', async () => {
    const service = new BerthService({ engines: await openEngines({ dataDir: join(home, 'data'), cacheDir: process.env.BERTH_CACHE_DIR! }, () => undefined) });
    try {
      const info = (await service.addRegistry({ url: reg.host })) as RegistryInfo;
      const status: IndexStatus = await service.getIndexStatus(info.id);
      expect(status).toMatchObject({ state: 'ready', repositories: 6 });
    } finally {
      await service.close();
    }
  });
});

describe('berth rm --dry-run', () => {
  it('refuses what it cannot answer, deleting nothing', async () => {
    const missing = await run(['rm', `${reg.host}/app/web:nope`, '--dry-run']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/error MANIFEST_UNKNOWN: app\/web:nope is not in /);
    const twoRegistries = await run(['rm', `${reg.host}/app/web:v1`, 'localhost:1/app/web:v1', '--dry-run']);
    expect(twoRegistries.code).toBe(2);
    expect(twoRegistries.err).toMatch(/every REF must be on one registry/);
  });

  it('predicts exactly the bytes garbage collection frees (deleted through berth rm, collected by docker-registry)', async () => {
    const refs = [
      `${reg.host}/app/web:v1`, // also stored in mirror/web: frees nothing unless mirror/web:v1 goes too
      `${reg.host}/mirror/web:v1`, // …which it does
      `${reg.host}/app/web:v2`, // takes `latest` along
      `${reg.host}/multi/tool:1`, // the index only: its platform images stay stored, untagged
      `${reg.host}/other/solo@${img.solo.digest}`, // by digest: both its tags go
    ];
    const dry = await run(['rm', ...refs, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const predicted = JSON.parse(dry.out) as { freedBytes: number; manifests: { repository: string; digest: string; tags: string[] }[]; leftUntagged: unknown[]; unknownSizes: number; coverage: string };
    expect(predicted).toMatchObject({ coverage: 'full', unknownSizes: 0 });
    expect(predicted.manifests.find((m) => m.digest === img.web2.digest)?.tags).toEqual(['latest', 'v2']);
    expect(predicted.manifests.find((m) => m.repository === 'other/solo')?.tags).toEqual(['1', '1.0']);
    expect(predicted.leftUntagged).toHaveLength(multi.children.length);
    expect(predicted.freedBytes).toBeGreaterThan(0);
    // A dry run deletes nothing; its text form says the same figure.
    expect(await registryTags(reg, 'app/web')).toEqual(['latest', 'v1', 'v2']);
    const text = await run(['rm', ...refs, '--dry-run']);
    expect(text.out).toMatch(/^Would delete 5 manifests and 7 tags \(nothing was deleted\):\n/);
    expect(text.out).toContain(`(${predicted.freedBytes.toLocaleString('en')} bytes) after garbage collection, registry-wide`);

    const before = await storedBlobs(reg);
    const deleted = await run(['rm', ...refs, '--yes', '--json']);
    expect(deleted.code, deleted.err).toBe(0);
    expect(JSON.parse(deleted.out)).toHaveLength(5);
    // Garbage collection with the registry stopped, as its documentation asks.
    await haltRegistry(reg);
    await registryGarbageCollect(reg);
    const after = await storedBlobs(reg);
    const lost = sumSizes(before) - sumSizes(after);
    console.log(`berth rm --dry-run predicted ${predicted.freedBytes} bytes; garbage-collect freed ${lost} bytes`);
    expect(lost).toBe(predicted.freedBytes);
    expect([...after.keys()].filter((d) => !before.has(d))).toEqual([]);
  });
});
