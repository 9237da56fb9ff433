/**
 * `docker save` archives: images come from manifest.json plus each config (the truth: Docker
 * 25.0.0 wrote OCI manifests with no layers into blobs/, so those only contribute media types).
 * Layers[i] pairs with the config's rootfs.diff_ids[i]; LayerSources lists foreign layers.
 */
import { type ArchiveContents, isObject, readJson, resolveEntry } from './contents';
import { foreignLayer, loadConfig, storedLayer } from './image-config';
import { type FoundManifest, walkIndex } from './oci-format';
import { digestFromName, normalizeEntryName } from './paths';
import type { ArchiveImageEntry, ArchiveLayer, ArchiveLayout } from './types';

type Image = Omit<ArchiveImageEntry, 'index'>;

function entryName(contents: ArchiveContents, raw: unknown, what: string, i: number): string {
  if (typeof raw !== 'string' || !raw) throw contents.errors.badJson('manifest.json', `image ${i + 1} has no ${what} path`);
  const name = normalizeEntryName(raw);
  if (name === null || name === '') throw contents.errors.unsafePath(raw);
  return name;
}

/** Media type of layer i from the OCI manifest of this config, only when its layers line up. */
function mediaTypeFrom(m: FoundManifest | undefined, count: number, i: number, digest: string | null): string | null {
  const layers = m?.json.layers;
  if (!Array.isArray(layers) || layers.length !== count) return null;
  const d = layers[i];
  if (!isObject(d) || typeof d.mediaType !== 'string') return null;
  return digest === null || d.digest === digest ? d.mediaType : null;
}

/** Images of a docker-save archive (legacy, or Docker 25+ with an OCI layout beside manifest.json). */
export async function readDockerImages(contents: ArchiveContents, layout?: ArchiveLayout): Promise<{ format: 'docker-legacy' | 'docker-oci'; images: Image[] }> {
  const manifest = await readJson(contents, 'manifest.json', 'manifest.json');
  if (!Array.isArray(manifest)) throw contents.errors.badJson('manifest.json', 'it must be a list of images');
  const ociLayout = resolveEntry(contents, 'index.json') !== undefined;
  const byConfig = new Map<string, FoundManifest>();
  const attestationConfigs = new Set<string>();
  if (ociLayout) {
    for (const m of await walkIndex(contents, true, layout)) {
      const cfg = m.json.config?.digest;
      if (typeof cfg !== 'string') continue;
      if (m.attestation) attestationConfigs.add(cfg);
      else byConfig.set(cfg, m);
    }
  }

  const images: Image[] = [];
  const seen = new Map<string, Image>();
  for (let i = 0; i < manifest.length; i++) {
    const item = manifest[i];
    if (!isObject(item)) throw contents.errors.badJson('manifest.json', `image ${i + 1} is not an object`);
    const configName = entryName(contents, item.Config, 'Config', i);
    const config = await loadConfig(contents, configName, digestFromName(configName), 'manifest.json');
    if (attestationConfigs.has(config.digest)) continue;
    const tags: string[] = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t: unknown): t is string => typeof t === 'string') : [];
    const prior = seen.get(config.digest);
    if (prior) {
      for (const t of tags) if (!prior.tags.includes(t)) prior.tags.push(t);
      continue;
    }
    const paths: unknown[] = Array.isArray(item.Layers) ? item.Layers : [];
    if (paths.length !== config.diffIds.length) {
      throw contents.errors.badJson(
        'manifest.json',
        `image ${i + 1} lists ${paths.length} layers but its config ${configName} has ${config.diffIds.length} diff IDs`,
      );
    }
    const sources = isObject(item.LayerSources) ? item.LayerSources : {};
    const oci = byConfig.get(config.digest);
    const layers: ArchiveLayer[] = [];
    for (let l = 0; l < paths.length; l++) {
      const diffId = config.diffIds[l];
      const foreign = sources[diffId];
      if (isObject(foreign)) {
        layers.push(foreignLayer(foreign, diffId));
        continue;
      }
      const name = entryName(contents, paths[l], `Layers[${l}]`, i);
      const target = resolveEntry(contents, name)?.name ?? name;
      const digest = /^blobs\/sha256\/[a-f0-9]{64}$/.test(target) ? `sha256:${target.slice(13)}` : null;
      layers.push(await storedLayer(contents, name, diffId, digest, mediaTypeFrom(oci, paths.length, l, digest)));
    }
    const image: Image = {
      tags,
      config: { digest: config.digest, bytes: config.bytes, json: config.json },
      platform: config.platform ?? oci?.platform ?? null,
      created: config.created,
      layers,
      manifestDigest: oci?.digest ?? null,
      indexDigest: oci?.index ?? null,
    };
    seen.set(config.digest, image);
    images.push(image);
  }
  return { format: ociLayout ? 'docker-oci' : 'docker-legacy', images };
}
