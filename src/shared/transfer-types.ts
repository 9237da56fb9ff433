/**
 * Data types of saves and copies (issue 14): what the renderer asks for, and the transfers list
 * it shows. JSON-serialisable like types.ts.
 */
import type { WireError } from './errors';
import type { Platform, RegistryId } from './types';

/** Which platforms of a multi-platform tag: every one (the index as it is), one (its image alone), or some (a new index). */
export type PlatformChoice = { kind: 'all' } | { kind: 'one'; platform: Platform } | { kind: 'some'; platforms: Platform[] };

/** A snapshot of a transfer's progress (the transfers list and the CLI draw it). */
export interface TransferProgress {
  phase: 'resolving' | 'blobs' | 'manifests' | 'finishing' | 'done' | 'failed' | 'cancelled';
  blobsTotal: number;
  blobsDone: number;
  bytesTotal: number;
  /** Bytes accounted for: streamed, mounted or found already present. */
  bytesDone: number;
  /** Bytes that actually travelled (read from the source and written or uploaded). */
  bytesStreamed: number;
  bytesMounted: number;
  bytesSkipped: number;
  manifestsTotal: number;
  manifestsDone: number;
}

/** Archive formats a save writes: `docker load`-compatible, or an OCI image layout. */
export type ArchiveFormat = 'docker' | 'oci';

/** "Save as archive…": a tag (or digest) of a saved registry to a tarball. */
export interface SaveRequest {
  registryId: RegistryId;
  repository: string;
  reference: string;
  format: ArchiveFormat;
  /** Default: every platform. */
  platforms?: PlatformChoice;
  /** Signatures, attestations and SBOMs too (OCI format only). */
  withReferrers?: boolean;
  /**
   * Desktop app: save to a temporary file without asking where, to drag it out of the window
   * once done (`BerthClient.dragOut`). Elsewhere it is saved as any other save.
   */
  forDrag?: boolean;
}

/** "Copy to…": a tag to another repository or registry; the same repository means "add a tag" (retag). */
export interface CopyRequest {
  registryId: RegistryId;
  repository: string;
  reference: string;
  target: { registryId: RegistryId; repository: string; tag: string };
  platforms?: PlatformChoice;
  withReferrers?: boolean;
}

export type TransferId = string;

/** One row of the transfers list. */
export interface TransferSummary {
  transferId: TransferId;
  kind: 'save' | 'copy' | 'retag';
  /** `repository:tag` (or `@digest`) on its registry, for people. */
  source: { registryId: RegistryId; repository: string; reference: string };
  /** Copies: where to. */
  target: { registryId: RegistryId; repository: string; tag: string } | null;
  /** Saves: the file name (Electron: where it was saved; web shell: the name the download gets). */
  fileName: string | null;
  progress: TransferProgress;
  /** Web shell: a one-time URL that downloads the finished archive (null elsewhere and until done). */
  download: string | null;
  /** Digest the saved or copied tag points at, once done. */
  digest: string | null;
  error: WireError | null;
  startedAt: string;
}
