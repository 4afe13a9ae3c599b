import { describe, expect, it } from 'vitest';
import { isTimestamp, LatestInstant } from '../../src/io/timestamps.ts';
import { TimestampSchema } from '../../src/schema/input.ts';
import { mulberry32 } from '../helpers/random.ts';

function latest(...timestamps: string[]): string | null {
  const instant = new LatestInstant();
  for (const t of timestamps) instant.offer(t);
  const ms = instant.latestMs();
  return ms === null ? null : new Date(ms).toISOString();
}

describe('LatestInstant', () => {
  it('is null when nothing was offered', () => {
    expect(latest()).toBeNull();
  });
  it('compares same-shaped strings and parses only run maxima', () => {
    expect(latest('2026-11-21T23:05:01.347585+00:00', '2026-11-21T23:05:01.772240+00:00', '2026-11-21T23:05:01.426230+00:00')).toBe('2026-11-21T23:05:01.772Z');
  });
  it('compares instants across zones and fraction widths', () => {
    // 01:00+02:00 is 23:00Z, earlier than 23:30Z; "…:59Z" is shorter than "…:59.5Z" but earlier.
    expect(latest('2026-01-01T23:30:00Z', '2026-01-02T01:00:00+02:00', '2026-01-01T23:29:59.5Z')).toBe('2026-01-01T23:30:00.000Z');
    expect(latest('2026-01-01T23:59:59Z', '2026-01-01T23:59:59.5Z', '2026-01-01T23:00:00Z')).toBe('2026-01-01T23:59:59.500Z');
    expect(latest('2026-01-02T00:30:00+01:00', '2026-01-01T23:10:00Z', '2026-01-02T00:15:00+01:00')).toBe('2026-01-01T23:30:00.000Z');
  });
  it('rounds digits past the millisecond down', () => {
    expect(latest('2026-01-01T00:00:00.9999999Z')).toBe('2026-01-01T00:00:00.999Z');
  });
});

/**
 * `isTimestamp` against the zod schema it stands in for (`TimestampSchema`): hand-picked edges,
 * then 200,000 strings from a generator that builds date-times field by field (every field
 * near and past its bounds, leap days, fractions of 0 to 9 digits, zones Z, +hh:mm, -hh:mm)
 * and then mutates some (a character replaced, dropped or added; the string cut short).
 */
describe('isTimestamp', () => {
  const zod = (v: unknown): boolean => TimestampSchema.safeParse(v).success;

  it('accepts and refuses the edges as the schema does', () => {
    const accepted = [
      '2026-11-21T00:00:00.000018+00:00',
      '2026-11-21T23:59:59Z',
      '2024-02-29T12:00:00Z',
      '2000-02-29T12:00:00Z',
      '1970-01-01T00:00:00Z',
      '1970-01-01T00:30:00-01:00',
      '8999-12-31T23:59:59.999999999Z',
      '8999-12-31T23:30:00+01:00',
      '2026-04-30T01:02:03.4-23:59',
    ];
    const refused = [
      '2026-11-21T00:00:00',
      '2026-11-21t00:00:00Z',
      '2026-11-21T00:00:00z',
      '2026-11-21T00:00Z',
      '2026-11-21T00:00:00.Z',
      '2026-11-21T00:00:00+0000',
      '2026-11-21T00:00:00+24:00',
      '2026-11-21T00:00:00+00:60',
      '2026-11-21T24:00:00Z',
      '2026-11-21T00:60:00Z',
      '2026-11-21T00:00:60Z',
      '2025-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-01T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:30:00+01:00',
      '9000-01-01T00:00:00Z',
      '8999-12-31T23:30:00-01:00',
      '2026-11-21T00:00:00Z\n',
      ' 2026-11-21T00:00:00Z',
      '２026-11-21T00:00:00Z',
      '',
    ];
    for (const text of accepted) expect([text, isTimestamp(text)]).toEqual([text, true]);
    for (const text of refused) expect([text, isTimestamp(text)]).toEqual([text, false]);
    for (const value of [null, undefined, 1700000000, {}, ['2026-11-21T00:00:00Z']]) expect(isTimestamp(value)).toBe(false);
    for (const text of [...accepted, ...refused]) expect([text, isTimestamp(text)]).toEqual([text, zod(text)]);
  });

  it('agrees with the schema on 200,000 generated and mutated strings', () => {
    const random = mulberry32(20261126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
    const pad = (n: number, width: number): string => String(n).padStart(width, '0');
    const YEARS = [0, 4, 100, 400, 1900, 1969, 1970, 1971, 2000, 2024, 2025, 2026, 2100, 8998, 8999, 9000, 9999];
    const CHARS = ['0', '5', '9', ':', '-', '+', '.', 'T', 'Z', 't', 'z', ' ', 'a', '٣', '\n'];
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) {
      const year = random() < 0.7 ? pick(YEARS) : int(0, 9999);
      const month = random() < 0.9 ? int(1, 12) : pick([0, 13, 99]);
      const day = random() < 0.5 ? int(1, 28) : int(0, 32);
      const time = `${pad(int(0, 24), 2)}:${pad(int(0, 60), 2)}:${pad(int(0, 60), 2)}`;
      const fraction = random() < 0.5 ? '' : `.${'0123456789'.slice(0, int(0, 9))}`;
      const zone = pick(['Z', `+${pad(int(0, 24), 2)}:${pad(int(0, 60), 2)}`, `-${pad(int(0, 24), 2)}:${pad(int(0, 60), 2)}`, '', '+0100']);
      let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time}${fraction}${zone}`;
      if (random() < 0.3) {
        const at = int(0, text.length);
        const how = int(0, 3);
        if (how === 0) text = text.slice(0, at) + pick(CHARS) + text.slice(at + 1);
        else if (how === 1) text = text.slice(0, at) + text.slice(at + 1);
        else if (how === 2) text = text.slice(0, at) + pick(CHARS) + text.slice(at);
        else text = text.slice(0, at);
      }
      const expected = zod(text);
      if (expected) accepted++;
      if (isTimestamp(text) !== expected) expect([text, isTimestamp(text)]).toEqual([text, expected]);
    }
    // The generator reaches both sides often.
    expect(accepted).toBeGreaterThan(20_000);
    expect(accepted).toBeLessThan(180_000);
  });
});
