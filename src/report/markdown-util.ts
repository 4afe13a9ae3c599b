/**
 * Locale-free formatting helpers of the Markdown reports (contract section 8, last part).
 *
 * Every number goes through src/util/format.ts (no locale, no `Intl`, one rounding rule for
 * all text), so the same figures give the same bytes on every machine and time zone. Null
 * figures print as {@link NA}.
 */
import { escapeText } from '../util/escape.ts';
import { fixed as fixedNumber, percent } from '../util/format.ts';

/** What a null (undefined on an empty sample) figure prints as. */
export const NA = 'n/a';

/** The 8 sparkline levels, lowest first. */
export const SPARK_LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * `x` with exactly `decimals` decimals (default 2), rounded as src/util/format.ts `fixed`
 * does (half away from zero on the decimal value); never `-0.00`. Null gives `n/a`.
 */
export function fixed(x: number | null, decimals = 2): string {
  return x === null ? NA : fixedNumber(x, decimals);
}

/** A share in [0, 1] as a percentage with 1 decimal, e.g. `0.125` -> `12.5%`; null gives `n/a`. */
export function pct(share: number | null): string {
  return share === null ? NA : percent(share);
}

/**
 * A difference of two shares in percentage points with an explicit sign and 1 decimal,
 * e.g. `-0.032` -> `-3.2 pp`, `0.1` -> `+10.0 pp`, zero -> `0.0 pp`; null gives `n/a`.
 */
export function signedPp(diff: number | null): string {
  if (diff === null) return NA;
  const text = fixed(diff * 100, 1);
  return `${text.startsWith('-') || /^0\.0$/.test(text) ? text : `+${text}`} pp`;
}

/** Seconds with 1 decimal (no unit); null gives `n/a`. */
export function secs(s: number | null): string {
  return fixed(s, 1);
}

/**
 * Text made safe for one line of Markdown: CR/LF runs become single spaces, and every other
 * control, separator or bidirectional-formatting character is escaped (`escapeText`), so no
 * input can start a new Markdown block or hide text in the report; an `&` that would start a
 * character reference is written `&amp;`, so the text renders as it is.
 */
export function oneLine(text: string): string {
  return escapeText(text.replace(/[\r\n]+/g, ' ')).replace(ENTITY_START, '&amp;');
}

/**
 * An `&` that would start a character reference (`&amp;`, `&#38;`, `&#x26;`): Markdown renders
 * those as the character, so an id `R&amp;D` would show as `R&D`. Such an `&` is written as
 * `&amp;`; any other `&` renders as itself and is left alone, for readable Markdown source.
 */
const ENTITY_START = /&(?=#?[0-9A-Za-z]+;)/g;

/** A table cell: one line, with `|` escaped as `\|` (GitHub-flavoured Markdown tables). */
export function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

/**
 * A GitHub-flavoured Markdown table: header row, delimiter row (`---`, or `---:` for the
 * columns named in `rightAligned` by index), then one row per entry. Cells are escaped with
 * {@link cell}. Returns the lines without a trailing newline.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const right = new Set(rightAligned);
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const out = [line(header), `|${header.map((_, i) => (right.has(i) ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const row of rows) out.push(line(row));
  return out.join('\n');
}

/**
 * An inline code span holding `text` verbatim: fenced by one more backtick than the longest
 * backtick run inside, padded with spaces when the text starts or ends with a backtick.
 */
export function code(text: string): string {
  const flat = oneLine(text);
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * The sparkline level of a health score: scores are scaled over the fixed range [0, 100]
 * (not over the run's min-max) in 8 equal bins of 12.5 points: `floor(score x 8 / 100)`,
 * clamped to 0..7. So 0-12.49 -> `▁`, 50 -> `▅`, 87.5-100 -> `█`. NaN gives `▁`.
 */
export function sparkChar(score: number): string {
  const level = Number.isNaN(score) ? 0 : Math.min(7, Math.max(0, Math.floor((score * 8) / 100)));
  return SPARK_LEVELS[level] ?? '▁';
}

/** The sparkline of a series of health scores, one character per score (see {@link sparkChar}). */
export function sparkline(scores: readonly number[]): string {
  return scores.map(sparkChar).join('');
}

/**
 * Direction of a health series: the last score against the first, `steady` when they differ
 * by at most `tolerance` points (default 2). Compared in hundredths of a point (scores carry
 * 2 decimals), so binary rounding cannot tip 2.00 over the tolerance.
 */
export function trendDirection(first: number, last: number, tolerance = 2): 'improving' | 'declining' | 'steady' {
  const diff = Math.round(last * 100) - Math.round(first * 100);
  if (Math.abs(diff) <= Math.round(tolerance * 100)) return 'steady';
  return diff > 0 ? 'improving' : 'declining';
}

/** `a`, `a and b`, `a, b and c`. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
