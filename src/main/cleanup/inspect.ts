/**
 * Reads what a cleanup needs from the registry: each tag's digest, created date and size, and
 * the manifest graph (index → children → config and layer blobs) for the freed-space count.
 * Every manifest and config is fetched once, however many tags share it.
 */
import { BerthError, type ErrorCode } from '../../shared/errors';
import { mapLimit } from '../../shared/limiter';
import {
  MAX_CONFIG_BYTES,
  fetchBlobBytes,
  fetchManifest,
  headManifest,
  imageSize,
  isAttestation,
  isImageType,
  isIndexType,
  readDescriptor,
  readImageManifest,
  type FetchedManifest,
  type RegistryClient,
} from '../registry';
import type { CleanupInputRow } from './rules';

/** One manifest of the repository as the freed-space count sees it. */
export interface ManifestNode {
  digest: string;
  kind: 'image' | 'index' | 'other';
  /** Config and layer blobs stored in the registry (foreign layers with `urls` are not). */
  blobs: { digest: string; size: number }[];
  /** Direct child manifests (index entries), attestations included. */
  children: string[];
}

/** Rows for the rules plus every manifest reached from the tags. */
export interface RepositoryGraph {
  rows: CleanupInputRow[];
  nodes: Map<string, ManifestNode>;
  /** The referrers tag schema's tags (`sha256-<hex>[.sig|.att|.sbom]`): not rows, rules never see them. */
  referrerTags?: string[];
}

/** Errors that mean "this content is missing or unreadable", as opposed to "the registry is unreachable". */
const CONTENT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'MANIFEST_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'BLOB_UNKNOWN',
  'NAME_UNKNOWN',
  'UNSUPPORTED',
  'DIGEST_MISMATCH',
  'UNEXPECTED_RESPONSE',
]);
const isContentError = (err: unknown): err is BerthError => err instanceof BerthError && CONTENT_ERRORS.has(err.code);

/** How many tags are read at once (the client bounds requests to the registry as well). */
const TAG_CONCURRENCY = 8;
/** Indexes nested deeper than this are not followed. */
const MAX_DEPTH = 4;

/** Reads every tag of `tags` into rows and a manifest graph; `onTag` is called after each tag. */
export async function readRepository(
  client: RegistryClient,
  repository: string,
  tags: string[],
  opts: { signal?: AbortSignal; onTag?: (tag: string) => void } = {},
): Promise<RepositoryGraph> {
  const { signal } = opts;
  const manifests = new Map<string, Promise<FetchedManifest | null>>();
  const configs = new Map<string, Promise<string | null>>();
  const nodes = new Map<string, ManifestNode>();

  const byDigest = (digest: string): Promise<FetchedManifest | null> => {
    let p = manifests.get(digest);
    if (!p) {
      p = fetchManifest(client, repository, digest, signal).catch((err: unknown) => {
        // A sparse index (platforms never pushed) is normal: the child is simply absent.
        if (isContentError(err)) return null;
        throw err;
      });
      manifests.set(digest, p);
    }
    return p;
  };

  const createdOf = (configDigest: string): Promise<string | null> => {
    let p = configs.get(configDigest);
    if (!p) {
      p = fetchBlobBytes(client, repository, configDigest, MAX_CONFIG_BYTES, signal).then(
        (bytes) => readCreated(bytes),
        (err: unknown) => {
          if (isContentError(err)) return null;
          throw err;
        },
      );
      configs.set(configDigest, p);
    }
    return p;
  };

  /** Records `m` and everything below it; returns the digests below it. */
  const visit = async (m: FetchedManifest, depth: number): Promise<string[]> => {
    const node = nodeOf(m);
    nodes.set(m.digest, node);
    if (node.kind !== 'index' || depth >= MAX_DEPTH) return [];
    const below = await mapLimit(node.children, 4, async (d) => {
      const child = await byDigest(d);
      return child ? [d, ...(await visit(child, depth + 1))] : [d];
    });
    return [...new Set(below.flat())];
  };

  const readTag = async (tag: string): Promise<CleanupInputRow | null> => {
    let m: FetchedManifest;
    try {
      m = await fetchManifest(client, repository, tag, signal);
    } catch (err) {
      if (!isContentError(err)) throw err;
      if (err.code === 'MANIFEST_UNKNOWN' || err.code === 'NAME_UNKNOWN') return null; // deleted since the listing
      const head = await headManifest(client, repository, tag, signal).catch(() => null);
      if (!head) throw err;
      return { tag, digest: head.digest, created: null, size: null, forceKeep: `Berth could not read this manifest (${err.message}); cleanup never deletes it` };
    }
    if (!manifests.has(m.digest)) manifests.set(m.digest, Promise.resolve(m));
    const children = await visit(m, 0);
    if (isImageType(m.mediaType)) {
      const { config } = readImageManifest(m.json);
      return { tag, digest: m.digest, created: config.digest ? await createdOf(config.digest) : null, size: imageSize(m.json) };
    }
    if (!isIndexType(m.mediaType)) {
      return { tag, digest: m.digest, created: null, size: null, forceKeep: `not an image or index (${m.mediaType}); cleanup never deletes it` };
    }
    // Created and size as the tags table shows them: platform images only, attestations aside.
    const platformEntries = entries(m).filter((d) => !isAttestation(d) && isImageType(d.mediaType));
    const images = await Promise.all(platformEntries.map((d) => byDigest(d.digest)));
    const size = images.length && images.every((c) => c !== null) ? images.reduce((n, c) => n + imageSize(c!.json), 0) : null;
    const first = images.find((c) => c !== null);
    const cfg = first ? readImageManifest(first.json).config.digest : '';
    return { tag, digest: m.digest, created: cfg ? await createdOf(cfg) : null, size, children };
  };

  const rows = await mapLimit(tags, TAG_CONCURRENCY, async (tag) => {
    const row = await readTag(tag);
    opts.onTag?.(tag);
    return row;
  });
  return { rows: rows.filter((r): r is CleanupInputRow => r !== null), nodes };
}

function entries(m: FetchedManifest) {
  return Array.isArray(m.json?.manifests) ? (m.json.manifests as unknown[]).map(readDescriptor).filter((d) => d.digest) : [];
}

function nodeOf(m: FetchedManifest): ManifestNode {
  if (isImageType(m.mediaType)) {
    const { config, layers } = readImageManifest(m.json);
    const blobs = [config, ...layers].filter((d) => d.digest && !d.urls?.length).map((d) => ({ digest: d.digest, size: d.size }));
    return { digest: m.digest, kind: 'image', blobs, children: [] };
  }
  if (isIndexType(m.mediaType)) return { digest: m.digest, kind: 'index', blobs: [], children: [...new Set(entries(m).map((d) => d.digest))] };
  return { digest: m.digest, kind: 'other', blobs: [], children: [] };
}

/** `created` of an image config, or null when absent or not JSON. */
function readCreated(bytes: Buffer): string | null {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { created?: unknown } | null;
    return typeof json?.created === 'string' ? json.created : null;
  } catch {
    return null;
  }
}
