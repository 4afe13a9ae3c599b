/**
 * The latest of many ISO-8601 timestamps, without parsing every one (contract section 8: the
 * default epoch is the latest `timestamp` in the input).
 *
 * Timestamps that passed `TimestampSchema` have fixed-width fields, so two of the same length
 * and the same zone suffix (`Z`, or the same `+hh:mm`) have the same fraction width and
 * compare chronologically as strings. Runs of such same-shaped strings are reduced by string
 * comparison; only the maximum of each run is parsed. Real Phase 20 files are one run.
 *
 * {@link isTimestamp} is `TimestampSchema`'s check without zod, for the per-row fast path.
 */
import { inEpochYears } from '../schema/input.ts';

const SUB_MILLISECOND = /(\.\d{3})\d+/;

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const LETTER_T = 84;
const LETTER_Z = 90;

/** The two decimal digits at `at` as a number, or -1 when either is not an ASCII digit (`\d` in a regex without the `u` flag). */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const ones = text.charCodeAt(at + 1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** Days in `month` (1-12) of `year`, by the Gregorian rule zod's pattern spells out (Feb 29 when the year is divisible by 4 and not by 100, or by 400). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True exactly when `TimestampSchema` (src/schema/input.ts) accepts `value`: zod's ISO-8601
 * date-time pattern with `offset: true` (`YYYY-MM-DDTHH:MM:SS`, an optional fraction of one or
 * more digits, then `Z` or `+hh:mm`/`-hh:mm`; real calendar dates, hours 00-23, minutes and
 * seconds 00-59), then the same years check ({@link inEpochYears}). Checked character by
 * character: zod's `safeParse` per row was about 5% of pass 1 (issue 10). The schema stays the
 * reference and writes the error messages; test/io/timestamps.test.ts compares the two on
 * fuzzed strings.
 */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value;
  const length = text.length;
  if (length < 20) return false;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yy < 0 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== LETTER_T) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(century * 100 + yy, month)) return false;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return false;
  let at = 19;
  if (text.charCodeAt(at) === DOT) {
    at++;
    const first = at;
    while (at < length && text.charCodeAt(at) >= ZERO && text.charCodeAt(at) <= ZERO + 9) at++;
    if (at === first) return false;
  }
  const zone = text.charCodeAt(at);
  if (zone === LETTER_Z) {
    if (at + 1 !== length) return false;
  } else {
    if ((zone !== PLUS && zone !== DASH) || at + 6 !== length) return false;
    const offsetHours = twoDigits(text, at + 1);
    const offsetMinutes = twoDigits(text, at + 4);
    if (offsetHours < 0 || offsetHours > 23 || text.charCodeAt(at + 3) !== COLON || offsetMinutes < 0 || offsetMinutes > 59) return false;
  }
  return inEpochYears(text);
}

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
