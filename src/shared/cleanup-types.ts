/**
 * Data types of the cleanup contract (rules → plan → apply). JSON-serialisable like types.ts:
 * they cross IPC, HTTP and the CLI's --json unchanged.
 */
import type { WireError } from './errors';
import type { ReferrerDeleteSummary } from './supply-chain-types';

/**
 * Which tags a cleanup deletes. A tag is a **candidate** when it passes every delete filter that
 * is set (`olderThanDays`, `nameMatches`, `nameNotMatches`); with no delete filter set, every tag
 * is a candidate. A candidate is **kept** when any keep rule holds for it (`keepNewest`,
 * `keepSemver`). Registries delete by digest and a delete takes every tag on that digest, so a
 * candidate that shares its digest with a kept tag — or whose digest is a platform manifest of a
 * kept index — is **protected** and nothing is deleted for it.
 *
 * Tags whose created date is unknown are never deleted by a rule set that uses dates
 * (`keepNewest` or `olderThanDays`). At least one rule must be set (`keepNewest: 0` and
 * `keepSemver: false` count as unset); to empty a repository on purpose use `nameMatches: "*"`.
 *
 * Patterns: a glob matched against the whole tag (`*` any run of characters, `?` one character,
 * everything else literal, case-sensitive), or a JavaScript regular expression when wrapped in
 * slashes (`/^pr-\d+$/`, flags `i` `m` `s` `u` allowed after the closing slash; not anchored
 * unless the expression says so).
 */
export interface CleanupRules {
  /** Keep rule: keep the tags of the N newest images (distinct digests, by created date; ties at the Nth are kept too). */
  keepNewest?: number;
  /** Delete filter: only tags whose image was created more than this many days before the evaluation. */
  olderThanDays?: number;
  /** Delete filter: only tags whose name matches this glob or /regex/. */
  nameMatches?: string;
  /** Delete filter: only tags whose name does NOT match this glob or /regex/. */
  nameNotMatches?: string;
  /** Keep rule: keep release tags `MAJOR.MINOR.PATCH` or `vMAJOR.MINOR.PATCH` (digits only, no prerelease suffix). */
  keepSemver?: boolean;
}

/** What the cleanup decided for one tag. */
export type CleanupDecision = 'delete' | 'keep' | 'protected';

/** One tag of the evaluated repository. */
export interface CleanupTagRow {
  tag: string;
  digest: string;
  created: string | null;
  /** Config + layers (sum over platforms for an index), as in TagDetail; null when unknown. */
  size: number | null;
  decision: CleanupDecision;
  /** Why, for people: "among the 2 newest", "older than 30 days", "shares sha256:ab12cd34ef56… with kept tag 1.0". */
  reason: string;
}

/** One manifest digest the cleanup deletes, with every tag that goes with it. */
export interface CleanupDigest {
  digest: string;
  tags: string[];
}

/** A cleanup evaluated against the registry, shown before anything is deleted. */
export interface CleanupPlan {
  repository: string;
  rules: CleanupRules;
  /** ISO time the rules were evaluated at ("older than" is measured from here). */
  evaluatedAt: string;
  /** Every tag of the repository, newest first (unknown dates last). */
  tags: CleanupTagRow[];
  /** What apply will delete: one entry per digest, all of whose tags are `delete` rows. */
  deleteDigests: CleanupDigest[];
  /**
   * Bytes of blobs (configs and layers, each counted once) referenced only by deleted manifests,
   * within this repository. Space returns only after the registry's garbage collection; blobs of
   * index children that the delete leaves untagged (`untaggedChildren`) need `--delete-untagged`,
   * and a blob another repository also uses is not freed at all.
   */
  freedBytes: number;
  /** Platform manifests of deleted indexes that no remaining tag or index refers to any more. */
  untaggedChildren: string[];
  /** Number of tags per decision. */
  keptCount: number;
  deleteCount: number;
  protectedCount: number;
  /**
   * Signatures, attestations and SBOMs of the deleted images (and of the children they leave
   * untagged), deleted with them so none is left without its subject; their bytes are in
   * `freedBytes`. Their tags (`sha256-….sig` …) are never rows of `tags`: rules do not apply to them.
   */
  referrers?: ReferrerDeleteSummary;
}

/** Outcome for one digest of a cleanup. */
export interface CleanupDigestResult {
  digest: string;
  tags: string[];
  /** Deleted (or, in a dry run, would be deleted as things stand now). */
  ok: boolean;
  error?: WireError;
}

/** What applying a plan did (or, for a dry run, would do). */
export interface CleanupResult {
  repository: string;
  /** One entry per digest attempted, in plan order. */
  deleted: CleanupDigestResult[];
  /** Digests never attempted because the run stopped early (see `stopped`). */
  notAttempted: CleanupDigest[];
  /** Why the run stopped early (UNSUPPORTED: delete disabled; CANCELLED), or null when it ran through. */
  stopped: WireError | null;
  dryRun: boolean;
  /** Referrers deleted (or, in a dry run, that would be) with their subjects, by digest; `error` when that step failed. */
  referrers?: { deleted: string[]; error: WireError | null };
}

/** Progress of planning (tags read) or applying (digests deleted). */
export interface CleanupProgress {
  repository: string;
  done: number;
  total: number;
  /** Tag being read or digest being deleted; null when finished. */
  current: string | null;
}
