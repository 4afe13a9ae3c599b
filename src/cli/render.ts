/**
 * What the CLI prints when a command finishes (contract section 9): the closing line (last
 * line on stderr) and the `--json` form on stdout. Pure text.
 */
import type { RunResult } from '../pipeline.ts';
import { jsonLine } from '../util/json.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A folder as shown to the user: with one trailing `/`. */
export function asFolder(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/**
 * The closing line, without a newline.
 *
 * - completed: `health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md`
 * - planned (`--dry-run`): `planned 3 waves, 7506 tasks (12 blocked by gates) -> outputs/`
 *
 * When lines were quarantined, `, 4 input lines rejected (see outputs/rejected.jsonl)` follows
 * the task count. Health prints with 2 decimals, success as a percentage with 1.
 */
export function closingLine(result: RunResult): string {
  const rejected =
    result.rejectedLines > 0
      ? `, ${plural(result.rejectedLines, 'input line')} rejected (see ${asFolder(result.outDir)}rejected.jsonl)`
      : '';
  const scope = `${plural(result.waves, 'wave')}, ${plural(result.tasks, 'task')}`;
  if (result.status === 'planned') {
    return `planned ${scope} (${result.blocked} blocked by gates)${rejected} -> ${asFolder(result.outDir)}`;
  }
  const health = result.health === null ? 'health n/a' : `health ${result.health.toFixed(2)} (${result.grade ?? 'no grade'})`;
  const success = result.successRate === null ? 'success n/a' : `success ${(result.successRate * 100).toFixed(1)}%`;
  return `${health}, ${success}, ${scope}${rejected} -> ${asFolder(result.outDir)} and ${result.reportPath}`;
}

/** The `--json` output: the RunResult as one JSON line, with a newline. */
export function jsonResultLine(result: RunResult): string {
  return jsonLine(result);
}

/**
 * Why a finished run exits 1: `health 45.50 is below --min-health 50`, or null when it does
 * not (no threshold, no health because of a dry run, or health >= threshold).
 */
export function minHealthFailure(result: RunResult, minHealth: number | null): string | null {
  if (minHealth === null || result.health === null || result.health >= minHealth) return null;
  return `health ${result.health.toFixed(2)} is below --min-health ${minHealth}`;
}
