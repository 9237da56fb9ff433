/**
 * Test support: attaches signatures, attestations and SBOMs to an image in a real registry, the
 * two ways tools do — cosign's tag schema (`sha256-<hex>.sig|.att|.sbom`, manifests with one
 * layer per item) and OCI 1.1 artifact manifests with a `subject`, pushed by digest (found
 * through the referrers API, or through the fallback index tag `sha256-<hex>` when asked).
 */
import type { RunningRegistry } from '../registry/start';
import { sha256 } from '../digest';
import { buildIndex, buildManifest, descriptorOf, jsonBytes, type Descriptor } from '../images/image';
import { OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../images/media-types';
import { seedClient } from '../images/seed-client';
import { cosignPayload, signBytes, type KeylessCert, type TestKey } from './signing';

const EMPTY = descriptorOf('application/vnd.oci.empty.v1+json', Buffer.from('{}'));

/** The image a referrer is attached to. */
export interface Subject {
  digest: string;
  mediaType: string;
  size: number;
}

/** One layer of an attached manifest. */
export interface AttachedLayer {
  mediaType: string;
  bytes: Buffer;
  annotations?: Record<string, string>;
}

/** What was pushed. */
export interface Attached {
  digest: string;
  bytes: Buffer;
  mediaType: string;
  tag: string | null;
}

const layerDescriptor = (l: AttachedLayer): Descriptor => descriptorOf(l.mediaType, l.bytes, l.annotations ? { annotations: l.annotations } : {});

const tagOf = (subject: string, suffix?: string): string => `${subject.replace(':', '-')}${suffix ? `.${suffix}` : ''}`;

/** Pushes a cosign-style manifest (a config listing the layers' digests) under `sha256-<hex>.<suffix>`. */
export async function attachCosignTag(reg: RunningRegistry, repo: string, subject: string, suffix: 'sig' | 'att' | 'sbom', layers: AttachedLayer[]): Promise<Attached> {
  const client = seedClient(reg);
  for (const l of layers) await client.putBlob(repo, sha256(l.bytes), l.bytes);
  const config = jsonBytes({
    architecture: '',
    config: {},
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.bytes)) },
  });
  await client.putBlob(repo, sha256(config), config);
  const bytes = Buffer.from(JSON.stringify(buildManifest('oci', descriptorOf(OCI_CONFIG, config), layers.map(layerDescriptor))));
  const tag = tagOf(subject, suffix);
  await client.putManifest(repo, tag, OCI_MANIFEST, bytes);
  return { digest: sha256(bytes), bytes, mediaType: OCI_MANIFEST, tag };
}

/** A cosign signature layer for `reference`@`digest`, signed with `key` (or keyless with `cert`). */
export function cosignSignatureLayer(reference: string, digest: string, signer: TestKey | KeylessCert, optional?: Record<string, string>): AttachedLayer {
  const payload = cosignPayload(reference, digest, optional);
  const key = 'certPem' in signer ? signer.key : signer;
  const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': signBytes(key, payload).toString('base64') };
  if ('certPem' in signer) annotations['dev.sigstore.cosign/certificate'] = signer.certPem;
  return { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', bytes: payload, annotations };
}

/** Pushes an OCI 1.1 artifact manifest with `subject`, by digest; `fallback` also updates the `sha256-<hex>` index tag. */
export async function attachArtifact(
  reg: RunningRegistry,
  repo: string,
  subject: Subject,
  artifactType: string,
  layers: AttachedLayer[],
  opts: { annotations?: Record<string, string>; fallback?: boolean } = {},
): Promise<Attached> {
  const client = seedClient(reg);
  await client.putBlob(repo, EMPTY.digest, Buffer.from('{}'));
  for (const l of layers) await client.putBlob(repo, sha256(l.bytes), l.bytes);
  const manifest = buildManifest('oci', EMPTY, layers.map(layerDescriptor), {
    artifactType,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: opts.annotations,
  });
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(bytes);
  await client.putManifest(repo, digest, OCI_MANIFEST, bytes);
  if (opts.fallback) await addToFallbackIndex(reg, repo, subject.digest, { mediaType: OCI_MANIFEST, digest, size: bytes.length, artifactType, ...(opts.annotations ? { annotations: opts.annotations } : {}) });
  return { digest, bytes, mediaType: OCI_MANIFEST, tag: null };
}

/** Adds a descriptor to the subject's fallback index (`sha256-<hex>`), as a client must on a registry without the API. */
export async function addToFallbackIndex(reg: RunningRegistry, repo: string, subject: string, descriptor: Descriptor): Promise<void> {
  const client = seedClient(reg);
  const tag = tagOf(subject);
  const res = await client.request(repo, `/v2/${repo}/manifests/${tag}`, { headers: { accept: OCI_INDEX } });
  const prior = res.status === 200 ? ((await res.json()) as { manifests: unknown[] }).manifests : (await res.text(), []);
  const bytes = Buffer.from(JSON.stringify(buildIndex('oci', [...(prior as Descriptor[]), descriptor])));
  await client.putManifest(repo, tag, OCI_INDEX, bytes);
}
