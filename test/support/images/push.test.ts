import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { startRegistry, type RunningRegistry } from '../registry/start';
import { pushImage, pushIndex } from './push';
import { pushManyRepositories, tagMany } from './bulk';
import { seedClient } from './seed-client';
import { MANIFEST_ACCEPT } from './media-types';
import { sha256 } from '../digest';


async function tarNames(tar: Buffer): Promise<string[]> {
  const names: string[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      names.push(h.name);
      stream.on('end', next);
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
  return names;
}

let open: RunningRegistry;
let token: RunningRegistry;
beforeAll(async () => {
  [open, token] = await Promise.all([startRegistry(), startRegistry({ auth: 'token' })]);
});
afterAll(async () => {
  await Promise.all([open?.stop(), token?.stop()]);
});

describe('pushImage', () => {
  it('pushes real gzip tar layers and a full config that the registry serves back', async () => {
    const img = await pushImage(open, 'demo/full', ['a'], {
      seed: 's1', layerSizes: [4000, 100, 10], created: '2023-03-04T05:06:07Z',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      env: ['A=1'], cmd: ['run'], entrypoint: ['/entry'], labels: { team: 'x' }, exposedPorts: ['80', '53/udp'], emptyHistory: 2,
    });
    expect(img.layers).toHaveLength(3);
    expect(img.size).toBe(img.layers.reduce((n, l) => n + l.size, 0) + Buffer.byteLength(JSON.stringify(img.config, null, 2)));
    const cfgRes = await open.fetch(`/v2/demo/full/blobs/${img.configDigest}`);
    const cfg = (await cfgRes.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cfg).toEqual(img.config);
    expect(cfg).toMatchObject({ architecture: 'arm64', os: 'linux', variant: 'v8', created: '2023-03-04T05:06:07Z' });
    expect(cfg.config).toMatchObject({ Env: ['A=1'], Cmd: ['run'], Entrypoint: ['/entry'], Labels: { team: 'x' }, ExposedPorts: { '80/tcp': {}, '53/udp': {} } });
    expect(cfg.history).toHaveLength(5);
    expect(cfg.history.filter((h: { empty_layer?: boolean }) => h.empty_layer)).toHaveLength(2);
    expect(cfg.rootfs.diff_ids).toEqual(img.layers.map((l) => l.diffId));
    const blob = Buffer.from(await (await open.fetch(`/v2/demo/full/blobs/${img.layers[0].digest}`)).arrayBuffer());
    expect(sha256(blob)).toBe(img.layers[0].digest);
    const tar = gunzipSync(blob);
    expect(sha256(tar)).toBe(img.layers[0].diffId);
    expect(await tarNames(tar)).toEqual(['berth/0/README.txt', 'berth/0/payload.bin']);
    expect(img.layers[0].size).toBeGreaterThan(4000); // pseudo-random payload does not compress away
  });

  it('is deterministic per seed, unique without one, and speaks OCI when asked', async () => {
    const a = await pushImage(open, 'demo/det', ['a'], { seed: 'same' });
    const b = await pushImage(open, 'demo/det', ['b'], { seed: 'same' });
    const c = await pushImage(open, 'demo/det', ['c']);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
    const oci = await pushImage(open, 'demo/det', ['oci'], { seed: 'same', format: 'oci' });
    const res = await open.fetch('/v2/demo/det/manifests/oci', { headers: { accept: MANIFEST_ACCEPT } });
    expect(res.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(res.headers.get('docker-content-digest')).toBe(oci.digest);
    expect(oci.layers.map((l) => l.digest)).toEqual(a.layers.map((l) => l.digest));
  });

  it('works against token auth (tokens signed by the issuer without moving its request count)', async () => {
    const img = await pushImage(token, 'team/app', ['1']);
    expect(token.issuer!.requests).toBe(0);
    const res = await seedClient(token).request('team/app', '/v2/team/app/manifests/1', { headers: { accept: MANIFEST_ACCEPT } });
    expect(res.headers.get('docker-content-digest')).toBe(img.digest);
    await res.text();
  });
});

describe('pushIndex', () => {
  for (const format of ['oci', 'docker'] as const) {
    it(`pushes a ${format} index with per-platform images and attestations`, async () => {
      const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm', variant: 'v7' }];
      const idx = await pushIndex(open, `multi/${format}`, ['latest'], platforms, { attestation: true, format });
      expect(idx.children).toHaveLength(4);
      const res = await open.fetch(`/v2/multi/${format}/manifests/latest`, { headers: { accept: MANIFEST_ACCEPT } });
      expect(res.headers.get('docker-content-digest')).toBe(idx.digest);
      const body = (await res.json()) as { manifests: { digest: string; platform: Record<string, string>; annotations?: Record<string, string> }[] };
      expect(body.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm', 'unknown', 'unknown']);
      expect(body.manifests[1].platform.variant).toBe('v7');
      expect(body.manifests[2].annotations).toEqual({
        'vnd.docker.reference.digest': idx.children[0].digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      });
      for (const child of idx.children) {
        const r = await open.fetch(`/v2/multi/${format}/manifests/${child.digest}`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } });
        expect(r.status).toBe(200);
      }
    });
  }
});

describe('bulk seeding', () => {
  it('pushManyRepositories fills the catalog', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `many/r${String(i).padStart(3, '0')}`);
    const out = await pushManyRepositories(token, names, { concurrency: 8 });
    const res = await seedClient(token).request(undefined, '/v2/_catalog?n=1000');
    const { repositories } = (await res.json()) as { repositories: string[] };
    expect(repositories.filter((r) => r.startsWith('many/'))).toEqual(names);
    const last = await seedClient(token).request(names[59], `/v2/${names[59]}/manifests/latest`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } });
    expect(last.headers.get('docker-content-digest')).toBe(out.digest);
  });

  it("pushManyRepositories via storage serves what the API would", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `disk/r${String(i).padStart(3, '0')}`);
    const out = await pushManyRepositories(open, names, { via: 'storage', tag: 'stable' });
    const { repositories } = (await (await open.fetch('/v2/_catalog?n=1000')).json()) as { repositories: string[] };
    expect(repositories.filter((r) => r.startsWith('disk/'))).toEqual(names);
    for (const name of [names[1], names[39]]) {
      const r = await open.fetch(`/v2/${name}/manifests/stable`, { headers: { accept: MANIFEST_ACCEPT } });
      expect(r.headers.get('docker-content-digest')).toBe(out.digest);
      const m = (await r.json()) as { layers: { digest: string }[] };
      expect((await open.fetch(`/v2/${name}/blobs/${m.layers[0].digest}`, { method: 'HEAD' })).status).toBe(200);
    }
    const tags = (await (await open.fetch(`/v2/${names[5]}/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['stable']);
    expect((await open.fetch(`/v2/${names[5]}/manifests/${out.digest}`, { method: 'DELETE' })).status).toBe(202);
  });

  it.each(['http', 'storage'] as const)('tagMany via %s pushes distinct images with stepped created dates', async (via) => {
    const repo = `bulk/tags-${via}`;
    const tags = await tagMany(open, repo, 25, { start: '2024-02-01T00:00:00Z', stepMinutes: 30, via });
    expect(new Set(tags.map((t) => t.digest)).size).toBe(25);
    expect(tags[0].tag).toBe('v00');
    expect(tags[3].created).toBe('2024-02-01T01:30:00.000Z');
    const list = (await (await open.fetch(`/v2/${repo}/tags/list`)).json()) as { tags: string[] };
    expect(list.tags.sort()).toEqual(tags.map((t) => t.tag));
    const cfg = (await (await open.fetch(`/v2/${repo}/blobs/${tags[24].configDigest}`)).json()) as { created: string };
    expect(cfg.created).toBe(tags[24].created);
    const m = await open.fetch(`/v2/${repo}/manifests/${tags[7].tag}`, { headers: { accept: MANIFEST_ACCEPT } });
    expect(m.headers.get('docker-content-digest')).toBe(tags[7].digest);
    expect(m.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.v2+json');
    await m.text();
    expect((await open.fetch(`/v2/${repo}/manifests/${tags[7].digest}`, { method: 'DELETE' })).status).toBe(202);
  });
});
