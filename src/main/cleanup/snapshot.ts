/**
 * One read of a repository's tag → digest map (list + HEAD every tag, bounded concurrency), used
 * by apply to check every planned digest against the registry as it stands: one snapshot per
 * apply instead of one full re-read per digest (N tags × D digests requests).
 */
import { readTagDigests, type RegistryClient } from '../registry';

/** How long a snapshot is trusted before apply reads the tags again. */
export const SNAPSHOT_MAX_AGE_MS = 30_000;

/** Tags per digest at one moment. */
export interface TagSnapshot {
  /** `Date.now()` when the read started (the conservative age). */
  takenAt: number;
  byDigest: Map<string, string[]>;
}

/** Lists every tag of `repository` and HEADs each one; a repository with no tags left is empty. */
export async function takeSnapshot(client: RegistryClient, repository: string, signal?: AbortSignal): Promise<TagSnapshot> {
  const takenAt = Date.now();
  const byDigest = new Map<string, string[]>();
  for (const { tag, digest } of await readTagDigests(client, repository, signal)) {
    if (digest) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
  }
  return { takenAt, byDigest };
}

/** The tags now on `digest` that the plan did not name for it (they would be deleted too). */
export function unexpectedTags(snapshot: TagSnapshot, digest: string, planned: readonly string[]): { now: string[]; unexpected: string[] } {
  const now = snapshot.byDigest.get(digest) ?? [];
  const ok = new Set(planned);
  return { now, unexpected: now.filter((t) => !ok.has(t)) };
}
