/**
 * Test support: supply-chain artifacts made with node:crypto and openssl, shaped as cosign,
 * in-toto/SLSA, SPDX and CycloneDX write them — signing keys, cosign simple-signing payloads,
 * DSSE envelopes, SBOM documents and a Fulcio-style keyless certificate.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A signing key pair; `publicPem` is what a user would give Berth (cosign.pub). */
export interface TestKey {
  kind: 'ecdsa' | 'ed25519' | 'rsa';
  privateKey: KeyObject;
  publicPem: string;
}

/** A fresh key: ECDSA P-256 (cosign's default), Ed25519, or RSA (which Berth does not check). */
export function generateTestKey(kind: TestKey['kind'] = 'ecdsa'): TestKey {
  const pair =
    kind === 'ecdsa'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kind, privateKey: pair.privateKey, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Signs like cosign: ECDSA over SHA-256 with a DER signature, Ed25519 over the bytes. */
export function signBytes(key: { privateKey: KeyObject; kind: TestKey['kind'] }, data: Buffer): Buffer {
  return key.kind === 'ed25519' ? sign(null, data, key.privateKey) : sign('sha256', data, key.privateKey);
}

/** cosign's simple-signing payload for `reference` at `digest`, with `optional` annotations. */
export function cosignPayload(reference: string, digest: string, optional?: Record<string, string>): Buffer {
  const body: Record<string, unknown> = {
    critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
    optional: optional ?? null,
  };
  return Buffer.from(JSON.stringify(body));
}

/** An in-toto v1 statement about `subject` (sha256:…). */
export function statement(subject: string, predicateType: string, predicate: unknown, name = 'image'): Record<string, unknown> {
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name, digest: { sha256: subject.slice('sha256:'.length) } }], predicateType, predicate };
}

/** A SLSA provenance v0.2 statement. */
export function slsaV02(subject: string): Record<string, unknown> {
  return statement(subject, 'https://slsa.dev/provenance/v0.2', {
    builder: { id: 'https://github.com/berth-test/builder@v1' },
    buildType: 'https://berth.test/build/v0.2',
    materials: [{ uri: 'git+https://example.test/app@refs/heads/main', digest: { sha1: 'a'.repeat(40) } }],
  });
}

/** A SLSA provenance v1 statement. */
export function slsaV1(subject: string): Record<string, unknown> {
  return statement(subject, 'https://slsa.dev/provenance/v1', {
    buildDefinition: {
      buildType: 'https://berth.test/build/v1',
      externalParameters: {},
      resolvedDependencies: [
        { uri: 'git+https://example.test/app@refs/tags/v1', digest: { gitCommit: 'b'.repeat(40) } },
        { uri: 'pkg:docker/debian@12', digest: { sha256: 'c'.repeat(64) } },
      ],
    },
    runDetails: { builder: { id: 'https://example.test/builders/v1' } },
  });
}

/** DSSE pre-authentication encoding. */
export function paeBytes(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

/** A DSSE envelope of `statementJson`, signed with `key` (unsigned when none). */
export function dsseEnvelope(statementJson: unknown, key?: TestKey): Buffer {
  const payloadType = 'application/vnd.in-toto+json';
  const payload = Buffer.from(JSON.stringify(statementJson));
  const signatures = key ? [{ keyid: '', sig: signBytes(key, paeBytes(payloadType, payload)).toString('base64') }] : [];
  return Buffer.from(JSON.stringify({ payloadType, payload: payload.toString('base64'), signatures }));
}

/** A package for the SBOM builders. */
export interface TestPackage {
  name: string;
  version: string;
  license: string;
}

/** Packages every SBOM of the tests lists. */
export const TEST_PACKAGES: TestPackage[] = [
  { name: 'openssl', version: '3.0.19', license: 'Apache-2.0' },
  { name: 'zlib', version: '1.3.1', license: 'Zlib' },
  { name: 'busybox', version: '1.36.1', license: 'GPL-2.0-only' },
];

/** An SPDX 2.3 JSON document. */
export function spdxDocument(packages: TestPackage[] = TEST_PACKAGES): Record<string, unknown> {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'berth-test-image',
    documentNamespace: 'https://example.test/spdx/berth-test',
    creationInfo: { created: '2024-05-01T12:00:00Z', creators: ['Tool: berth-test'] },
    packages: packages.map((p, i) => ({ SPDXID: `SPDXRef-Package-${i}`, name: p.name, versionInfo: p.version, licenseConcluded: p.license, downloadLocation: 'NOASSERTION' })),
  };
}

/** A CycloneDX 1.5 JSON document (the last package nested under the first, as tools do). */
export function cyclonedxDocument(packages: TestPackage[] = TEST_PACKAGES): Record<string, unknown> {
  const comp = (p: TestPackage): Record<string, unknown> => ({ type: 'library', name: p.name, version: p.version, licenses: [{ license: { id: p.license } }] });
  const top = packages.slice(0, -1).map(comp);
  if (top.length && packages.length > 1) top[0].components = [comp(packages[packages.length - 1])];
  return { bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, metadata: { component: { type: 'container', name: 'berth-test-image' } }, components: top };
}

/** A keyless-style signing certificate: SAN e-mail or URI, Fulcio's OIDC issuer extension, and its key. */
export interface KeylessCert {
  certPem: string;
  key: TestKey;
}

/**
 * Makes a self-signed certificate as Fulcio would issue it (openssl): `san` is `email:…` or
 * `URI:…`; the issuer goes in 1.3.6.1.4.1.57264.1.8 as a UTF8String, or with `legacy` in the
 * deprecated .1.1 as the raw string.
 */
export async function createKeylessCert(dir: string, san: string, issuer: string, opts: { legacy?: boolean; name?: string } = {}): Promise<KeylessCert> {
  const name = opts.name ?? 'keyless';
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  const ext = opts.legacy
    ? `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer).toString('hex').replace(/(..)(?!$)/g, '$1:')}`
    : `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${issuer}`;
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/O=sigstore.dev', '-addext', `subjectAltName=${san}`, '-addext', ext,
    '-keyout', keyPath, '-out', certPath,
  ]);
  const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  const privateKey = createPrivateKey(keyPem);
  return { certPem, key: { kind: 'ecdsa', privateKey, publicPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() } };
}
