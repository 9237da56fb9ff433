/**
 * OCI image layout (`oci-layout`, `index.json`, `blobs/…`): walks index → (nested indexes) →
 * manifests, skipping attestation manifests, and builds images from manifests plus configs.
 * https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
import type { Platform } from '../../shared/types';
import { digestOf } from '../registry/digest';
import { readPlatform } from '../registry/image-config';
import { DOCKER_CONFIG, isForeignMediaType, isIndexType, OCI_CONFIG } from '../registry/media-types';
import { type ArchiveContents, isObject, type JsonObject, missing, parseJson, readMetadata, resolveEntry } from './contents';
import { foreignLayer, loadConfig, storedLayer } from './image-config';
import { blobPath } from './paths';
import type { ArchiveImageEntry, ArchiveLayer } from './types';

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
export async function walkIndex(contents: ArchiveContents, lenient: boolean): Promise<FoundManifest[]> {
  const index = parseJson(contents, 'index.json', await readMetadata(contents, 'index.json', 'index.json'));
  if (!isObject(index) || !Array.isArray(index.manifests)) throw contents.errors.badJson('index.json', 'it has no "manifests" list');
  const found = new Map<string, FoundManifest>();
  const seen = new Set<string>();
  let firstMissing: { name: string; from: string } | null = null;

  async function visit(desc: unknown, from: string, inherited: string[], depth: number, top: boolean): Promise<void> {
    if (!isObject(desc) || typeof desc.digest !== 'string') throw contents.errors.badJson(from, 'a manifest descriptor has no digest');
    const name = blobPath(desc.digest);
    if (!name) throw contents.errors.badJson(from, `"${desc.digest}" is not a valid digest`);
    const own = tagsOf(desc);
    const tags = own.length ? own : inherited;
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
    if (isIndexType(mediaType) || Array.isArray(json.manifests)) {
      if (depth >= MAX_DEPTH) throw contents.errors.badJson(name, `indexes are nested more than ${MAX_DEPTH} deep`);
      for (const child of json.manifests ?? []) await visit(child, name, tags, depth + 1, false);
      return;
    }
    if (!isObject(json.config)) return; // not an image manifest (schema 1, unknown artifact)
    found.set(desc.digest, { digest: desc.digest, json, tags: [...tags], platform: readPlatform(desc.platform), attestation: isAttestation(desc) });
  }

  for (const desc of index.manifests) await visit(desc, 'index.json', [], 0, true);
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
  return { tags: m.tags, config: { digest: config.digest, bytes: config.bytes, json: config.json }, platform: m.platform ?? config.platform, created: config.created, layers };
}

/** Images of an OCI archive without manifest.json (podman oci-archive, BuildKit type=oci). */
export async function readOciImages(contents: ArchiveContents): Promise<Omit<ArchiveImageEntry, 'index'>[]> {
  const manifests = (await walkIndex(contents, false)).filter(isImageManifest);
  const images = [];
  for (const m of manifests) images.push(await imageFromManifest(contents, m));
  return images;
}
