import { describe, expect, it } from 'vitest';
import { bd0, binomialHalfLowerTail, logBinomialHalfPmf, mcnemarExact, stirlerr } from '../../src/compare/mcnemar.ts';

/**
 * P(X <= k), X ~ Binomial(n, 1/2), exactly: sum of C(n, j) for j <= k as a BigInt, divided by
 * 2^n, converted with 60 bits of mantissa (more than a double holds). The oracle of the tests.
 */
function exactTail(k: number, n: number): number {
  let c = 1n;
  let sum = 1n;
  for (let j = 0; j < k; j++) {
    c = (c * BigInt(n - j)) / BigInt(j + 1);
    sum += c;
  }
  const bits = sum.toString(2).length;
  const shift = Math.max(0, bits - 60);
  return Number(sum >> BigInt(shift)) * 2 ** (shift - n);
}

describe('mcnemarExact: known values', () => {
  // statsmodels.stats.contingency_tables.mcnemar([[a, b], [c, d]], exact=True).pvalue, and by hand:
  it('b=1, c=9: 2 (C(10,0) + C(10,1)) / 2^10 = 22/1024 = 0.021484375', () => {
    expect(mcnemarExact(1, 9).pValue).toBe(0.021484375);
    expect(mcnemarExact(9, 1).pValue).toBe(0.021484375);
  });

  it('b=5, c=5: 2 P(X <= 5) = 2 x 638/1024 > 1, so 1', () => {
    expect(exactTail(5, 10)).toBe(638 / 1024);
    expect(mcnemarExact(5, 5).pValue).toBe(1);
  });

  it('b=0, c=6: 2 x 1/64 = 0.03125', () => {
    expect(mcnemarExact(0, 6).pValue).toBe(0.03125);
  });

  it('b + c = 0 gives p = 1 (no discordant pair, no evidence)', () => {
    expect(mcnemarExact(0, 0)).toEqual({ b: 0, c: 0, pValue: 1 });
  });

  it('b=2, c=10: 2 (1 + 12 + 66) / 4096 = 158/4096', () => {
    expect(mcnemarExact(2, 10).pValue).toBe(158 / 4096);
  });

  it('refuses counts that are not non-negative integers', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 3)).toThrow('b: must be a non-negative safe integer');
    expect(() => mcnemarExact(1, Number.NaN)).toThrow('c: must be');
  });
});

describe('binomialHalfLowerTail against exact BigInt sums', () => {
  const cases: [number, number][] = [
    [0, 1],
    [3, 7],
    [400, 1000], // the direct path's largest n
    [500, 1000],
    [0, 1001], // the saddle-point path from here on
    [10, 1001],
    [450, 1001],
    [500, 1001],
    [2400, 5000],
    [2450, 5000],
    [2500, 5000],
    [9800, 20000],
    [9990, 20000],
  ];
  it.each(cases)('k = %i, n = %i: relative error below 1e-12', (k, n) => {
    const exact = exactTail(k, n);
    const got = binomialHalfLowerTail(k, n);
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-12);
  });

  it('refuses k above n / 2 and bad arguments', () => {
    expect(() => binomialHalfLowerTail(6, 10)).toThrow('k: must be at most n / 2');
    expect(() => binomialHalfLowerTail(1, -2)).toThrow(RangeError);
  });
});

describe('binomialHalfLowerTail at b + c = 10^6', () => {
  const n = 1_000_000;
  const normalTail = (k: number): number => {
    // Continuity-corrected normal approximation, good to ~1e-3 relative at this n and |z| <= 3.
    const z = (k + 0.5 - n / 2) / Math.sqrt(n / 4);
    return 0.5 * erfc(-z / Math.SQRT2);
  };
  it('is finite, in (0, 1], and matches the normal approximation near the centre', () => {
    for (const k of [497_000, 498_500, 499_000, 499_500, 500_000]) {
      const p = binomialHalfLowerTail(k, n);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Math.abs(p - normalTail(k)) / normalTail(k)).toBeLessThan(2e-3);
    }
  });

  it('McNemar p for b = 499000, c = 501000 (z = 2): about 0.0456', () => {
    expect(mcnemarExact(499_000, 501_000).pValue).toBeCloseTo(0.0456, 3);
    expect(mcnemarExact(500_000, 500_000).pValue).toBe(1);
  });

  it('grows with k and stays exact at the far tail: P(X = 0) = 2^-n underflows to 0, not NaN', () => {
    let previous = 0;
    for (const k of [0, 10, 1000, 400_000, 490_000, 499_999]) {
      const p = binomialHalfLowerTail(k, n);
      expect(Number.isNaN(p)).toBe(false);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
    expect(binomialHalfLowerTail(0, n)).toBe(0);
  });
});

describe('the saddle-point pieces', () => {
  it('stirlerr(n) = log(n!) - (n + 1/2) log n + n - log sqrt(2 pi), across the series cut-offs', () => {
    // log(n!) from the exact BigInt factorial, for n where the series is used.
    const logFactorial = (n: number): number => {
      let f = 1n;
      for (let i = 2n; i <= BigInt(n); i++) f *= i;
      return logBig(f);
    };
    for (const n of [16, 36, 81, 501]) {
      const expected = logFactorial(n) - (n + 0.5) * Math.log(n) + n - 0.5 * Math.log(2 * Math.PI);
      expect(stirlerr(n)).toBeCloseTo(expected, 11);
    }
    expect(stirlerr(1)).toBeCloseTo(1 - 0.5 * Math.log(2 * Math.PI), 15);
  });

  it('bd0 agrees with x log(x / np) + np - x where that does not cancel, and is 0 at x = np', () => {
    expect(bd0(50, 50)).toBe(0);
    expect(bd0(30, 50)).toBeCloseTo(30 * Math.log(30 / 50) + 20, 12);
    expect(bd0(52, 50)).toBeCloseTo(52 * Math.log(52 / 50) - 2, 12);
  });

  it('logBinomialHalfPmf matches log(C(n, k) / 2^n) from exact sums', () => {
    for (const [k, n] of [
      [1, 2000],
      [700, 2000],
      [1000, 2000],
    ] as const) {
      let c = 1n;
      for (let j = 0; j < k; j++) c = (c * BigInt(n - j)) / BigInt(j + 1);
      expect(logBinomialHalfPmf(k, n)).toBeCloseTo(logBig(c) - n * Math.LN2, 9);
    }
    expect(logBinomialHalfPmf(0, 10)).toBeCloseTo(-10 * Math.LN2, 15);
  });
});

/** The natural log of a positive BigInt, from its first 17 digits and its length. */
function logBig(x: bigint): number {
  const digits = x.toString();
  return Math.log(Number(`0.${digits.slice(0, 17)}`)) + digits.length * Math.LN10;
}

/** erfc by its continued-fraction-free rational approximation (Numerical Recipes erfcc, 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
