/** Small list normalisations shared by the input readers. */

const EMPTY: readonly string[] = [];

/** The list without repeats, first occurrences kept in order (the list itself when it has none). */
export function uniqueInOrder(list: readonly string[]): readonly string[] {
  if (list.length < 2) return list;
  if (list.length <= 16 && !hasRepeat(list)) return list;
  const unique = [...new Set(list)];
  return unique.length === list.length ? list : unique;
}

/** Sorted (UTF-16 code-unit order) and unique; [] for null, absent or empty. */
export function sortedUnique(list: readonly string[] | null | undefined): readonly string[] {
  if (list === undefined || list === null || list.length === 0) return EMPTY;
  if (list.length === 1) return list;
  return [...new Set(list)].sort();
}

/** True when some item occurs twice (quadratic scan: for short lists only). */
function hasRepeat(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) for (let j = 0; j < i; j++) if (list[i] === list[j]) return true;
  return false;
}
