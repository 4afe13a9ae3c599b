/**
 * Helpers that keep serialized artifacts byte-stable.
 *
 * Every artifact record is built as an object literal with a fixed key order and serialized
 * with `JSON.stringify`, which prints numbers in the shortest round-trip form on every
 * platform. Derived floats are rounded first so diffs between runs stay readable.
 */

/** Decimal places kept for derived metrics in artifacts (rates, scores, seconds). */
export const METRIC_DECIMALS = 6;

/**
 * Rounds `x` to `decimals` places (default {@link METRIC_DECIMALS}), half away from zero.
 * Non-finite values are returned unchanged; `-0` becomes `0` so it never prints as `-0`.
 */
export function round(x: number, decimals: number = METRIC_DECIMALS): number {
  if (!Number.isFinite(x)) return x;
  const factor = 10 ** decimals;
  const r = Math.sign(x) * Math.round(Math.abs(x) * factor) / factor;
  return r === 0 ? 0 : r;
}

/** One JSONL line: the record serialized plus `\n`. */
export function jsonLine(record: unknown): string {
  return `${JSON.stringify(record)}\n`;
}

/** A JSON document: two-space indent and a final newline. */
export function jsonDocument(record: unknown): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
