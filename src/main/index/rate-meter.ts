/** Requests per second over a sliding window, from cumulative counts sampled now and then. */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  /** Records the cumulative count at time `at` (ms). */
  sample(at: number, count: number): void {
    this.samples.push({ at, count });
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
  }

  /** Rate over the window (0 until two samples at least 1 ms apart exist). */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || last.at - first.at < 1) return 0;
    return Math.round(((last.count - first.count) * 1000 * 10) / (last.at - first.at)) / 10;
  }
}
