/**
 * Turns zod issues into the `field: problem` halves of a Diagnostic (contract section 2),
 * phrased for a person fixing a data file: `must be > 0, got 0`, not zod's own wording.
 */
import type { z } from 'zod';

/** A field path and the problem found there. */
export interface FieldProblem {
  /** Dotted path with array indexes in brackets, e.g. `depends_on[2]`, `agents[1].speed`. */
  readonly field: string;
  readonly problem: string;
}

/** Formats a zod issue path: `["agents", 1, "speed"]` -> `agents[1].speed`; empty -> `(line)`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(line)' : out;
}

/** The value at `path` inside `root`, or undefined where the path leads nowhere. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const MAX_SHOWN = 40;

/** A short, readable rendering of a JSON value for messages: `string "abc"`, `number 5`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${shownValue(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Just the value, for range problems: `0`, `"low"`. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  array: 'an array',
  object: 'an object',
  boolean: 'a boolean',
};

function bound(issue: { readonly inclusive?: boolean | undefined }, strict: string, loose: string): string {
  return issue.inclusive === false ? strict : loose;
}

/** The problem text of one issue, given the value the issue is about. */
function problemText(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return 'required';
      if (issue.expected === 'int' && typeof value === 'number') return `must be an integer, got ${shownValue(value)}`;
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `must be ${expected}, got ${describeValue(value)}`;
    }
    case 'too_small': {
      if (issue.origin === 'string' && typeof value === 'string') {
        return value.length === 0 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters, got ${value.length}`;
      }
      if (issue.origin === 'array' && Array.isArray(value)) return `must have at least ${String(issue.minimum)} items, got ${value.length}`;
      return `must be ${bound(issue, '>', '>=')} ${String(issue.minimum)}, got ${shownValue(value)}`;
    }
    case 'too_big': {
      if (issue.origin === 'string' && typeof value === 'string') return `must be at most ${String(issue.maximum)} characters, got ${value.length}`;
      if (issue.origin === 'array' && Array.isArray(value)) return `must have at most ${String(issue.maximum)} items, got ${value.length}`;
      if (issue.origin === 'int' && typeof value === 'number' && issue.maximum === Number.MAX_SAFE_INTEGER) {
        // Above 2^53 the JSON parser has already rounded the number, so the value read is not the text.
        return `must be an integer <= ${Number.MAX_SAFE_INTEGER}, got ${shownValue(value)} (numbers this large lose precision in JSON)`;
      }
      return `must be ${bound(issue, '<', '<=')} ${String(issue.maximum)}, got ${shownValue(value)}`;
    }
    case 'invalid_format': {
      if (issue.format === 'regex') return `must match ${String(issue.pattern)}, got ${shownValue(value)}`;
      if (issue.format === 'datetime') {
        return `must be an ISO-8601 date-time with a time zone (e.g. 2026-01-02T03:04:05Z), got ${shownValue(value)}`;
      }
      return `must be a valid ${issue.format}, got ${shownValue(value)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}, got ${shownValue(value)}`;
    case 'custom':
      return value === undefined ? issue.message : `${issue.message}, got ${shownValue(value)}`;
    case 'invalid_element':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return issue.message;
  }
}

/**
 * Every issue of a failed parse as field problems, in zod's order (fields in schema order).
 * @param root the value that was parsed, to quote the offending values
 * @param prefix path prefix for nested documents (none for JSONL rows)
 */
export function issueProblems(error: z.ZodError, root: unknown, prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    out.push({ field: formatPath(issue.path, prefix), problem: problemText(issue, valueAt(root, issue.path)) });
  }
  return out;
}
