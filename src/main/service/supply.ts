/**
 * The supply-chain side of the contract (issue 14): an image's referrers read and verified with
 * the saved keys, the referrers a delete takes along, and the delete itself — referrers first
 * (deepest first), the image last, and nothing at all when a tag or a referrer appeared since
 * the user looked.
 */
import { BerthError } from '../../shared/errors';
import type { ReferrerDeleteSummary, SupplyChain } from '../../shared/supply-chain-types';
import type { DeleteResult } from '../../shared/types';
import type { ContentSource } from '../referrers/content';
import { deleteReferrers, planReferrerDelete, referrerTagDigests } from '../referrers/delete-plan';
import { readSupplyChain } from '../referrers/inspect';
import type { KeyStore } from '../referrers/key-store';
import { deleteManifest, tagsPointingAt } from '../registry/delete';

/** The image's referrers, what each says, and each signature checked with the keys saved for this repository. */
export async function supplyChainOf(src: ContentSource, digest: string, keys: KeyStore): Promise<SupplyChain> {
  const verifyWith = keys.keysFor(src.client.config.host, src.repository);
  const chain = await readSupplyChain(src, digest, { keys: verifyWith });
  return { subject: digest, api: chain.api, truncated: chain.truncated, referrers: chain.details, keyCount: verifyWith.length };
}

/** What a delete of `digest` takes along: its referrers, theirs, their tags and the fallback index. */
export async function referrersToDelete(src: ContentSource, digest: string): Promise<ReferrerDeleteSummary> {
  const plan = await planReferrerDelete(src, digest, { tagDigests: await referrerTagDigests(src) });
  return { items: plan.items, tags: plan.tags, bytes: plan.bytes };
}

const what = (n: number): string => (n === 1 ? 'a signature, attestation or SBOM' : `${n} signatures, attestations or SBOMs`);

/**
 * Deletes `digest` with the referrers the user confirmed. Planned again first: a referrer that
 * appeared since (not in `confirmed`) or a tag that moved onto the image refuses the whole delete
 * with TAGS_CHANGED before anything is deleted.
 */
export async function deleteWithReferrers(src: ContentSource, digest: string, confirmedTags: string[], confirmed: readonly string[]): Promise<DeleteResult> {
  const { client, repository, signal } = src;
  const plan = await planReferrerDelete(src, digest, { tagDigests: await referrerTagDigests(src) });
  const fresh = plan.items.filter((i) => !confirmed.includes(i.digest));
  if (fresh.length) {
    throw new BerthError(
      'TAGS_CHANGED',
      `Since the delete was planned, ${what(fresh.length)} came to refer to ${digest} (${fresh.map((i) => i.digest).join(', ')}). Nothing was deleted; review the plan again.`,
      { unexpectedReferrers: fresh.map((i) => i.digest) },
    );
  }
  // The image's own tags are checked before any referrer goes, so a moved tag stops everything.
  const { matching } = await tagsPointingAt(client, repository, digest, signal);
  const unexpected = matching.filter((t) => !confirmedTags.includes(t));
  if (unexpected.length) {
    throw new BerthError(
      'TAGS_CHANGED',
      `Since the delete was planned, ${unexpected.map((t) => `"${t}"`).join(', ')} came to point at ${digest}. Nothing was deleted; review the plan again.`,
      { unexpected, current: matching },
    );
  }
  const gone = await deleteReferrers(src, plan);
  const result = await deleteManifest(client, repository, digest, confirmedTags, signal);
  return { ...result, deletedTags: [...result.deletedTags, ...gone.deletedTags].sort(), deletedReferrers: gone.deleted };
}
