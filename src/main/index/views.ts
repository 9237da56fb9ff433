/**
 * Plain, JSON-serialisable views of what the index holds (for the contract, the CLI's --json and
 * the screens), and the per-manifest figures the tags table shows: size and created date.
 */
import type { IndexModel, RepoState } from './model';
import { imageBytes, type ManifestRecord, type RecordKind } from './record';

/** A tag and the digest it points at. */
export interface IndexedTag {
  tag: string;
  digest: string;
}

/** One repository as indexed. */
export interface IndexedRepository {
  name: string;
  /** Sorted by tag. */
  tags: IndexedTag[];
  /** Stored manifests no tag reaches (children of other untagged indexes left out), sorted. */
  untagged: string[];
  /** When the whole repository was last read from the registry (ISO 8601), null if never. */
  refreshedAt: string | null;
  /** True when something seen since says the index is behind for this repository. */
  stale: boolean;
  error: string | null;
}

/** One manifest as indexed. */
export interface IndexedManifest {
  digest: string;
  mediaType: string;
  kind: RecordKind;
  /** Bytes of the manifest itself. */
  manifestSize: number | null;
  /** Config + layers; for an index the sum over its platform images (attestations aside); null when unknown. */
  size: number | null;
  config: { digest: string; size: number | null } | null;
  layers: { digest: string; size: number | null; foreign: boolean }[];
  children: { digest: string; platform: string | null; attestation: boolean }[];
  platform: string | null;
  /** An image's `created`; for an index the newest of its images. */
  created: string | null;
  labels: Record<string, string>;
  subject: string | null;
  artifactType: string | null;
}

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/** Size as the tags table shows it (image: config + layers; index: its platform images); NaN when unknown. */
export function displaySize(model: IndexModel, rec: ManifestRecord): number {
  if (rec.kind === 'image') return imageBytes(model.digests, rec);
  if (rec.kind !== 'index') return NaN;
  let sum = 0;
  let any = false;
  for (let i = 0; i < rec.children.length; i++) {
    if (rec.childAttestation[i]) continue;
    const child = model.records.get(rec.children[i]);
    if (!child || child.kind !== 'image') return NaN;
    sum += imageBytes(model.digests, child);
    any = true;
  }
  return any ? sum : NaN;
}

/** Created (ms): an image's own; for an index the newest of its platform images; NaN when unknown. */
export function displayCreated(model: IndexModel, rec: ManifestRecord): number {
  if (rec.kind !== 'index') return rec.created;
  let newest = NaN;
  for (let i = 0; i < rec.children.length; i++) {
    if (rec.childAttestation[i]) continue;
    const c = model.records.get(rec.children[i])?.created ?? NaN;
    if (Number.isFinite(c) && !(c <= newest)) newest = c;
  }
  return newest;
}

/** Untagged manifests of a repository that are not children of another untagged manifest. */
export function topLevelUntagged(model: IndexModel, r: RepoState): number[] {
  const below = new Set<number>();
  for (const d of r.untagged) for (const c of model.records.get(d)?.children ?? []) if (c !== d) below.add(c);
  return [...r.untagged].filter((d) => !below.has(d) && !r.missing.has(d));
}

/** The plain view of a repository. */
export function describeRepository(model: IndexModel, name: string, r: RepoState): IndexedRepository {
  const tags = [...r.tags].map(([tag, d]) => ({ tag, digest: model.digests.name(d) })).sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const untagged = topLevelUntagged(model, r).map((d) => model.digests.name(d)).sort();
  return { name, tags, untagged, refreshedAt: r.refreshedAt ? iso(r.refreshedAt) : null, stale: r.stale, error: r.error };
}

/** The plain view of a manifest record. */
export function describeManifest(model: IndexModel, rec: ManifestRecord): IndexedManifest {
  const t = model.digests;
  const foreign = new Set(rec.foreign ?? []);
  return {
    digest: t.name(rec.digest),
    mediaType: rec.mediaType,
    kind: rec.kind,
    manifestSize: finite(t.size(rec.digest)),
    size: finite(displaySize(model, rec)),
    config: rec.config >= 0 ? { digest: t.name(rec.config), size: finite(t.size(rec.config)) } : null,
    layers: Array.from(rec.layers, (l, i) => ({ digest: t.name(l), size: finite(t.size(l)), foreign: foreign.has(i) })),
    children: Array.from(rec.children, (c, i) => ({ digest: t.name(c), platform: rec.childPlatforms[i] ?? null, attestation: rec.childAttestation[i] === 1 })),
    platform: rec.platform,
    created: iso(displayCreated(model, rec)),
    labels: { ...(rec.labels ?? {}) },
    subject: rec.subject >= 0 ? t.name(rec.subject) : null,
    artifactType: rec.artifactType,
  };
}
