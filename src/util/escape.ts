/**
 * Escaping of untrusted text before it reaches a terminal, a log or a report.
 *
 * Input files are hostile in general: an id, a field name, a file name or a line of text can
 * hold a newline (which would forge a `file:line:` diagnostic of its own), an ESC that starts
 * a terminal escape sequence, or a bidirectional override that makes a line read differently
 * from its bytes ("Trojan Source", CVE-2021-42574). Every message that quotes such text goes
 * through {@link escapeText}, once, where it is formatted (`formatDiagnostic` in
 * `src/errors.ts`; `oneLine` in `src/report/markdown-util.ts`).
 */

/**
 * Characters escaped by {@link escapeText}: C0 controls U+0000-U+001F, DEL U+007F, C1
 * controls U+0080-U+009F, the Arabic letter mark U+061C, the directional marks U+200E and
 * U+200F, the line and paragraph separators U+2028 and U+2029 (line breaks to many editors
 * and to JavaScript before ES2019), the bidirectional embeddings and overrides U+202A-U+202E,
 * the isolates U+2066-U+2069, and lone UTF-16 surrogates (not text; printed they become
 * U+FFFD, hiding what the input held).
 */
// In a `u` regex a surrogate pair is one code point, so the range U+D800-U+DFFF matches lone halves only.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const UNSAFE_TEST = new RegExp(UNSAFE.source, 'u');

/** The short escapes of JSON (RFC 8259 section 7); every other unsafe character is `\uXXXX`. */
const SHORT: Readonly<Record<string, string>> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function escapeOne(char: string): string {
  return SHORT[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control, separator, bidirectional-formatting character and lone surrogate
 * (see {@link UNSAFE}) written as a JSON-style escape: `\n`, `\t`, `\u001b`, `\u202e`. Printable
 * text, backslashes included, is left as it is, so ordinary paths and ids read unchanged;
 * the result holds no line break and nothing a terminal interprets.
 *
 * Returns `text` itself when there is nothing to escape (the common case costs one regex test).
 */
export function escapeText(text: string): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE, escapeOne);
}

/** Longest untrusted name quoted whole in a message (field names, for instance). */
export const MAX_QUOTED_CHARS = 120;

/**
 * `text` cut to at most `max` UTF-16 code units (default {@link MAX_QUOTED_CHARS}), ending in
 * `...` when cut, and never in the middle of a surrogate pair. For untrusted names quoted in
 * messages, so a megabyte-long field name prints as one short line.
 */
export function clip(text: string, max: number = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}...`;
}
