/**
 * SimulatedCalendar.iso (src/util/time.ts) writes the time of day itself after the day's
 * `YYYY-MM-DDT` from toISOString: it must print exactly what toISOString prints, at day
 * boundaries, for millisecond fractions that truncate, going back in time, and near the last
 * artifact instant.
 */
import { describe, expect, it } from 'vitest';
import { LAST_ARTIFACT_MS, SimulatedCalendar } from '../../src/util/time.ts';
import { mulberry32 } from '../helpers/random.ts';

function expected(epochMs: number, seconds: number): string {
  return new Date(epochMs + Math.floor(seconds * 1000)).toISOString();
}

describe('SimulatedCalendar.iso', () => {
  it('prints hand-picked instants: midnight, the last millisecond of a day, a leap day, truncated fractions', () => {
    const calendar = new SimulatedCalendar(Date.UTC(2028, 1, 28, 23, 59, 59, 999));
    expect(calendar.iso(0)).toBe('2028-02-28T23:59:59.999Z');
    expect(calendar.iso(0.001)).toBe('2028-02-29T00:00:00.000Z');
    expect(calendar.iso(0.0019)).toBe('2028-02-29T00:00:00.000Z');
    // 3,723,010 ms after 23:59:59.999.
    expect(calendar.iso(3723.0109)).toBe('2028-02-29T01:02:03.009Z');
    expect(calendar.iso(86_400.1)).toBe('2028-03-01T00:00:00.099Z');
    // Back to an earlier day after a later one.
    expect(calendar.iso(0)).toBe('2028-02-28T23:59:59.999Z');
  });

  it('agrees with toISOString on 200,000 random instants, in random order, from 1970 to the last artifact instant', () => {
    const random = mulberry32(20261126);
    for (const epochMs of [0, Date.UTC(2026, 1, 1), Date.UTC(8999, 11, 31, 23, 59, 59, 999) - 5_000_000]) {
      const calendar = new SimulatedCalendar(epochMs);
      for (let i = 0; i < 200_000 / 3; i++) {
        // Mostly within a few days (as a run's times are), sometimes far out.
        const seconds = random() < 0.9 ? random() * 400_000 : random() * Math.min(1e9, (LAST_ARTIFACT_MS - epochMs) / 1000);
        const got = calendar.iso(seconds);
        if (got !== expected(epochMs, seconds)) expect(got, `epoch ${epochMs} + ${seconds} s`).toBe(expected(epochMs, seconds));
      }
    }
  });

  it('still refuses an instant past 9999-12-31T23:59:59.999Z', () => {
    const calendar = new SimulatedCalendar(LAST_ARTIFACT_MS - 1000);
    expect(calendar.iso(1)).toBe('9999-12-31T23:59:59.999Z');
    // 1.002 s is 1002 ms (1.001 * 1000 is 1000.9999..., truncated to 1000).
    expect(() => calendar.iso(1.002)).toThrow(RangeError);
  });
});
