/**
 * Pure helpers of the pre-flight sheet: the short form of an archive's tags, the default
 * destination, and the PushRequest a filled-in sheet stands for.
 */
import { DEFAULT_TAG, shortRef, splitRepoTag } from '../../shared/reference';
import type { ArchiveImage, Compression, FileHandle, PushRequest, RegistryId } from '../../shared/types';

/** Which image(s) of the archive: one by index, or every image under its own tags. */
export type ImageChoice = number | 'all';

/** What the sheet's form holds. */
export interface PreflightForm {
  registryId: RegistryId;
  choice: ImageChoice;
  allTags: boolean;
  destination: string;
  compression: Compression;
}

/** Adds `:latest` when a `repo[:tag]` names no tag, as the engine will. */
export function withTag(ref: string): string {
  const r = ref.trim();
  const { tag, digest } = splitRepoTag(r);
  return tag !== undefined || digest !== undefined ? r : `${r}:${DEFAULT_TAG}`;
}

/** The destination to propose for an image: its first tag, short; else the repository in view. */
export function defaultDestination(image: ArchiveImage | undefined, repositoryInView?: string): string {
  const first = image?.tags[0];
  if (first) return shortRef(first);
  return repositoryInView ? `${repositoryInView}:${DEFAULT_TAG}` : '';
}

/** The form's starting values for one image of the archive. */
export function defaultForm(images: ArchiveImage[], registryId: RegistryId, repositoryInView?: string): PreflightForm {
  const image = images[0];
  return {
    registryId,
    choice: 0,
    // Several original tags (app:1 and app:latest) usually all mean to be pushed.
    allTags: (image?.tags.length ?? 0) > 1,
    destination: defaultDestination(image, repositoryInView),
    compression: 'gzip',
  };
}

/** `repo:tag` references the push will write, in the short form the user typed or the archive holds. */
export function plannedTargets(images: ArchiveImage[], form: PreflightForm): string[] {
  if (form.choice === 'all') return [...new Set(images.flatMap((i) => i.tags.map((t) => withTag(shortRef(t)))))];
  const image = images.find((i) => i.index === form.choice);
  if (form.allTags) return [...new Set((image?.tags ?? []).map((t) => withTag(shortRef(t))))];
  return form.destination.trim() ? [withTag(form.destination)] : [];
}

/** Why the Push button is disabled, or null when the sheet can push. */
export function formProblem(images: ArchiveImage[], form: PreflightForm): string | null {
  if (!form.registryId) return 'Add a registry first: there is nowhere to push.';
  if (form.choice === 'all' || form.allTags) {
    return plannedTargets(images, form).length === 0 ? 'This image has no original tag; type a destination instead.' : null;
  }
  return form.destination.trim() ? null : 'Type a destination as repository:tag.';
}

/** The contract request for a filled-in sheet. */
export function buildPushRequest(handle: FileHandle, form: PreflightForm): PushRequest {
  const base = { handle, registryId: form.registryId, compression: form.compression };
  if (form.choice === 'all') return { ...base, useOriginalTags: true };
  if (form.allTags) return { ...base, image: form.choice, useOriginalTags: true };
  return { ...base, image: form.choice, target: form.destination.trim() };
}

/** One line per compression choice, shown under the select. */
export const COMPRESSION_HINTS: Record<Compression, string> = {
  gzip: 'Smallest upload that every registry and Docker version accepts.',
  none: 'Fastest for a registry on this machine or LAN; layers go up uncompressed (OCI media type).',
  zstd: 'Smaller and faster to unpack than gzip; pulling needs Docker 23+ or containerd 1.5+.',
};
