/**
 * The row rules that run after a line passes its schema (contract section 2): layout and
 * folder agreement, key uniqueness per file type, schedule end >= start, and a schedule row's
 * match with an accepted prediction. Each rule is a plain function of the parsed row and the
 * validator's state; every rule runs, so every problem on a line is reported.
 */
import { agentFolderName } from './paths.ts';
import type { FieldProblem } from './issues.ts';
import type { PredictionRowInput, ScheduleRowInput } from '../schema/input.ts';
import { sortedUnique } from '../util/lists.ts';

/** The fields every keyed row has. */
export interface KeyedRow {
  readonly task_id: string;
  readonly agent_id: string;
  readonly wave?: number | null | undefined;
}

/** What the rules see of a task with an accepted prediction: what its first prediction set. */
export interface TaskSoFar {
  /** The agent of the task's first accepted prediction. */
  readonly firstAgentId: string;
  /** That prediction's `depends_on`, in row order without repeats. */
  readonly dependsOn: readonly string[];
  /** That prediction's `required_capabilities`, sorted and unique. */
  readonly requiredCapabilities: readonly string[];
  /** Location of that prediction's line. */
  firstLocation(): number;
}

/** What the rules may read about the current line and the rows accepted so far. */
export interface RuleState {
  /** The current file's wave (tree) or null (flat). */
  readonly fileWave: number | null;
  /** The current file's agent folder (tree) or null (flat). */
  readonly agentFolder: string | null;
  /** The current line's wave: the folder's (tree) or the row's (flat); null when unknown. */
  readonly wave: number | null;
  /**
   * Location (see {@link packLocation}) of an accepted row of the current file type with the
   * current line's wave and task_id and this agent, or undefined.
   */
  earlierRow(agentId: string): number | undefined;
  /** True when a prediction with the current line's wave and task_id and this agent was accepted. */
  hasPrediction(agentId: string): boolean;
  /** Location of a rejected prediction line with the current line's wave and task_id and this agent. */
  rejectedPrediction(agentId: string): number | undefined;
  /** `line 3` in the current file, else `path:3`. */
  where(location: number): string;
  /** The task of the current line's wave and task_id, when it has an accepted prediction; else undefined. */
  firstPrediction(): TaskSoFar | undefined;
}

/** A rule: null when the row passes, else the problem. */
export type Rule<R> = (row: R, state: RuleState) => FieldProblem | null;

/**
 * A row's key as one string: wave, task_id and agent_id joined by tabs. Injective: the wave is
 * digits and agent ids cannot hold a tab, so a tab inside a task_id cannot make two keys equal.
 * Used only for the (rare) rejected prediction lines: composite string keys are slow to hash
 * at 10^6 rows, so accepted rows are indexed by wave, then task_id, then agent.
 */
export function rowKey(wave: number, taskId: string, agentId: string): string {
  return `${wave}\t${taskId}\t${agentId}`;
}

/** Multiplier that packs (file index, line) into one safe integer. */
const LINE_SPAN = 2 ** 32;

/** Packs a file index and a 1-based line number into one number (no allocation per row). */
export function packLocation(fileIndex: number, line: number): number {
  return fileIndex * LINE_SPAN + line;
}

/** Unpacks {@link packLocation}. */
export function unpackLocation(location: number): { readonly fileIndex: number; readonly line: number } {
  return { fileIndex: Math.floor(location / LINE_SPAN), line: location % LINE_SPAN };
}

function describeKey(state: RuleState, row: KeyedRow): string {
  return `wave ${state.wave ?? '?'}, task_id ${JSON.stringify(row.task_id)}, agent_id ${JSON.stringify(row.agent_id)}`;
}

/** Flat rows must carry `wave`; in the tree a row's `wave`, when given, must match its folder. */
export const waveMatchesLayout: Rule<KeyedRow> = (row, state) => {
  const wave = row.wave ?? null;
  if (state.fileWave === null) return wave === null ? { field: 'wave', problem: 'required in the flat layout' } : null;
  if (wave !== null && wave !== state.fileWave) return { field: 'wave', problem: `${wave} does not match its folder wave_${state.fileWave}` };
  return null;
};

/** In the tree, the agent folder must be the agent id or `agentFolderName(agent id)`. */
export const agentMatchesFolder: Rule<KeyedRow> = (row, state) => {
  const folder = state.agentFolder;
  if (folder === null || row.agent_id === folder || agentFolderName(row.agent_id) === folder) return null;
  return { field: 'agent_id', problem: `${JSON.stringify(row.agent_id)} does not match its folder ${folder}` };
};

/** Keys are unique per file type: a later duplicate is the bad line, naming the earlier one. */
export const uniqueKey: Rule<KeyedRow> = (row, state) => {
  if (state.wave === null) return null;
  const earlier = state.earlierRow(row.agent_id);
  if (earlier === undefined) return null;
  return { field: '(line)', problem: `duplicate of ${state.where(earlier)} (${describeKey(state, row)})` };
};

/** A schedule row ends no earlier than it starts. */
export const endNotBeforeStart: Rule<ScheduleRowInput> = (row) =>
  row.predicted_end_time >= row.predicted_start_time
    ? null
    : { field: 'predicted_end_time', problem: `must be >= predicted_start_time (${row.predicted_start_time}), got ${row.predicted_end_time}` };

/** A schedule row must name an accepted prediction with the same (wave, task_id, agent_id). */
export const matchesPrediction: Rule<ScheduleRowInput> = (row, state) => {
  if (state.wave === null || state.hasPrediction(row.agent_id)) return null;
  const rejected = state.rejectedPrediction(row.agent_id);
  if (rejected !== undefined) return { field: '(line)', problem: `its prediction (${state.where(rejected)}) was rejected` };
  return { field: '(line)', problem: `no prediction for ${describeKey(state, row)} in predicted_tasks.jsonl` };
};

/** Lists up to this long are compared by scanning (no allocation per row); longer ones as sorted sets. */
const SCAN_COMPARE = 16;

/** True when every item of `a` is in `b`. */
function within(a: readonly string[], b: readonly string[]): boolean {
  for (const item of a) if (!b.includes(item)) return false;
  return true;
}

/** The same set of strings, ignoring order and repeats. */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return a.length === b.length;
  if (a.length <= SCAN_COMPARE && b.length <= SCAN_COMPARE) return within(a, b) && within(b, a);
  const x = sortedUnique(a);
  const y = sortedUnique(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** A list as `["a", "b"]` for messages ([] when empty). */
function shown(list: readonly string[]): string {
  return JSON.stringify(list);
}

/**
 * Rows of one task agree on `depends_on` and on `required_capabilities`, as sets (order and
 * repeats aside; contract section 10). The task's first accepted row sets them; a later row
 * that differs is the bad line, naming the first (as with duplicate keys).
 */
export function rowsAgree(field: 'depends_on' | 'required_capabilities'): Rule<PredictionRowInput> {
  return (row, state) => {
    const first = state.firstPrediction();
    if (first === undefined || first.firstAgentId === row.agent_id) return null;
    const mine = row[field] ?? [];
    const theirs = field === 'depends_on' ? first.dependsOn : first.requiredCapabilities;
    if (sameSet(mine, theirs)) return null;
    return { field, problem: `${shown(mine)} differs from ${shown(theirs)} in ${state.where(first.firstLocation())}: rows of one task must agree` };
  };
}

/** Rules of `predicted_tasks.jsonl` rows, in reporting order. */
export const PREDICTION_RULES: readonly Rule<PredictionRowInput>[] = [waveMatchesLayout, agentMatchesFolder, uniqueKey, rowsAgree('depends_on'), rowsAgree('required_capabilities')];

/** Rules of `predicted_schedule.jsonl` rows, in reporting order. */
export const SCHEDULE_RULES: readonly Rule<ScheduleRowInput>[] = [waveMatchesLayout, agentMatchesFolder, endNotBeforeStart, uniqueKey, matchesPrediction];
