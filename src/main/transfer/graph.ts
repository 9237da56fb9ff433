/**
 * What a save or a copy moves: the manifests of a tag — the index and every platform (or the
 * chosen ones), optionally their referrers and the tag schema's indexes — in the order a registry
 * accepts them (children before the index, referrers after their subject), and each blob once.
 */
import { BerthError } from '../../shared/errors';
import type { PlatformChoice } from '../../shared/transfer-types';
import type { Descriptor, Platform } from '../../shared/types';

export type { PlatformChoice };
import { ATTESTATION_DIGEST_KEY, isAttestation, readDescriptor, readImageManifest } from '../registry/image-config';
import { digestOf } from '../registry/digest';
import { fetchManifest, type FetchedManifest } from '../registry/manifest';
import { isImageType, isIndexType, OCI_INDEX } from '../registry/media-types';
import { fallbackTag } from '../registry/referrers';
import { manifestByDigest, type ContentSource } from '../referrers/content';
import { readReferrerTree } from '../referrers/discover';
import type { ReferrerNode } from '../referrers/types';


/** One manifest to move, with the exact bytes that give its digest. */
export interface GraphManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  role: 'root' | 'child' | 'referrer' | 'fallback-index';
  /** For a platform image: its platform (from the index entry). */
  platform: Platform | null;
  /** Tags it is kept under besides the root tag (cosign `.sig`/`.att`/`.sbom`, fallback `sha256-<hex>`). */
  tags: string[];
  /** For referrers: the digest they refer to. */
  subject: string | null;
  /** For referrers: the descriptor to list in a fallback index (artifactType, annotations). */
  descriptor: Descriptor & { artifactType?: string };
}

/** A blob to move (config or layer), once however many manifests share it. */
export interface GraphBlob {
  digest: string;
  size: number;
  mediaType: string;
}

/** The whole of what a save or a copy moves. */
export interface ImageGraph {
  repository: string;
  reference: string;
  /** The manifest the tag will point at (the source's, a chosen platform's, or a new index). */
  root: GraphManifest;
  /** Every manifest, in push order (root included). */
  manifests: GraphManifest[];
  blobs: GraphBlob[];
  /** The root is a new index of chosen platforms (its digest differs from the source tag's). */
  rebuilt: boolean;
}


/** True when `p` is the platform `want` asks for (variant only compared when asked). */
export function platformMatches(p: Platform | null | undefined, want: Platform): boolean {
  return !!p && p.os === want.os && p.architecture === want.architecture && (!want.variant || p.variant === want.variant);
}

/** `linux/arm64/v8` → a Platform; INVALID_ARGUMENT otherwise. */
export function parsePlatform(text: string): Platform {
  const parts = typeof text === 'string' ? text.split('/') : [];
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new BerthError('INVALID_ARGUMENT', `"${String(text)}" is not a platform; write it as os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8.`);
  }
  return parts[2] ? { os: parts[0], architecture: parts[1], variant: parts[2] } : { os: parts[0], architecture: parts[1] };
}

function entriesOf(m: FetchedManifest): Descriptor[] {
  return Array.isArray(m.json?.manifests) ? (m.json.manifests as unknown[]).map(readDescriptor).filter((d) => d.digest) : [];
}

function node(m: FetchedManifest, role: GraphManifest['role'], extra: Partial<GraphManifest> = {}): GraphManifest {
  return { digest: m.digest, mediaType: m.mediaType, bytes: m.bytes, role, platform: null, tags: [], subject: null, descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length }, ...extra };
}

const describe = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** The children of an index to keep, by the platform choice (buildx attestations follow their image). */
function chooseChildren(entries: Descriptor[], choice: PlatformChoice, what: string): Descriptor[] {
  if (choice.kind === 'all') return entries;
  const wanted = choice.kind === 'one' ? [choice.platform] : choice.platforms;
  const images: Descriptor[] = [];
  for (const w of wanted) {
    const hit = entries.find((e) => !isAttestation(e) && platformMatches(e.platform, w));
    if (!hit) {
      const offered = entries.filter((e) => !isAttestation(e) && e.platform).map((e) => describe(e.platform!));
      throw new BerthError('INVALID_ARGUMENT', `${what} has no ${describe(w)} image; it has ${offered.join(', ') || 'no platform images'}. Choose one of those.`);
    }
    if (!images.includes(hit)) images.push(hit);
  }
  const keep = new Set(images.map((i) => i.digest));
  return entries.filter((e) => keep.has(e.digest) || (isAttestation(e) && keep.has(e.annotations?.[ATTESTATION_DIGEST_KEY] ?? '')));
}

/** Resolves what moving `reference` of `src.repository` takes; nothing is written. */
export async function resolveGraph(src: ContentSource, reference: string, opts: { platforms?: PlatformChoice; withReferrers?: boolean } = {}): Promise<ImageGraph> {
  const choice = opts.platforms ?? { kind: 'all' };
  const top = await fetchManifest(src.client, src.repository, reference, src.signal);
  const what = `${src.repository}:${reference}`;
  const manifests: GraphManifest[] = [];
  let root: GraphManifest;
  let rebuilt = false;
  if (isIndexType(top.mediaType)) {
    const entries = entriesOf(top);
    const chosen = chooseChildren(entries, choice, what);
    const children: GraphManifest[] = [];
    for (const d of chosen) {
      const child = await manifestByDigest(src, d.digest).catch((err: unknown) => {
        if (err instanceof BerthError && err.code === 'MANIFEST_UNKNOWN') {
          throw new BerthError('MANIFEST_UNKNOWN', `${what} lists ${d.digest} (${d.platform ? describe(d.platform) : 'no platform'}) but the registry does not have it. Choose the platforms it has with --platform.`);
        }
        throw err;
      });
      if (isIndexType(child.mediaType)) throw new BerthError('UNSUPPORTED', `${what} nests an index inside its index; Berth moves one level of platforms.`);
      children.push(node(child, 'child', { platform: d.platform ?? null, descriptor: d }));
    }
    if (choice.kind === 'one') {
      root = { ...children.find((c) => !isAttestation(c.descriptor))!, role: 'root' };
      manifests.push(root);
    } else {
      manifests.push(...children);
      if (choice.kind === 'all') root = node(top, 'root');
      else {
        // A subset is a new index: same media type and annotations, only the chosen entries.
        const bytes = Buffer.from(JSON.stringify({ ...top.json, mediaType: top.json.mediaType ?? OCI_INDEX, manifests: (top.json.manifests as unknown[]).filter((e) => chosen.some((c) => c.digest === (e as { digest?: string }).digest)) }));
        root = { ...node({ ...top, bytes, digest: digestOf(bytes) }, 'root') };
        rebuilt = true;
      }
      manifests.push(root);
    }
  } else if (isImageType(top.mediaType)) {
    root = node(top, 'root');
    manifests.push(root);
  } else {
    throw new BerthError('UNSUPPORTED', `${what} is a ${top.mediaType}, not an image or an index; Berth saves and copies images.`);
  }
  if (opts.withReferrers) {
    const subjects = [root.digest, ...manifests.filter((m) => m.role === 'child').map((m) => m.digest)];
    const seen = new Set(manifests.map((m) => m.digest));
    for (const subject of subjects) {
      const tree = await readReferrerTree(src, subject);
      const add = async (n: ReferrerNode): Promise<void> => {
        if (!seen.has(n.digest)) {
          seen.add(n.digest);
          const m = await manifestByDigest(src, n.digest);
          manifests.push(node(m, 'referrer', { tags: n.tags, subject: n.subject, descriptor: { mediaType: n.mediaType, digest: n.digest, size: n.size, ...(n.artifactType ? { artifactType: n.artifactType } : {}), ...(Object.keys(n.annotations).length ? { annotations: n.annotations } : {}) } }));
        }
        for (const c of n.children) await add(c);
      };
      for (const n of tree.nodes) await add(n);
      for (const f of tree.fallbackIndexes) {
        if (seen.has(f.digest)) continue;
        seen.add(f.digest);
        manifests.push(node(await manifestByDigest(src, f.digest), 'fallback-index', { tags: [fallbackTag(f.subject)], subject: f.subject }));
      }
    }
  }
  const blobs = new Map<string, GraphBlob>();
  for (const m of manifests) {
    if (!isImageType(m.mediaType)) continue;
    const { config, layers } = readImageManifest(JSON.parse(m.bytes.toString('utf8')));
    // Foreign layers (with urls) are not stored by the registry: they stay where their URLs point.
    for (const d of [config, ...layers]) if (d.digest && !d.urls?.length && !blobs.has(d.digest)) blobs.set(d.digest, { digest: d.digest, size: d.size, mediaType: d.mediaType });
  }
  return { repository: src.repository, reference, root: root!, manifests, blobs: [...blobs.values()], rebuilt };
}
