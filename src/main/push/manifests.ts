/**
 * The push's last step: the image manifest Berth writes for each target, PUT under each tag once
 * every blob is in place. One manifest format per image: Docker schema 2 when every layer is gzip
 * (what every client reads), otherwise OCI (the only format that can say "uncompressed tar" or "zstd").
 */
import { BerthError } from '../../shared/errors';
import type { Descriptor, PushedTag } from '../../shared/types';
import { digestOf } from '../registry/digest';
import { putManifest, type ManifestBytes } from '../registry/manifest-put';
import { DOCKER_CONFIG, DOCKER_MANIFEST, foreignMediaType, layerMediaType, OCI_CONFIG, OCI_MANIFEST, type LayerEncoding, type ManifestFormat } from '../registry/media-types';
import { cancelled } from '../registry/retry';
import type { PushContext } from './blob-push';
import type { PushedBlobs } from './blobs';
import type { ImagePlan } from './plan';
import type { PushTarget } from './targets';
import { storedMediaType, type VerbatimIndex } from './verbatim';

/** Docker schema 2 only when every layer is gzip; any uncompressed or zstd layer needs OCI. */
export function chooseManifestFormat(encodings: LayerEncoding[]): ManifestFormat {
  return encodings.every((e) => e === 'gzip') ? 'docker' : 'oci';
}

/** Serialises the manifest (layers in the config's diff_ids order). */
export function buildManifest(format: ManifestFormat, config: { digest: string; size: number }, layers: Descriptor[]): ManifestBytes {
  const mediaType = format === 'docker' ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: format === 'docker' ? DOCKER_CONFIG : OCI_CONFIG, digest: config.digest, size: config.size },
    layers: layers.map((l) => {
      const d: Descriptor = { mediaType: l.mediaType, digest: l.digest, size: l.size };
      if (l.urls?.length) d.urls = l.urls;
      if (l.annotations && Object.keys(l.annotations).length) d.annotations = l.annotations;
      return d;
    }),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  return { mediaType, bytes, digest: digestOf(bytes) };
}

/** The manifest's layer descriptors, given what each blob became in the target repository. */
export function layerDescriptors(plan: ImagePlan, pushed: Map<string, { digest: string; size: number }>): Descriptor[] {
  return plan.layers.map((l) => {
    if (l.kind === 'foreign') return { ...l.descriptor, mediaType: foreignMediaType(plan.format, l.descriptor.mediaType) };
    const blob = pushed.get(l.job.key);
    if (!blob) throw new BerthError('INTERNAL', `Layer ${l.job.key} was not pushed before its manifest. Please report this as a bug.`);
    return { mediaType: layerMediaType(plan.format, l.job.encoding), digest: blob.digest, size: blob.size };
  });
}

/** Registries reject foreign layers unless told to trust their URLs: say so instead of "missing blob". */
function foreignRefused(err: BerthError, foreign: ImagePlan['layers']): BerthError {
  const what = foreign.map((l) => (l.kind === 'foreign' ? `${l.descriptor.digest}${l.descriptor.urls?.length ? ` (${l.descriptor.urls[0]})` : ''}` : '')).join(', ');
  return new BerthError(
    err.code,
    `The registry refused the manifest because of its foreign (non-distributable) layer ${what}, which Berth does not upload. Allow those URLs on the registry (distribution: validation.manifests.urls.allow), or rebuild the image without foreign layers. (${err.message})`,
    err.detail,
  );
}

/** The archive's own manifest when the blobs pushed are exactly the ones it names, else null. */
function storedIfPushed(plan: ImagePlan, got: Map<string, { digest: string; size: number }>): ManifestBytes | null {
  const stored = plan.stored;
  if (!stored || got.get(plan.config.key)?.digest !== stored.json.config.digest) return null;
  const wanted: unknown[] = stored.json.layers;
  const same = plan.layers.every((l, i) => (wanted[i] as { digest?: string }).digest === (l.kind === 'foreign' ? l.descriptor.digest : got.get(l.job.key)?.digest));
  return same ? { mediaType: storedMediaType(stored), bytes: stored.bytes, digest: stored.digest } : null;
}

/** The manifest Berth PUTs for a planned image: the archive's own when it fits, else one built for the blobs pushed. */
export function manifestFor(plan: ImagePlan, got: Map<string, { digest: string; size: number }>): ManifestBytes {
  return storedIfPushed(plan, got) ?? buildManifest(plan.format, got.get(plan.config.key)!, layerDescriptors(plan, got));
}

/** PUTs each target's manifest under each of its tags (the client's retry interceptor retries them); returns what was tagged. */
export async function pushManifests(ctx: PushContext, targets: PushTarget[], plans: Map<number, ImagePlan>, blobs: PushedBlobs, indexes: VerbatimIndex[] = []): Promise<PushedTag[]> {
  const pushed: PushedTag[] = [];
  for (const t of targets) {
    const plan = plans.get(t.imageIndex)!;
    const got = blobs.get(t.repository)!;
    const manifest = manifestFor(plan, got);
    const foreign = plan.layers.filter((l) => l.kind === 'foreign');
    if (t.index) {
      // A platform of an index pushed as it is: by digest, under the index's tags below.
      if (manifest.digest !== plan.stored?.digest) throw notAsStored(t.index);
      await putManifest(ctx.client, t.repository, manifest.digest, manifest, { signal: ctx.signal });
      continue;
    }
    for (const tag of t.tags) {
      if (ctx.signal.aborted) throw cancelled();
      await putManifest(ctx.client, t.repository, tag, manifest, { signal: ctx.signal }).catch((err: unknown) => {
        throw foreign.length && err instanceof BerthError && /^MANIFEST_|UNEXPECTED_RESPONSE|SERVER_ERROR/.test(err.code) ? foreignRefused(err, foreign) : err;
      });
      pushed.push({ repository: t.repository, tag, digest: manifest.digest });
    }
  }
  return [...pushed, ...(await pushIndexes(ctx, targets, indexes))];
}

function notAsStored(index: string): BerthError {
  return new BerthError('INTERNAL', `A platform of the archive's index ${index} would not be pushed as the archive stores it. Nothing was tagged; please report this as a bug.`);
}

/** Each index target: its other children by digest, then the index itself under every tag. */
async function pushIndexes(ctx: PushContext, targets: PushTarget[], indexes: VerbatimIndex[]): Promise<PushedTag[]> {
  const pushed: PushedTag[] = [];
  const units = new Map<string, { repository: string; index: VerbatimIndex; tags: Set<string> }>();
  for (const t of targets) {
    const index = t.index ? indexes.find((i) => i.digest === t.index) : undefined;
    if (!index) continue;
    const key = `${t.repository}\0${index.digest}`;
    const unit = units.get(key) ?? { repository: t.repository, index, tags: new Set<string>() };
    for (const tag of t.tags) unit.tags.add(tag);
    units.set(key, unit);
  }
  for (const { repository, index, tags } of units.values()) {
    for (const m of index.others) {
      if (ctx.signal.aborted) throw cancelled();
      await putManifest(ctx.client, repository, m.digest, { mediaType: storedMediaType(m), bytes: m.bytes, digest: m.digest }, { signal: ctx.signal });
    }
    const bytes = { mediaType: storedMediaType(index.manifest), bytes: index.manifest.bytes, digest: index.digest };
    for (const tag of tags) {
      if (ctx.signal.aborted) throw cancelled();
      await putManifest(ctx.client, repository, tag, bytes, { signal: ctx.signal });
      pushed.push({ repository, tag, digest: index.digest });
    }
  }
  return pushed;
}
