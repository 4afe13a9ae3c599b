import { describe, expect, it } from 'vitest';
import { LatestInstant } from '../../src/io/timestamps.ts';

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
