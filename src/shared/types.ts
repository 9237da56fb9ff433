/**
 * Plain data types of the contract. Everything here is JSON-serialisable: it crosses
 * IPC (structured clone), HTTP (JSON) and the CLI's --json output unchanged.
 */
import type { WireError } from './errors';

import type { CredentialSource, PresentedCertificate, RateLimit, RegistryId } from './connection-types';

export type * from './connection-types';
export type AuthScheme = 'none' | 'basic' | 'bearer';

/** Result of `GET /v2/` plus the probes the registry doctor runs. */
export interface RegistryCheck {
  reachable: boolean;
  /** `Docker-Distribution-API-Version` header, e.g. `registry/2.0`. */
  apiVersion: string | null;
  /** Scheme the registry demands (from the 401 challenge), `none` when `/v2/` answers 200 anonymously. */
  authScheme: AuthScheme;
  /** True when the stored credentials (or anonymous access) get a 200 from `/v2/`. */
  authenticated: boolean;
  /** `_catalog` answered; false for registries without a catalog (Docker Hub, GHCR). */
  catalog: boolean | null;
  /** Null when it could not be determined without deleting something. */
  deleteEnabled: boolean | null;
  /** OCI referrers API (`GET /v2/<name>/referrers/<digest>`) answered. */
  referrers: boolean | null;
  /** `POST /v2/_gc` offered by the registry (some self-built registries). */
  httpGarbageCollect: boolean | null;
  /** Where the credentials came from (null when they could not be looked up: see `error`). */
  credentials: CredentialSource | null;
  /** Docker Hub style rate-limit headers, as last seen on any answer from this registry. */
  rateLimit: RateLimit | null;
  /** With a TLS error: the certificate the registry presents, for the "untrusted certificate" screen. */
  certificate?: PresentedCertificate;
  error?: WireError;
}

export interface CatalogPage {
  repositories: string[];
  /** Cursor for the next page (`last=`), null at the end. */
  next: string | null;
}

export interface TagsPage {
  /** A repository whose tags were all deleted answers `"tags": null`: that is an empty list here. */
  tags: string[];
  next: string | null;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
}

export type ManifestKind = 'image' | 'index';

/** One row of the tags table: what two requests (manifest + config) can tell. */
export interface TagDetail {
  tag: string;
  digest: string;
  mediaType: string;
  kind: ManifestKind;
  /** Config + layers; for an index the sum over its image platforms (attestations excluded), when known. */
  size: number | null;
  created: string | null;
  platforms: Platform[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
}

/** One line of the config's history, lined up with the layer it produced (none for empty layers). */
export interface HistoryLine {
  createdBy: string;
  created: string | null;
  comment: string | null;
  emptyLayer: boolean;
  layer: Descriptor | null;
}

export interface ImageSummary {
  kind: 'image';
  repository: string;
  reference: string;
  digest: string;
  mediaType: string;
  platform: Platform | null;
  created: string | null;
  /** Config + compressed layers, in bytes. */
  size: number;
  config: Descriptor;
  layers: Descriptor[];
  /** Every history entry, empty layers included, in build order. */
  history: HistoryLine[];
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  user: string | null;
  labels: Record<string, string>;
  exposedPorts: string[];
  rawManifest: string;
  rawConfig: string;
}

export interface IndexEntry {
  descriptor: Descriptor;
  platform: Platform | null;
  /** Buildx attestation manifests (`vnd.docker.reference.type: attestation-manifest`) are labelled. */
  attestation: boolean;
  /** Digest of the image an attestation describes. */
  attestationFor: string | null;
  /** Config + layers of that platform's image; null when it could not be fetched. */
  size: number | null;
}

export interface IndexSummary {
  kind: 'index';
  repository: string;
  reference: string;
  digest: string;
  mediaType: string;
  manifests: IndexEntry[];
  rawManifest: string;
}

export type ManifestSummary = ImageSummary | IndexSummary;

/** What a delete of `repo:tag` will take with it, shown before anything is deleted. */
export interface DeletePlan {
  repository: string;
  digest: string;
  /** Every tag of the repository that points at `digest` (the requested one included). */
  tags: string[];
  /** True when these are all the repository's tags: it will be left empty. */
  leavesRepositoryEmpty: boolean;
}

export interface DeleteResult {
  repository: string;
  digest: string;
  deletedTags: string[];
  /** Referrers (signatures, attestations, SBOMs, fallback indexes) deleted with it, by digest. */
  deletedReferrers?: string[];
}

// ---- archives and pushes (issue: push engine; screens: push & cleanup) ----

/** Opaque token main issues for a file the user dropped or chose; the renderer never names paths. */
export type FileHandle = string;

export interface FileInfo {
  handle: FileHandle;
  name: string;
  size: number;
}

export type Compression = 'gzip' | 'none' | 'zstd';

export interface ArchiveImage {
  /** Position in the archive, for `--image N` and the pre-flight sheet. */
  index: number;
  tags: string[];
  configDigest: string;
  platform: Platform | null;
  layerCount: number;
  /** Bytes of config + layers as stored in the archive. */
  size: number;
  created: string | null;
}

export interface ArchiveInfo {
  handle: FileHandle;
  name: string;
  format: 'docker-legacy' | 'docker-oci' | 'oci';
  compressed: boolean;
  images: ArchiveImage[];
}

export interface PushRequest {
  handle: FileHandle;
  registryId: RegistryId;
  /** Which image of the archive; defaults to all images when `useOriginalTags` is set, else 0. */
  image?: number;
  /** `repo:tag` in the target registry; omitted means the image's own tags. */
  target?: string;
  /** Push every original tag of the chosen image(s). */
  useOriginalTags?: boolean;
  compression?: Compression;
}

export type PushId = string;
export type LayerState =
  | 'waiting'
  | 'checking'
  | 'exists'
  | 'mounted'
  | 'compressing'
  | 'uploading'
  | 'done'
  | 'failed';

export interface LayerProgress {
  digest: string;
  state: LayerState;
  bytesDone: number;
  bytesTotal: number;
}

/** What a push is waiting for while it rides out a fault ("registry asked to wait, retrying in 4 s"). */
export interface PushNotice {
  kind: 'rate-limited' | 'unreachable' | 'stalled' | 'cut' | 'server-error';
  message: string;
  retryInSeconds: number;
}

export interface PushProgress {
  pushId: PushId;
  phase: 'reading' | 'blobs' | 'manifest' | 'done' | 'failed' | 'cancelled';
  layers: LayerProgress[];
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate, null when unknown. */
  eta: number | null;
  /** Set while the push waits out a fault; absent or null otherwise. */
  notice?: PushNotice | null;
  /** Increases with every snapshot of one push, so a late or replayed snapshot never rewinds a newer one. */
  seq?: number;
}

export interface PushedTag {
  repository: string;
  tag: string;
  digest: string;
}

export interface PushOutcome {
  pushId: PushId;
  ok: boolean;
  pushed: PushedTag[];
  error?: WireError;
  /** Bytes that actually went over the wire (layers skipped or mounted send none). */
  bytesUploaded: number;
  seconds: number;
}

export interface PushSummary {
  pushId: PushId;
  request: PushRequest;
  fileName: string;
  progress: PushProgress;
  outcome: PushOutcome | null;
}
