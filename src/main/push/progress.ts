/**
 * Progress of one push: per-layer states and bytes, overall rate and ETA, emitted at most ten
 * times a second (plus the final event) so neither IPC nor the renderer drowns.
 */
import type { FinalPhase } from '../../shared/push-phase';
import type { LayerProgress, LayerState, PushNotice, PushProgress } from '../../shared/types';

/** Minimum gap between two emitted progress events. */
export const PROGRESS_INTERVAL_MS = 100;
const RATE_WINDOW_MS = 5000;

/** Collects progress and emits throttled snapshots. */
export class ProgressTracker {
  private phase: PushProgress['phase'] = 'reading';
  private readonly layers = new Map<string, LayerProgress>();
  private readonly samples: { t: number; bytes: number }[] = [];
  private lastEmit = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;
  private notice: PushNotice | null = null;
  private seq = 0;

  private readonly emit: (p: PushProgress) => void;

  constructor(
    private readonly pushId: string,
    emit: (p: PushProgress) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    // A listener that throws must not take the push (or, from a timer, the process) down.
    this.emit = (p) => {
      try {
        emit(p);
      } catch {
        // ignored on purpose
      }
    };
  }

  /** Registers a blob (layer or config) with its expected size; `key` is its diff ID or digest. */
  addLayer(key: string, bytesTotal: number): void {
    if (!this.layers.has(key)) this.layers.set(key, { digest: key, state: 'waiting', bytesDone: 0, bytesTotal });
  }

  /** Sets a blob's state; `exists`, `mounted` and `done` count it as complete. */
  setState(key: string, state: LayerState, digest?: string): void {
    const l = this.layers.get(key);
    if (!l) return;
    l.state = state;
    if (digest) l.digest = digest;
    if (state === 'exists' || state === 'mounted' || state === 'done') l.bytesDone = l.bytesTotal;
    this.changed();
  }

  /** Sets how many source bytes of a blob are through the pipeline (may go back on a restart). */
  setBytes(key: string, bytesDone: number): void {
    const l = this.layers.get(key);
    if (!l) return;
    l.bytesDone = Math.min(bytesDone, l.bytesTotal);
    this.changed();
  }

  /** Shows what the push waits for ("registry asked to wait, retrying in 4 s"), or clears it with null. */
  setNotice(notice: PushNotice | null): void {
    if (notice === null && this.notice === null) return;
    this.notice = notice;
    this.changed();
  }

  /** Moves the push to another phase (always emitted promptly). */
  setPhase(phase: PushProgress['phase']): void {
    this.phase = phase;
    this.changed();
  }

  /** Current snapshot. */
  snapshot(): PushProgress {
    const layers = [...this.layers.values()].map((l) => ({ ...l }));
    const bytesDone = layers.reduce((a, l) => a + l.bytesDone, 0);
    const bytesTotal = layers.reduce((a, l) => a + l.bytesTotal, 0);
    const t = this.now();
    this.samples.push({ t, bytes: bytesDone });
    while (this.samples.length > 2 && t - this.samples[0].t > RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    const rate = dt > 0.2 ? Math.max(0, (bytesDone - first.bytes) / dt) : 0;
    const left = bytesTotal - bytesDone;
    const eta = this.finished ? 0 : rate > 0 ? left / rate : null;
    const notice = this.finished ? null : this.notice;
    return { pushId: this.pushId, phase: this.phase, layers, bytesDone, bytesTotal, rate, eta, notice, seq: ++this.seq };
  }

  /** Emits the final event immediately and stops the throttle timer. */
  finish(phase: FinalPhase): PushProgress {
    this.phase = phase;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const snap = this.snapshot();
    this.emit(snap);
    return snap;
  }

  private changed(): void {
    if (this.finished || this.timer) return;
    const wait = this.lastEmit + PROGRESS_INTERVAL_MS - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = null;
    if (this.finished) return;
    this.lastEmit = this.now();
    this.emit(this.snapshot());
  }
}
