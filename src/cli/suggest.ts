/**
 * "Did you mean" for names a user typed: config keys and command names. Edit distance is
 * fastest-levenshtein's (Levenshtein distance: insertions, deletions, substitutions).
 * Unknown command-line options get commander's own suggestion instead.
 */
import { closest, distance } from 'fastest-levenshtein';

/** `maxAttempts`, `max-attempts`, `MAX_ATTEMPTS` -> `max_attempts`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replaceAll('-', '_')
    .toLowerCase();
}

/**
 * The known name nearest to `name`, or null when none is near enough. A name that is a known
 * one written in another case style (`max-attempts`, `maxAttempts`) is matched outright;
 * otherwise the closest within an edit distance of max(2, a third of its length) is taken
 * (ties: the first in `known`).
 */
export function nearestName(name: string, known: readonly string[]): string | null {
  if (known.length === 0) return null;
  const snake = snakeCase(name);
  if (known.includes(snake)) return snake;
  const best = closest(snake, known);
  return distance(snake, best) <= Math.max(2, Math.floor(snake.length / 3)) ? best : null;
}

/** ` (did you mean x?)` for {@link nearestName}, else the empty string. */
export function didYouMean(name: string, known: readonly string[]): string {
  const best = nearestName(name, known);
  return best === null ? '' : ` (did you mean ${best}?)`;
}
