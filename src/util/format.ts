/**
 * Number formatting for human-readable text (messages, recommendations, gate reasons, the
 * report, the command line's closing line). Locale-free, so the text is the same on every
 * machine, and with ONE rounding rule, so a figure prints the same wherever it appears:
 *
 * the value is first read as the decimal a reader would write for it (float noise removed
 * at 12 significant digits, then its shortest round-trip digits), and that decimal is rounded
 * half away from zero. So 0.6375 prints as 63.8% (although 0.6375 x 100 is 63.74999999999999
 * in float64, whose `toFixed(1)` is 63.7), 1.005 as 1.01 (although `(1.005).toFixed(2)` is
 * 1.00: the double nearest 1.005 lies just below it) and -2.5 with 0 decimals as -3.
 */

/** Significant digits kept when float noise is removed (float64 holds 15 to 17). */
const NOISE_DIGITS = 12;

/** The decimal digits of |x| and the position of the decimal point: |x| = 0.DIGITS x 10^point. */
interface Decimal {
  readonly digits: string;
  readonly point: number;
}

/** `|x|` as the decimal a reader sees, shifted by `shift` powers of ten (x 10^shift). */
function decimalOf(x: number, shift: number): Decimal {
  const clean = Math.abs(Number(x.toPrecision(NOISE_DIGITS)));
  // toExponential() with no argument gives the shortest digits that round-trip: "6.375e-1".
  const [mantissa = '0', exponent = '0'] = clean.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  return { digits, point: Number(exponent) + 1 + shift };
}

/** The digit string `digits` (base 10, no sign) plus one. */
function increment(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') {
      out[i] = '0';
      continue;
    }
    out[i] = String(Number(out[i]) + 1);
    return out.join('');
  }
  return `1${out.join('')}`;
}

/** x x 10^shift with `decimals` fixed decimals, rounded half away from zero on its decimal value. */
function formatShifted(x: number, decimals: number, shift: number): string {
  if (!Number.isFinite(x)) return String(x);
  const { digits, point } = decimalOf(x, shift);
  // Keep the digits down to the last decimal wanted: `point + decimals` of them.
  const keep = point + decimals;
  let kept: string;
  if (keep < 0) kept = '0';
  else if (keep >= digits.length) kept = digits + '0'.repeat(keep - digits.length);
  else {
    kept = digits.slice(0, keep) || '0';
    if ((digits[keep] ?? '0') >= '5') kept = increment(kept);
  }
  const padded = kept.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals).replace(/^0+(?=\d)/, '');
  const text = decimals > 0 ? `${whole}.${padded.slice(padded.length - decimals)}` : whole;
  return x < 0 && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * `x` with `decimals` fixed decimals (default 2), rounded by the module's one rule (above):
 * `fixed(0.125)` is `0.13`, `fixed(1.005)` is `1.01`. Never prints `-0`; NaN and infinities
 * print as `String(x)`.
 */
export function fixed(x: number, decimals = 2): string {
  return formatShifted(x, decimals, 0);
}

/** A share as a percentage with one decimal, by the same rule: `0.125` -> `12.5%`, `0.6375` -> `63.8%`. */
export function percent(share: number): string {
  return `${formatShifted(share, 1, 2)}%`;
}

/** `1 wave`, `3 waves`, `2 retries`: `n` and the noun in the right number (default plural: `s` added). */
export function plural(n: number, noun: string, pluralForm = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralForm}`;
}

/** Decimals beyond which text never goes: the artifacts' own precision (src/util/json.ts). */
const MAX_DECIMALS = 6;

/**
 * A threshold (or any value that should print exactly): `decimals` decimals (default 2), or
 * more, up to 6, when `x` has them, so `0.125` prints as `0.125` and never as `0.13`.
 */
export function fixedAtLeast(x: number, decimals = 2): string {
  for (let d = decimals; d < MAX_DECIMALS; d++) {
    if (Number(fixed(x, d)) === Number(x.toPrecision(NOISE_DIGITS))) return fixed(x, d);
  }
  return fixed(x, MAX_DECIMALS);
}

/** {@link fixedAtLeast} as a percentage: `0.1` -> `10.0%`, `0.125` -> `12.5%`, `0.1234` -> `12.34%`. */
export function percentAtLeast(share: number): string {
  for (let d = 1; d < MAX_DECIMALS; d++) {
    const text = formatShifted(share, d, 2);
    if (Number(text) === Number((share * 100).toPrecision(NOISE_DIGITS))) return `${text}%`;
  }
  return `${formatShifted(share, MAX_DECIMALS, 2)}%`;
}

/**
 * `x`, compared in the same text with `threshold` (printed with {@link fixedAtLeast}), with
 * `decimals` decimals (default 2), or with more when that many would print it equal to the
 * threshold, so a text never reads "p=0.10 below 0.10" for p = 0.0999: it reads
 * "p=0.0999 below 0.10". Past 6 decimals (a value within 10^-6 of its threshold) the shortest
 * round-trip form of `x` is printed. Rounding is monotone, so the printed value never lands on
 * the wrong side of the printed threshold.
 */
export function fixedVs(x: number, threshold: number, decimals = 2): string {
  for (let d = decimals; d <= MAX_DECIMALS; d++) {
    const text = fixed(x, d);
    if (x === threshold || text !== fixed(threshold, d)) return text;
  }
  return String(x);
}

/** {@link percent} with the same rule as {@link fixedVs}: e.g. `10.04%` against a 10% threshold. */
export function percentVs(share: number, threshold: number): string {
  for (let d = 1; d <= MAX_DECIMALS; d++) {
    const text = formatShifted(share, d, 2);
    if (share === threshold || text !== formatShifted(threshold, d, 2)) return `${text}%`;
  }
  return `${String(share * 100)}%`;
}

/** Two figures and the gap between them, as printed by {@link fixedGap}. */
export interface GapText {
  readonly a: string;
  readonly b: string;
  readonly gap: string;
}

/**
 * Two figures `a` and `b` and their gap |a - b|, printed so the text adds up: the difference
 * of the two printed figures is the printed gap ("0.45 vs 0.64 (gap 0.19)", never "(gap 0.20)"),
 * and, given a `threshold` the gap was compared with, the printed gap does not print equal to
 * it unless it is equal. Uses `decimals` (default 2) or more, up to 6.
 */
export function fixedGap(a: number, b: number, threshold?: number, decimals = 2): GapText {
  const gap = Number(Math.abs(a - b).toPrecision(NOISE_DIGITS));
  for (let d = decimals; d < MAX_DECIMALS; d++) {
    const text = { a: fixed(a, d), b: fixed(b, d), gap: fixed(gap, d) };
    const addsUp = fixed(Math.abs(Number(text.a) - Number(text.b)), d) === text.gap;
    const apart = threshold === undefined || gap === threshold || text.gap !== fixed(threshold, d);
    if (addsUp && apart) return text;
  }
  return { a: fixed(a, MAX_DECIMALS), b: fixed(b, MAX_DECIMALS), gap: fixed(gap, MAX_DECIMALS) };
}
