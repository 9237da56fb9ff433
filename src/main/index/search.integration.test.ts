/** Search over an index built from a real registry gives what a brute-force scan of the seeded images gives. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage } from '../../../test/support/images/push';
import type { RegistryClient } from '../registry/client';
import { clientFor } from '../../../test/support/engine/client';
import { buildIndex } from './build';
import { refreshRepository } from './refresh';
import type { RegistryIndex } from './registry-index';
import { searchIndex } from './search';
import { tempIndexHome } from '../../../test/support/engine/index-home';

/** One row as the seed knows it: a tag (or an untagged manifest) and the image(s) behind it. */
interface Row {
  repo: string;
  tag: string | null;
  digest: string;
  kind: 'image' | 'index';
  images: PushedImage[];
}

const labelsOf = (i: PushedImage): Record<string, string> => ((i.config.config as { Labels?: Record<string, string> }).Labels ?? {});
const createdOf = (r: Row): number => Math.max(...r.images.map((i) => Date.parse(i.config.created as string)));
const sizeOf = (r: Row): number => r.images.reduce((n, i) => n + i.size, 0);
const platformOf = (i: PushedImage): string => `${i.config.os}/${i.config.architecture}`;
const layersOf = (i: PushedImage): string[] => i.layers.map((l) => l.digest);

describe('search equals a brute-force scan of the seeded data', () => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let home: Awaited<ReturnType<typeof tempIndexHome>>;
  let index: RegistryIndex;
  const rows: Row[] = [];
  let base: PushedImage;

  beforeAll(async () => {
    reg = await startRegistry();
    const os = { seed: 'os', created: '2023-01-01T00:00:00Z' };
    const image = async (repo: string, tags: string[], opts: Parameters<typeof pushImage>[3]): Promise<PushedImage> => {
      const img = await pushImage(reg, repo, tags, opts);
      for (const tag of tags) rows.push({ repo, tag, digest: img.digest, kind: 'image', images: [img] });
      return img;
    };
    base = await image('base/os', ['12'], { ...os, layerSizes: [3000, 2000], labels: { tier: 'base' } });
    await image('app/web', ['v1'], { ...os, layerSizes: [3000, 2000, 4000], created: '2024-01-15T00:00:00Z', labels: { team: 'web', tier: 'prod' } });
    await image('app/web', ['v1.1', 'latest'], { ...os, layerSizes: [3000, 2000, 4100], created: '2024-03-10T00:00:00Z', labels: { team: 'web' } });
    await image('app/web', ['v2-rc1'], { seed: 'other', layerSizes: [6000], created: '2024-06-01T00:00:00Z', labels: { team: 'web' } });
    await image('app/api', ['1.0'], { ...os, layerSizes: [3000, 2000, 4200], created: '2024-02-20T00:00:00Z', labels: { team: 'api' } });
    const old = await pushImage(reg, 'app/api', ['2.0'], { ...os, layerSizes: [3000, 2000, 4300], created: '2024-02-25T00:00:00Z', labels: { team: 'api' } });
    await image('tools/arm', ['1'], { seed: 'arm', layerSizes: [7000], created: '2024-04-01T00:00:00Z', platform: { os: 'linux', architecture: 'arm64' } });
    const multi = await pushIndex(reg, 'tools/multi', ['1'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { seed: 'multi', created: '2024-05-05T00:00:00Z' });
    rows.push({ repo: 'tools/multi', tag: '1', digest: multi.digest, kind: 'index', images: multi.images });

    client = clientFor(reg);
    home = await tempIndexHome();
    index = await home.open();
    await buildIndex(client, index);
    // app/api:2.0 moves: the old image stays stored, untagged.
    await image('app/api', ['2.0'], { seed: 'api', layerSizes: [9000, 100], created: '2024-07-01T00:00:00Z', labels: { team: 'api', tier: 'prod' } });
    await refreshRepository(client, index, 'app/api');
    rows.push({ repo: 'app/api', tag: null, digest: old.digest, kind: 'image', images: [old] });
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await home?.remove();
  });

  const web1 = (): Row => rows.find((r) => r.repo === 'app/web' && r.tag === 'v1')!;
  const api10 = (): Row => rows.find((r) => r.repo === 'app/api' && r.tag === '1.0')!;
  const startsWith = (layers: string[], prefix: string[]): boolean => prefix.length <= layers.length && prefix.every((l, i) => layers[i] === l);
  const cases: [string, () => string, (r: Row) => boolean][] = [
    ['repository substring', () => 'WEB', (r) => r.repo.includes('web')],
    ['tag glob', () => 'tag:v1*', (r) => r.tag !== null && /^v1/.test(r.tag)],
    ['digest prefix', () => `digest:${web1().digest.slice(0, 13)}`, (r) => r.digest.startsWith(web1().digest.slice(0, 13))],
    ['config digest (image ID), bare hex', () => `digest:${api10().images[0].configDigest.slice(7, 19)}`, (r) => r.images.some((i) => i.configDigest === api10().images[0].configDigest) && r.kind === 'image'],
    ['label key=value', () => 'label:team=web', (r) => r.images.some((i) => labelsOf(i).team === 'web')],
    ['label key only, negated, with a word', () => '-label:tier app', (r) => r.repo.includes('app') && !r.images.some((i) => 'tier' in labelsOf(i))],
    ['platform', () => 'platform:linux/arm64', (r) => r.images.some((i) => platformOf(i) === 'linux/arm64')],
    ['created after a day', () => 'created:>2024-03-01', (r) => createdOf(r) >= Date.UTC(2024, 2, 2)],
    ['created in a month range', () => 'created:2024-02..2024-05', (r) => createdOf(r) >= Date.UTC(2024, 1, 1) && createdOf(r) < Date.UTC(2024, 5, 1)],
    ['size range', () => 'size:>8000', (r) => sizeOf(r) > 8000],
    ['images built on another', () => 'base:base/os:12', (r) => r.digest !== base.digest && r.images.some((i) => startsWith(layersOf(i), layersOf(base)))],
    ['untagged only', () => 'is:untagged', (r) => r.tag === null],
    ['indexes', () => 'is:index', (r) => r.kind === 'index'],
    ['several terms', () => 'tag:* -tag:latest size:<11000 created:<2024-06-01 label:team=*', (r) => r.tag !== null && r.tag !== 'latest' && sizeOf(r) < 11000 && createdOf(r) < Date.UTC(2024, 5, 1) && r.images.some((i) => 'team' in labelsOf(i))],
  ];

  it.each(cases)('%s', (_name, query, predicate) => {
    const key = (repo: string, tag: string | null, digest: string): string => `${repo} ${tag ?? `@${digest}`}`;
    const expected = rows.filter(predicate).map((r) => key(r.repo, r.tag, r.digest)).sort();
    const result = searchIndex(index, query());
    expect(result.hits.map((h) => key(h.repository, h.tag, h.digest)).sort()).toEqual(expected);
    expect(result.total).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rows.length);
  });

  it('returns hits in repository then tag order with what the screens show, and caps them', () => {
    const all = searchIndex(index, '');
    expect(all.total).toBe(rows.length);
    expect(all.hits.slice(0, 3).map((h) => `${h.repository}:${h.tag}`)).toEqual(['app/api:1.0', 'app/api:2.0', 'app/api:null']);
    const multi = all.hits.find((h) => h.repository === 'tools/multi')!;
    const row = rows.find((r) => r.repo === 'tools/multi')!;
    expect(multi).toEqual({ repository: 'tools/multi', tag: '1', digest: row.digest, kind: 'index', size: sizeOf(row), created: '2024-05-05T00:00:00.000Z', platforms: ['linux/amd64', 'linux/arm64'] });
    const capped = searchIndex(index, '', { limit: 2 });
    expect([capped.hits.length, capped.total, capped.truncated]).toEqual([2, rows.length, true]);
    expect(() => searchIndex(index, 'base:nope/x:1')).toThrow(/not in the index/);
  });
});
