/**
 * The replay world's outcomes file (`--outcomes FILE`, contract section 11), validated like the
 * input: each line is parsed as JSON, checked by the zod schema (src/schema/outcomes.ts), then
 * normalised (attempt default 0), then the rules that need other rows or the run run on it.
 *
 * - Errors (exit 2, nothing written), as `file:line: field: problem`: invalid JSON, a line that
 *   is not an object, a field of the wrong type or range, two rows for one (wave, task_id,
 *   agent_id, attempt) (`duplicate of line N`), a missing or unreadable file. There is no
 *   quarantine: a left-out row would silently turn a recorded attempt into a drawn one.
 * - Warnings (counted, the run goes on): rows naming a wave, task or agent the run does not
 *   have (e.g. outcomes of a whole benchmark replayed on a subset, or `--waves N`), and
 *   unknown fields (ignored), each named once with a count.
 *
 * The index is a Map keyed by one compact string per (wave, task, agent, attempt) whose value
 * is the signed duration (+d succeeded, -d failed; d > 0), so 10^6 rows cost one string and one
 * number each (BENCHMARKS.md, "Worlds").
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../../errors.ts';
import type { Diagnostic } from '../../errors.ts';
import { errorAt, inputError, warningAt } from '../../io/diagnostics.ts';
import { describeValue, issueProblems } from '../../io/issues.ts';
import { LineReadError, readLines } from '../../io/lines.ts';
import type { PlanSource, RunPlan } from '../../plan/model.ts';
import { OUTCOME_FIELDS, OutcomeRowSchema } from '../../schema/outcomes.ts';
import { plural } from '../../util/format.ts';

/** Errors kept before the read stops (the printer shows 50 and counts the rest). */
export const MAX_OUTCOME_ERRORS = 1000;

/** The key of one recorded attempt. */
export function outcomeKey(wave: number, taskId: string, agentId: string, attempt: number): string {
  return `${wave}\u0000${taskId}\u0000${agentId}\u0000${attempt}`;
}

/** A recorded attempt's outcome. */
export interface RecordedOutcome {
  readonly succeeded: boolean;
  /** Seconds, > 0. */
  readonly durationS: number;
}

/** The valid recorded outcomes of a file, looked up by attempt. */
export class RecordedOutcomes {
  /** @param signed - {@link outcomeKey} -> +duration (succeeded) or -duration (failed) */
  constructor(private readonly signed: ReadonlyMap<string, number>) {}

  /** Rows held (rows naming nothing of the run are left out). */
  get size(): number {
    return this.signed.size;
  }

  /** The recorded outcome of attempt `attempt` of (wave, task) on `agentId`, or null when none is recorded. */
  get(wave: number, taskId: string, agentId: string, attempt: number): RecordedOutcome | null {
    const value = this.signed.get(outcomeKey(wave, taskId, agentId, attempt));
    if (value === undefined) return null;
    return value > 0 ? { succeeded: true, durationS: value } : { succeeded: false, durationS: -value };
  }
}

/** What reading an outcomes file gave. */
export interface OutcomesFile {
  readonly path: string;
  readonly sha256: string;
  /** Non-blank lines. */
  readonly rows: number;
  /** Rows naming a (wave, task, agent) of the run. */
  readonly outcomes: RecordedOutcomes;
  /** Rows left out because the run has no such wave, task or agent. */
  readonly unused: number;
  /** Unused rows and unknown fields, one diagnostic each kind. */
  readonly warnings: readonly Diagnostic[];
}

/** The run's waves, tasks and agents, for the unknown-row rule. */
interface RunIndex {
  hasTask(wave: number, taskId: string): boolean;
  readonly waves: ReadonlySet<number>;
  readonly agents: ReadonlySet<string>;
}

function runIndex(plan: RunPlan | PlanSource): RunIndex {
  const waves = new Set(plan.waves.map((w) => w.wave));
  const agents = new Set(plan.agents.map((a) => a.agentId));
  // A streamed plan knows its tasks without loading them (src/io/wave-source.ts).
  if ('hasTask' in plan) return { hasTask: (wave, taskId) => plan.hasTask(wave, taskId), waves, agents };
  const tasks = new Set<string>();
  for (const wave of plan.waves) for (const task of wave.tasks) tasks.add(`${wave.wave}\u0000${task.taskId}`);
  return { hasTask: (wave, taskId) => tasks.has(`${wave}\u0000${taskId}`), waves, agents };
}

/** Why a valid row names nothing of the run, or null when it names a task and agent of it. */
function unusedReason(run: RunIndex, wave: number, taskId: string, agentId: string): string | null {
  if (!run.waves.has(wave)) return `wave ${wave} is not run`;
  if (!run.hasTask(wave, taskId)) return `task ${JSON.stringify(taskId)} is not in wave ${wave}`;
  if (!run.agents.has(agentId)) return `agent ${JSON.stringify(agentId)} is not an agent of the run`;
  return null;
}

/**
 * Reads and validates `path` against the run's `plan`.
 * @throws InputError with every error (`file:line: field: problem`; at most
 *   {@link MAX_OUTCOME_ERRORS}, then the read stops), or one `file: (file): ...` error when the
 *   file is missing, unreadable, not UTF-8, has an endless line, or holds no row
 */
export async function loadOutcomes(path: string, plan: RunPlan | PlanSource): Promise<OutcomesFile> {
  const run = runIndex(plan);
  const signed = new Map<string, number>();
  /** Line of each key's row, for `duplicate of line N`. */
  const lineOf = new Map<string, number>();
  const errors: Diagnostic[] = [];
  const unknownFields = new Map<string, { count: number; readonly line: number }>();
  const unused = { count: 0, line: 0, reason: '' };
  const onLine = (text: string, lineNo: number): void => {
    if (errors.length >= MAX_OUTCOME_ERRORS) return;
    const error = (field: string, problem: string): void => {
      errors.push(errorAt(path, lineNo, field, problem));
    };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e: unknown) {
      error('(line)', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      error('(line)', `must be a JSON object {wave, task_id, agent_id, attempt?, success, duration_s}, got ${describeValue(raw)}`);
      return;
    }
    for (const field of Object.keys(raw)) {
      if (OUTCOME_FIELDS.has(field)) continue;
      const seen = unknownFields.get(field);
      if (seen === undefined) unknownFields.set(field, { count: 1, line: lineNo });
      else seen.count++;
    }
    const parsed = OutcomeRowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const p of issueProblems(parsed.error, raw)) error(p.field, p.problem);
      return;
    }
    const row = parsed.data;
    const key = outcomeKey(row.wave, row.task_id, row.agent_id, row.attempt);
    const first = lineOf.get(key);
    if (first !== undefined) {
      error('(line)', `duplicate of line ${first}: one row per (wave, task_id, agent_id, attempt), here (${row.wave}, ${JSON.stringify(row.task_id)}, ${JSON.stringify(row.agent_id)}, ${row.attempt})`);
      return;
    }
    lineOf.set(key, lineNo);
    const reason = unusedReason(run, row.wave, row.task_id, row.agent_id);
    if (reason !== null) {
      if (unused.count++ === 0) {
        unused.line = lineNo;
        unused.reason = reason;
      }
      return;
    }
    signed.set(key, row.success ? row.duration_s : -row.duration_s);
  };

  let stats: Awaited<ReturnType<typeof readLines>>;
  try {
    // A special file (a FIFO, /dev/zero) would block or never end: only a regular file is read.
    if (!(await stat(path)).isFile()) throw inputError([errorAt(path, null, '(file)', 'must be a regular file')]);
    stats = await readLines(path, onLine);
  } catch (error: unknown) {
    if (error instanceof LineReadError) throw inputError([errorAt(path, error.line, '(line)', error.message)]);
    if (error instanceof InputError) throw error;
    throw inputError([errorAt(path, null, '(file)', readProblem(error))]);
  }
  if (errors.length >= MAX_OUTCOME_ERRORS) errors.push(errorAt(path, null, '(file)', `stopped reading after ${MAX_OUTCOME_ERRORS} errors`));
  if (errors.length > 0) throw inputError(errors);
  if (stats.nonBlankLines === 0) throw inputError([errorAt(path, null, '(file)', 'holds no row; expected JSONL rows {wave, task_id, agent_id, attempt?, success, duration_s}')]);

  const warnings: Diagnostic[] = [];
  if (unused.count > 0) {
    warnings.push(warningAt(path, unused.line, '(line)', `${plural(unused.count, 'row')} name no task and agent of the run and ${unused.count === 1 ? 'is' : 'are'} not used (first here: ${unused.reason})`));
  }
  for (const [field, { count, line }] of unknownFields) warnings.push(warningAt(path, line, field, `unknown field ignored (in ${plural(count, 'row')})`));
  return { path, sha256: stats.sha256, rows: stats.nonBlankLines, outcomes: new RecordedOutcomes(signed), unused: unused.count, warnings };
}

function readProblem(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'outcomes file not found';
  if (code === 'EISDIR') return 'is a folder; expected a JSONL file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read (permission denied)';
  if (code === 'ELOOP') return 'is a symbolic link; give the file itself';
  return `cannot read (${code === '' ? (error instanceof Error ? error.message : String(error)) : code})`;
}
