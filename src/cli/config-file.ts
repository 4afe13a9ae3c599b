/**
 * `--config FILE` (contract section 12): reads a JSON file of options by config name
 * (`"max_attempts": 3`), checks every key against src/schema/config.ts, and returns the values
 * with the line each came from. Every problem is reported at once as `FILE:line: key: problem`;
 * invalid JSON as `FILE:line: invalid JSON: what was expected (column c)`.
 *
 * Relative paths in the file are relative to the file's folder, so a nightly job reads the same
 * files whatever folder it starts in (`docs/decisions.md`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import { formatDiagnostic, UsageError } from '../errors.ts';
import type { Diagnostic } from '../errors.ts';
import { isOptionKey, OPTION_KEYS, OPTION_VALUES, PATH_KEYS, SCHEMA_KEY } from '../schema/config.ts';
import type { OptionKey, OptionValues } from '../schema/config.ts';
import type { SubprocessSettings } from '../schema/subprocess.ts';
import { readSubprocessNode } from './config-subprocess.ts';
import { didYouMean } from './suggest.ts';

/** What a config file gave. */
export interface ConfigFile {
  /** The path as the user gave it. */
  readonly file: string;
  readonly values: OptionValues;
  /** The 1-based line of each key given. */
  readonly lines: Readonly<Partial<Record<OptionKey, number>>>;
  /** The `subprocess` object (contract sections 11, 12), defaults applied, with its line; null when absent. */
  readonly subprocess: { readonly settings: SubprocessSettings; readonly line: number } | null;
}

/** The subprocess world's settings object (contract section 12). */
const SUBPROCESS_KEY = 'subprocess';

/** Keys a later version gives a meaning; today they are refused with this reason. */
const RESERVED_KEYS: Readonly<Record<string, string>> = {
  config: 'a config file cannot name another config file',
};

/** How jsonc-parser's error codes read to a user. */
const SYNTAX_PROBLEMS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a key in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the key',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character in a string (escape it)',
};

const MAX_SHOWN = 60;

/**
 * Reads and validates the config file `file`.
 *
 * @throws UsageError naming the file when it cannot be read, and with one
 *   `FILE:line: key: problem` line per problem otherwise: invalid JSON (the first syntax
 *   error), a top level that is not an object, an unknown key (with the nearest known one), a
 *   key given twice, a value of the wrong type or out of range.
 */
export function loadConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(`--config: cannot read ${JSON.stringify(file)}: ${readProblem(error)}`);
  }
  return parseConfigText(file, text);
}

function readProblem(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder; expected a JSON file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Validates the text of a config file (see {@link loadConfigFile}); `file` names it in
 * messages and anchors its relative paths. A leading byte-order mark is ignored.
 * @throws UsageError with every problem, one per line
 */
export function parseConfigText(file: string, rawText: string): ConfigFile {
  const text = rawText.startsWith('\uFEFF') ? rawText.slice(1) : rawText;
  const lineAt = lineIndex(text);
  const fail = (problems: Diagnostic[]): never => {
    throw new UsageError(problems.map(formatDiagnostic).join('\n'));
  };
  const problem = (offset: number | null, field: string, what: string): Diagnostic => ({
    severity: 'error',
    file,
    line: offset === null ? null : lineAt(offset),
    field,
    problem: what,
  });

  if (text.trim() === '') fail([problem(null, '(file)', 'the file is empty; expected a JSON object of options, e.g. {"strategy": "priority"}')]);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first !== undefined) {
    const code = printParseErrorCode(first.error);
    fail([problem(first.offset, 'invalid JSON', `${SYNTAX_PROBLEMS[code] ?? code} (column ${columnAt(text, first.offset)})`)]);
  }
  if (root?.type !== 'object') {
    fail([problem(root?.offset ?? 0, '(file)', `expected a JSON object of options, e.g. {"strategy": "priority"}; got ${describeNode(root)}`)]);
  }

  const problems: Diagnostic[] = [];
  const values: Record<string, unknown> = {};
  const lines: Partial<Record<OptionKey, number>> = {};
  const seen = new Map<string, number>();
  let subprocess: ConfigFile['subprocess'] = null;
  for (const property of root?.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (keyNode === undefined || valueNode === undefined || typeof keyNode.value !== 'string') continue;
    const key = keyNode.value;
    const at = keyNode.offset;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(problem(at, key, `given twice (first on line ${earlier}); keep one`));
      continue;
    }
    seen.set(key, lineAt(at));
    if (key === SCHEMA_KEY) {
      if (valueNode.type !== 'string') problems.push(problem(at, key, `expected a string (the file's JSON Schema), got ${shown(text, valueNode)}`));
      continue;
    }
    if (key === SUBPROCESS_KEY) {
      const read = readSubprocessNode(valueNode, at);
      if (read.ok) subprocess = { settings: read.settings, line: lineAt(at) };
      else problems.push(...read.problems.map((p) => problem(p.offset, p.field, p.problem)));
      continue;
    }
    const reserved = RESERVED_KEYS[key];
    if (reserved !== undefined) {
      problems.push(problem(at, key, reserved));
      continue;
    }
    if (!isOptionKey(key)) {
      problems.push(problem(at, key, `unknown key${didYouMean(key, [...OPTION_KEYS, SUBPROCESS_KEY])}`));
      continue;
    }
    const spec = OPTION_VALUES[key];
    const parsed = spec.schema.safeParse(getNodeValue(valueNode));
    if (!parsed.success) {
      const given = shown(text, valueNode);
      problems.push(problem(at, key, spec.choices && valueNode.type === 'string' ? `unknown value ${given}; expected ${spec.accepts}` : `expected ${spec.accepts}, got ${given}`));
      continue;
    }
    values[key] = parsed.data;
    lines[key] = lineAt(at);
  }
  if (problems.length > 0) fail(problems);

  for (const key of PATH_KEYS) {
    const value = values[key];
    if (typeof value === 'string' && !path.isAbsolute(value)) values[key] = path.join(path.dirname(file), value);
  }
  // Every value passed its key's schema above.
  return { file, values, lines, subprocess };
}

/** offset -> 1-based line, by binary search over the offsets of line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function columnAt(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
}

/** The value as written in the file, shortened to {@link MAX_SHOWN} characters. */
function shown(text: string, node: Node): string {
  const source = text.slice(node.offset, node.offset + node.length).replace(/\s+/g, ' ');
  return source.length <= MAX_SHOWN ? source : `${source.slice(0, MAX_SHOWN - 3)}...`;
}

function describeNode(node: Node | undefined): string {
  if (node === undefined) return 'nothing';
  if (node.type === 'array') return 'an array';
  if (node.type === 'null') return 'null';
  return `a ${node.type}`;
}
