/**
 * The strict reading of an instant typed by a user (`--epoch`, the config file's `epoch`):
 * ISO-8601 / RFC 3339 with a time zone, normalised to `Date.prototype.toISOString` form.
 * Apart from `util/time.ts`'s `parseInstant`, which reads the input's timestamps leniently.
 */

/**
 * What {@link normaliseInstant} accepts, before its range checks: `YYYY-MM-DD`, or
 * `YYYY-MM-DDThh:mm[:ss[.fff...]]` and `Z` or an offset `+hh`, `+hhmm`, `+hh:mm`. Also the
 * `pattern` of `epoch` in the config file's JSON Schema.
 */
export const INSTANT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?))?$/;

/**
 * Parses an ISO-8601 / RFC 3339 instant into `Date.toISOString()` form (UTC, milliseconds).
 *
 * Accepted: `YYYY-MM-DD` (midnight UTC), or `YYYY-MM-DDThh:mm[:ss[.fff...]]` followed by `Z`
 * or an offset `+hh`, `+hhmm`, `+hh:mm`. A time without a zone is refused: it would depend
 * on the machine's time zone (contract section 8). Fractions beyond milliseconds are
 * truncated. Field ranges are checked (no 2024-02-30, no 24:00, no leap second).
 *
 * @returns the normalised string, or null when `text` is not such an instant or falls
 *   outside years 0000-9999 once converted to UTC.
 */
export function normaliseInstant(text: string): string | null {
  const m = INSTANT_PATTERN.exec(text);
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const hasTime = m[4] !== undefined;
  const hasZone = m[8] !== undefined || m[9] !== undefined;
  if (hasTime !== hasZone) return null;
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
  if (Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return null; // day past the end of the month
  date.setUTCHours(hour, minute, second, ms);
  const utc = new Date(date.getTime() - offsetMinutes * 60_000);
  const utcYear = utc.getUTCFullYear();
  return utcYear < 0 || utcYear > 9999 ? null : utc.toISOString();
}
