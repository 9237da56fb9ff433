import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import type { ImageSummary, IndexSummary } from '../../shared/types';
import { listTags } from './browse';
import type { RegistryClient } from './client';
import { digestOf } from './digest';
import { fetchBlobBytes, fetchManifest, headManifest } from './manifest';
import { getManifestSummary, getTagDetail } from './summary';
import { clientFor } from '../../../test/support/engine/client';

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

for (const auth of ['none', 'token'] as const) {
  describe(`summaries (${auth})`, () => {
    let reg: RunningRegistry;
    let c: RegistryClient;
    let img: PushedImage;
    let oci: PushedImage;
    let idx: PushedIndex;
    beforeAll(async () => {
      reg = await startRegistry({ auth });
      img = await pushImage(reg, 'team/app', ['v1'], {
        layers: 3,
        emptyHistory: 2,
        env: ['PATH=/bin', 'MODE=test'],
        entrypoint: ['/entry.sh'],
        cmd: ['serve', '--port', '8080'],
        labels: { 'org.opencontainers.image.title': 'app', team: 'berth' },
        exposedPorts: ['8080', '53/udp'],
        workingDir: '/srv',
        created: '2025-02-03T04:05:06Z',
        platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      });
      oci = await pushImage(reg, 'team/oci', ['v1'], { format: 'oci', layers: 1 });
      idx = await pushIndex(reg, 'team/multi', ['latest'], PLATFORMS, { attestation: true, created: '2025-06-07T08:09:10Z' });
      c = clientFor(reg);
      await listTags(c, 'team/app'); // learn the auth scheme before counting requests
    });
    afterAll(async () => {
      await c.close();
      await reg.stop();
    });

    it('summarises an image with everything the seed pushed', async () => {
      const s = (await getManifestSummary(c, 'team/app', 'v1')) as ImageSummary;
      expect(s.kind).toBe('image');
      expect(s.digest).toBe(img.digest);
      expect(s.mediaType).toBe(img.mediaType);
      expect(s.platform).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
      expect(s.created).toBe('2025-02-03T04:05:06Z');
      expect(s.size).toBe(img.size);
      expect(s.config.digest).toBe(img.configDigest);
      expect(s.layers.map((l) => [l.digest, l.size])).toEqual(img.layers.map((l) => [l.digest, l.size]));
      expect(s.env).toEqual(['PATH=/bin', 'MODE=test']);
      expect(s.entrypoint).toEqual(['/entry.sh']);
      expect(s.cmd).toEqual(['serve', '--port', '8080']);
      expect(s.workingDir).toBe('/srv');
      expect(s.labels).toEqual({ 'org.opencontainers.image.title': 'app', team: 'berth' });
      expect(s.exposedPorts.sort()).toEqual(['53/udp', '8080/tcp']);
      expect(s.rawManifest).toBe(img.manifestBytes.toString('utf8'));
      expect(JSON.parse(s.rawConfig)).toEqual(img.config);
      const history = img.config.history as { created_by: string; empty_layer?: boolean }[];
      expect(s.history).toHaveLength(history.length);
      let next = 0;
      s.history.forEach((line, i) => {
        expect(line.createdBy).toBe(history[i].created_by);
        expect(line.emptyLayer).toBe(history[i].empty_layer === true);
        expect(line.layer?.digest ?? null).toBe(history[i].empty_layer ? null : img.layers[next++].digest);
      });
      expect(next).toBe(3);
    });

    it('gives TagDetail of a plain image in two requests', async () => {
      const before = c.requestCount;
      const d = await getTagDetail(c, 'team/oci', 'v1');
      expect(c.requestCount - before).toBe(2);
      expect(d).toEqual({
        tag: 'v1',
        digest: oci.digest,
        mediaType: oci.mediaType,
        kind: 'image',
        size: oci.size,
        created: oci.config.created,
        platforms: [{ os: 'linux', architecture: 'amd64' }],
      });
    });

    it('summarises an index: platforms, per-platform sizes, labelled attestations', async () => {
      const s = (await getManifestSummary(c, 'team/multi', 'latest')) as IndexSummary;
      expect(s.kind).toBe('index');
      expect(s.digest).toBe(idx.digest);
      expect(s.rawManifest).toBe(idx.manifestBytes.toString('utf8'));
      expect(s.manifests).toHaveLength(4);
      const images = s.manifests.filter((m) => !m.attestation);
      const atts = s.manifests.filter((m) => m.attestation);
      expect(images.map((m) => m.platform)).toEqual(PLATFORMS);
      expect(images.map((m) => m.size)).toEqual(idx.images.map((i) => i.size));
      expect(atts.map((m) => m.attestationFor)).toEqual(idx.images.map((i) => i.digest));
      expect(atts.every((m) => typeof m.size === 'number' && m.size > 0)).toBe(true);
    });

    it('gives TagDetail of an index: platforms without attestations, summed size, created', async () => {
      const before = c.requestCount;
      const d = await getTagDetail(c, 'team/multi', 'latest');
      // index + two image manifests + one config (attestations are not fetched)
      expect(c.requestCount - before).toBe(4);
      expect(d.kind).toBe('index');
      expect(d.digest).toBe(idx.digest);
      expect(d.platforms).toEqual(PLATFORMS);
      expect(d.size).toBe(idx.images.reduce((n, i) => n + i.size, 0));
      expect(d.created).toBe('2025-06-07T08:09:10Z');
    });

    it('fetches and heads manifests by tag and digest', async () => {
      const byTag = await fetchManifest(c, 'team/multi', 'latest');
      expect(byTag.digest).toBe(idx.digest);
      expect(byTag.mediaType).toBe(idx.mediaType);
      expect(byTag.bytes.equals(idx.manifestBytes)).toBe(true);
      const child = idx.images[1];
      const byDigest = await fetchManifest(c, 'team/multi', child.digest);
      expect(byDigest.json.config.digest).toBe(child.configDigest);
      expect(await headManifest(c, 'team/multi', 'latest')).toEqual({ digest: idx.digest, mediaType: idx.mediaType, size: idx.manifestBytes.length });
      expect(await headManifest(c, 'team/multi', 'nope')).toBeNull();
      await expect(fetchManifest(c, 'team/multi', 'nope')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    });

    it('reads blobs with a size cap and verifies them', async () => {
      const cfg = await fetchBlobBytes(c, 'team/app', img.configDigest, 1 << 20);
      expect(digestOf(cfg)).toBe(img.configDigest);
      await expect(fetchBlobBytes(c, 'team/app', img.configDigest, 10)).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
      await expect(fetchBlobBytes(c, 'team/app', `sha256:${'0'.repeat(64)}`, 100)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
    });
  });
}

describe('digest verification', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(() => reg.stop());

  it('refuses manifest bytes that do not hash to their digest', async () => {
    const img = await pushImage(reg, 'tamper/app', ['v1']);
    const hex = img.digest.slice(7);
    const data = join(reg.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    // Corrupt storage: still valid JSON, but not the bytes the digest names.
    const original = await readFile(data, 'utf8');
    await writeFile(data, original.replace('"schemaVersion": 2', '"schemaVersion":  2'));
    const c = clientFor(reg);
    try {
      await expect(fetchManifest(c, 'tamper/app', 'v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
      await expect(fetchManifest(c, 'tamper/app', img.digest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
      await expect(getTagDetail(c, 'tamper/app', 'v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    } finally {
      await c.close();
    }
  });

  it('refuses a config blob whose bytes were altered', async () => {
    const img = await pushImage(reg, 'tamper/cfg', ['v1']);
    const hex = img.configDigest.slice(7);
    const data = join(reg.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const original = await readFile(data, 'utf8');
    await writeFile(data, original.replace('"os"', '"OS"'));
    const c = clientFor(reg);
    try {
      await expect(fetchBlobBytes(c, 'tamper/cfg', img.configDigest, 1 << 20)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    } finally {
      await c.close();
    }
  });
});
