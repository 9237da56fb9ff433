/**
 * Putting a manifest (distribution spec "Pushing Manifests"): the exact bytes under a tag or
 * digest, checked against the digest the registry answers — a registry that rewrote them would
 * break every digest and signature that names them. Pushes, copies and retags all PUT through it.
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from './client';
import { withPolicy, type RetryPolicy } from './retry';

/** Manifest bytes ready to PUT, with the digest the registry must answer. */
export interface ManifestBytes {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

/** Options of putManifest. */
export interface PutManifestOptions {
  signal?: AbortSignal;
  /**
   * Retries the PUT (idempotent by tag or digest) with this policy, for clients built without the
   * retry interceptor (a copy's); a push's client retries it in its interceptor already.
   */
  policy?: RetryPolicy;
}

/** PUTs `m` under `reference`; says whether the registry processed its `subject` (OCI-Subject header). */
export async function putManifest(client: RegistryClient, repository: string, reference: string, m: ManifestBytes, opts: PutManifestOptions = {}): Promise<{ subjectProcessed: boolean }> {
  const put = async (): Promise<{ subjectProcessed: boolean }> => {
    const res = await client.request({
      method: 'PUT',
      url: `/v2/${repository}/manifests/${encodeURIComponent(reference)}`,
      scope: { repository, actions: ['pull', 'push'] },
      headers: { 'content-type': m.mediaType },
      body: m.bytes,
      signal: opts.signal,
      expect: [201, 200, 202],
    });
    await res.body.dump();
    const said = res.headers['docker-content-digest'];
    if (typeof said === 'string' && said && said !== m.digest) {
      throw new BerthError(
        'DIGEST_MISMATCH',
        `${client.config.host} stored ${repository}:${reference} as ${said}, not ${m.digest}: the registry rewrote the manifest, so digests and signatures no longer match it. Check the tag with skopeo inspect.`,
      );
    }
    return { subjectProcessed: res.headers['oci-subject'] !== undefined };
  };
  return opts.policy ? withPolicy(opts.policy, put, opts.signal) : put();
}
