/**
 * OCI image layout (`oci-layout`, `index.json`, `blobs/…`): walks index → (nested indexes) →
 * manifests, skipping attestation manifests, and builds images from manifests plus configs.
 * https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
import type { Platform } from '../../shared/types';
import { digestOf } from '../registry/digest';
import { parseReferrerTag } from '../registry/referrers';
import { readPlatform } from '../registry/image-config';
import { DOCKER_CONFIG, isForeignMediaType, isIndexType, OCI_CONFIG } from '../registry/media-types';
import { type ArchiveContents, blobSource, isObject, type JsonObject, missing, parseJson, readMetadata, resolveEntry } from './contents';
import { foreignLayer, loadConfig, storedLayer } from './image-config';
import { blobPath } from './paths';
import type { ArchiveImageEntry, ArchiveLayer, ArchiveLayout } from './types';

const MAX_DEPTH = 8;
const IMAGE_CONFIG_TYPES = new Set([OCI_CONFIG, DOCKER_CONFIG]);

/** An image manifest reached from index.json. */
export interface FoundManifest {
  digest: string;
  json: JsonObject;
  tags: string[];
  platform: Platform | null;
  /** Buildx attestation manifest (`vnd.docker.reference.type: attestation-manifest`). */
  attestation: boolean;
  /** The index it was reached through (the nearest), null for a manifest index.json names itself. */
  index: string | null;
}

/** An empty layout record, for walkIndex to fill. */
export function newLayout(contents: ArchiveContents): ArchiveLayout {
  return {
    manifests: new Map(),
    indexes: [],
    blob: (digest) => {
      const name = blobPath(digest);
      const entry = name ? resolveEntry(contents, name) : undefined;
      return entry ? blobSource(entry) : null;
    },
  };
}

function tagsOf(desc: JsonObject): string[] {
  const a = isObject(desc.annotations) ? desc.annotations : {};
  // containerd writes the full name here and only the tag in ref.name: prefer the full name.
  const name = a['io.containerd.image.name'] ?? a['org.opencontainers.image.ref.name'];
  return typeof name === 'string' && name ? [name] : [];
}

function isAttestation(desc: JsonObject): boolean {
  const a = isObject(desc.annotations) ? desc.annotations : {};
  if (a['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return isObject(desc.platform) && desc.platform.os === 'unknown' && desc.platform.architecture === 'unknown';
}

/**
 * Every image manifest reachable from index.json, deduplicated by digest (tags merged).
 * Missing children of a nested index are skipped (containerd saves only the platforms it has);
 * with `lenient`, missing top-level manifests are skipped too (manifest.json is the truth then).
 */
export async function walkIndex(contents: ArchiveContents, lenient: boolean, layout?: ArchiveLayout): Promise<FoundManifest[]> {
  const index = parseJson(contents, 'index.json', await readMetadata(contents, 'index.json', 'index.json'));
  if (!isObject(index) || !Array.isArray(index.manifests)) throw contents.errors.badJson('index.json', 'it has no "manifests" list');
  const found = new Map<string, FoundManifest>();
  const seen = new Set<string>();
  let firstMissing: { name: string; from: string } | null = null;

  async function visit(desc: unknown, from: string, inherited: string[], depth: number, top: boolean, parent: string | null, referrer: boolean): Promise<void> {
    if (!isObject(desc) || typeof desc.digest !== 'string') throw contents.errors.badJson(from, 'a manifest descriptor has no digest');
    const name = blobPath(desc.digest);
    if (!name) throw contents.errors.badJson(from, `"${desc.digest}" is not a valid digest`);
    const own = tagsOf(desc);
    const tags = own.length ? own : inherited;
    // Signatures, attestations and SBOMs saved under the referrers tag schema (`sha256-<hex>.sig` …) are no images to push.
    const isReferrer = referrer || (top && own.some((t) => parseReferrerTag(t.slice(t.lastIndexOf(':') + 1)) !== null));
    if (isReferrer && layout) {
      await remember(desc, name);
      return;
    }
    if (isReferrer) return;
    const prior = found.get(desc.digest);
    if (prior) {
      for (const t of tags) if (!prior.tags.includes(t)) prior.tags.push(t);
      return;
    }
    if (seen.has(desc.digest)) return; // an index reached twice (or a cycle)
    seen.add(desc.digest);
    if (!resolveEntry(contents, name)) {
      if (top && !lenient) throw missing(contents, name, `the manifest (listed in ${from})`);
      firstMissing ??= { name, from };
      return;
    }
    const bytes = await readMetadata(contents, name, 'the manifest');
    const actual = digestOf(bytes, desc.digest.slice(0, desc.digest.indexOf(':')));
    if (actual !== desc.digest) throw contents.errors.digestMismatch('The manifest', name, desc.digest, actual);
    const json = parseJson(contents, name, bytes);
    if (!isObject(json)) throw contents.errors.badJson(name, 'a manifest must be a JSON object');
    const mediaType = typeof desc.mediaType === 'string' ? desc.mediaType : json.mediaType;
    layout?.manifests.set(desc.digest, { digest: desc.digest, mediaType: typeof mediaType === 'string' ? mediaType : '', bytes, json });
    if (isIndexType(mediaType) || Array.isArray(json.manifests)) {
      if (depth >= MAX_DEPTH) throw contents.errors.badJson(name, `indexes are nested more than ${MAX_DEPTH} deep`);
      const children: unknown[] = Array.isArray(json.manifests) ? json.manifests : [];
      layout?.indexes.push({ digest: desc.digest, tags: own, children: children.filter(isObject).map((c) => String(c.digest ?? '')) });
      for (const child of children) await visit(child, name, tags, depth + 1, false, desc.digest, false);
      return;
    }
    if (!isObject(json.config)) return; // not an image manifest (schema 1, unknown artifact)
    found.set(desc.digest, { digest: desc.digest, json, tags: [...tags], platform: readPlatform(desc.platform), attestation: isAttestation(desc), index: parent });
  }

  /** Keeps a referrer's manifest (and those a fallback index lists) in the layout without making images of them. */
  async function remember(desc: JsonObject, name: string, depth = 0): Promise<void> {
    if (layout?.manifests.has(desc.digest) || !resolveEntry(contents, name) || depth > MAX_DEPTH) return;
    const bytes = await readMetadata(contents, name, 'the manifest');
    if (digestOf(bytes, desc.digest.slice(0, desc.digest.indexOf(':'))) !== desc.digest) return;
    const json = parseJson(contents, name, bytes);
    if (!isObject(json)) return;
    layout?.manifests.set(desc.digest, { digest: desc.digest, mediaType: typeof desc.mediaType === 'string' ? desc.mediaType : String(json.mediaType ?? ''), bytes, json });
    for (const child of Array.isArray(json.manifests) ? json.manifests : []) {
      const childName = isObject(child) && typeof child.digest === 'string' ? blobPath(child.digest) : null;
      if (childName) await remember(child, childName, depth + 1);
    }
  }

  for (const desc of index.manifests) await visit(desc, 'index.json', [], 0, true, null, false);
  if (found.size === 0 && firstMissing && !lenient) {
    const m = firstMissing as { name: string; from: string };
    throw missing(contents, m.name, `the manifest (listed in ${m.from})`);
  }
  return [...found.values()];
}

/** True when a manifest describes a runnable image (not an attestation or another artifact). */
export function isImageManifest(m: FoundManifest): boolean {
  const configType = m.json.config?.mediaType;
  return !m.attestation && (configType === undefined || IMAGE_CONFIG_TYPES.has(configType));
}

async function imageFromManifest(contents: ArchiveContents, m: FoundManifest): Promise<Omit<ArchiveImageEntry, 'index'>> {
  const from = blobPath(m.digest)!;
  const cfgDesc = m.json.config;
  const cfgName = typeof cfgDesc.digest === 'string' ? blobPath(cfgDesc.digest) : null;
  if (!cfgName) throw contents.errors.badJson(from, 'its config descriptor has no valid digest');
  const config = await loadConfig(contents, cfgName, cfgDesc.digest, from);
  const descs: unknown[] = Array.isArray(m.json.layers) ? m.json.layers : [];
  // diff_ids line up with layers one to one; if they do not, no diff ID can be trusted.
  const pair = descs.length === config.diffIds.length;
  const layers: ArchiveLayer[] = [];
  for (let i = 0; i < descs.length; i++) {
    const d = descs[i];
    const diffId = pair ? config.diffIds[i] : null;
    if (!isObject(d) || typeof d.digest !== 'string') throw contents.errors.badJson(from, `layer ${i + 1} has no digest`);
    if (isForeignMediaType(d.mediaType)) {
      layers.push(foreignLayer(d, diffId));
      continue;
    }
    const name = blobPath(d.digest);
    if (!name) throw contents.errors.badJson(from, `"${d.digest}" is not a valid digest`);
    layers.push(await storedLayer(contents, name, diffId, d.digest, typeof d.mediaType === 'string' ? d.mediaType : null));
  }
  return {
    tags: m.tags,
    config: { digest: config.digest, bytes: config.bytes, json: config.json },
    platform: m.platform ?? config.platform,
    created: config.created,
    layers,
    manifestDigest: m.digest,
    indexDigest: m.index,
  };
}

/** Images of an OCI archive without manifest.json (podman oci-archive, BuildKit type=oci); `layout` collects its manifests. */
export async function readOciImages(contents: ArchiveContents, layout?: ArchiveLayout): Promise<Omit<ArchiveImageEntry, 'index'>[]> {
  const manifests = (await walkIndex(contents, false, layout)).filter(isImageManifest);
  const images = [];
  for (const m of manifests) images.push(await imageFromManifest(contents, m));
  return images;
}
