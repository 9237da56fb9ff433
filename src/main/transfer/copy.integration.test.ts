import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import { startReferrersStandIn } from '../../../test/support/proxy/referrers-stand-in';
import { createKeylessCert, generateTestKey } from '../../../test/support/referrers/signing';
import { pushSignedImage } from '../../../test/support/referrers/signed-image';
import { RegistryClient } from '../registry/client';
import { headManifest } from '../registry/manifest';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { clientFor } from '../../../test/support/engine/client';
import { listReferrers } from '../referrers/discover';
import { readSupplyChain } from '../referrers/inspect';
import { copyImage, retag } from './copy';
import { sha256File } from '../../../test/support/digest';

const run = promisify(execFile);

/** `skopeo copy --all docker://… dir:…`, then every file of the folder by name → sha256. */
async function skopeoDir(reg: RunningRegistry, ref: string, out: string): Promise<Record<string, string>> {
  await run('skopeo', ['--insecure-policy', 'copy', '--all', '--src-tls-verify=false', `docker://${reg.host}/${ref}`, `dir:${out}`]);
  const files: Record<string, string> = {};
  for (const f of (await readdir(out)).sort()) files[f] = await sha256File(join(out, f));
  return files;
}

let dir: string;
let a: RunningRegistry;
let b: RunningRegistry;
let ca: RegistryClient;
let cb: RegistryClient;
let multi: PushedIndex;
let app: PushedImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-copy-'));
  [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  ca = clientFor(a);
  cb = clientFor(b);
  multi = await pushIndex(a, 'team/multi', ['2'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { attestation: true });
  app = await pushImage(a, 'team/app', ['1'], { layers: 3 });
});
afterAll(async () => {
  await Promise.all([ca?.close(), cb?.close()]);
  await Promise.all([a?.stop(), b?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const blobTraffic = (p: TestProxy) => p.seen.filter((r) => (r.method === 'GET' && /\/blobs\/sha256:/.test(r.url)) || r.method === 'PATCH' || (r.method === 'PUT' && /\/blobs\/uploads\//.test(r.url)));

describe('copy between registries', () => {
  it('streams every platform; skopeo reads the same manifests and blobs from both', async () => {
    const res = await copyImage({ client: ca, repository: 'team/multi' }, '2', { client: cb, repository: 'mirror/multi', tag: '2' });
    expect(res.digest).toBe(multi.digest);
    expect(res.blobs.streamed).toBeGreaterThan(0);
    expect(res.blobs.mounted).toBe(0);
    const source = await skopeoDir(a, 'team/multi:2', join(dir, 'src-multi'));
    const target = await skopeoDir(b, 'mirror/multi:2', join(dir, 'dst-multi'));
    expect(target).toEqual(source);
    expect((await headManifest(cb, 'mirror/multi', '2'))?.digest).toBe(multi.digest);
  });

  it('skips blobs the target has: a second copy streams nothing', async () => {
    const res = await copyImage({ client: ca, repository: 'team/multi' }, '2', { client: cb, repository: 'mirror/multi', tag: 'again' });
    expect(res.bytesStreamed).toBe(0);
    expect(res.blobs.streamed).toBe(0);
    expect(res.blobs.skipped).toBeGreaterThan(0);
  });

  it('copies one platform as that image alone', async () => {
    const res = await copyImage({ client: ca, repository: 'team/multi' }, '2', { client: cb, repository: 'mirror/arm', tag: 'arm' }, { platforms: { kind: 'one', platform: { os: 'linux', architecture: 'arm64' } } });
    expect(res.digest).toBe(multi.images[1].digest);
    expect((await headManifest(cb, 'mirror/arm', 'arm'))?.digest).toBe(multi.images[1].digest);
  });

  it('a cancelled copy moves no tag and leaves no upload open', async () => {
    await pushImage(a, 'team/big', ['1'], { layerSizes: [9 * 1024 * 1024, 9 * 1024 * 1024] });
    const ac = new AbortController();
    const p = copyImage({ client: ca, repository: 'team/big', signal: ac.signal }, '1', { client: cb, repository: 'mirror/big', tag: '1' }, {
      onProgress: (pr) => {
        if (pr.bytesStreamed > 0) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await headManifest(cb, 'mirror/big', '1')).toBeNull();
    // Every upload session it opened was DELETEd: distribution 2.8 then keeps only `hashstates` of it.
    const uploads = join(b.storageDir, 'docker/registry/v2/repositories/mirror/big/_uploads');
    const sessions = await readdir(uploads).catch(() => [] as string[]);
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(await readdir(join(uploads, s))).toEqual(['hashstates']);
  });
});

describe('copy inside one registry', () => {
  it('mounts every blob: no layer bytes move (counted by a proxy)', async () => {
    const proxy = await startProxy(a.url);
    const c = new RegistryClient({ baseUrl: proxy.url, host: a.host });
    try {
      const res = await copyImage({ client: c, repository: 'team/app' }, '1', { client: c, repository: 'other/app', tag: 'copy' });
      expect(res.blobs).toEqual({ mounted: 4, skipped: 0, streamed: 0 });
      expect(blobTraffic(proxy)).toEqual([]);
      expect(proxy.seen.filter((r) => r.method === 'POST' && r.url.includes('mount=')).length).toBe(4);
      expect((await headManifest(ca, 'other/app', 'copy'))?.digest).toBe(app.digest);
    } finally {
      await c.close();
      await proxy.stop();
    }
  });

  it('streams when the registry refuses the mount (202: an upload instead)', async () => {
    // The proxy drops the mount parameters, so the registry opens a plain upload (202), as a registry refusing mounts does.
    const proxy = await startProxy(a.url, {
      rewrite: (out, r) => {
        if (r.method === 'POST' && out.url.includes('mount=')) out.url = out.url.replace(/\?.*$/, '');
      },
    });
    const c = new RegistryClient({ baseUrl: proxy.url, host: a.host });
    try {
      const res = await copyImage({ client: c, repository: 'team/app' }, '1', { client: c, repository: 'refused/app', tag: 'copy' });
      expect(res.blobs).toEqual({ mounted: 0, skipped: 0, streamed: 4 });
      expect((await headManifest(ca, 'refused/app', 'copy'))?.digest).toBe(app.digest);
      expect(JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${a.host}/refused/app:copy`]).then((r) => r.stdout)).Digest).toBe(app.digest);
    } finally {
      await c.close();
      await proxy.stop();
    }
  });

  it('retag puts the same manifest under a new tag with no blob request', async () => {
    const proxy = await startProxy(a.url);
    const c = new RegistryClient({ baseUrl: proxy.url, host: a.host });
    try {
      expect(await retag(c, 'team/app', '1', 'stable')).toEqual({ digest: app.digest });
      expect(proxy.seen.filter((r) => r.url.includes('/blobs/'))).toEqual([]);
      expect((await headManifest(ca, 'team/app', 'stable'))?.digest).toBe(app.digest);
    } finally {
      await c.close();
      await proxy.stop();
    }
  });
});

describe('copy inside a registry with token auth', () => {
  it('mounts with one token covering both repositories', async () => {
    const reg = await startRegistry({ auth: 'token' });
    const c = clientFor(reg);
    try {
      const img = await pushImage(reg, 'team/app', ['1']);
      const res = await copyImage({ client: c, repository: 'team/app' }, '1', { client: c, repository: 'copies/app', tag: '1' });
      expect(res.blobs).toEqual({ mounted: 3, skipped: 0, streamed: 0 });
      expect((await headManifest(c, 'copies/app', '1'))?.digest).toBe(img.digest);
      expect(reg.issuer!.scopes.flat()).toContain('repository:team/app:pull');
    } finally {
      await c.close();
      await reg.stop();
    }
  });
});

describe('copy with referrers', () => {
  it('brings signatures, attestations and SBOMs along; on a target without the referrers API they are found by the tag schema', async () => {
    const ecdsa = generateTestKey('ecdsa');
    const ed = generateTestKey('ed25519');
    const signed = await pushSignedImage(a, 'team/signed', '1.0', { ecdsa, ed, keyless: await createKeylessCert(dir, 'email:ci@example.test', 'https://issuer.example.test') });
    const standIn = await startReferrersStandIn(a);
    const viaApi = new RegistryClient({ baseUrl: standIn.url, host: a.host });
    try {
      const res = await copyImage({ client: viaApi, repository: 'team/signed' }, '1.0', { client: cb, repository: 'mirror/signed', tag: '1.0' }, { withReferrers: true });
      expect(res.digest).toBe(signed.image.digest);
      expect(res.fallbackTags.sort()).toEqual([signed.cyclonedx.digest.replace(':', '-'), signed.image.digest.replace(':', '-')].sort());
    } finally {
      await viaApi.close();
      await standIn.stop();
    }
    const src = { client: cb, repository: 'mirror/signed' };
    const list = await listReferrers(src, signed.image.digest);
    expect(list.referrers.map((r) => r.digest).sort()).toEqual([signed.sig, signed.att, signed.sbom, signed.cyclonedx, signed.provenance].map((x) => x.digest).sort());
    const chain = await readSupplyChain(src, signed.image.digest, { keys: [{ name: 'release', pem: ecdsa.publicPem }] });
    expect(chain.details.find((d) => d.referrer.digest === signed.sig.digest)!.signatures[0].verification.status).toBe('verified');
    expect(chain.nodes.find((n) => n.digest === signed.cyclonedx.digest)!.children.map((c) => c.digest)).toEqual([signed.sbomSignature.digest]);
  });
});
