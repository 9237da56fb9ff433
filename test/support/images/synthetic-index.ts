/**
 * Test and measurement support: fills an index with a synthetic registry (no network) whose
 * images share base layers the way real registries do — a few base images, each app image is a
 * base plus its own layers, some tags are multi-platform indexes, some tags share a digest.
 */
import { sha256 as sha } from '../digest';
import { buildIndex, buildManifest } from './image';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from './media-types';
import { emptyRepo } from '../../../src/main/index/model';
import { applyConfig, recordFromManifest } from '../../../src/main/index/record';
import type { RegistryIndex } from '../../../src/main/index/registry-index';

/** Shape of the synthetic registry. */
export interface SyntheticOptions {
  repositories: number;
  tagsPerRepository: number;
  /** Distinct base images (default 20). */
  bases?: number;
  /** One tag in this many is a two-platform index (default 10). */
  indexEvery?: number;
  /** Repositories per namespace (default 100). */
  perNamespace?: number;
}

/** A small deterministic pseudo-random generator (so runs are comparable). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Adds one image (manifest + config) to the index; returns its digest. */
export function addImage(
  index: RegistryIndex,
  name: string,
  layers: [string, number][],
  config: { created: string; labels?: Record<string, string>; os?: string; architecture?: string },
  format: 'oci' | 'docker' = 'oci',
): string {
  const cfg = { architecture: config.architecture ?? 'amd64', os: config.os ?? 'linux', created: config.created, config: { Labels: config.labels ?? {} } };
  const cfgText = JSON.stringify(cfg);
  const manifest = buildManifest(
    format,
    { mediaType: OCI_CONFIG, digest: sha(cfgText), size: cfgText.length },
    layers.map(([digest, size]) => ({ mediaType: OCI_LAYER_GZIP, digest, size })),
    { annotations: { name } },
  );
  const mediaType = manifest.mediaType as string;
  const text = JSON.stringify(manifest);
  const digest = sha(text);
  const rec = recordFromManifest(index.model.digests, digest, mediaType, manifest, text.length);
  applyConfig(rec, cfg);
  index.addRecord(rec);
  return digest;
}

/** Adds an index over `children` ([digest, platform]); returns its digest. */
export function addIndex(index: RegistryIndex, children: [string, string][]): string {
  const json = buildIndex(
    'oci',
    children.map(([digest, platform]) => {
      const [os, architecture] = platform.split('/');
      return { mediaType: OCI_MANIFEST, digest, size: 500, platform: { os, architecture } };
    }),
  );
  const text = JSON.stringify(json);
  const digest = sha(text);
  index.addRecord(recordFromManifest(index.model.digests, digest, OCI_INDEX, json, text.length));
  return digest;
}

/** Fills `index` with a synthetic registry; returns the number of tags. */
export function fillSynthetic(index: RegistryIndex, opts: SyntheticOptions): number {
  const rand = rng(42);
  const bases = Array.from({ length: opts.bases ?? 20 }, (_, b) =>
    Array.from({ length: 3 }, (_, l): [string, number] => [sha(`base ${b} layer ${l}`), Math.floor(5e6 + rand() * 3e7)]),
  );
  const labels = ['team=web', 'team=api', 'team=data', 'tier=prod', 'tier=dev'];
  let tags = 0;
  bases.forEach((layers, b) => {
    const digest = addImage(index, `library/base-${b}`, layers, { created: '2022-06-01T00:00:00Z' });
    const state = { ...emptyRepo(), gen: 1, refreshedAt: Date.UTC(2025, 0, 1) };
    state.tags.set('latest', index.model.digests.intern(digest));
    index.commitRepository(`library/base-${b}`, state);
    tags++;
  });
  for (let r = 0; r < opts.repositories; r++) {
    const name = `ns${Math.floor(r / (opts.perNamespace ?? 100))}/app-${r}`;
    const state = { ...emptyRepo(), gen: 1, refreshedAt: Date.UTC(2025, 0, 1) };
    const base = bases[r % bases.length];
    for (let t = 0; t < opts.tagsPerRepository; t++) {
      const created = new Date(Date.UTC(2023, 0, 1) + Math.floor(rand() * 730) * 86_400_000).toISOString();
      const [k, v] = labels[(r + t) % labels.length].split('=');
      const own = (p: string): [string, number][] => [[sha(`${name} ${t} ${p} a`), Math.floor(rand() * 5e7)], [sha(`${name} ${t} ${p} b`), Math.floor(rand() * 1e6)]];
      let digest: string;
      if (t % (opts.indexEvery ?? 10) === 9) {
        const amd = addImage(index, name, [...base, ...own('amd64')], { created, labels: { [k]: v }, architecture: 'amd64' });
        const arm = addImage(index, name, [...base, ...own('arm64')], { created, labels: { [k]: v }, architecture: 'arm64' });
        digest = addIndex(index, [[amd, 'linux/amd64'], [arm, 'linux/arm64']]);
      } else if (t % 7 === 6 && t > 0) {
        // A second tag on the previous tag's digest (like `latest` next to a version).
        digest = index.model.digests.name([...state.tags.values()].at(-1)!);
      } else {
        digest = addImage(index, name, [...base, ...own('amd64')], { created, labels: { [k]: v } });
      }
      state.tags.set(`v${t}.${r % 3}`, index.model.digests.intern(digest));
      tags++;
    }
    index.commitRepository(name, state);
  }
  return tags;
}
