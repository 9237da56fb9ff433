/**
 * Progress of a save or a copy: bytes and blobs done out of the total, how blobs travelled
 * (streamed, mounted, already there), emitted at most ten times a second plus the last event.
 */
import { BerthError } from '../../shared/errors';
import type { TransferProgress } from '../../shared/transfer-types';

export type { TransferProgress };

const INTERVAL_MS = 100;

/** Counts of a transfer that has not started yet. */
export function initialTransferProgress(): TransferProgress {
  return {
    phase: 'resolving',
    blobsTotal: 0,
    blobsDone: 0,
    bytesTotal: 0,
    bytesDone: 0,
    bytesStreamed: 0,
    bytesMounted: 0,
    bytesSkipped: 0,
    manifestsTotal: 0,
    manifestsDone: 0,
  };
}

/** Collects counts and emits throttled snapshots; a listener that throws is ignored. */
export class TransferTracker {
  readonly p: TransferProgress = initialTransferProgress();
  private last = 0;

  constructor(private readonly listener?: (p: TransferProgress) => void) {}

  /** Sets totals once the graph is known. */
  plan(blobs: { size: number }[], manifests: number): void {
    this.p.blobsTotal = blobs.length;
    this.p.bytesTotal = blobs.reduce((n, b) => n + b.size, 0);
    this.p.manifestsTotal = manifests;
    this.emit(true);
  }

  phase(phase: TransferProgress['phase']): void {
    this.p.phase = phase;
    this.emit(true);
  }

  streamed(n: number): void {
    this.p.bytesStreamed += n;
    this.p.bytesDone += n;
    this.emit(false);
  }

  /** A blob that did not travel: `how` it got there. */
  blobWithout(how: 'mounted' | 'skipped', size: number): void {
    if (how === 'mounted') this.p.bytesMounted += size;
    else this.p.bytesSkipped += size;
    this.p.bytesDone += size;
    this.blobDone();
  }

  /** Takes back bytes of a blob attempt that is being retried from its start. */
  rewind(n: number): void {
    this.p.bytesStreamed -= n;
    this.p.bytesDone -= n;
  }

  blobDone(): void {
    this.p.blobsDone++;
    this.emit(false);
  }

  manifestDone(): void {
    this.p.manifestsDone++;
    this.emit(false);
  }

  private emit(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.last < INTERVAL_MS) return;
    this.last = now;
    try {
      this.listener?.({ ...this.p });
    } catch {
      // A broken listener must not break the transfer.
    }
  }
}

/** The error a cancelled transfer reports. */
export function transferCancelled(what: string): BerthError {
  return new BerthError('CANCELLED', `The ${what} was cancelled; nothing was left behind. Start it again to finish it.`);
}
