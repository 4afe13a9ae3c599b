import { describe, expect, it } from 'vitest';
import { fixed, fixedAtLeast, fixedGap, fixedVs, percent, percentAtLeast, percentVs, plural } from '../src/util/format.ts';

/**
 * Reference: the decimal k / 10^6 (k an integer) with `d` <= 6 decimals, rounded half away from
 * zero in integer arithmetic (no floating point involved).
 */
function reference(k: number, d: number): string {
  const unit = 10 ** (6 - d);
  const sign = k < 0 ? -1 : 1;
  const abs = Math.abs(k);
  const q = Math.floor(abs / unit) + (abs % unit >= unit / 2 ? 1 : 0);
  const text = String(q).padStart(d + 1, '0');
  const body = d === 0 ? text : `${text.slice(0, text.length - d)}.${text.slice(text.length - d)}`;
  return sign < 0 && q !== 0 ? `-${body}` : body;
}

describe('text formatting', () => {
  it('counts with the right noun, irregular plurals included', () => {
    expect(plural(1, 'retry', 'retries')).toBe('1 retry');
    expect(plural(3, 'retry', 'retries')).toBe('3 retries');
    expect(plural(0, 'reroute')).toBe('0 reroutes');
  });

  it('rounds the decimal value a reader sees, half away from zero, never printing -0', () => {
    // 0.6375 x 100 is 63.74999999999999 in float64, and (63.74999999999999).toFixed(1) is 63.7.
    expect((0.6375 * 100).toFixed(1)).toBe('63.7');
    expect(percent(0.6375)).toBe('63.8%');
    // The double nearest 1.005 is 1.00499999999999989..., so (1.005).toFixed(2) is 1.00.
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(fixed(1.005)).toBe('1.01');
    expect([fixed(0.125), fixed(2.5, 0), fixed(-2.5, 0), fixed(-0.125), fixed(9.995), fixed(0.0096), fixed(0.004)]).toEqual([
      '0.13', '3', '-3', '-0.13', '10.00', '0.01', '0.00',
    ]);
    expect([fixed(-0.0001, 2), fixed(-0.004), fixed(0), fixed(-0)]).toEqual(['0.00', '0.00', '0.00', '0.00']);
    expect([fixed(1234567.25, 1), fixed(1e-7, 2), fixed(5e-7, 6), fixed(12, 0), fixed(3, 2)]).toEqual(['1234567.3', '0.00', '0.000001', '12', '3.00']);
    expect([percent(0.9995), percent(0.125), percent(1), percent(0)]).toEqual(['100.0%', '12.5%', '100.0%', '0.0%']);
    expect([fixed(Number.NaN), fixed(Infinity)]).toEqual(['NaN', 'Infinity']);
  });

  it('agrees with integer arithmetic on every 6-decimal value in a sweep, for 0 to 6 decimals', () => {
    const wrong: string[] = [];
    const check = (k: number, d: number): void => {
      const got = fixed(k / 1e6, d);
      if (got !== reference(k, d)) wrong.push(`${k}e-6 to ${d}: ${got}, expected ${reference(k, d)}`);
    };
    // 0.000000 to 2.000000 in steps of 0.000137 (and their negatives): ties on every digit occur.
    for (let k = 0; k <= 2_000_000; k += 137) {
      for (let d = 0; d <= 6; d++) {
        check(k, d);
        check(-k, d);
      }
    }
    // Every tie at 2 and 3 decimals below 1: x.xx5 and x.xxx5.
    for (let k = 5_000; k < 1_000_000; k += 10_000) check(k, 2);
    for (let k = 500; k < 1_000_000; k += 1_000) check(k, 3);
    expect(wrong).toEqual([]);
  });

  it('percent is fixed(share x 100, 1) on the decimal value: the report and the closing line print alike', () => {
    const wrong: string[] = [];
    for (let k = 0; k <= 1_000_000; k += 25) if (percent(k / 1e6) !== `${reference(k * 100, 1)}%`) wrong.push(`${k}e-6: ${percent(k / 1e6)}`);
    expect(wrong).toEqual([]);
  });

  it('prints thresholds exactly: at least the usual decimals, more when the value has them', () => {
    expect([fixedAtLeast(0.1), fixedAtLeast(0.125), fixedAtLeast(1.5), fixedAtLeast(0.30000000000000004), fixedAtLeast(0.1234567)]).toEqual([
      '0.10', '0.125', '1.50', '0.30', '0.123457',
    ]);
    expect([percentAtLeast(0.1), percentAtLeast(0.125), percentAtLeast(0.1234)]).toEqual(['10.0%', '12.5%', '12.34%']);
  });

  it('adds decimals until a figure no longer prints equal to its threshold', () => {
    expect(fixedVs(0.499, 0.5)).toBe('0.499');
    expect(fixedVs(0.41, 0.5)).toBe('0.41');
    expect(fixedVs(0.0999, 0.1)).toBe('0.0999'); // not "p=0.10 below 0.10"
    expect(fixedVs(0.10004, 0.1)).toBe('0.10004');
    expect(fixedVs(0.09999999, 0.1)).toBe('0.09999999'); // within 1e-6: printed in full
    expect(fixedVs(0.1, 0.1)).toBe('0.10'); // equal prints equal
    expect(fixedVs(299.96, 300, 1)).toBe('299.96');
    expect(percentVs(0.10004, 0.1)).toBe('10.004%');
    expect(percentVs(0.0999999, 0.1)).toBe('9.99999%');
  });

  it('never prints a value below its threshold as above it, nor equal to it', () => {
    const wrong: string[] = [];
    for (const threshold of [0.1, 0.125, 0.3, 0.5, 0.75]) {
      for (let k = 1; k <= 3000; k++) {
        const x = threshold - k * 1.7e-7;
        if (!(Number(fixedVs(x, threshold)) < Number(fixedAtLeast(threshold)))) wrong.push(`${x} vs ${threshold}: ${fixedVs(x, threshold)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('prints two figures and their gap so that the text adds up, apart from the threshold', () => {
    expect(fixedGap(0.45, 0.64)).toEqual({ a: '0.45', b: '0.64', gap: '0.19' });
    // 0.4474 vs 0.6447: 2 decimals print 0.45 vs 0.64 but a gap of 0.20; 3 print 0.447 vs 0.645 and 0.197.
    expect(fixedGap(0.4474, 0.6447)).toEqual({ a: '0.4474', b: '0.6447', gap: '0.1973' });
    // A gap of 0.1001 above 0.10: 2 and 3 decimals would print a gap equal to the threshold.
    expect(fixedGap(0.8049, 0.7048, 0.1)).toEqual({ a: '0.8049', b: '0.7048', gap: '0.1001' });
    expect(fixedGap(0.7, 0.8, 0.1)).toEqual({ a: '0.70', b: '0.80', gap: '0.10' }); // equal to the threshold: printed equal
    const wrong: string[] = [];
    for (let i = 0; i <= 1000; i += 7) {
      for (let j = 0; j <= 1000; j += 11) {
        const a = i / 1000 + 0.00037;
        const b = j / 1000;
        const t = fixedGap(a, b);
        if (fixed(Math.abs(Number(t.a) - Number(t.b)), t.gap.split('.')[1]?.length ?? 0) !== t.gap) wrong.push(`${a} ${b}: ${JSON.stringify(t)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
