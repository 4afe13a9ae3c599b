/**
 * Simulated time to artifact strings. Artifacts hold ISO-8601 UTC strings of `--epoch` plus
 * simulated seconds (contract section 8). `Date.prototype.toISOString` always prints UTC, so no
 * time zone setting can change a byte.
 */

/**
 * Parses an ISO-8601 instant to epoch milliseconds.
 * @returns null when `text` is not a parseable instant
 */
export function parseInstant(text: string): number | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** Turns simulated seconds since the run start into an ISO-8601 UTC string (millisecond precision, truncated). */
export class SimulatedCalendar {
  /** @param epochMs - simulated time zero, epoch milliseconds */
  constructor(readonly epochMs: number) {}

  /** The epoch as ISO-8601 UTC. */
  get epoch(): string {
    return new Date(this.epochMs).toISOString();
  }

  /** ISO-8601 UTC of `seconds` after the epoch. */
  iso(seconds: number): string {
    return new Date(this.epochMs + Math.floor(seconds * 1000)).toISOString();
  }
}
