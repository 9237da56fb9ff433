/**
 * Saves and copies of a session (issue 14): each runs in the background with progress as
 * `transfer:progress` events and can be cancelled. Where a save's archive goes is the shell's
 * business (SaveDestination): Electron asks with a native save dialog, the web shell writes a
 * temporary file and hands the browser a one-time download.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BerthError, toWireError } from '../../shared/errors';
import { isValidDigest } from '../../shared/reference';
import type { CopyRequest, SaveRequest, TransferId, TransferProgress, TransferSummary } from '../../shared/transfer-types';
import { makeSpoolDir } from '../archive/temp-root';
import type { ContentSource } from '../referrers/content';
import { copyImage, retag, type CopyTarget } from '../transfer/copy';
import { saveImage } from '../transfer/save';
import { initialTransferProgress } from '../transfer/progress';
import type { ServiceEvents } from './events';

/** Where a save's archive is written, and how the user gets it. */
export interface SaveDestination {
  /** A path for `suggested` (the user's choice in Electron); null when the user cancelled. */
  choose(suggested: string): Promise<{ path: string; overwrite: boolean } | null>;
  /** The archive is complete at `path`: a one-time download URL (web shell), or null when it stays there. */
  deliver(path: string, fileName: string): string | null;
  /** A save that failed or was cancelled left nothing at `path`; remove what `choose` made for it. */
  discard(path: string): Promise<void>;
  /** Removes every temporary file (the service is closing). */
  close?(): Promise<void>;
}

/** Finished transfers kept for `list()`. */
const KEEP_FINISHED = 50;
const FINISHED = new Set<TransferProgress['phase']>(['done', 'failed', 'cancelled']);

/** A file name for a saved tag: `app-1.0.tar` (`.oci.tar` for the OCI layout), nothing a file system refuses. */
export function archiveFileName(repository: string, reference: string, format: SaveRequest['format']): string {
  const base = repository.split('/').pop() ?? 'image';
  const ref = isValidDigest(reference) ? reference.slice(reference.indexOf(':') + 1, reference.indexOf(':') + 13) : reference;
  return `${`${base}-${ref}`.replace(/[^A-Za-z0-9._-]/g, '_')}${format === 'oci' ? '.oci' : ''}.tar`;
}

/**
 * Saves into private temporary folders (Berth's temp root, swept after a crash); `deliver` says
 * what the user gets. Default (tests, embedding): the archive just stays there until close.
 */
export function tempDestination(deliver: (path: string, fileName: string) => string | null = () => null): SaveDestination {
  const dirs = new Set<string>();
  return {
    async choose(suggested) {
      const dir = await makeSpoolDir('save');
      dirs.add(dir);
      return { path: join(dir, suggested), overwrite: false };
    },
    deliver,
    async discard(path) {
      dirs.delete(dirname(path));
      await rm(dirname(path), { recursive: true, force: true });
    },
    async close() {
      await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })));
      dirs.clear();
    },
  };
}

interface Running {
  summary: TransferSummary;
  controller: AbortController;
  done: Promise<void>;
  /** Where a save writes (main only; never sent to the renderer). */
  path?: string;
}


/** Starts, tracks and cancels the session's saves and copies. */
export class TransferManager {
  private readonly transfers = new Map<TransferId, Running>();
  private destination: SaveDestination = tempDestination();
  /** Saves to drag out of the desktop app's window: temporary files, removed at close. */
  private readonly dragFiles = tempDestination();
  /** Whether the shell's destination asks the user (then `forDrag` saves go to temporary files instead). */
  private asks = false;

  constructor(private readonly events: ServiceEvents) {}

  /** The shell's way of delivering saved archives (set by Electron and the web shell at start). */
  useDestination(destination: SaveDestination, opts: { asks?: boolean } = {}): void {
    this.destination = destination;
    this.asks = opts.asks === true;
  }

  /** Asks the destination for a file, then saves into it in the background; null when the user cancelled. */
  async startSave(src: ContentSource, request: SaveRequest): Promise<TransferId | null> {
    const fileName = archiveFileName(request.repository, request.reference, request.format);
    const destination = request.forDrag && this.asks ? this.dragFiles : this.destination;
    const where = await destination.choose(fileName);
    if (!where) return null;
    const shown = where.path.split(/[\\/]/).pop() ?? fileName;
    const entry = this.begin('save', request, null, shown);
    entry.path = where.path;
    entry.done = this.run(entry, async (signal, onProgress) => {
      try {
        const res = await saveImage({ ...src, signal }, request.reference, where.path, {
          format: request.format,
          platforms: request.platforms,
          withReferrers: request.withReferrers,
          overwrite: where.overwrite,
          onProgress,
        });
        entry.summary.download = destination.deliver(where.path, shown);
        return res.digest;
      } catch (err) {
        await destination.discard(where.path).catch(() => undefined);
        throw err;
      }
    });
    return entry.summary.transferId;
  }

  /** Copies in the background; into the same repository with every platform it only adds a tag (no blob traffic). */
  startCopy(src: ContentSource, dst: CopyTarget, request: CopyRequest, sameRepository: boolean): TransferId {
    const retagOnly = sameRepository && (!request.platforms || request.platforms.kind === 'all');
    const entry = this.begin(retagOnly ? 'retag' : 'copy', request, request.target, null);
    entry.done = this.run(entry, async (signal, onProgress) => {
      if (retagOnly) {
        const { digest } = await retag(src.client, src.repository, request.reference, dst.tag, signal);
        return digest;
      }
      const res = await copyImage({ ...src, signal }, request.reference, dst, { platforms: request.platforms, withReferrers: request.withReferrers, onProgress });
      return res.digest;
    });
    return entry.summary.transferId;
  }

  /** Cancels a running transfer; resolves when it has stopped (nothing left behind). */
  async cancel(id: TransferId): Promise<void> {
    const entry = this.transfers.get(id);
    if (!entry) throw new BerthError('INVALID_ARGUMENT', 'No save or copy with that id is known in this session. Refresh the list.');
    entry.controller.abort();
    await entry.done;
  }

  /** The finished save's file for dragging it out of the window (Electron); null when there is none. */
  finishedFile(id: TransferId): string | null {
    const entry = this.transfers.get(id);
    return entry?.summary.kind === 'save' && entry.summary.progress.phase === 'done' ? (entry.path ?? null) : null;
  }

  /** Every transfer of this session, newest first. */
  list(): TransferSummary[] {
    return [...this.transfers.values()].map((e) => structuredClone(e.summary)).reverse();
  }

  /** Cancels what runs and removes temporary archives. */
  async close(): Promise<void> {
    for (const e of this.transfers.values()) e.controller.abort();
    await Promise.all([...this.transfers.values()].map((e) => e.done));
    await this.destination.close?.();
    await this.dragFiles.close?.();
  }

  private begin(kind: TransferSummary['kind'], request: SaveRequest | CopyRequest, target: TransferSummary['target'], fileName: string | null): Running {
    const summary: TransferSummary = {
      transferId: randomUUID(),
      kind,
      source: { registryId: request.registryId, repository: request.repository, reference: request.reference },
      target,
      fileName,
      progress: initialTransferProgress(),
      download: null,
      digest: null,
      error: null,
      startedAt: new Date().toISOString(),
    };
    const entry: Running = { summary, controller: new AbortController(), done: Promise.resolve() };
    this.transfers.set(summary.transferId, entry);
    this.prune();
    this.emit(entry);
    return entry;
  }

  private async run(entry: Running, work: (signal: AbortSignal, onProgress: (p: TransferProgress) => void) => Promise<string>): Promise<void> {
    const onProgress = (p: TransferProgress): void => {
      // The final phase is set below, once the digest or the error is known.
      if (FINISHED.has(p.phase)) return;
      entry.summary.progress = p;
      this.emit(entry);
    };
    try {
      entry.summary.digest = await work(entry.controller.signal, onProgress);
      entry.summary.progress = { ...entry.summary.progress, phase: 'done', blobsDone: entry.summary.progress.blobsTotal, bytesDone: entry.summary.progress.bytesTotal, manifestsDone: entry.summary.progress.manifestsTotal };
    } catch (err) {
      const cancelled = entry.controller.signal.aborted;
      entry.summary.error = toWireError(err);
      entry.summary.progress = { ...entry.summary.progress, phase: cancelled ? 'cancelled' : 'failed' };
    }
    this.emit(entry);
  }

  private emit(entry: Running): void {
    this.events.emit('transfer:progress', structuredClone(entry.summary));
  }

  private prune(): void {
    const finished = [...this.transfers.values()].filter((e) => FINISHED.has(e.summary.progress.phase));
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.transfers.delete(e.summary.transferId);
  }
}
