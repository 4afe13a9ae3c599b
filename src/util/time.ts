/**
 * Simulated time to artifact strings. Artifacts hold ISO-8601 UTC strings of `--epoch` plus
 * simulated seconds (contract section 8). `Date.prototype.toISOString` always prints UTC, so no
 * time zone setting can change a byte.
 *
 * Range: `toISOString` prints a 4-digit year up to 9999-12-31T23:59:59.999Z ({@link LAST_ARTIFACT_MS})
 * and `+010000-...` after it, which no ISO-8601 reader of the artifacts accepts. So input
 * timestamps and `--epoch` are held to the years {@link EPOCH_YEARS} (1970 to 8999), and each
 * run checks that its whole simulated span fits before the last instant
 * (`src/simulate/horizon.ts`).
 */

/**
 * Years an epoch (and an input timestamp, which may become the epoch) may name: 1970 to 8999,
 * leaving a thousand years of simulated time before {@link LAST_ARTIFACT_MS}.
 */
export const EPOCH_YEARS = { min: 1970, max: 8999 } as const;

/** Earliest epoch: 1970-01-01T00:00:00.000Z, epoch milliseconds. */
export const MIN_EPOCH_MS = Date.UTC(EPOCH_YEARS.min, 0, 1);

/** Latest epoch: 8999-12-31T23:59:59.999Z, epoch milliseconds. */
export const MAX_EPOCH_MS = Date.UTC(EPOCH_YEARS.max + 1, 0, 1) - 1;

/** The last instant an artifact can hold with a 4-digit year: 9999-12-31T23:59:59.999Z, epoch milliseconds. */
export const LAST_ARTIFACT_MS = Date.UTC(10000, 0, 1) - 1;

/**
 * Parses an ISO-8601 instant to epoch milliseconds.
 * @returns null when `text` is not a parseable instant
 */
export function parseInstant(text: string): number | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Why `ms` cannot be an epoch, or null when it can: it must lie in the years {@link EPOCH_YEARS}
 * ({@link MIN_EPOCH_MS} to {@link MAX_EPOCH_MS}). For `--epoch`: the CLI prints
 * `--epoch: <problem>`.
 */
export function epochRangeProblem(ms: number): string | null {
  if (Number.isFinite(ms) && ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS) return null;
  return `must be an instant in the years ${EPOCH_YEARS.min} to ${EPOCH_YEARS.max} (${new Date(MIN_EPOCH_MS).toISOString()} to ${new Date(MAX_EPOCH_MS).toISOString()})`;
}

const DAY_MS = 86_400_000;

/** `n` (0 to 99) with two digits. */
function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * Turns simulated seconds since the run start into an ISO-8601 UTC string (millisecond precision, truncated).
 *
 * Speed: {@link iso} runs several times per row. It keeps the `YYYY-MM-DDT` of the last day it
 * printed (from `toISOString`) and writes the time of day itself, five times faster than
 * `toISOString` for every instant; test/util/time.test.ts checks the two agree.
 */
export class SimulatedCalendar {
  /** Start of the day {@link #dayPrefix} names, epoch milliseconds (NaN before the first call). */
  #dayStartMs = Number.NaN;
  #dayPrefix = '';

  /** @param epochMs - simulated time zero, epoch milliseconds */
  constructor(readonly epochMs: number) {}

  /** The epoch as ISO-8601 UTC. */
  get epoch(): string {
    return new Date(this.epochMs).toISOString();
  }

  /**
   * ISO-8601 UTC of `seconds` after the epoch.
   * @throws RangeError past {@link LAST_ARTIFACT_MS}: a bug, since every run checks its span first
   */
  iso(seconds: number): string {
    const ms = this.epochMs + Math.floor(seconds * 1000);
    if (!(ms <= LAST_ARTIFACT_MS)) throw new RangeError(`simulated time ${seconds} s after ${this.epoch} is past 9999-12-31T23:59:59.999Z`);
    let t = ms - this.#dayStartMs;
    if (!(t >= 0 && t < DAY_MS)) {
      // Also when ms is not finite: toISOString then throws its RangeError, as before.
      this.#dayPrefix = new Date(ms).toISOString().slice(0, 11);
      this.#dayStartMs = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      t = ms - this.#dayStartMs;
    }
    const millis = t % 1000;
    return `${this.#dayPrefix}${pad2(Math.floor(t / 3_600_000))}:${pad2(Math.floor(t / 60_000) % 60)}:${pad2(Math.floor(t / 1000) % 60)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }
}
