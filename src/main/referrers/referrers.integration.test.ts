import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { startReferrersStandIn, type ReferrersStandIn } from '../../../test/support/proxy/referrers-stand-in';
import { seedClient } from '../../../test/support/images/seed-client';
import { createKeylessCert, generateTestKey } from '../../../test/support/referrers/signing';
import { attachArtifact } from '../../../test/support/referrers/attach';
import { pushSignedImage, type SignedImage } from '../../../test/support/referrers/signed-image';
import { RegistryClient } from '../registry/client';
import { deleteManifest, planDelete } from '../registry/delete';
import { headManifest } from '../registry/manifest';
import { clientFor } from '../../../test/support/engine/client';
import { ContentStore } from '../store/content-store';
import { planCleanup } from '../cleanup/plan';
import { deleteReferrers, orphanedByCleanup, orphanedReferrers, planReferrerDelete } from './delete-plan';
import { listReferrers, readReferrerTree } from './discover';
import { readSupplyChain } from './inspect';
import type { ReferrerDetail } from './types';
import { sha256 } from '../../../test/support/digest';

const ecdsa = generateTestKey('ecdsa');
const ed = generateTestKey('ed25519');
const wrong = generateTestKey('ecdsa');
const EMPTY_DIGEST = sha256('{}');
const right = [{ name: 'release', pem: ecdsa.publicPem }, { name: 'provenance', pem: ed.publicPem }];

let dir: string;
let reg: RunningRegistry;
let standIn: ReferrersStandIn;
let direct: RegistryClient;
let viaApi: RegistryClient;
let signed: SignedImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-referrers-it-'));
  const keyless = await createKeylessCert(dir, 'email:builder@example.test', 'https://accounts.example.test');
  reg = await startRegistry();
  standIn = await startReferrersStandIn(reg, { pageSize: 2 });
  direct = clientFor(reg);
  viaApi = new RegistryClient({ baseUrl: standIn.url, host: reg.host });
  signed = await pushSignedImage(reg, 'team/app', '1.0', { ecdsa, ed, keyless }, { fallback: true });
});
afterAll(async () => {
  await Promise.all([direct?.close(), viaApi?.close()]);
  await standIn?.stop();
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

const byKind = (details: ReferrerDetail[], kind: string) => details.filter((d) => d.referrer.kind === kind);

describe('referrers through the tag schema (the registry itself: no referrers API)', () => {
  it('finds cosign tags and the fallback index, classified', async () => {
    const list = await listReferrers({ client: direct, repository: 'team/app' }, signed.image.digest);
    expect(list.api).toBe(false);
    expect(list.fallbackIndex?.tag).toBe(signed.image.digest.replace(':', '-'));
    const got = Object.fromEntries(list.referrers.map((r) => [r.digest, [r.kind, r.sources.join('+'), r.tags.join(',')]]));
    expect(got).toEqual({
      [signed.sig.digest]: ['signature', 'cosign-tag', signed.sig.tag],
      [signed.att.digest]: ['attestation', 'cosign-tag', signed.att.tag],
      [signed.sbom.digest]: ['sbom', 'cosign-tag', signed.sbom.tag],
      [signed.cyclonedx.digest]: ['sbom', 'fallback-index', ''],
      [signed.provenance.digest]: ['attestation', 'fallback-index', ''],
    });
  });

  it('shows signatures verified with the right key, failed with a wrong one, and the keyless identity', async () => {
    const src = { client: direct, repository: 'team/app' };
    const good = await readSupplyChain(src, signed.image.digest, { keys: right });
    const sig = byKind(good.details, 'signature').find((d) => d.referrer.digest === signed.sig.digest)!;
    expect(sig.signatures).toHaveLength(2);
    expect(sig.signatures[0]).toMatchObject({ signedDigest: signed.image.digest, signedReference: `${reg.host}/team/app`, annotations: { signedBy: 'release-pipeline' }, verification: { status: 'verified', key: 'release' } });
    expect(sig.signatures[1]).toMatchObject({ certificate: { subject: 'builder@example.test', issuer: 'https://accounts.example.test' }, verification: { status: 'not-verified', reason: 'keyless' } });
    const att = good.details.find((d) => d.referrer.digest === signed.att.digest)!;
    expect(att.attestations[0]).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2', slsa: { builderId: 'https://github.com/berth-test/builder@v1' }, verification: { status: 'verified' } });
    const spdx = good.details.find((d) => d.referrer.digest === signed.sbom.digest)!;
    expect(spdx.sboms[0]).toMatchObject({ format: 'spdx', packageCount: 3 });

    const bad = await readSupplyChain(src, signed.image.digest, { keys: [{ name: 'someone else', pem: wrong.publicPem }] });
    const badSig = bad.details.find((d) => d.referrer.digest === signed.sig.digest)!;
    expect(badSig.signatures[0].verification).toMatchObject({ status: 'failed', reason: 'signature-mismatch' });
    expect(bad.details.find((d) => d.referrer.digest === signed.att.digest)!.attestations[0].verification.status).toBe('failed');

    const none = await readSupplyChain(src, signed.image.digest);
    expect(none.details.find((d) => d.referrer.digest === signed.sig.digest)!.signatures[0].verification).toMatchObject({ status: 'not-verified', reason: 'no-key' });
  });
});

describe('referrers through the referrers API (a STAND-IN proxy in front of the real registry)', () => {
  it('lists artifacts by subject across pages, with their artifact types', async () => {
    const before = standIn.referrerRequests;
    const list = await listReferrers({ client: viaApi, repository: 'team/app' }, signed.image.digest);
    expect(list.api).toBe(true);
    expect(standIn.referrerRequests - before).toBe(1);
    const api = list.referrers.filter((r) => r.sources.includes('api')).map((r) => [r.digest, r.artifactType, r.kind]);
    expect(api.sort()).toEqual(
      [
        [signed.cyclonedx.digest, 'application/vnd.cyclonedx+json', 'sbom'],
        [signed.provenance.digest, 'application/vnd.dsse.envelope.v1+json', 'attestation'],
      ].sort(),
    );
    // cosign's tags are found too (cosign writes them whatever the registry offers); the fallback index is not read.
    expect(list.referrers.filter((r) => r.sources.includes('cosign-tag'))).toHaveLength(3);
    expect(list.fallbackIndex).toBeNull();
  });

  it('follows Link pages and filters by artifact type (by the registry, or here when it does not)', async () => {
    for (let i = 0; i < 3; i++) {
      // more artifacts than one page holds
      await attachArtifact(reg, 'team/app', { digest: signed.image.digest, mediaType: signed.image.mediaType, size: signed.image.manifestBytes.length }, 'application/example', [
        { mediaType: 'text/plain', bytes: Buffer.from(`note ${i}`) },
      ]);
    }
    const all = await listReferrers({ client: viaApi, repository: 'team/app' }, signed.image.digest, { tags: [] });
    expect(all.referrers).toHaveLength(5);
    const only = await listReferrers({ client: viaApi, repository: 'team/app' }, signed.image.digest, { artifactType: 'application/example', tags: [] });
    expect(only.referrers.map((r) => r.kind)).toEqual(['other', 'other', 'other']);
    const unfiltering = await startReferrersStandIn(reg, { filter: false, pageSize: 1 });
    const c = new RegistryClient({ baseUrl: unfiltering.url, host: reg.host });
    try {
      const mine = await listReferrers({ client: c, repository: 'team/app' }, signed.image.digest, { artifactType: 'application/vnd.cyclonedx+json', tags: [] });
      expect(mine.referrers.map((r) => r.digest)).toEqual([signed.cyclonedx.digest]);
      expect(unfiltering.referrerRequests).toBe(5);
    } finally {
      await c.close();
      await unfiltering.stop();
    }
  });

  it('verifies the API-attached provenance (Ed25519) and reads the CycloneDX SBOM and the signature of the SBOM', async () => {
    const chain = await readSupplyChain({ client: viaApi, repository: 'team/app' }, signed.image.digest, { keys: right });
    const prov = chain.details.find((d) => d.referrer.digest === signed.provenance.digest)!;
    expect(prov.attestations[0]).toMatchObject({ slsa: { version: '1', builderId: 'https://example.test/builders/v1' }, verification: { status: 'verified', key: 'provenance' } });
    const cdx = chain.details.find((d) => d.referrer.digest === signed.cyclonedx.digest)!;
    expect(cdx.sboms[0]).toMatchObject({ format: 'cyclonedx', packageCount: 3 });
    const sbomNode = chain.nodes.find((n) => n.digest === signed.cyclonedx.digest)!;
    expect(sbomNode.children.map((c) => c.digest)).toEqual([signed.sbomSignature.digest]);
    const sbomSig = chain.details.find((d) => d.referrer.digest === signed.sbomSignature.digest)!;
    expect(sbomSig.referrer.subject).toBe(signed.cyclonedx.digest);
    expect(sbomSig.signatures[0].verification).toMatchObject({ status: 'verified', key: 'release' });
  });

  it('reads manifests and small blobs once: the content store answers the second time', async () => {
    const store = new ContentStore(join(dir, 'store'));
    const src = { client: viaApi, repository: 'team/app', store };
    await readSupplyChain(src, signed.image.digest, { keys: right });
    const seen = standIn.seen.length;
    await readSupplyChain(src, signed.image.digest, { keys: right });
    const again = standIn.seen.slice(seen).map((r) => `${r.method} ${r.url}`);
    expect(again.filter((u) => /\/manifests\/sha256:|\/blobs\//.test(u))).toEqual([]);
    expect(again.some((u) => u.includes('/referrers/'))).toBe(true);
    expect(await store.get(signed.sig.digest)).not.toBeNull();
  });
});

describe('bounds', () => {
  it('does not read an SBOM larger than 32 MB, and says so', async () => {
    // The descriptor claims 40 MB (distribution 2.8 does not compare descriptor sizes with blobs).
    const doc = Buffer.from('{"spdxVersion":"SPDX-2.3","packages":[]}');
    const digest = sha256(doc);
    const seed = seedClient(reg);
    await seed.putBlob('team/app', digest, doc);
    await seed.putBlob('team/app', EMPTY_DIGEST, Buffer.from('{}'));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_DIGEST, size: 2 },
      layers: [{ mediaType: 'application/spdx+json', digest, size: 40 * 1024 * 1024 }],
      subject: { mediaType: signed.image.mediaType, digest: signed.image.digest, size: signed.image.manifestBytes.length },
    }));
    const md = sha256(manifest);
    await seed.putManifest('team/app', md, 'application/vnd.oci.image.manifest.v1+json', manifest);
    const before = standIn.seen.length;
    const chain = await readSupplyChain({ client: viaApi, repository: 'team/app' }, signed.image.digest, { artifactType: 'application/spdx+json' });
    const big = chain.details.find((d) => d.referrer.digest === md)!;
    expect(big.sboms).toEqual([{ format: 'unreadable', message: expect.stringContaining('at most 32 MB') }]);
    expect(standIn.seen.slice(before).filter((r) => r.url.includes(`/blobs/${digest}`))).toEqual([]);
  });
});

describe('deleting an image with its referrers', () => {
  it('plans every referrer (deepest first) with its tags and bytes, and deletes them with the image', async () => {
    const other = await pushSignedImage(reg, 'team/gone', 'old', { ecdsa, ed, keyless: await createKeylessCert(dir, 'email:x@example.test', 'https://i.example.test', { name: 'k2' }) }, { fallback: true });
    const src = { client: direct, repository: 'team/gone' };
    const plan = await planReferrerDelete(src, other.image.digest);
    const order = plan.items.map((i) => i.digest);
    // Two fallback indexes: the image's, and the SBOM's (which lists the SBOM's signature).
    const fallbacks = plan.items.filter((i) => i.kind === 'fallback-index');
    expect(fallbacks.map((f) => f.subject).sort()).toEqual([other.image.digest, other.cyclonedx.digest].sort());
    expect(new Set(order)).toEqual(new Set([other.sig.digest, other.att.digest, other.sbom.digest, other.cyclonedx.digest, other.provenance.digest, other.sbomSignature.digest, ...fallbacks.map((f) => f.digest)]));
    expect(order.indexOf(other.sbomSignature.digest)).toBeLessThan(order.indexOf(other.cyclonedx.digest));
    expect(plan.tags).toEqual([other.image.digest.replace(':', '-'), other.cyclonedx.digest.replace(':', '-'), other.att.tag, other.sbom.tag, other.sig.tag].sort());
    expect(plan.bytes).toBeGreaterThan(0);

    const orphans = await orphanedReferrers(src, [other.image.digest]);
    expect(orphans.items).toHaveLength(plan.items.length);
    expect(orphans.bytes).toBe(plan.bytes);

    const subjectPlan = await planDelete(direct, 'team/gone', 'old');
    await deleteReferrers(src, plan);
    await deleteManifest(direct, 'team/gone', subjectPlan.digest, subjectPlan.tags);
    for (const d of order) expect(await headManifest(direct, 'team/gone', d)).toBeNull();
    const after = await readReferrerTree(src, other.image.digest);
    expect(after.nodes).toEqual([]);
  });

  it('tells a cleanup which referrers it would orphan, and their bytes', async () => {
    const keyless = await createKeylessCert(dir, 'email:z@example.test', 'https://i.example.test', { name: 'k4' });
    const old = await pushSignedImage(reg, 'team/clean', 'old', { ecdsa, ed, keyless }, { fallback: true });
    const kept = await pushSignedImage(reg, 'team/clean', 'new', { ecdsa, ed, keyless });
    const plan = await planCleanup(direct, 'team/clean', { nameMatches: 'old' });
    expect(plan.deleteDigests.map((d) => d.digest)).toEqual([old.image.digest]);
    const orphans = await orphanedByCleanup({ client: direct, repository: 'team/clean' }, plan);
    const digests = orphans.items.map((i) => i.digest);
    expect(digests).toEqual(expect.arrayContaining([old.sig.digest, old.att.digest, old.cyclonedx.digest, old.provenance.digest, old.sbomSignature.digest]));
    expect(digests).not.toContain(kept.sig.digest);
    // Both images carry the same SPDX document: one `.sbom` manifest under both images' tags, which must stay for the kept one.
    expect(old.sbom.digest).toBe(kept.sbom.digest);
    expect(digests).not.toContain(old.sbom.digest);
    expect(orphans.tags).toContain(old.sig.tag);
    // Each orphan's own blobs (signature payloads, SBOM documents, configs), each counted once.
    expect(orphans.bytes).toBe(orphans.items.reduce((n, i) => n + i.bytes, 0));
    expect(orphans.bytes).toBeGreaterThan(old.sig.bytes.length);
  });

  it('refuses (deleting nothing) when a tag came to point at a referrer since the plan', async () => {
    const img = await pushSignedImage(reg, 'team/moved', 'v', { ecdsa, ed, keyless: await createKeylessCert(dir, 'email:y@example.test', 'https://i.example.test', { name: 'k3' }) });
    const src = { client: direct, repository: 'team/moved' };
    const plan = await planReferrerDelete(src, img.image.digest);
    await seedClient(reg).putManifest('team/moved', 'keep-me', img.sig.mediaType, img.sig.bytes);
    await expect(deleteReferrers(src, plan)).rejects.toMatchObject({ code: 'TAGS_CHANGED' });
    expect(await headManifest(direct, 'team/moved', img.sig.digest)).not.toBeNull();
  });
});
