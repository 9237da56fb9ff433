/**
 * The index benchmark's registry, written straight into a docker-registry's storage (the layout
 * the browse bench's bulk seeding writes): a few base images whose layers most images share,
 * per-repository layers shared by a repository's tags, one own layer per image, every tenth tag a
 * two-platform index, every seventh a second tag on the previous tag's digest. Manifests and
 * configs are stored; layer blobs are only named (with their sizes) in the manifests, since
 * neither the index nor the bare client ever reads a layer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexOf, sha256 } from '../../test/support/digest';
import { buildConfig, buildIndex, buildManifest, descriptorOf, jsonBytes, platformField, type Descriptor, type Platform } from '../../test/support/images/image';
import { MEDIA } from '../../test/support/images/media-types';
import { linkStoredLayers, linkStoredManifest, writeStoredBlob, yieldNow } from '../../test/support/registry/storage';
import type { RunningRegistry } from '../../test/support/registry/start';

/** Shape of the seeded registry. */
export interface IndexSeedOptions {
  /** Repositories in all, the base images' included. */
  repositories: number;
  tagsPerRepository: number;
  /** Distinct base images (default 12, fewer for tiny runs). */
  bases?: number;
}

/** What seeding wrote and how long it took. */
export interface IndexSeedResult {
  repositories: number;
  tags: number;
  /** Distinct manifests (images, platform images and indexes) and configs stored. */
  manifests: number;
  configs: number;
  /** Distinct layer digests the manifests name, and how many of them the base images hold. */
  layers: number;
  baseLayers: number;
  ms: number;
}

/** `library/base-<b>` — the base image repositories (the first of the catalog). */
export const baseRepository = (b: number): string => `library/base-${b}`;

/** `ns<k>/app-<r>`, 100 repositories per namespace (the names bench/index-search's queries expect). */
export const appRepository = (r: number): string => `ns${Math.floor(r / 100)}/app-${r}`;

const LABELS = ['team=web', 'team=api', 'team=data', 'tier=prod', 'tier=dev'];
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64' };
const DAY = 86_400_000;

/** A small deterministic generator, so every run seeds the same registry. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Layer = { digest: string; size: number };
const layer = (name: string, size: number): Layer => ({ digest: sha256(`layer ${name}`), size: Math.floor(size) });

/** Writes the seeded registry into `reg`'s storage (no cache is configured, so it serves it at once). */
export async function seedIndexRegistry(reg: RunningRegistry, opts: IndexSeedOptions): Promise<IndexSeedResult> {
  const t0 = performance.now();
  const rand = rng(7);
  const bases = Math.max(1, Math.min(opts.bases ?? 12, Math.floor(opts.repositories / 4)));
  const baseLayers = Array.from({ length: bases }, (_, b) => [0, 1, 2].map((l) => layer(`base ${b}/${l}`, 5e6 + rand() * 3e7)));
  const written = new Set<string>();
  const layers = new Set<string>();
  const configs = new Set<string>();
  let tags = 0;

  const store = (digest: string, bytes: Buffer): void => {
    if (written.has(digest)) return;
    written.add(digest);
    writeStoredBlob(reg, digest, bytes);
  };
  /** Stores an image (config + manifest) for `repo` and returns its manifest's descriptor. */
  const image = (repo: string, ls: Layer[], created: string, labels: Record<string, string>, platform: Platform, format: 'docker' | 'oci'): Descriptor => {
    for (const l of ls) layers.add(l.digest);
    const config = jsonBytes(buildConfig(ls.map((l) => sha256(`diff ${l.digest}`)), { created, labels, platform }));
    const configDescriptor = descriptorOf(MEDIA[format].config, config);
    const manifest = jsonBytes(buildManifest(format, configDescriptor, ls.map((l) => ({ mediaType: MEDIA[format].layer, ...l }))));
    store(configDescriptor.digest, config);
    configs.add(configDescriptor.digest);
    store(sha256(manifest), manifest);
    linkStoredLayers(reg, repo, [configDescriptor.digest]);
    return descriptorOf(MEDIA[format].manifest, manifest, { platform: platformField(platform) });
  };
  const tag = (repo: string, name: string, digest: string): void => {
    linkStoredManifest(reg, repo, name, digest);
    tags++;
  };

  for (let r = 0; r < opts.repositories; r++) {
    const isBase = r < bases;
    const repo = isBase ? baseRepository(r) : appRepository(r - bases);
    const base = baseLayers[r % bases];
    const deps = layer(`${repo} deps`, 1e6 + rand() * 2e7);
    let previous = '';
    for (let t = 0; t < opts.tagsPerRepository; t++) {
      const created = new Date(Date.UTC(2023, 0, 1) + Math.floor(rand() * 730) * DAY).toISOString();
      const [k, v] = LABELS[(r + t) % LABELS.length].split('=');
      const own = (arch: string): Layer => layer(`${repo} ${t} ${arch}`, rand() * 5e7);
      const name = isBase && t === 0 ? 'latest' : `v${t}.${r % 3}`;
      let digest: string;
      if (isBase) {
        digest = image(repo, t === 0 ? base : [...base, own('patch')], '2022-06-01T00:00:00Z', {}, AMD64, 'docker').digest;
      } else if (t % 10 === 9) {
        const children = [AMD64, ARM64].map((p) => image(repo, [...base, deps, own(p.architecture)], created, { [k]: v }, p, 'oci'));
        for (const c of children) linkRevision(reg, repo, c.digest);
        const index = jsonBytes(buildIndex('oci', children));
        digest = sha256(index);
        store(digest, index);
      } else if (t % 7 === 6 && previous) {
        digest = previous; // a second tag on the previous tag's image, like `latest` next to a version
      } else {
        digest = image(repo, [...base, deps, own('amd64')], created, { [k]: v }, AMD64, 'docker').digest;
      }
      tag(repo, name, digest);
      previous = digest;
    }
    if (r % 50 === 49) await yieldNow();
  }
  return {
    repositories: opts.repositories,
    tags,
    manifests: written.size - configs.size,
    configs: configs.size,
    layers: layers.size,
    baseLayers: bases * 3,
    ms: performance.now() - t0,
  };
}

/** Links a manifest revision (an index's platform image) into a repository without a tag. */
function linkRevision(reg: RunningRegistry, repo: string, digest: string): void {
  const dir = join(reg.storageDir, 'docker/registry/v2/repositories', repo, '_manifests/revisions/sha256', hexOf(digest));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'link'), digest);
}
