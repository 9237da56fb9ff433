/**
 * Issue 14 through the contract (dispatch: validation, errors as data) against real registries:
 * an image's supply chain verified with saved keys, private keys refused, deletes that take the
 * referrers along and refuse when one appeared since the plan. The tag schema runs against the
 * registry itself; the referrers API through the STAND-IN in front of it (Debian's
 * docker-registry has none).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { ReferrerDeleteSummary, SavedKey, SupplyChain } from '../../shared/supply-chain-types';
import type { DeleteResult, RegistryInfo } from '../../shared/types';
import { startReferrersStandIn, type ReferrersStandIn } from '../../../test/support/proxy/referrers-stand-in';
import { attachArtifact } from '../../../test/support/referrers/attach';
import { pushSignedImage, type SignedImage } from '../../../test/support/referrers/signed-image';
import { createKeylessCert, generateTestKey, type KeylessCert, type TestKey } from '../../../test/support/referrers/signing';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { dispatch } from './dispatch';
import { BerthService } from './service';

const value = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

let dir: string;
let reg: RunningRegistry;
let standIn: ReferrersStandIn;
let ecdsa: TestKey;
let ed: TestKey;
let wrong: TestKey;
let keyless: KeylessCert;
const service = new BerthService();
let id: string;
let viaApi: string;

const tagsOf = async (repo: string): Promise<string[]> => ((await (await fetch(`${reg.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] | null }).tags ?? [];
const has = async (repo: string, ref: string): Promise<boolean> =>
  (await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' } })).status === 200;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-supply-'));
  reg = await startRegistry();
  standIn = await startReferrersStandIn(reg);
  [ecdsa, ed, wrong] = [generateTestKey('ecdsa'), generateTestKey('ed25519'), generateTestKey('ecdsa')];
  keyless = await createKeylessCert(dir, 'email:ci@example.test', 'https://issuer.example.test');
  id = value<RegistryInfo>(await dispatch(service, 'addRegistry', [{ url: reg.host }])).id;
  viaApi = value<RegistryInfo>(await dispatch(service, 'addRegistry', [{ url: standIn.url, name: 'stand-in' }])).id;
});
afterAll(async () => {
  await service.close();
  await standIn?.stop();
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

const push = (repo: string, tag = '1.0', seed?: string): Promise<SignedImage> => pushSignedImage(reg, repo, tag, { ecdsa, ed, keyless }, { seed });

describe('the supply chain of an image', () => {
  it('lists signatures, attestations and SBOMs by the tag schema; "not verified" without a key, never unsigned', async () => {
    const s = await push('chain/app');
    const chain = value<SupplyChain>(await dispatch(service, 'getSupplyChain', [id, 'chain/app', s.image.digest]));
    expect(chain).toMatchObject({ subject: s.image.digest, api: false, keyCount: 0 });
    const sig = chain.referrers.find((r) => r.referrer.digest === s.sig.digest)!;
    expect(sig.referrer.kind).toBe('signature');
    expect(sig.signatures.map((x) => x.verification)).toEqual([
      expect.objectContaining({ status: 'not-verified', reason: 'no-key' }),
      expect.objectContaining({ status: 'not-verified', reason: 'keyless' }),
    ]);
    expect(sig.signatures[0]).toMatchObject({ signedDigest: s.image.digest, signedReference: `${reg.host}/chain/app`, annotations: { signedBy: 'release-pipeline' } });
    expect(sig.signatures[1].certificate).toMatchObject({ subject: 'ci@example.test', issuer: 'https://issuer.example.test' });
    const att = chain.referrers.find((r) => r.referrer.digest === s.att.digest)!;
    expect(att.attestations[0]).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2', slsa: { builderId: 'https://github.com/berth-test/builder@v1' } });
    const sbom = chain.referrers.find((r) => r.referrer.digest === s.sbom.digest)!;
    expect(sbom.sboms[0]).toMatchObject({ format: 'spdx', packageCount: 3 });
  });

  it('verifies with the right key saved for the registry, fails with a wrong one saved for the repository', async () => {
    const s = await push('chain/keys');
    const right = value<SavedKey>(await dispatch(service, 'addSigningKey', [{ registryId: id }, 'release', ecdsa.publicPem]));
    expect(right).toMatchObject({ name: 'release', registry: reg.host, repository: null, algorithm: 'ecdsa-p256-sha256' });
    let chain = value<SupplyChain>(await dispatch(service, 'getSupplyChain', [id, 'chain/keys', s.image.digest]));
    const sig = () => chain.referrers.find((r) => r.referrer.digest === s.sig.digest)!.signatures[0].verification;
    expect(sig()).toMatchObject({ status: 'verified', key: 'release' });
    expect(chain.keyCount).toBe(1);
    await dispatch(service, 'removeSigningKey', [right.id]);
    const bad = value<SavedKey>(await dispatch(service, 'addSigningKey', [{ registryId: id, repository: 'chain/keys' }, 'not the signer', wrong.publicPem]));
    chain = value<SupplyChain>(await dispatch(service, 'getSupplyChain', [id, 'chain/keys', s.image.digest]));
    expect(sig()).toMatchObject({ status: 'failed', reason: 'signature-mismatch' });
    expect(sig().message).toContain('not the signer');
    await dispatch(service, 'removeSigningKey', [bad.id]);
    expect(value<SavedKey[]>(await dispatch(service, 'listSigningKeys', []))).toEqual([]);
  });

  it('refuses a private key, and anything that is not a PEM public key, saving nothing', async () => {
    const privatePem = ecdsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const refused = await dispatch(service, 'addSigningKey', [{ registryId: id }, 'oops', privatePem]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('private key') } });
    expect(await dispatch(service, 'addSigningKey', [{ registryId: id }, 'x', 'hello'])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'addSigningKey', [{ registryId: id }, '', ecdsa.publicPem])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await dispatch(service, 'addSigningKey', [{ registryId: id, repository: 'Bad Name' }, 'x', ecdsa.publicPem])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(value<SavedKey[]>(await dispatch(service, 'listSigningKeys', []))).toEqual([]);
  });

  it('through the referrers API (STAND-IN): artifacts with a subject too, and a signature of the SBOM below it', async () => {
    const s = await push('chain/api');
    const chain = value<SupplyChain>(await dispatch(service, 'getSupplyChain', [viaApi, 'chain/api', s.image.digest]));
    expect(chain.api).toBe(true);
    const digests = chain.referrers.map((r) => r.referrer.digest);
    expect(digests).toEqual(expect.arrayContaining([s.sig.digest, s.cyclonedx.digest, s.provenance.digest, s.sbomSignature.digest]));
    // The SBOM's own signature follows the SBOM.
    expect(digests.indexOf(s.sbomSignature.digest)).toBeGreaterThan(digests.indexOf(s.cyclonedx.digest));
    expect(chain.referrers.find((r) => r.referrer.digest === s.cyclonedx.digest)!.sboms[0]).toMatchObject({ format: 'cyclonedx', packageCount: 3 });
    expect(chain.referrers.find((r) => r.referrer.digest === s.provenance.digest)!.attestations[0].slsa).toMatchObject({ version: '1', builderId: 'https://example.test/builders/v1' });
  });
});

describe('delete with referrers', () => {
  it('tag schema: plans the signature, attestation and SBOM tags and deletes them with the image', async () => {
    const s = await push('del/app');
    const plan = value<ReferrerDeleteSummary>(await dispatch(service, 'planReferrerDelete', [id, 'del/app', s.image.digest]));
    const hex = s.image.digest.replace(':', '-');
    expect(plan.items.map((i) => i.digest).sort()).toEqual([s.sig.digest, s.att.digest, s.sbom.digest].sort());
    expect(plan.tags).toEqual([`${hex}.att`, `${hex}.sbom`, `${hex}.sig`]);
    expect(plan.bytes).toBeGreaterThan(0);
    const res = value<DeleteResult>(await dispatch(service, 'deleteManifest', [id, 'del/app', s.image.digest, ['1.0'], { referrers: plan.items.map((i) => i.digest) }]));
    expect(res.deletedReferrers?.sort()).toEqual(plan.items.map((i) => i.digest).sort());
    expect(res.deletedTags).toEqual(['1.0', ...plan.tags].sort());
    expect(await tagsOf('del/app')).toEqual([]);
    for (const d of [s.image.digest, s.sig.digest, s.att.digest, s.sbom.digest]) expect(await has('del/app', d)).toBe(false);
  });

  it('without referrers asked for, deletes the image alone (as before)', async () => {
    const s = await push('del/alone');
    await dispatch(service, 'deleteManifest', [id, 'del/alone', s.image.digest, ['1.0']]);
    expect(await has('del/alone', s.image.digest)).toBe(false);
    expect(await has('del/alone', s.sig.digest)).toBe(true);
  });

  it('refuses with TAGS_CHANGED, deleting nothing, when a referrer was attached after the plan', async () => {
    const s = await push('del/late');
    const plan = value<ReferrerDeleteSummary>(await dispatch(service, 'planReferrerDelete', [id, 'del/late', s.image.digest]));
    const late = await attachArtifact(reg, 'del/late', { digest: s.image.digest, mediaType: s.image.mediaType, size: s.image.manifestBytes.length }, 'application/spdx+json', [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{"spdxVersion":"SPDX-2.3","packages":[]}') }], { fallback: true });
    const r = await dispatch(service, 'deleteManifest', [id, 'del/late', s.image.digest, ['1.0'], { referrers: plan.items.map((i) => i.digest) }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'TAGS_CHANGED', message: expect.stringContaining(late.digest) } });
    for (const d of [s.image.digest, s.sig.digest, late.digest]) expect(await has('del/late', d)).toBe(true);
  });

  it('through the referrers API (STAND-IN): artifacts found only by their subject go too, deepest first', async () => {
    const s = await push('del/api');
    const plan = value<ReferrerDeleteSummary>(await dispatch(service, 'planReferrerDelete', [viaApi, 'del/api', s.image.digest]));
    const all = [s.sig, s.att, s.sbom, s.cyclonedx, s.provenance, s.sbomSignature].map((x) => x.digest);
    expect(plan.items.map((i) => i.digest).sort()).toEqual([...all].sort());
    const order = plan.items.map((i) => i.digest);
    expect(order.indexOf(s.sbomSignature.digest)).toBeLessThan(order.indexOf(s.cyclonedx.digest));
    value(await dispatch(service, 'deleteManifest', [viaApi, 'del/api', s.image.digest, ['1.0'], { referrers: order }]));
    for (const d of [s.image.digest, ...all]) expect(await has('del/api', d)).toBe(false);
  });
});
