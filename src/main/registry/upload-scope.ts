/**
 * The uploads of one push or copy: how they are cancelled and what is left to clean up. A cancel
 * stops new requests at once (`signal`) but lets a chunk in flight finish for a grace period
 * (`hardSignal` fires after it): distribution cannot DELETE a session whose last PATCH was cut.
 * Every session opened is tracked, so a failed or cancelled transfer DELETEs them all.
 */
import type { UploadSession } from './upload';

/** How long a cancelled upload lets a chunk in flight finish, so its session can still be DELETEd. */
export const UPLOAD_GRACE_MS = 20_000;

/** Cancellation and open sessions of one push or copy; `dispose()` when it is over. */
export class UploadScope {
  /** Sessions not finished nor given up yet. */
  readonly open = new Set<UploadSession>();
  private readonly soft = new AbortController();
  private readonly hard = new AbortController();
  private grace: ReturnType<typeof setTimeout> | null = null;
  private readonly onOuter = (): void => this.soft.abort();

  /** Follows `outer` (the caller's cancel). */
  constructor(
    private readonly outer?: AbortSignal,
    graceMs = UPLOAD_GRACE_MS,
  ) {
    this.soft.signal.addEventListener('abort', () => (this.grace = setTimeout(() => this.hard.abort(), graceMs)), { once: true });
    outer?.addEventListener('abort', this.onOuter, { once: true });
    if (outer?.aborted) this.soft.abort();
  }

  /** Fires on cancel or failure: start nothing more. */
  get signal(): AbortSignal {
    return this.soft.signal;
  }

  /** Fires a grace period after `signal`: cut bodies still in flight. */
  get hardSignal(): AbortSignal {
    return this.hard.signal;
  }

  /** Stops the transfer (the first failure calls it so sibling uploads stop too). */
  abort(): void {
    this.soft.abort();
  }

  /** Stops the transfer and DELETEs every session still open. */
  async cancelOpen(): Promise<void> {
    this.soft.abort();
    await Promise.all([...this.open].map((s) => s.cancel()));
  }

  /** Stops following the caller's signal and clears the grace timer. */
  dispose(): void {
    this.outer?.removeEventListener('abort', this.onOuter);
    if (this.grace) clearTimeout(this.grace);
  }
}
