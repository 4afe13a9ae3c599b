/**
 * Locale-free natural ordering: `agent_2` sorts before `agent_10`.
 *
 * Strings are split into runs of ASCII digits and runs of anything else. Digit runs compare
 * by numeric value (leading zeros ignored, then fewer leading zeros first); other runs compare
 * by UTF-16 code unit. No `Intl.Collator`, whose results depend on the ICU build and would
 * break byte-identical output across machines (docs/decisions.md).
 *
 * @returns negative, zero or positive, as `Array.prototype.sort` expects.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const startA = i;
      const startB = j;
      while (i < a.length && isDigit(a.charCodeAt(i))) i++;
      while (j < b.length && isDigit(b.charCodeAt(j))) j++;
      const order = compareDigitRuns(a.slice(startA, i), b.slice(startB, j));
      if (order !== 0) return order;
    } else {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
    }
  }
  return a.length - i - (b.length - j);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function compareDigitRuns(x: string, y: string): number {
  const tx = x.replace(/^0+/, '');
  const ty = y.replace(/^0+/, '');
  if (tx.length !== ty.length) return tx.length - ty.length;
  if (tx !== ty) return tx < ty ? -1 : 1;
  // Equal values: the run with fewer leading zeros first, so the order stays total.
  return x.length - y.length;
}

/** Sorts a copy of `items` by `naturalCompare` on `key(item)`; stable. */
export function sortNatural<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((p, q) => naturalCompare(key(p), key(q)));
}
