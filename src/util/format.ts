/**
 * Number formatting for human-readable text (messages, recommendations, the report). Locale-free,
 * so the text is the same on every machine.
 */

/**
 * `x` with `decimals` fixed decimals, rounding half up on the decimal value a reader sees:
 * float noise is removed first (0.6375 x 100 is 63.74999999999999 in float64, and prints as
 * `63.8`, not `63.7`). Never prints `-0`.
 */
export function fixed(x: number, decimals = 2): string {
  const text = Number(x.toPrecision(12)).toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** `1 wave`, `3 waves`, `2 retries`: `n` and the noun in the right number (default plural: `s` added). */
export function plural(n: number, noun: string, pluralForm = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralForm}`;
}

/** A share as a percentage with one decimal, e.g. `0.125` -> `12.5%`. */
export function percent(share: number): string {
  return `${fixed(share * 100, 1)}%`;
}

/**
 * `x` with `decimals` decimals, or with more (up to 6) when that many would print it equal to
 * the `threshold` it was compared with, so a text never reads "0.50 < 0.50".
 */
export function fixedVs(x: number, threshold: number, decimals = 2): string {
  for (let d = decimals; d < 6; d++) {
    if (fixed(x, d) !== fixed(threshold, d)) return fixed(x, d);
  }
  return fixed(x, 6);
}

/** {@link percent} with the same rule as {@link fixedVs}: e.g. `10.04%` against a 10% threshold. */
export function percentVs(share: number, threshold: number): string {
  return `${fixedVs(share * 100, threshold * 100, 1)}%`;
}
