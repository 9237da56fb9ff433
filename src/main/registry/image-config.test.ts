import { describe, expect, it } from 'vitest';
import type { Descriptor } from '../../shared/types';
import { alignHistory, displayPlatform, imageSize, isAttestation, readDescriptor, readPlatform, readRuntimeConfig } from './image-config';
import { MANIFEST_ACCEPT, isImageType, isIndexType, manifestMediaType, OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST } from './media-types';

const layer = (n: number): Descriptor => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: n * 100 });

describe('alignHistory', () => {
  it('gives layers to non-empty entries in order and null to empty ones', () => {
    const history = [
      { created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' },
      { created_by: 'ENV A=1', empty_layer: true },
      { created_by: 'RUN make', comment: 'buildkit' },
      { created_by: 'CMD ["x"]', empty_layer: true },
    ];
    const lines = alignHistory(history, [layer(1), layer(2)]);
    expect(lines.map((l) => [l.createdBy, l.emptyLayer, l.layer?.size ?? null])).toEqual([
      ['ADD rootfs', false, 100],
      ['ENV A=1', true, null],
      ['RUN make', false, 200],
      ['CMD ["x"]', true, null],
    ]);
    expect(lines[0].created).toBe('2024-01-01T00:00:00Z');
    expect(lines[1].created).toBeNull();
    expect(lines[2].comment).toBe('buildkit');
  });
  it('appends lines for layers the history does not cover, and handles missing history', () => {
    expect(alignHistory(undefined, [layer(1)])).toEqual([{ createdBy: '', created: null, comment: null, emptyLayer: false, layer: layer(1) }]);
    const lines = alignHistory([{ created_by: 'a' }, { created_by: 'b' }], [layer(1)]);
    expect(lines[1].layer).toBeNull();
  });
});

describe('config and descriptors', () => {
  it('reads platforms, runtime config and sizes', () => {
    expect(readPlatform({ os: 'linux', architecture: 'arm', variant: 'v7', 'os.version': '1' })).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7', osVersion: '1' });
    expect(readPlatform({ os: 'linux' })).toBeNull();
    const rc = readRuntimeConfig({ config: { Env: ['A=1'], Cmd: ['sh'], Labels: { a: 'b' }, ExposedPorts: { '80/tcp': {} }, WorkingDir: '' } });
    expect(rc).toEqual({ env: ['A=1'], entrypoint: null, cmd: ['sh'], workingDir: null, user: null, labels: { a: 'b' }, exposedPorts: ['80/tcp'] });
    expect(imageSize({ config: { size: 10 }, layers: [{ size: 5 }, { size: 7 }] })).toBe(22);
  });
  it('labels attestations and hides unknown platforms', () => {
    const att = readDescriptor({ mediaType: OCI_MANIFEST, digest: 'sha256:x', size: 1, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } });
    expect(isAttestation(att)).toBe(true);
    expect(displayPlatform(att)).toBeNull();
    const img = readDescriptor({ mediaType: OCI_MANIFEST, digest: 'sha256:y', size: 1, platform: { os: 'linux', architecture: 'amd64' } });
    expect(isAttestation(img)).toBe(false);
    expect(displayPlatform(img)).toEqual({ os: 'linux', architecture: 'amd64' });
  });
});

describe('media types', () => {
  it('accepts every image and index type', () => {
    for (const t of [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST]) expect(MANIFEST_ACCEPT).toContain(t);
    expect(isIndexType(DOCKER_MANIFEST_LIST) && isIndexType(OCI_INDEX)).toBe(true);
    expect(isImageType(DOCKER_MANIFEST) && isImageType(OCI_MANIFEST)).toBe(true);
    expect(isImageType(OCI_INDEX)).toBe(false);
  });
  it('prefers the manifest field, then Content-Type, then the shape', () => {
    expect(manifestMediaType({ mediaType: DOCKER_MANIFEST }, OCI_MANIFEST)).toBe(DOCKER_MANIFEST);
    expect(manifestMediaType({}, `${OCI_INDEX}; charset=utf-8`)).toBe(OCI_INDEX);
    expect(manifestMediaType({ manifests: [] }, 'application/json')).toBe(OCI_INDEX);
    expect(manifestMediaType({ config: {} }, undefined)).toBe(OCI_MANIFEST);
  });
});
