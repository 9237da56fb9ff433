/**
 * What deleting an image must take with it: its referrers (and theirs: a signature of an SBOM),
 * the tag-schema tags that hold them and the fallback index — so nothing is left whose subject is
 * gone. For cleanup: which referrers a plan would orphan and the bytes they hold.
 */
import type { CleanupPlan } from '../../shared/cleanup-types';
import { BerthError } from '../../shared/errors';
import { compareNatural } from '../../shared/natural-order';
import { readTagDigests, deleteDigest } from '../registry/delete';
import { readImageManifest } from '../registry/image-config';
import { isImageType } from '../registry/media-types';
import { manifestByDigest, type ContentSource } from './content';
import { deepestFirst, readReferrerTree } from './discover';
import type { ReferrerKind } from './types';

/** One manifest a delete takes along with its subject. */
export interface ReferrerDeleteItem {
  digest: string;
  /** The digest it refers to (its subject, or the subject whose fallback index it is). */
  subject: string;
  kind: ReferrerKind | 'fallback-index';
  /** Every tag that points at it now (deleting a digest drops them all). */
  tags: string[];
  /** Config and layer bytes it references (counted once per blob within the plan). */
  bytes: number;
}

/** Referrers to delete with `subject`, deepest first (the order of the delete). */
export interface ReferrerDeletePlan {
  repository: string;
  subject: string;
  items: ReferrerDeleteItem[];
  /** Every tag the items take with them. */
  tags: string[];
  /** Bytes the items reference, each blob once. */
  bytes: number;
}

type TagDigests = { tag: string; digest: string | null }[];

async function blobsOf(src: ContentSource, digest: string): Promise<{ digest: string; size: number }[]> {
  const m = await manifestByDigest(src, digest);
  if (!isImageType(m.mediaType)) return [];
  const { config, layers } = readImageManifest(m.json);
  return [config, ...layers].filter((d) => d.digest && !d.urls?.length).map((d) => ({ digest: d.digest, size: d.size }));
}

/**
 * Plans the referrers a delete of `subject` takes along. `tagDigests` (every tag's digest, as a
 * delete plan reads them) avoids reading the tags again.
 */
export async function planReferrerDelete(src: ContentSource, subject: string, opts: { tagDigests?: TagDigests; keptBlobs?: ReadonlySet<string> } = {}): Promise<ReferrerDeletePlan> {
  return (await planReferrerDeletes(src, [subject], opts))[0];
}

/** The same for several subjects at once (a cleanup plan), each referrer once. */
export async function planReferrerDeletes(src: ContentSource, subjects: readonly string[], opts: { tagDigests?: TagDigests; keptBlobs?: ReadonlySet<string> } = {}): Promise<ReferrerDeletePlan[]> {
  const tagDigests = opts.tagDigests ?? (await readTagDigests(src.client, src.repository, src.signal));
  const tags = tagDigests.map((t) => t.tag);
  const tagsAt = (digest: string): string[] => tagDigests.filter((t) => t.digest === digest).map((t) => t.tag).sort(compareNatural);
  const counted = new Set<string>(opts.keptBlobs ?? []);
  const planned = new Set<string>(subjects);
  const plans: ReferrerDeletePlan[] = [];
  for (const subject of subjects) {
    const tree = await readReferrerTree(src, subject, { tags });
    const items: ReferrerDeleteItem[] = [];
    const add = async (digest: string, of: string, kind: ReferrerDeleteItem['kind']): Promise<void> => {
      if (planned.has(digest)) return;
      planned.add(digest);
      let bytes = 0;
      for (const b of await blobsOf(src, digest)) {
        if (counted.has(b.digest)) continue;
        counted.add(b.digest);
        bytes += b.size;
      }
      items.push({ digest, subject: of, kind, tags: tagsAt(digest), bytes });
    };
    // Children before parents; each fallback index after the referrers it lists.
    for (const n of deepestFirst(tree.nodes)) await add(n.digest, n.subject, n.kind);
    for (const f of tree.fallbackIndexes) await add(f.digest, f.subject, 'fallback-index');
    plans.push({
      repository: src.repository,
      subject,
      items,
      tags: [...new Set(items.flatMap((i) => i.tags))].sort(compareNatural),
      bytes: items.reduce((n, i) => n + i.bytes, 0),
    });
  }
  return plans;
}

/**
 * Which referrers a cleanup that deletes `deleteDigests` (pass its untagged children too) would
 * leave without a subject, and their bytes — blobs also used by `keptBlobs` not counted.
 */
export async function orphanedReferrers(
  src: ContentSource,
  deleteDigests: readonly string[],
  opts: { tagDigests?: TagDigests; keptBlobs?: ReadonlySet<string> } = {},
): Promise<{ items: ReferrerDeleteItem[]; bytes: number; tags: string[] }> {
  const plans = await planReferrerDeletes(src, deleteDigests, opts);
  const items = plans.flatMap((p) => p.items);
  return { items, bytes: items.reduce((n, i) => n + i.bytes, 0), tags: [...new Set(items.flatMap((i) => i.tags))].sort(compareNatural) };
}

/**
 * The referrers a cleanup plan would orphan: those of its deleted digests and of the index
 * children it leaves untagged, minus what the plan deletes anyway (a referrer tag it matched).
 */
export async function orphanedByCleanup(
  src: ContentSource,
  plan: Pick<CleanupPlan, 'deleteDigests' | 'untaggedChildren'>,
  opts: { tagDigests?: TagDigests; keptBlobs?: ReadonlySet<string> } = {},
): Promise<{ items: ReferrerDeleteItem[]; bytes: number; tags: string[] }> {
  const deleted = plan.deleteDigests.map((d) => d.digest);
  const found = await orphanedReferrers(src, [...deleted, ...plan.untaggedChildren], opts);
  const items = found.items.filter((i) => !deleted.includes(i.digest));
  return { items, bytes: items.reduce((n, i) => n + i.bytes, 0), tags: [...new Set(items.flatMap((i) => i.tags))].sort(compareNatural) };
}

/**
 * Deletes a plan's referrers, deepest first, after checking that no tag other than the planned
 * ones now points at any of them (TAGS_CHANGED otherwise, nothing deleted). The subject itself is
 * the caller's (deleteManifest, which checks its own tags) and goes last.
 */
export async function deleteReferrers(src: ContentSource, plan: ReferrerDeletePlan): Promise<{ deleted: string[]; deletedTags: string[] }> {
  const now = await readTagDigests(src.client, src.repository, src.signal);
  for (const item of plan.items) {
    const current = now.filter((t) => t.digest === item.digest).map((t) => t.tag);
    const unexpected = current.filter((t) => !item.tags.includes(t));
    if (unexpected.length) {
      throw new BerthError(
        'TAGS_CHANGED',
        `Since the delete was planned, ${unexpected.map((t) => `"${t}"`).join(', ')} came to point at the ${item.kind} ${item.digest}. Nothing was deleted; review the plan again.`,
        { unexpected, digest: item.digest },
      );
    }
  }
  const deleted: string[] = [];
  const deletedTags: string[] = [];
  for (const item of plan.items) {
    try {
      await deleteDigest(src.client, src.repository, item.digest, src.signal);
    } catch (err) {
      // Gone already (another client, or the same manifest reached twice) is what we wanted.
      if (!(err instanceof BerthError && err.code === 'MANIFEST_UNKNOWN')) throw err;
    }
    deleted.push(item.digest);
    deletedTags.push(...now.filter((t) => t.digest === item.digest).map((t) => t.tag));
  }
  return { deleted, deletedTags: deletedTags.sort(compareNatural) };
}
