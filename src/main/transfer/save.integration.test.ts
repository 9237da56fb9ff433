import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import { startReferrersStandIn } from '../../../test/support/proxy/referrers-stand-in';
import { createKeylessCert, generateTestKey } from '../../../test/support/referrers/signing';
import { pushSignedImage, type SignedImage } from '../../../test/support/referrers/signed-image';
import { openArchive } from '../archive/index';
import { RegistryClient } from '../registry/client';
import { startProxy } from '../../../test/support/proxy/proxy';
import { clientFor } from '../../../test/support/engine/client';
import { saveImage } from './save';
import { sha256 } from '../../../test/support/digest';

const run = promisify(execFile);

async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['--insecure-policy', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

let dir: string;
let reg: RunningRegistry;
let client: RegistryClient;
let single: PushedImage;
let multi: PushedIndex;
let signed: SignedImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-save-'));
  reg = await startRegistry();
  client = clientFor(reg);
  single = await pushImage(reg, 'team/app', ['1'], { layers: 3 });
  multi = await pushIndex(reg, 'team/multi', ['2'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }], { attestation: true });
  const keyless = await createKeylessCert(dir, 'email:ci@example.test', 'https://issuer.example.test');
  signed = await pushSignedImage(reg, 'team/signed', '1.0', { ecdsa: generateTestKey('ecdsa'), ed: generateTestKey('ed25519'), keyless });
});
afterAll(async () => {
  await client?.close();
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

const src = (repository: string, signal?: AbortSignal) => ({ client, repository, signal });

describe('save to a docker-load archive', () => {
  it('writes manifest.json + OCI layout that skopeo and Berth read, digests unchanged', async () => {
    const file = join(dir, 'app-docker.tar');
    const res = await saveImage(src('team/app'), '1', file, { format: 'docker' });
    expect(res.digest).toBe(single.digest);
    const info = JSON.parse(await skopeo('inspect', `docker-archive:${file}`));
    expect(info.Layers).toHaveLength(3);
    expect(info.RepoTags ?? []).toBeDefined();
    const archive = await openArchive(file);
    try {
      expect(archive.format).toBe('docker-oci');
      expect(archive.images).toHaveLength(1);
      expect(archive.images[0].tags).toEqual([`${reg.host}/team/app:1`]);
      expect(archive.images[0].config.digest).toBe(single.configDigest);
      expect(archive.images[0].layers.map((l) => l.digest)).toEqual(single.layers.map((l) => l.digest));
      expect(archive.images[0].layers.map((l) => l.diffId)).toEqual(single.layers.map((l) => l.diffId));
    } finally {
      await archive.close();
    }
  });

  it('saves every platform of an index (attestations kept, not loaded as images)', async () => {
    const file = join(dir, 'multi-docker.tar');
    await saveImage(src('team/multi'), '2', file, { format: 'docker' });
    const archive = await openArchive(file);
    try {
      expect(archive.images.map((i) => i.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
    } finally {
      await archive.close();
    }
    // skopeo reads each image of a multi-image docker archive by position.
    const second = JSON.parse(await skopeo('inspect', `docker-archive:${file}:@1`));
    expect(second.Architecture).toBe('arm64');
  });
});

describe('save to an OCI archive', () => {
  it('keeps the index bytes, so skopeo sees the same digest', async () => {
    const file = join(dir, 'multi-oci.tar');
    const res = await saveImage(src('team/multi'), '2', file, { format: 'oci' });
    expect(res.digest).toBe(multi.digest);
    const raw = await skopeo('inspect', '--raw', `oci-archive:${file}`);
    expect(sha256(raw)).toBe(multi.digest);
    const one = JSON.parse(await skopeo('--override-arch', 'arm64', '--override-variant', 'v8', 'inspect', `oci-archive:${file}`));
    // skopeo names the index's digest and reads the chosen platform's config.
    expect([one.Digest, one.Architecture]).toEqual([multi.digest, 'arm64']);
    const archive = await openArchive(file);
    try {
      expect(archive.format).toBe('oci');
      expect(archive.images).toHaveLength(2);
    } finally {
      await archive.close();
    }
  });

  it('saves one chosen platform as that image alone, and several as a new index', async () => {
    const oneFile = join(dir, 'arm.tar');
    const one = await saveImage(src('team/multi'), '2', oneFile, { format: 'oci', platforms: { kind: 'one', platform: { os: 'linux', architecture: 'arm64' } } });
    expect(one.digest).toBe(multi.images[1].digest);
    expect(JSON.parse(await skopeo('inspect', `oci-archive:${oneFile}`)).Digest).toBe(multi.images[1].digest);
    const someFile = join(dir, 'some.tar');
    const some = await saveImage(src('team/multi'), '2', someFile, { format: 'oci', platforms: { kind: 'some', platforms: [{ os: 'linux', architecture: 'amd64' }] } });
    const raw = await skopeo('inspect', '--raw', `oci-archive:${someFile}`);
    expect(sha256(raw)).toBe(some.digest);
    expect(some.digest).not.toBe(multi.digest);
    // The chosen image and the attestation that describes it.
    expect(JSON.parse(raw).manifests.map((m: { digest: string }) => m.digest)).toEqual([multi.images[0].digest, multi.children.find((c) => c.attestationFor === multi.images[0].digest)!.digest]);
    await expect(saveImage(src('team/multi'), '2', join(dir, 'none.tar'), { format: 'oci', platforms: { kind: 'one', platform: { os: 'windows', architecture: 'amd64' } } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('linux/amd64, linux/arm64/v8'),
    });
  });

  it('includes referrers under their tag-schema names when asked (API ones through the STAND-IN)', async () => {
    const file = join(dir, 'signed-oci.tar');
    const standIn = await startReferrersStandIn(reg);
    const viaApi = new RegistryClient({ baseUrl: standIn.url, host: reg.host });
    const res = await saveImage({ client: viaApi, repository: 'team/signed' }, '1.0', file, { format: 'oci', withReferrers: true }).finally(async () => {
      await viaApi.close();
      await standIn.stop();
    });
    expect(JSON.parse(await skopeo('inspect', `oci-archive:${file}:1.0`)).Digest).toBe(signed.image.digest);
    const x = join(dir, 'signed-x');
    await run('mkdir', ['-p', x]);
    await run('tar', ['-xf', file, '-C', x]);
    const index = JSON.parse(await readFile(join(x, 'index.json'), 'utf8'));
    const names = index.manifests.map((m: { annotations?: Record<string, string> }) => m.annotations?.['org.opencontainers.image.ref.name']);
    const hex = signed.image.digest.replace(':', '-');
    expect(names).toEqual(expect.arrayContaining(['1.0', `${hex}.sig`, `${hex}.att`, `${hex}.sbom`, hex, signed.cyclonedx.digest.replace(':', '-')]));
    // The referrers API's artifacts are kept under a fallback index (the tag schema), one per subject.
    const blobs = await readdir(join(x, 'blobs/sha256'));
    for (const d of [signed.sig, signed.att, signed.sbom, signed.cyclonedx, signed.provenance, signed.sbomSignature]) expect(blobs).toContain(d.digest.slice(7));
    expect(res.manifests).toBeGreaterThanOrEqual(8);
    await expect(saveImage(src('team/signed'), '1.0', join(dir, 'signed-docker.tar'), { format: 'docker', withReferrers: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('OCI') });
    // Berth's reader finds the image under its tag. (It also lists cosign's tag-schema manifests as
    // images for now: skipping ref names that parseReferrerTag recognises is the archive reader's part.)
    const archive = await openArchive(file);
    try {
      expect(archive.images.find((i) => i.tags.includes('1.0'))?.config.digest).toBe(signed.image.configDigest);
    } finally {
      await archive.close();
    }
  });
});

describe('a failed or cancelled save leaves nothing', () => {
  it('cancel midway: no file, no partial file', async () => {
    const big = await pushImage(reg, 'team/big', ['1'], { layerSizes: [6 * 1024 * 1024, 6 * 1024 * 1024] });
    const out = join(dir, 'cancel');
    await run('mkdir', ['-p', out]);
    const ac = new AbortController();
    const p = saveImage(src('team/big', ac.signal), '1', join(out, 'big.tar'), {
      format: 'docker',
      onProgress: (pr) => {
        if (pr.bytesStreamed > 0) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await readdir(out)).toEqual([]);
    expect(big.digest).toBeTruthy();
  });

  it('a blob whose bytes are not its digest fails the save with DIGEST_MISMATCH and leaves nothing', async () => {
    const layer = single.layers[0].digest;
    const proxy = await startProxy(reg.url, {
      answer: (req, res) => {
        if (req.method === 'GET' && req.url?.endsWith(`/blobs/${layer}`)) {
          const body = Buffer.alloc(single.layers[0].size, 7);
          res.writeHead(200, { 'content-length': String(body.length), 'docker-content-digest': layer });
          res.end(body);
          return true;
        }
        return false;
      },
    });
    const c = new RegistryClient({ baseUrl: proxy.url, host: reg.host });
    const out = join(dir, 'bad');
    await run('mkdir', ['-p', out]);
    try {
      await expect(saveImage({ client: c, repository: 'team/app' }, '1', join(out, 'bad.tar'), { format: 'oci' })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
      expect(await readdir(out)).toEqual([]);
    } finally {
      await c.close();
      await proxy.stop();
    }
  });

  it('refuses to replace an existing file unless asked', async () => {
    const file = join(dir, 'exists.tar');
    await writeFile(file, 'keep me');
    await expect(saveImage(src('team/app'), '1', file, { format: 'oci' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const res = await saveImage(src('team/app'), '1', file, { format: 'oci', overwrite: true });
    expect(res.digest).toBe(single.digest);
  });
});
