/**
 * Safe deletion: registries delete manifests by digest (distribution 2.8 answers a DELETE by
 * tag with 400 DIGEST_INVALID), and deleting a digest drops every tag on it — so the plan lists
 * those tags, and the delete re-checks them right before sending.
 */
import { BerthError } from '../../shared/errors';
import { sortNatural } from '../../shared/natural-order';
import type { DeletePlan, DeleteResult } from '../../shared/types';
import { listAllTags } from './browse';
import type { RegistryClient } from './client';
import { mapLimit } from '../../shared/limiter';
import { assertDigest, assertReference, assertRepository, headManifest } from './manifest';
import { isValidDigest } from '../../shared/reference';

/** How many tags are HEADed at once while looking for the ones on a digest. */
const HEAD_CONCURRENCY = 8;

/** What the registry's 405 on DELETE means and how to fix it. */
export const DELETE_DISABLED_MESSAGE =
  "Deletion is disabled on this registry. Enable it with `storage.delete.enabled: true` in the registry's config.yml (or REGISTRY_STORAGE_DELETE_ENABLED=true for the registry:2 image) and restart it.";

/** Every tag of `repository` with the digest it points at now (null for a tag gone meanwhile). */
export async function readTagDigests(
  client: RegistryClient,
  repository: string,
  signal?: AbortSignal,
): Promise<{ tag: string; digest: string | null }[]> {
  let all: string[];
  try {
    all = await listAllTags(client, repository, signal);
  } catch (err) {
    // A repository whose last tag is gone may answer NAME_UNKNOWN: it has no tags.
    if (err instanceof BerthError && err.code === 'NAME_UNKNOWN') all = [];
    else throw err;
  }
  const heads = await mapLimit(all, HEAD_CONCURRENCY, (tag) => headManifest(client, repository, tag, signal));
  return all.map((tag, i) => ({ tag, digest: heads[i]?.digest ?? null }));
}

/** Every tag of `repository` and the subset whose manifest digest is `digest`. */
export async function tagsPointingAt(
  client: RegistryClient,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<{ all: string[]; matching: string[] }> {
  const read = await readTagDigests(client, repository, signal);
  return { all: read.map((r) => r.tag), matching: sortNatural(read.filter((r) => r.digest === digest).map((r) => r.tag)) };
}

async function resolveDigest(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<string> {
  const head = await headManifest(client, repository, reference, signal);
  if (!head) {
    const what = isValidDigest(reference) ? `${repository}@${reference}` : `${repository}:${reference}`;
    throw new BerthError('MANIFEST_UNKNOWN', `${what} was not found on ${client.config.host}; it may already be deleted. Refresh the list.`);
  }
  return head.digest;
}

/** Resolves `reference` (tag or digest) to its digest and lists every tag a delete would take with it. */
export async function planDelete(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<DeletePlan> {
  assertRepository(repository);
  assertReference(reference);
  const digest = await resolveDigest(client, repository, reference, signal);
  const { all, matching } = await tagsPointingAt(client, repository, digest, signal);
  return { repository, digest, tags: matching, leavesRepositoryEmpty: matching.length === all.length };
}

/**
 * Deletes a manifest by digest after re-checking its tags: if a tag the user did not confirm now
 * points at it, throws TAGS_CHANGED and deletes nothing.
 */
export async function deleteManifest(
  client: RegistryClient,
  repository: string,
  digest: string,
  confirmedTags: string[],
  signal?: AbortSignal,
): Promise<DeleteResult> {
  assertRepository(repository);
  assertDigest(digest);
  if (!Array.isArray(confirmedTags) || confirmedTags.some((t) => typeof t !== 'string')) {
    throw new BerthError('INVALID_ARGUMENT', 'confirmedTags must be a list of tag names; plan the delete first.');
  }
  await resolveDigest(client, repository, digest, signal);
  const { matching } = await tagsPointingAt(client, repository, digest, signal);
  const confirmed = new Set(confirmedTags);
  const unexpected = matching.filter((t) => !confirmed.has(t));
  if (unexpected.length) {
    throw new BerthError(
      'TAGS_CHANGED',
      `Since the delete was planned, ${unexpected.map((t) => `"${t}"`).join(', ')} ${unexpected.length === 1 ? 'has' : 'have'} come to point at ${digest} and would be deleted too. Nothing was deleted; review the plan again.`,
      { unexpected, current: matching },
    );
  }
  await deleteDigest(client, repository, digest, signal);
  return { repository, digest, deletedTags: matching };
}

/**
 * `DELETE /v2/<name>/manifests/<digest>` with no checks of its own (callers check the tags first);
 * a 405 becomes UNSUPPORTED saying how to enable deletes.
 */
export async function deleteDigest(client: RegistryClient, repository: string, digest: string, signal?: AbortSignal): Promise<void> {
  try {
    const res = await client.request({
      method: 'DELETE',
      url: `/v2/${repository}/manifests/${digest}`,
      scope: { repository, actions: ['pull', 'delete'] },
      signal,
      expect: [202, 200, 204],
    });
    await res.body.dump();
  } catch (err) {
    if (err instanceof BerthError && err.code === 'UNSUPPORTED') throw new BerthError('UNSUPPORTED', DELETE_DISABLED_MESSAGE, err.detail);
    throw err;
  }
}
