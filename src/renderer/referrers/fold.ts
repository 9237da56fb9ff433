/**
 * Folding the referrers tag schema's tags (`sha256-<hex>.sig|.att|.sbom`, fallback index
 * `sha256-<hex>`) out of a tag list: they belong under the row of the tag whose digest they name.
 */
import { parseReferrerTag } from '../../shared/referrer-tags';

/** A tag list with referrer tags taken out, and those tags by the subject digest they name. */
export interface FoldedTags {
  /** The ordinary tags, in the order given. */
  tags: string[];
  /** Subject digest → its referrer tags. */
  bySubject: Map<string, string[]>;
  /** How many tags were folded away. */
  folded: number;
}

/** Splits `tags` into ordinary tags and referrer tags grouped by subject. */
export function foldReferrerTags(tags: readonly string[]): FoldedTags {
  const plain: string[] = [];
  const bySubject = new Map<string, string[]>();
  for (const tag of tags) {
    const parsed = parseReferrerTag(tag);
    if (!parsed) {
      plain.push(tag);
      continue;
    }
    const list = bySubject.get(parsed.subject);
    if (list) list.push(tag);
    else bySubject.set(parsed.subject, [tag]);
  }
  return { tags: plain, bySubject, folded: tags.length - plain.length };
}
