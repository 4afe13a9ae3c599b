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

/**
 * Whether JSON prints `text` as it is between quotes: it is only printable ASCII other than `"`
 * and `\` (0x20 to 0x7e). ECMA-262's QuoteJSONString escapes exactly `"`, `\`, the controls
 * below 0x20 and lone surrogates, and keeps every other character.
 */
export function isJsonPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * `JSON.stringify(text)` for a string, without its general machinery when {@link isJsonPlain}
 * (the ids in event lines): the text between quotes. Anything else goes to JSON.stringify.
 */
export function jsonQuote(text: string): string {
  return isJsonPlain(text) ? `"${text}"` : JSON.stringify(text);
}
