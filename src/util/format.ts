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

/** `1 wave`, `3 waves`: `n` and `noun`, with an `s` unless n is 1. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
