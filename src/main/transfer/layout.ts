/**
 * The metadata files of a saved archive: OCI image layout (`oci-layout`, `index.json`) and, for
 * the docker format, `manifest.json` and `repositories` as Docker 25+ writes them beside it.
 * https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
import { DOCKER_HUB_HOST, isDockerHub, withHubLibrary } from '../../shared/reference';
import type { Descriptor } from '../../shared/types';
import { digestOf } from '../registry/digest';
import { isAttestation, readImageManifest } from '../registry/image-config';
import { isImageType, OCI_INDEX } from '../registry/media-types';
import { fallbackTag } from '../registry/referrers';
import type { GraphManifest, ImageGraph } from './graph';

/** Path of a blob inside the layout. */
export const blobName = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

/** A manifest Berth makes (a fallback index for referrers the source listed through its API). */
export interface MadeManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  tag: string;
  subject: string;
}

/**
 * Fallback indexes (`sha256-<hex>`, the referrers tag schema) for subjects whose referrers came
 * through the referrers API: without one, a layout or a registry without the API hides them.
 */
export function fallbackIndexesFor(graph: ImageGraph): MadeManifest[] {
  const covered = new Set(graph.manifests.filter((m) => m.role === 'fallback-index').map((m) => m.subject));
  const bySubject = new Map<string, GraphManifest[]>();
  for (const m of graph.manifests) {
    if (m.role !== 'referrer' || m.tags.length || !m.subject || covered.has(m.subject)) continue;
    bySubject.set(m.subject, [...(bySubject.get(m.subject) ?? []), m]);
  }
  return [...bySubject].map(([subject, list]) => {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: list.map((m) => m.descriptor) }));
    return { digest: digestOf(bytes), mediaType: OCI_INDEX, bytes, tag: fallbackTag(subject), subject };
  });
}

/** The name an archive gives the image (`host/repo:tag`; Docker Hub's short form); no tag when saved by digest. */
export interface ArchiveName {
  name: string;
  tag: string | null;
  full: string | null;
}

/** The name for `repository` on `host` with `tag`. */
export function archiveName(host: string, repository: string, tag: string | null): ArchiveName {
  const hub = isDockerHub(host);
  const name = hub ? repository.replace(/^library\//, '') : `${host}/${repository}`;
  if (tag === null) return { name, tag, full: null };
  return { name, tag, full: hub ? `${DOCKER_HUB_HOST}/${withHubLibrary(repository, host)}:${tag}` : `${name}:${tag}` };
}

/** `index.json`: the root under its tag, and every tag-schema manifest under its own tag. */
export function indexJson(graph: ImageGraph, made: MadeManifest[], name: ArchiveName, format: 'docker' | 'oci'): Buffer {
  const annotations: Record<string, string> = {};
  if (name.tag) annotations[REF_NAME] = name.tag;
  if (format === 'docker' && name.full) annotations[CONTAINERD_NAME] = name.full;
  const root = graph.root;
  const manifests: Descriptor[] = [{ mediaType: root.mediaType, digest: root.digest, size: root.bytes.length, ...(name.tag ? { annotations } : {}) }];
  for (const m of [...graph.manifests.filter((x) => x.role !== 'root'), ...made]) {
    for (const tag of 'role' in m ? m.tags : [m.tag]) manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, annotations: { [REF_NAME]: tag } });
  }
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

/** Platform images of the graph (not attestations, not referrers): what `docker load` loads. */
export function loadableImages(graph: ImageGraph): GraphManifest[] {
  return graph.manifests.filter((m) => (m.role === 'root' || m.role === 'child') && isImageType(m.mediaType) && !isAttestation(m.descriptor));
}

/**
 * `manifest.json` (one entry per platform image; only the first carries the tag, since
 * `docker load` would move it from one to the next) and `repositories`.
 */
export function dockerFiles(graph: ImageGraph, name: ArchiveName, diffIdsOf: (m: GraphManifest) => string[] | null): { manifest: Buffer; repositories: Buffer } {
  const images = loadableImages(graph);
  const entries = images.map((m, i) => {
    const { config, layers } = readImageManifest(JSON.parse(m.bytes.toString('utf8')));
    const entry: Record<string, unknown> = { Config: blobName(config.digest), RepoTags: i === 0 && name.tag ? [`${name.name}:${name.tag}`] : [], Layers: layers.map((l) => blobName(l.digest)) };
    const foreign = layers.map((l, j) => [l, j] as const).filter(([l]) => l.urls?.length);
    const diffIds = foreign.length ? diffIdsOf(m) : null;
    if (foreign.length && diffIds) {
      entry.LayerSources = Object.fromEntries(foreign.map(([l, j]) => [diffIds[j], { mediaType: l.mediaType, size: l.size, digest: l.digest, urls: l.urls }]));
    }
    return entry;
  });
  const first = images[0];
  const configHex = first ? readImageManifest(JSON.parse(first.bytes.toString('utf8'))).config.digest.split(':')[1] : '';
  return {
    manifest: Buffer.from(JSON.stringify(entries)),
    repositories: Buffer.from(JSON.stringify(first && name.tag ? { [name.name]: { [name.tag]: configHex } } : {})),
  };
}
