import { sign } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosignPayload,
  createKeylessCert,
  cyclonedxDocument,
  dsseEnvelope,
  generateTestKey,
  signBytes,
  slsaV02,
  slsaV1,
  spdxDocument,
  statement,
  TEST_PACKAGES,
} from '../../../test/support/referrers/signing';
import { readAttestation } from './attestation';
import { readCertificateIdentity } from './certificate';
import { KeyStore, KEYS_FILE } from './key-store';
import { MAX_SBOM_PACKAGES, readSbom, readSbomBytes } from './sbom';
import { readCosignSignature, readNotationSignature } from './signature';

const subject = `sha256:${'1'.repeat(64)}`;
const other = `sha256:${'2'.repeat(64)}`;
const right = generateTestKey('ecdsa');
const wrong = generateTestKey('ecdsa');
const ed = generateTestKey('ed25519');
const rsa = generateTestKey('rsa');
const k = (name: string, key: { publicPem: string }) => ({ name, pem: key.publicPem });

function cosignLayer(signer = right, digest = subject) {
  const payload = cosignPayload('127.0.0.1:5000/app', digest, { team: 'berth' });
  return { payload, annotations: { 'dev.cosignproject.cosign/signature': signBytes(signer, payload).toString('base64') } };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-referrers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cosign signatures', () => {
  it('reads the signed reference, digest and annotations, and verifies with the right ECDSA key', () => {
    const { payload, annotations } = cosignLayer();
    const s = readCosignSignature(payload, annotations, subject, [k('release', right)]);
    expect(s).toMatchObject({ format: 'cosign', signedReference: '127.0.0.1:5000/app', signedDigest: subject, annotations: { team: 'berth' }, certificate: null });
    expect(s.verification).toMatchObject({ status: 'verified', key: 'release' });
  });

  it('fails with a wrong key, and says why', () => {
    const { payload, annotations } = cosignLayer();
    expect(readCosignSignature(payload, annotations, subject, [k('other', wrong)]).verification).toMatchObject({ status: 'failed', reason: 'signature-mismatch' });
  });

  it('fails when the payload names another digest, whatever the key', () => {
    const { payload, annotations } = cosignLayer(right, other);
    expect(readCosignSignature(payload, annotations, subject, [k('release', right)]).verification).toMatchObject({ status: 'failed', reason: 'digest-mismatch' });
    expect(readCosignSignature(payload, annotations, subject, []).verification).toMatchObject({ status: 'failed', reason: 'digest-mismatch' });
  });

  it('verifies Ed25519 signatures', () => {
    const { payload, annotations } = cosignLayer(ed);
    expect(readCosignSignature(payload, annotations, subject, [k('wrong', wrong), k('ed', ed)]).verification).toMatchObject({ status: 'verified', key: 'ed' });
  });

  it('is "not verified" without a key or with only unsupported keys — never unsigned', () => {
    const { payload, annotations } = cosignLayer();
    expect(readCosignSignature(payload, annotations, subject, []).verification).toMatchObject({ status: 'not-verified', reason: 'no-key' });
    expect(readCosignSignature(payload, annotations, subject, [k('rsa', rsa)]).verification).toMatchObject({ status: 'not-verified', reason: 'unsupported-algorithm' });
    expect(readCosignSignature(payload, {}, subject, [k('release', right)]).verification).toMatchObject({ status: 'not-verified', reason: 'no-signature' });
    expect(readCosignSignature(Buffer.from('not json'), annotations, subject, []).verification).toMatchObject({ status: 'not-verified', reason: 'unreadable' });
  });
});

describe('keyless certificates', () => {
  it('reads the SAN e-mail and the OIDC issuer from extension .1.8', async () => {
    const cert = await createKeylessCert(dir, 'email:dev@example.test', 'https://accounts.example.test', { name: 'v2' });
    const id = readCertificateIdentity(cert.certPem);
    expect(id).toMatchObject({ subject: 'dev@example.test', issuer: 'https://accounts.example.test' });
    const payload = cosignPayload('r/app', subject);
    const s = readCosignSignature(payload, { 'dev.cosignproject.cosign/signature': signBytes(cert.key, payload).toString('base64'), 'dev.sigstore.cosign/certificate': cert.certPem }, subject, []);
    expect(s.certificate?.subject).toBe('dev@example.test');
    expect(s.verification).toMatchObject({ status: 'not-verified', reason: 'keyless' });
  });

  it('reads a URI SAN and the deprecated .1.1 issuer', async () => {
    const cert = await createKeylessCert(dir, 'URI:https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main', 'https://token.actions.githubusercontent.com', { legacy: true, name: 'v1' });
    expect(readCertificateIdentity(cert.certPem)).toMatchObject({
      subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
    });
  });

  it('is null for something that is not a certificate', () => {
    expect(readCertificateIdentity('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toBeNull();
  });
});

describe('attestations', () => {
  it('reads SLSA v0.2 provenance in a signed DSSE envelope and verifies it', () => {
    const a = readAttestation(dsseEnvelope(slsaV02(subject), right), subject, [k('release', right)], false);
    expect(a).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2', coversSubject: true, slsa: { version: '0.2', builderId: 'https://github.com/berth-test/builder@v1', buildType: 'https://berth.test/build/v0.2' } });
    expect(a.slsa?.materials[0].uri).toBe('git+https://example.test/app@refs/heads/main');
    expect(a.verification.status).toBe('verified');
    expect(readAttestation(dsseEnvelope(slsaV02(subject), right), subject, [k('other', wrong)], false).verification).toMatchObject({ status: 'failed', reason: 'signature-mismatch' });
  });

  it('reads SLSA v1 (builder, build type, resolved dependencies)', () => {
    const a = readAttestation(dsseEnvelope(slsaV1(subject), ed), subject, [k('ed', ed)], false);
    expect(a.slsa).toEqual({
      version: '1',
      builderId: 'https://example.test/builders/v1',
      buildType: 'https://berth.test/build/v1',
      materials: [
        { uri: 'git+https://example.test/app@refs/tags/v1', digest: { gitCommit: 'b'.repeat(40) } },
        { uri: 'pkg:docker/debian@12', digest: { sha256: 'c'.repeat(64) } },
      ],
    });
    expect(a.verification.status).toBe('verified');
  });

  it('fails a statement about another image, and reads an SBOM predicate', () => {
    const a = readAttestation(dsseEnvelope(statement(other, 'https://spdx.dev/Document', spdxDocument()), right), subject, [k('release', right)], false);
    expect(a.coversSubject).toBe(false);
    expect(a.verification).toMatchObject({ status: 'failed', reason: 'digest-mismatch' });
    expect(a.sbom).toMatchObject({ format: 'spdx', packageCount: 3 });
  });

  it('an unsigned bare statement is "not verified: no signature"', () => {
    const bare = Buffer.from(JSON.stringify(slsaV02(subject)));
    expect(readAttestation(bare, subject, [k('release', right)], false).verification).toMatchObject({ status: 'not-verified', reason: 'no-signature' });
  });
});

describe('SBOMs', () => {
  it('reads SPDX packages with versions and licenses', () => {
    expect(readSbom(spdxDocument())).toEqual({ format: 'spdx', specVersion: 'SPDX-2.3', name: 'berth-test-image', packageCount: 3, packages: TEST_PACKAGES.map((p) => ({ name: p.name, version: p.version, license: p.license })) });
  });

  it('reads CycloneDX components, nested ones included', () => {
    const s = readSbom(cyclonedxDocument());
    expect(s).toMatchObject({ format: 'cyclonedx', specVersion: '1.5', packageCount: 3 });
    expect(s && 'packages' in s ? s.packages.map((p) => p.name).sort() : []).toEqual(['busybox', 'openssl', 'zlib']);
  });

  it('keeps the full count but a bounded list, and says when a document is not an SBOM', () => {
    const many = Array.from({ length: MAX_SBOM_PACKAGES + 5 }, (_, i) => ({ name: `p${i}`, version: '1', license: 'MIT' }));
    const s = readSbom(spdxDocument(many));
    expect(s && 'packages' in s ? [s.packageCount, s.packages.length] : []).toEqual([MAX_SBOM_PACKAGES + 5, MAX_SBOM_PACKAGES]);
    expect(readSbomBytes(Buffer.from('{"hello":1}'), 'It')).toMatchObject({ format: 'unreadable' });
  });
});

describe('notation signatures', () => {
  it('reads the target digest and verifies an ES256 JWS', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const protectedHeader = b64({ alg: 'ES256', cty: 'application/vnd.cncf.notary.payload.v1+json' });
    const payload = b64({ targetArtifact: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 100 } });
    const sig = sign('sha256', Buffer.from(`${protectedHeader}.${payload}`), { key: right.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const env = Buffer.from(JSON.stringify({ payload, protected: protectedHeader, header: {}, signature: sig }));
    const s = readNotationSignature(env, subject, [k('release', right)]);
    expect(s).toMatchObject({ format: 'notation', signedDigest: subject, verification: { status: 'verified' } });
    expect(readNotationSignature(env, other, [k('release', right)]).verification).toMatchObject({ status: 'failed', reason: 'digest-mismatch' });
  });
});

describe('key store', () => {
  it('saves keys per registry and repository, atomically, and reads them back', async () => {
    const data = join(dir, 'data');
    const store = await KeyStore.open(data);
    await store.add({ name: 'repo key', registry: 'reg:5000', repository: 'team/app', pem: right.publicPem });
    const wide = await store.add({ name: 'registry key', registry: 'reg:5000', pem: ed.publicPem });
    await store.add({ name: 'elsewhere', registry: 'other:5000', pem: wrong.publicPem });
    expect(wide.algorithm).toBe('ed25519');
    const again = await KeyStore.open(data);
    expect(again.keysFor('reg:5000', 'team/app').map((x) => x.name)).toEqual(['repo key', 'registry key']);
    expect(again.keysFor('reg:5000', 'team/other').map((x) => x.name)).toEqual(['registry key']);
    await again.remove(wide.id);
    expect((await KeyStore.open(data)).list().map((x) => x.name)).toEqual(['repo key', 'elsewhere']);
    expect(JSON.parse(await readFile(join(data, KEYS_FILE), 'utf8')).version).toBe(1);
  });

  it('refuses what is not a public key, and sets an unreadable file aside', async () => {
    const store = KeyStore.memory();
    await expect(store.add({ name: 'x', registry: 'r', pem: 'hello' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A private key would give node:crypto its public half; it is refused and never kept.
    const privatePem = right.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(store.add({ name: 'x', registry: 'r', pem: privatePem })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('private key') });
    expect(store.list()).toEqual([]);
    const data = join(dir, 'broken');
    await KeyStore.open(data);
    await mkdir(data, { recursive: true });
    await writeFile(join(data, KEYS_FILE), '{not json');
    const s = await KeyStore.open(data);
    expect(s.list()).toEqual([]);
    expect(s.setAside).toContain('broken-');
  });
});
