/**
 * Where each image of an archive goes: an explicit `repo[:tag]`, or the image's own tags with
 * their registry host dropped (the target registry is the one the user chose).
 */
import { BerthError } from '../../shared/errors';
import type { PushRequest } from '../../shared/types';
import { DEFAULT_TAG, isValidRepository, isValidTag, looksLikeHost, splitRepoTag, withHubLibrary } from '../../shared/reference';

/** One image pushed to one repository under one or more tags. */
export interface PushTarget {
  imageIndex: number;
  repository: string;
  tags: string[];
  /** A platform of this archive index, pushed as it is: the image by digest, the index under `tags`. */
  index?: string;
}

/** An archive index that can be pushed as it is (push/verbatim.ts), and its images. */
export interface IndexUnit {
  digest: string;
  images: number[];
}

/** The minimum the resolver needs to know of an archive's images. */
export interface TaggedImage {
  index: number;
  tags: string[];
}

/**
 * Turns a tag as written in an archive (`app:1`, `docker.io/library/app:1`,
 * `other.host:5000/ns/app:1`) into a repository and tag of the target registry. Docker Hub's
 * `library/` prefix is added only when the target registry is Docker Hub. Null when the
 * reference carries no usable tag (a bare digest reference).
 */
export function normalizeOriginalTag(ref: string, registryHost: string): { repository: string; tag: string } | null {
  const split = splitRepoTag(ref.trim());
  if (split.tag === undefined && split.digest !== undefined) return null;
  const tag = split.tag ?? DEFAULT_TAG;
  const parts = split.name.split('/');
  if (parts.length > 1 && looksLikeHost(parts[0])) parts.shift();
  const repository = withHubLibrary(parts.join('/'), registryHost);
  if (!isValidRepository(repository) || !isValidTag(tag)) {
    throw new BerthError(
      'INVALID_REFERENCE',
      `The archive's tag "${ref}" is not a valid image reference. Give a target repository and tag for this image instead.`,
    );
  }
  return { repository, tag };
}

/** Parses an explicit target `repo[:tag]` (tag defaults to `latest`); a leading registry host equal to the target's is dropped. */
export function parseTarget(target: string, registryHost: string): { repository: string; tag: string } {
  let rest = target.trim();
  const bad = (why: string): BerthError =>
    new BerthError('INVALID_REFERENCE', `The target "${target}" is not valid: ${why}. Write it as repository[:tag], e.g. team/app:1.`);
  if (!rest) throw bad('it is empty');
  if (rest.includes('@')) throw bad('pushing to a digest is not possible, name a tag');
  const host = registryHost.toLowerCase();
  if (rest.toLowerCase().startsWith(`${host}/`)) rest = rest.slice(host.length + 1);
  const split = splitRepoTag(rest);
  const tag = split.tag ?? DEFAULT_TAG;
  const repository = withHubLibrary(split.name, registryHost);
  if (!isValidRepository(repository)) throw bad(`"${repository}" is not a valid repository name (lowercase letters, digits, . _ - separated by /)`);
  if (!isValidTag(tag)) throw bad(`"${tag}" is not a valid tag`);
  return { repository, tag };
}

/** Adds `tag` to the target of (image, repository), keeping first-seen order and no duplicates. */
function addTarget(out: PushTarget[], imageIndex: number, repository: string, tag: string, index?: string): void {
  const found = out.find((t) => t.imageIndex === imageIndex && t.repository === repository);
  if (!found) out.push({ imageIndex, repository, tags: [tag], ...(index ? { index } : {}) });
  else if (!found.tags.includes(tag)) found.tags.push(tag);
}

/**
 * Resolves a push request against the archive's images: an explicit target takes the chosen
 * image (default 0); otherwise the chosen image's own tags, or every image's with
 * `useOriginalTags` and no `image`. The same repository:tag claimed by two images is refused,
 * unless both are platforms of one of `indexes` (a multi-platform tag pushed as it is); without
 * an `image`, an explicit target of an image of such an index takes the whole index.
 */
export function resolveTargets(
  images: TaggedImage[],
  request: Pick<PushRequest, 'image' | 'target' | 'useOriginalTags'>,
  registryHost: string,
  indexes: IndexUnit[] = [],
): PushTarget[] {
  if (images.length === 0) throw new BerthError('ARCHIVE_EMPTY', 'The archive holds no image. Save an image into it (docker save IMAGE -o FILE) and try again.');
  const pick = (i: number): TaggedImage => {
    const img = images.find((x) => x.index === i);
    if (!img || !Number.isInteger(i)) {
      throw new BerthError('INVALID_ARGUMENT', `The archive has no image number ${i}; it holds ${images.length} image(s), numbered from 0.`);
    }
    return img;
  };
  const out: PushTarget[] = [];
  if (request.target !== undefined && request.target !== null && request.target !== '') {
    const img = pick(request.image ?? 0);
    const { repository, tag } = parseTarget(request.target, registryHost);
    const unit = request.image === undefined ? indexes.find((u) => u.images.includes(img.index)) : undefined;
    for (const i of unit?.images ?? [img.index]) addTarget(out, i, repository, tag, unit?.digest);
    return out;
  }
  let chosen = request.image !== undefined ? [pick(request.image)] : request.useOriginalTags ? images : [pick(0)];
  if (request.image === undefined && !request.useOriginalTags) {
    // The first image is a platform of a multi-platform tag: that tag, every platform.
    const unit = indexes.find((u) => u.images.includes(chosen[0].index));
    if (unit) chosen = images.filter((i) => unit.images.includes(i.index));
  }
  // Platforms of an index go up with it when every one of them is pushed.
  const unitOf = new Map<number, IndexUnit>();
  for (const u of indexes) if (u.images.every((i) => chosen.some((c) => c.index === i))) for (const i of u.images) unitOf.set(i, u);
  const owner = new Map<string, number>();
  for (const img of chosen) {
    const refs = img.tags.map((t) => normalizeOriginalTag(t, registryHost)).filter((r) => r !== null);
    if (refs.length === 0) {
      throw new BerthError(
        'INVALID_ARGUMENT',
        `Image ${img.index} of the archive has no tag, so there is nowhere to push it. Give a target repository:tag (for example app:1).`,
      );
    }
    for (const r of refs) {
      const key = `${r.repository}:${r.tag}`;
      const prev = owner.get(key);
      const sameUnit = prev !== undefined && unitOf.get(prev) !== undefined && unitOf.get(prev) === unitOf.get(img.index);
      if (prev !== undefined && prev !== img.index && !sameUnit) {
        throw new BerthError('INVALID_ARGUMENT', `Images ${prev} and ${img.index} of the archive both claim ${key}. Push one of them with --image N.`);
      }
      owner.set(key, img.index);
      addTarget(out, img.index, r.repository, r.tag, unitOf.get(img.index)?.digest);
    }
  }
  return out;
}
