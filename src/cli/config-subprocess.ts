/**
 * The config file's `"subprocess": {...}` object (contract sections 11 and 12), checked key by
 * key so each problem names its line: `FILE:line: subprocess.timeout_s: must be > 0, got 0`.
 */
import { findNodeAtLocation, getNodeValue } from 'jsonc-parser';
import type { Node } from 'jsonc-parser';
import { issueProblems } from '../io/issues.ts';
import { ENV_NAME, SubprocessConfigSchema, subprocessSettings } from '../schema/subprocess.ts';
import type { SubprocessSettings } from '../schema/subprocess.ts';
import { didYouMean } from './suggest.ts';

/** The keys the object may have. */
export const SUBPROCESS_KEYS = Object.keys(SubprocessConfigSchema.shape);

/** A problem at a byte offset of the file. */
export interface PlacedProblem {
  readonly offset: number;
  readonly field: string;
  readonly problem: string;
}

/**
 * Validates the `subprocess` value node.
 * @returns the settings with defaults applied, or every problem (an unknown key with the
 *   nearest known one, a value of the wrong type or out of range), each at its key's offset
 */
export function readSubprocessNode(node: Node, keyOffset: number): { ok: true; settings: SubprocessSettings } | { ok: false; problems: PlacedProblem[] } {
  if (node.type !== 'object') {
    return { ok: false, problems: [{ offset: keyOffset, field: 'subprocess', problem: 'expected an object {"command": ["prog", "arg"], "timeout_s": 600, ...}' }] };
  }
  const problems: PlacedProblem[] = [];
  for (const property of node.children ?? []) {
    const key = property.children?.[0];
    if (key === undefined || typeof key.value !== 'string') continue;
    if (!SUBPROCESS_KEYS.includes(key.value)) problems.push({ offset: key.offset, field: `subprocess.${key.value}`, problem: `unknown key${didYouMean(key.value, SUBPROCESS_KEYS)}; expected one of ${SUBPROCESS_KEYS.join(', ')}` });
    const value = property.children?.[1];
    if (key.value === 'env' && value?.type === 'object') problems.push(...badEnvNames(value));
  }
  const raw: unknown = getNodeValue(node);
  const parsed = SubprocessConfigSchema.safeParse(raw);
  if (parsed.success && problems.length === 0) return { ok: true, settings: subprocessSettings(parsed.data) };
  if (!parsed.success) {
    // issueProblems describes the issues in their order.
    const described = issueProblems(parsed.error, raw, 'subprocess');
    parsed.error.issues.forEach((issue, i) => {
      const text = described[i];
      // Unknown keys and bad variable names were reported above, with their own offsets.
      if (issue.code === 'unrecognized_keys' || issue.code === 'invalid_key' || text === undefined) return;
      const offset = offsetOf(node, issue.path) ?? keyOffset;
      problems.push({ offset, field: text.field, problem: text.problem });
    });
  }
  return { ok: false, problems: problems.sort((a, b) => a.offset - b.offset) };
}

/** Each key of the `env` object that is no portable variable name, at its own offset. */
function badEnvNames(env: Node): PlacedProblem[] {
  const out: PlacedProblem[] = [];
  for (const property of env.children ?? []) {
    const key = property.children?.[0];
    if (key === undefined || typeof key.value !== 'string' || ENV_NAME.test(key.value)) continue;
    out.push({ offset: key.offset, field: `subprocess.env.${key.value}`, problem: 'expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' });
  }
  return out;
}

/** The offset of the key (or array element) at `path` inside `node`, or null. */
function offsetOf(node: Node, path: readonly PropertyKey[]): number | null {
  const segments = path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
  const found = findNodeAtLocation(node, segments);
  if (found === undefined) return null;
  return found.parent?.type === 'property' ? (found.parent.children?.[0]?.offset ?? found.offset) : found.offset;
}
