import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { foreignMediaType, layerMediaType } from '../registry/media-types';
import { parseRange } from '../registry/upload';
import { readAhead, rechunk } from '../registry/upload-chunks';
import { LayerEncoder } from './encode';
import { chooseManifestFormat } from './manifests';
import { parallelGzip } from './parallel-gzip';
import { sha256 } from '../../../test/support/digest';
import { collect, pieces } from '../../../test/support/streams';

function data(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919) % 251 ^ (i >> 10) & 0xff;
  return b;
}

describe('parallelGzip', () => {
  it('round-trips, whatever the input chunking, and is deterministic', async () => {
    const input = data(3 * 1024 * 1024 + 123);
    const a = await collect(parallelGzip(pieces(input, 65536), { blockSize: 256 * 1024, parallel: 3 }));
    const b = await collect(parallelGzip(pieces(input, 1000), { blockSize: 256 * 1024, parallel: 1 }));
    expect(gunzipSync(a).equals(input)).toBe(true);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(input.length);
    expect(gunzipSync(await collect(parallelGzip(pieces(Buffer.alloc(0), 1))))).toHaveLength(0);
  });
});

describe('LayerEncoder', () => {
  it('compresses with both digests computed in one pass', async () => {
    const tar = data(500_000);
    const enc = new LayerEncoder(pieces(tar, 4096), { kind: 'compress', to: 'gzip' }, () => {});
    const wire = await collect(enc.output);
    expect(enc.result).toEqual({ digest: sha256(wire), size: wire.length, diffId: sha256(tar) });
    expect(gunzipSync(wire).equals(tar)).toBe(true);
  });
  it('sends gzip layers verbatim and verifies their diff ID on the side', async () => {
    const tar = data(300_000);
    const gz = gzipSync(tar);
    const seen: number[] = [];
    const enc = new LayerEncoder(pieces(gz, 777), { kind: 'verbatim', stored: 'gzip' }, (n) => seen.push(n));
    const wire = await collect(enc.output);
    expect(wire.equals(gz)).toBe(true);
    expect(enc.result).toEqual({ digest: sha256(gz), size: gz.length, diffId: sha256(tar) });
    expect(seen.at(-1)).toBe(gz.length);
  });
  it('names a damaged gzip layer', async () => {
    const gz = gzipSync(data(10_000));
    const bad = Buffer.concat([gz.subarray(0, 100), Buffer.alloc(50, 1), gz.subarray(150)]);
    const enc = new LayerEncoder(pieces(bad, 64), { kind: 'verbatim', stored: 'gzip' }, () => {});
    await expect(collect(enc.output)).rejects.toMatchObject({ code: 'LAYER_DIGEST_MISMATCH' });
  });
  it('uncompressed output: the digest is the diff ID', async () => {
    const tar = data(12345);
    const enc = new LayerEncoder(pieces(tar, 100), { kind: 'compress', to: 'none' }, () => {});
    expect((await collect(enc.output)).equals(tar)).toBe(true);
    expect(enc.result).toEqual({ digest: sha256(tar), size: tar.length, diffId: sha256(tar) });
  });
});

describe('rechunk / readAhead', () => {
  it('cuts exact chunks and keeps order', async () => {
    const input = data(10_000);
    const chunks: Buffer[] = [];
    for await (const c of readAhead(rechunk(pieces(input, 333), 4096), 2)) chunks.push(Buffer.from(c));
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(input)).toBe(true);
  });
});

describe('manifest format and media types', () => {
  it('Docker schema 2 only when every layer is gzip', () => {
    expect(chooseManifestFormat(['gzip', 'gzip'])).toBe('docker');
    expect(chooseManifestFormat(['gzip', 'none'])).toBe('oci');
    expect(chooseManifestFormat(['zstd'])).toBe('oci');
    expect(layerMediaType('docker', 'gzip')).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
    expect(layerMediaType('oci', 'none')).toBe('application/vnd.oci.image.layer.v1.tar');
    expect(foreignMediaType('oci', 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip')).toBe('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip');
    expect(foreignMediaType('docker', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip')).toBe('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip');
  });
  it('parses Range: 0-N', () => {
    expect(parseRange('0-99', 0)).toBe(100);
    expect(parseRange('0-0', 0)).toBe(0);
    expect(parseRange('bytes=0-9', 0)).toBe(10);
    expect(parseRange(undefined, 5)).toBeNull();
  });
});
