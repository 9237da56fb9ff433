/**
 * The index learns for free from what the screens already read: a tag list, a tag's digest (tag
 * rows, HEADs), a manifest summary with its raw manifest and config. Observations update the
 * model at once and reach the index file shortly after; tags whose digest the index does not
 * know yet mark the repository stale, so a later refresh (or build) reads them.
 */
import { BerthError } from '../../shared/errors';
import type { ManifestSummary, TagDetail } from '../../shared/types';
import { manifestMediaType } from '../registry/media-types';
import { isValidDigest, isValidTag } from '../../shared/reference';
import { applyConfig, recordFromManifest } from './record';
import { applyConfigFrom, parseJson, type RegistryIndex } from './registry-index';

/** A tag list was read (`complete`: the whole list, not one page): tags no longer listed lose their digest, which becomes untagged. */
export function observeTagList(index: RegistryIndex, repository: string, tags: readonly string[], opts: { complete: boolean }): void {
  const model = index.model;
  const r = model.repo(repository, true);
  const listed = new Set(tags.filter((t) => typeof t === 'string' && isValidTag(t)));
  if (opts.complete) for (const t of [...r.tags.keys()]) if (!listed.has(t)) model.setTag(repository, t, -1);
  if ([...listed].some((t) => !r.tags.has(t)) && !r.stale) {
    r.stale = true;
    model.version++;
  }
  index.touch(repository);
}

/** A tag was seen pointing at `digest`; the digest it pointed at before becomes untagged when nothing else reaches it. */
export function observeTagDigest(index: RegistryIndex, repository: string, tag: string, digest: string): void {
  if (!isValidTag(tag) || !isValidDigest(digest)) throw new BerthError('INVALID_ARGUMENT', `"${tag}" → "${digest}" is not a tag and a digest.`);
  index.model.setTag(repository, tag, index.model.digests.intern(digest));
  index.touch(repository);
}

/** A tags-table row was read: its tag → digest. */
export function observeTagDetail(index: RegistryIndex, repository: string, detail: TagDetail): void {
  observeTagDigest(index, repository, detail.tag, detail.digest);
}

/** A manifest's bytes were read: cached by digest and recorded. False when the bytes do not match `digest` (nothing is kept). */
export async function observeManifest(index: RegistryIndex, digest: string, bytes: Uint8Array, contentType?: string): Promise<boolean> {
  if (!(await index.cache(digest, bytes))) return false;
  const json = parseJson(bytes);
  if (json === undefined) return false;
  const model = index.model;
  if (model.records.get(model.digests.id(digest))?.configRead) return true;
  const rec = recordFromManifest(model.digests, digest, manifestMediaType(json, contentType), json, bytes.length);
  if (rec.kind === 'image' && rec.config >= 0) applyConfigFrom(rec, await index.readContent(model.digests.name(rec.config)));
  index.addRecord(rec);
  index.schedule();
  return true;
}

/** An image config's bytes were read: cached, and every record waiting for it completed. False when they do not match `digest`. */
export async function observeConfig(index: RegistryIndex, digest: string, bytes: Uint8Array): Promise<boolean> {
  if (!(await index.cache(digest, bytes))) return false;
  const id = index.model.digests.id(digest);
  if (id < 0) return true;
  const json = parseJson(bytes) ?? null;
  for (const rec of index.model.records.values()) {
    if (rec.config === id && !rec.configRead) {
      applyConfig(rec, json);
      index.addRecord(rec);
    }
  }
  index.schedule();
  return true;
}

/** The image screen read a summary: tag → digest (when opened by tag), the manifest and, for an image, its config. */
export async function observeSummary(index: RegistryIndex, repository: string, summary: ManifestSummary): Promise<void> {
  if (isValidTag(summary.reference)) observeTagDigest(index, repository, summary.reference, summary.digest);
  // The config first, so the manifest's record is complete when it is made.
  if (summary.kind === 'image' && summary.config.digest) await observeConfig(index, summary.config.digest, Buffer.from(summary.rawConfig, 'utf8'));
  await observeManifest(index, summary.digest, Buffer.from(summary.rawManifest, 'utf8'), summary.mediaType);
}
