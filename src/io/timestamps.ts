/**
 * The latest of many ISO-8601 timestamps, without parsing every one (contract section 8: the
 * default epoch is the latest `timestamp` in the input).
 *
 * Timestamps that passed `TimestampSchema` have fixed-width fields, so two of the same length
 * and the same zone suffix (`Z`, or the same `+hh:mm`) have the same fraction width and
 * compare chronologically as strings. Runs of such same-shaped strings are reduced by string
 * comparison; only the maximum of each run is parsed. Real Phase 20 files are one run.
 */
const SUB_MILLISECOND = /(\.\d{3})\d+/;

export class LatestInstant {
  private length = -1;
  private suffix = '';
  private max = '';
  private bestMs: number | null = null;

  /** Offers one timestamp that passed `TimestampSchema` (`2026-11-21T23:05:01.347585+00:00`). */
  offer(timestamp: string): void {
    if (timestamp.length === this.length && timestamp.endsWith(this.suffix)) {
      if (timestamp > this.max) this.max = timestamp;
      return;
    }
    this.flush();
    this.length = timestamp.length;
    this.suffix = timestamp.endsWith('Z') ? 'Z' : timestamp.slice(-6);
    this.max = timestamp;
  }

  /**
   * Epoch milliseconds of the latest timestamp offered, or null when none was. Digits past
   * the millisecond are dropped (rounded down).
   */
  latestMs(): number | null {
    this.flush();
    return this.bestMs;
  }

  private flush(): void {
    if (this.max === '') return;
    const ms = Date.parse(this.max.replace(SUB_MILLISECOND, '$1'));
    if (!Number.isNaN(ms) && (this.bestMs === null || ms > this.bestMs)) this.bestMs = ms;
  }
}
