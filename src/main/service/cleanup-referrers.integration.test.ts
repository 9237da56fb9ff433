/**
 * Cleanup knows referrers (issue 14) against a real registry: tag-schema tags are never rows the
 * rules decide on, the signatures and SBOMs of deleted images are in the plan with their bytes,
 * and applying it leaves none whose subject is gone. The referrers API through the STAND-IN.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanupPlan, CleanupResult } from '../../shared/cleanup-types';
import type { Result } from '../../shared/errors';
import type { RegistryInfo } from '../../shared/types';
import { startReferrersStandIn, type ReferrersStandIn } from '../../../test/support/proxy/referrers-stand-in';
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
let keys: { ecdsa: TestKey; ed: TestKey; keyless: KeylessCert };
const service = new BerthService();
let id: string;
let viaApi: string;

const tagsOf = async (repo: string): Promise<string[]> => (((await (await fetch(`${reg.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] | null }).tags ?? []).sort();
const has = async (repo: string, ref: string): Promise<boolean> =>
  (await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' } })).status === 200;
/**
 * The referrers a delete of `s` takes: not its cosign `.sbom`, whose bytes (the same SPDX document
 * for every test image) are one manifest shared with the other image of the repository.
 */
const referrersOf = (s: SignedImage, api: boolean) => [s.sig, s.att, ...(api ? [s.cyclonedx, s.provenance, s.sbomSignature] : [])].map((x) => x.digest);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-cleanup-referrers-'));
  reg = await startRegistry();
  standIn = await startReferrersStandIn(reg);
  keys = { ecdsa: generateTestKey('ecdsa'), ed: generateTestKey('ed25519'), keyless: await createKeylessCert(dir, 'email:ci@example.test', 'https://issuer.example.test') };
  id = value<RegistryInfo>(await dispatch(service, 'addRegistry', [{ url: reg.host }])).id;
  viaApi = value<RegistryInfo>(await dispatch(service, 'addRegistry', [{ url: standIn.url, name: 'stand-in' }])).id;
});
afterAll(async () => {
  await service.close();
  await standIn?.stop();
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('cleanup with signatures and SBOMs (tag schema)', () => {
  let old: SignedImage;
  let kept: SignedImage;
  beforeAll(async () => {
    old = await pushSignedImage(reg, 'clean/app', 'old-1', keys, { seed: 'clean-old' });
    kept = await pushSignedImage(reg, 'clean/app', 'new-1', keys, { seed: 'clean-new' });
    expect(old.sbom.digest).toBe(kept.sbom.digest);
  });

  it('rules never see referrer tags; the plan carries the deleted image’s referrers and counts their bytes', async () => {
    const none = value<CleanupPlan>(await dispatch(service, 'planCleanup', [id, 'clean/app', { nameMatches: 'sha256-*' }]));
    expect(none.tags.map((r) => r.tag).sort()).toEqual(['new-1', 'old-1']);
    expect(none.deleteCount).toBe(0);
    const plan = value<CleanupPlan>(await dispatch(service, 'planCleanup', [id, 'clean/app', { nameMatches: 'old-*' }]));
    expect(plan.deleteDigests).toEqual([{ digest: old.image.digest, tags: ['old-1'] }]);
    expect(plan.referrers?.items.map((i) => i.digest).sort()).toEqual(referrersOf(old, false).sort());
    const hex = old.image.digest.replace(':', '-');
    // The shared SBOM manifest stays: deleting it would take the kept image's SBOM too.
    expect(plan.referrers?.tags).toEqual([`${hex}.att`, `${hex}.sig`]);
    expect(plan.referrers!.bytes).toBeGreaterThan(0);
    // The image's own blobs plus its referrers' (configs and layers).
    expect(plan.freedBytes).toBe(old.image.size + plan.referrers!.bytes);
  });

  it('a dry run names the referrers it would delete; applying deletes them after their image, the kept image keeps its own', async () => {
    const plan = value<CleanupPlan>(await dispatch(service, 'planCleanup', [id, 'clean/app', { nameMatches: 'old-*' }]));
    const dry = value<CleanupResult>(await dispatch(service, 'applyCleanup', [id, plan, { dryRun: true }]));
    expect(dry.referrers?.deleted.sort()).toEqual(referrersOf(old, false).sort());
    expect(await has('clean/app', old.sig.digest)).toBe(true);
    const done = value<CleanupResult>(await dispatch(service, 'applyCleanup', [id, plan, { dryRun: false }]));
    expect(done.referrers).toEqual({ deleted: expect.arrayContaining(referrersOf(old, false)), error: null });
    for (const d of [old.image.digest, ...referrersOf(old, false)]) expect(await has('clean/app', d)).toBe(false);
    const khex = kept.image.digest.replace(':', '-');
    const ohex = old.image.digest.replace(':', '-');
    // The old image's `.sbom` tag stays on the manifest it shares with the kept one (registries delete manifests, not tags).
    expect(await tagsOf('clean/app')).toEqual([`${khex}.att`, `${khex}.sbom`, `${khex}.sig`, `${ohex}.sbom`, 'new-1'].sort());
    expect(await has('clean/app', kept.sbom.digest)).toBe(true);
  });

  it('refuses a plan whose referrers name a subject it does not delete', async () => {
    const plan = value<CleanupPlan>(await dispatch(service, 'planCleanup', [id, 'clean/app', { nameMatches: 'new-*' }]));
    const edited = { ...plan, deleteDigests: [], tags: plan.tags.map((r) => ({ ...r, decision: 'keep' })) };
    const r = await dispatch(service, 'applyCleanup', [id, edited, { dryRun: false }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('does not delete') } });
    expect(await has('clean/app', kept.sig.digest)).toBe(true);
  });
});

describe('cleanup through the referrers API (STAND-IN)', () => {
  it('artifacts found only by their subject are planned and deleted with it', async () => {
    const old = await pushSignedImage(reg, 'clean/api', 'old-1', keys, { seed: 'clean-api-old' });
    await pushSignedImage(reg, 'clean/api', 'new-1', keys, { seed: 'clean-api-new' });
    const plan = value<CleanupPlan>(await dispatch(service, 'planCleanup', [viaApi, 'clean/api', { nameMatches: 'old-*' }]));
    expect(plan.referrers?.items.map((i) => i.digest).sort()).toEqual(referrersOf(old, true).sort());
    const done = value<CleanupResult>(await dispatch(service, 'applyCleanup', [viaApi, plan, { dryRun: false }]));
    expect(done.referrers?.error).toBeNull();
    for (const d of [old.image.digest, ...referrersOf(old, true)]) expect(await has('clean/api', d)).toBe(false);
  });
});
