/**
 * Issue 14's round-trip guarantees through the CLI against real registries: `berth save` of an
 * OCI archive pushed back with `berth push --compression none` keeps every manifest digest (the
 * push sends the layout's own manifest and index bytes); skopeo reads a docker-format save; a
 * `berth cp` target equals its source byte for byte under `skopeo copy … dir:`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../../test/support/archives/archive';
import { captureIo } from '../../../test/support/engine/cli-io';
import { pushTo } from '../../../test/support/engine/push';
import { sha256, sha256File } from '../../../test/support/digest';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '../../../test/support/images/push';
import { pushSignedImage, type SignedImage } from '../../../test/support/referrers/signed-image';
import { createKeylessCert, generateTestKey } from '../../../test/support/referrers/signing';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { openArchive } from '../archive/index';
import { runCli } from '../cli/index';

const run = promisify(execFile);
const skopeo = async (...args: string[]): Promise<string> => (await run('skopeo', ['--insecure-policy', ...args], { maxBuffer: 64 << 20 })).stdout;

let dir: string;
let a: RunningRegistry;
let b: RunningRegistry;
let multi: PushedIndex;
let plain: PushedImage;
let signed: SignedImage;
let uncompressed: string;

async function berth(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** The manifest digest `repo:tag` has in `reg` (HEAD, as a client asking for every manifest type). */
async function digestOf(reg: RunningRegistry, repo: string, tag: string): Promise<string | null> {
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json';
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

/** `skopeo copy --all docker://… dir:…`, then every file by name → sha256. */
async function skopeoDir(reg: RunningRegistry, ref: string, out: string): Promise<Record<string, string>> {
  await skopeo('copy', '--all', '--src-tls-verify=false', `docker://${reg.host}/${ref}`, `dir:${out}`);
  const files: Record<string, string> = {};
  for (const f of (await readdir(out)).sort()) files[f] = await sha256File(join(out, f));
  return files;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-round-trip-'));
  // The CLI's credentials and push cache: never the user's own.
  process.env.DOCKER_CONFIG = dir;
  process.env.REGISTRY_AUTH_FILE = join(dir, 'podman-auth.json');
  process.env.BERTH_CACHE_DIR = join(dir, 'cache');
  [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  multi = await pushIndex(a, 'team/multi', ['2'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }], { attestation: true });
  plain = await pushImage(a, 'team/app', ['1'], { layers: 3, format: 'oci' });
  signed = await pushSignedImage(a, 'team/signed', '1.0', { ecdsa: generateTestKey('ecdsa'), ed: generateTestKey('ed25519'), keyless: await createKeylessCert(dir, 'email:ci@example.test', 'https://issuer.example.test') });
  // An image with uncompressed layers, as `berth push --compression none` stores it.
  const built = await buildArchive(join(dir, 'raw.tar'), { layout: 'docker-legacy', seed: 'round-trip-raw', images: [{ tags: ['team/raw:1'], layers: [{ sizeBytes: 40_000 }, { sizeBytes: 9_000 }] }] });
  const pushed = await pushTo(a, built.path, { compression: 'none' }, { cacheDir: join(dir, 'cache-seed') });
  uncompressed = pushed.pushed[0].digest;
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  for (const k of ['DOCKER_CONFIG', 'REGISTRY_AUTH_FILE', 'BERTH_CACHE_DIR']) delete process.env[k];
  await rm(dir, { recursive: true, force: true });
});

describe('berth save (OCI) then berth push --compression none into another registry', () => {
  it('reproduces a multi-platform index with its attestations: same index and child digests', async () => {
    const file = join(dir, 'multi.oci.tar');
    const saved = await berth('save', `${a.host}/team/multi:2`, file, '--format', 'oci', '--all-platforms');
    expect(saved).toMatchObject({ code: 0 });
    expect(saved.out).toContain(multi.digest);
    const pushed = await berth('push', file, `${b.host}/mirror/multi:2`, '--compression', 'none');
    expect(pushed.err).toBe('');
    expect(pushed).toMatchObject({ code: 0 });
    expect(pushed.out).toBe(`pushed ${b.host}/mirror/multi:2 ${multi.digest}\n`);
    expect(await digestOf(b, 'mirror/multi', '2')).toBe(multi.digest);
    for (const child of multi.children) expect(await digestOf(b, 'mirror/multi', child.digest)).toBe(child.digest);
    expect(sha256(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${b.host}/mirror/multi:2`))).toBe(multi.digest);
  });

  it('reproduces a single image, and an image whose layers are stored uncompressed', async () => {
    for (const [repo, tag, digest] of [['team/app', '1', plain.digest], ['team/raw', '1', uncompressed]] as const) {
      const file = join(dir, `${repo.replace('/', '-')}.oci.tar`);
      expect((await berth('save', `${a.host}/${repo}:${tag}`, file, '--format', 'oci')).code).toBe(0);
      const pushed = await berth('push', file, `${b.host}/${repo}:${tag}`, '--compression', 'none');
      expect(pushed).toMatchObject({ code: 0, err: '' });
      expect(await digestOf(b, repo, tag)).toBe(digest);
    }
  });

  it('a push that recompresses still builds its own manifest (new digest, same content)', async () => {
    const file = join(dir, 'team-raw.oci.tar');
    const pushed = await berth('push', file, `${b.host}/gz/raw:1`);
    expect(pushed.code).toBe(0);
    const digest = await digestOf(b, 'gz/raw', '1');
    expect(digest).not.toBe(uncompressed);
    const manifest = JSON.parse(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${b.host}/gz/raw:1`));
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
  });

  it('a save with referrers opens as the one image (signature, attestation and SBOM tags are not images) and pushes back unchanged', async () => {
    const file = join(dir, 'signed.oci.tar');
    expect((await berth('save', `${a.host}/team/signed:1.0`, file, '--format', 'oci', '--with-referrers')).code).toBe(0);
    const archive = await openArchive(file);
    try {
      expect(archive.images.map((i) => i.tags)).toEqual([['1.0']]);
      // The referrers this registry shows (the tag schema's: it has no referrers API) are in the layout, by digest.
      for (const r of [signed.sig, signed.att, signed.sbom]) expect([...(archive.layout?.manifests.keys() ?? [])]).toContain(r.digest);
    } finally {
      await archive.close();
    }
    expect((await berth('push', file, `${b.host}/mirror/signed:1.0`, '--compression', 'none')).code).toBe(0);
    expect(await digestOf(b, 'mirror/signed', '1.0')).toBe(signed.image.digest);
  });
});

describe('berth save (docker) and berth cp, read by skopeo', () => {
  it('skopeo inspect docker-archive: reads a docker-format save', async () => {
    const file = join(dir, 'app.docker.tar');
    const saved = await berth('save', `${a.host}/team/app:1`, file);
    expect(saved.code).toBe(0);
    expect(saved.err).toMatch(/done/);
    const info = JSON.parse(await skopeo('inspect', `docker-archive:${file}`));
    // skopeo names a docker archive's layers by diff ID (they are stored uncompressed in docker save's own terms).
    expect(info.Layers).toEqual(plain.layers.map((l) => l.diffId));
    // …and finds the image by the name the save gave it (manifest.json's RepoTags).
    expect(JSON.parse(await skopeo('inspect', `docker-archive:${file}:${a.host}/team/app:1`)).Digest).toBeTruthy();
    expect(await berth('save', `${a.host}/team/app:1`, file)).toMatchObject({ code: 1, err: expect.stringContaining('already exists') });
  });

  it('skopeo copy to dir: of a berth cp target equals the source (every platform, attestations included)', async () => {
    const copied = await berth('cp', `${a.host}/team/multi:2`, `${b.host}/copies/multi:2`, '--all-platforms');
    expect(copied).toMatchObject({ code: 0 });
    expect(copied.out).toContain(multi.digest);
    const source = await skopeoDir(a, 'team/multi:2', join(dir, 'dir-src'));
    const target = await skopeoDir(b, 'copies/multi:2', join(dir, 'dir-dst'));
    expect(target).toEqual(source);
  });

  it('berth cp of one platform, and retag inside one repository', async () => {
    const arm = await berth('cp', `${a.host}/team/multi:2`, `${b.host}/copies/arm`, '--platform', 'linux/arm64');
    expect(arm.code).toBe(0);
    expect(await digestOf(b, 'copies/arm', '2')).toBe(multi.images[1].digest);
    const tagged = await berth('cp', `${a.host}/team/app:1`, `${a.host}/team/app:stable`, '--all-platforms');
    expect(tagged).toMatchObject({ code: 0, out: `tagged ${a.host}/team/app:stable ${plain.digest}\n` });
    expect(await berth('cp', `${a.host}/team/multi:2`, `${b.host}/copies/x`, '--platform', 'windows/amd64')).toMatchObject({ code: 1, err: expect.stringContaining('linux/amd64') });
  });
});
