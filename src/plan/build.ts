/**
 * Builds the {@link RunPlan} from validated, normalised input rows (contract section 2).
 * Pure: no I/O, no clock; the same rows give the same plan.
 */
import { InputError } from '../errors.ts';
import { DEFAULT_PROFILE } from './model.ts';
import type { AgentProfile, Prediction, Priority, Risk, RunPlan, SuggestedPlacement, Task, TaskRef, WavePlan } from './model.ts';
import { naturalCompare } from '../util/natural.ts';
import { topologicalOrder } from '../util/dag.ts';

/** One accepted `predicted_tasks.jsonl` row, normalised (defaults applied). */
export interface PredictionRecord {
  readonly wave: number;
  readonly taskId: string;
  readonly agentId: string;
  /** Predicted success probability, in [0, 1]. */
  readonly p: number;
  /** Seconds, > 0; 30 when the row had none. */
  readonly predictedTimeS: number;
  /** The row's risk, else derived from p. */
  readonly risk: Risk;
  readonly confidenceDelta: number | null;
  /** The row's priority, or null when it has none. */
  readonly priority: Priority | null;
  /** The row's `depends_on`, in row order without repeats; empty when absent. */
  readonly dependsOn: readonly string[];
  /** The row's `required_capabilities`, sorted (code-unit order) and unique; empty when absent. */
  readonly requiredCapabilities: readonly string[];
}

/** One accepted `predicted_schedule.jsonl` row, normalised. */
export interface ScheduleRecord {
  readonly wave: number;
  readonly taskId: string;
  readonly agentId: string;
  /** Planned start and end, seconds on Phase 20's clock; endS >= startS. */
  readonly startS: number;
  readonly endS: number;
  /** The row's predicted_success_probability, or null (then the matching prediction's p is used). */
  readonly p: number | null;
  readonly priority: Priority | null;
}

/** The accepted rows of one task (one wave, one task_id). */
export interface TaskRows {
  readonly taskId: string;
  /** Prediction rows, agent ids unique, any order. */
  readonly predictions: readonly PredictionRecord[];
  /** Schedule rows, agent ids unique; a row whose agent has no prediction here is ignored. */
  readonly schedule: readonly ScheduleRecord[];
}

/** Accepted rows grouped by wave, then task_id (the validator builds this while it checks keys). */
export type RowsByWave = ReadonlyMap<number, ReadonlyMap<string, TaskRows>>;

/** What {@link buildPlan} needs. */
export interface PlanInput {
  /** Every accepted row of every wave; each task has at least one prediction. */
  readonly rows: RowsByWave;
  /** Profiles by agent id; agents without one get {@link DEFAULT_PROFILE}. */
  readonly profiles: ReadonlyMap<string, AgentProfile>;
  /** Keep the N lowest waves; null = all. */
  readonly waves: number | null;
  /** Latest `timestamp` over all accepted rows of both types, epoch ms, or null (see `LatestInstant`). */
  readonly latestTimestampMs: number | null;
}

/**
 * Groups flat rows into {@link RowsByWave}, for callers that hold plain row lists (tests,
 * tools). Precondition: (wave, taskId, agentId) unique per row type. Schedule rows of tasks
 * without predictions are dropped.
 */
export function groupRows(predictions: readonly PredictionRecord[], schedule: readonly ScheduleRecord[]): RowsByWave {
  const byWave = new Map<number, Map<string, { readonly taskId: string; readonly predictions: PredictionRecord[]; readonly schedule: ScheduleRecord[] }>>();
  for (const row of predictions) {
    let tasks = byWave.get(row.wave);
    if (tasks === undefined) {
      tasks = new Map();
      byWave.set(row.wave, tasks);
    }
    let group = tasks.get(row.taskId);
    if (group === undefined) {
      group = { taskId: row.taskId, predictions: [], schedule: [] };
      tasks.set(row.taskId, group);
    }
    group.predictions.push(row);
  }
  for (const row of schedule) byWave.get(row.wave)?.get(row.taskId)?.schedule.push(row);
  return byWave;
}

/** Priority when neither a prediction nor the chosen schedule row gives one (contract section 2). */
export const DEFAULT_PRIORITY: Priority = 2;

function defaultProfile(agentId: string): AgentProfile {
  return { agentId, ...DEFAULT_PROFILE };
}

/** Natural order of agent ids, as integer ranks (sorting by rank beats re-running naturalCompare). */
export class AgentRanks {
  private readonly rank = new Map<string, number>();
  constructor(readonly order: readonly string[]) {
    order.forEach((id, i) => this.rank.set(id, i));
  }
  of(agentId: string): number {
    return this.rank.get(agentId) ?? 0;
  }
  /** Comparator by natural agent order; one closure per plan, not per task. */
  readonly compare = (a: { readonly agentId: string }, b: { readonly agentId: string }): number => this.of(a.agentId) - this.of(b.agentId);
}

/** The prediction of `agentId` among a few rows (a scan), or undefined. */
function predictionOf(predictions: readonly PredictionRecord[], agentId: string): PredictionRecord | undefined {
  for (const q of predictions) if (q.agentId === agentId) return q;
  return undefined;
}

/**
 * Phase 20's best schedule row for a task: the highest predicted_success_probability (the
 * row's, else the prediction's), then the earliest predicted_end_time, then the agent first in
 * natural order. `tied` is true when another agent's row is as good on p and end: real Phase 20
 * schedules list every task on every agent with identical values, and then no single agent is
 * suggested (the row still gives the task's priority and planned times).
 */
export function chooseSuggested(rows: TaskRows, ranks: AgentRanks): { readonly row: ScheduleRecord; readonly tied: boolean } | null {
  let best: ScheduleRecord | null = null;
  let bestP = -1;
  let tied = false;
  // Few candidates per task as a rule; index them only when there are many (no O(n^2) steps).
  const index = rows.predictions.length > 8 ? new Map(rows.predictions.map((q) => [q.agentId, q])) : null;
  for (const row of rows.schedule) {
    const prediction = index === null ? predictionOf(rows.predictions, row.agentId) : index.get(row.agentId);
    if (prediction === undefined) continue;
    const p = row.p ?? prediction.p;
    const same = best !== null && p === bestP && row.endS === best.endS;
    const better =
      best === null || p > bestP || (p === bestP && (row.endS < best.endS || (row.endS === best.endS && ranks.of(row.agentId) < ranks.of(best.agentId))));
    if (better) {
      tied = same;
      best = row;
      bestP = p;
    } else if (same) {
      tied = true;
    }
  }
  return best === null ? null : { row: best, tied };
}

/**
 * The task a `depends_on` id of a task of `wave` names (contract section 10): the task of
 * `wave` with that id, else the one of the nearest earlier wave; null when no wave up to
 * `wave` has it. `waves` holds the input's wave numbers ascending.
 */
export function resolveDependency(rows: RowsByWave, waves: readonly number[], wave: number, taskId: string): TaskRef | null {
  if (rows.get(wave)?.has(taskId) === true) return { wave, taskId };
  for (let i = waves.length - 1; i >= 0; i--) {
    const earlier = waves[i] ?? 0;
    if (earlier >= wave) continue;
    if (rows.get(earlier)?.has(taskId) === true) return { wave: earlier, taskId };
  }
  return null;
}

/** Lists this long or shorter are sorted and compared by scanning (no allocation per task). */
const SHORT = 16;

/** The rows in the agents' natural order; one rank look-up per row (not two per comparison). */
function byAgentOrder(rows: readonly PredictionRecord[], ranks: AgentRanks): readonly PredictionRecord[] {
  if (rows.length === 1) return rows;
  if (rows.length > SHORT) return [...rows].sort(ranks.compare);
  const sorted = rows.slice();
  const keys = sorted.map((r) => ranks.of(r.agentId));
  // Insertion sort: stable, as Array.prototype.sort.
  for (let i = 1; i < sorted.length; i++) {
    const row = sorted[i] as PredictionRecord;
    const key = keys[i] ?? 0;
    let j = i - 1;
    while (j >= 0 && (keys[j] ?? 0) > key) {
      sorted[j + 1] = sorted[j] as PredictionRecord;
      keys[j + 1] = keys[j] ?? 0;
      j--;
    }
    sorted[j + 1] = row;
    keys[j + 1] = key;
  }
  return sorted;
}

/** True when every item of `list` is in `known` (both short). */
function allIn(list: readonly string[], known: readonly string[]): boolean {
  for (const item of list) if (!known.includes(item)) return false;
  return true;
}

/**
 * The union of the rows' `depends_on`, in row order, first-seen order, without repeats. Rows
 * of a task agree (the validator's rule), so the first non-empty list is most often the union.
 */
function unionOfDependencies(sorted: readonly PredictionRecord[]): readonly string[] {
  let union: readonly string[] | null = null;
  let set: Set<string> | null = null;
  for (const r of sorted) {
    if (r.dependsOn.length === 0) continue;
    if (union === null) {
      union = r.dependsOn;
      continue;
    }
    if (set === null && union.length <= SHORT && r.dependsOn.length <= SHORT && allIn(r.dependsOn, union)) continue;
    set ??= new Set(union);
    for (const id of r.dependsOn) set.add(id);
  }
  return set !== null ? [...set] : (union ?? []);
}

function toTask(wave: number, rows: TaskRows, ranks: AgentRanks, resolve: (taskId: string) => TaskRef): Task {
  const sorted = byAgentOrder(rows.predictions, ranks);
  const chosen = chooseSuggested(rows, ranks);
  const predictions: Prediction[] = [];
  let rowPriority: Priority | null = null;
  for (const r of sorted) {
    predictions.push({ agentId: r.agentId, p: r.p, predictedTimeS: r.predictedTimeS, risk: r.risk, confidenceDelta: r.confidenceDelta });
    rowPriority ??= r.priority;
  }
  const dependsOn = unionOfDependencies(sorted);
  const priority = rowPriority ?? chosen?.row.priority ?? DEFAULT_PRIORITY;
  const suggested: SuggestedPlacement | null =
    chosen === null ? null : { agentId: chosen.tied ? null : chosen.row.agentId, plannedStartS: chosen.row.startS, plannedEndS: chosen.row.endS };
  return {
    wave,
    taskId: rows.taskId,
    priority,
    predictions,
    suggested,
    dependsOn: dependsOn.length === 0 ? NO_DEPENDENCIES : dependsOn.map(resolve),
    requiredCapabilities: sorted[0]?.requiredCapabilities ?? NO_CAPABILITIES,
  };
}

const NO_DEPENDENCIES: readonly TaskRef[] = [];
const NO_CAPABILITIES: readonly string[] = [];

function compareTasks(a: TaskRows, b: TaskRows): number {
  return naturalCompare(a.taskId, b.taskId);
}

/**
 * Builds one wave's plan, as {@link buildPlan} builds each of its waves: tasks in natural order
 * of task_id (tasks without predictions left out), each as `buildPlan` describes, and the
 * wave's topological order. Used by `buildPlan` and, wave by wave, by the streamed input
 * (`src/io/wave-source.ts`), which holds one wave's rows at a time.
 *
 * @param rows the wave's accepted rows by task_id (any order)
 * @param resolveEarlier the task of an earlier wave a `depends_on` id that names no task of
 *   this wave resolves to (see {@link resolveDependency}); null when none (a bug: validation refuses it)
 * @param ranks natural order of agent ids; default: of the wave's own agents (the same order)
 * @throws Error when a dependency does not resolve or the same-wave dependencies hold a cycle
 *   (validation refuses both, so either is a bug)
 */
export function buildWave(
  wave: number,
  rows: ReadonlyMap<string, TaskRows>,
  resolveEarlier: (taskId: string) => TaskRef | null,
  ranks: AgentRanks = waveRanks(rows),
): WavePlan {
  const groups = [...rows.values()].filter((g) => g.predictions.length > 0).sort(compareTasks);
  const position = new Map<string, number>();
  groups.forEach((group, i) => position.set(group.taskId, i));
  // The same-wave dependency graph (WavePlan.topologicalOrder), edges in each task's dependsOn order, built while resolving.
  const offsets = new Int32Array(groups.length + 1);
  const targets: number[] = [];
  const resolve = (taskId: string): TaskRef => {
    const at = position.get(taskId);
    if (at !== undefined) targets.push(at);
    if (at !== undefined || rows.has(taskId)) return { wave, taskId };
    const ref = resolveEarlier(taskId);
    if (ref === null) throw new Error(`wave ${wave}: depends_on names ${JSON.stringify(taskId)}, which validation should have refused`);
    return ref;
  };
  const tasks: Task[] = [];
  groups.forEach((group, i) => {
    tasks.push(toTask(wave, group, ranks, resolve));
    offsets[i + 1] = targets.length;
  });
  // Kahn's algorithm, smallest ready index first.
  const order = topologicalOrder({ n: tasks.length, offsets, targets: Int32Array.from(targets) });
  if (order === null) throw new Error(`wave ${wave}: the dependencies hold a cycle that validation let through`);
  return { wave, tasks, topologicalOrder: order };
}

/** Natural order of the agents of one wave's rows (for ordering within a task, as good as the run's). */
export function waveRanks(rows: ReadonlyMap<string, TaskRows>): AgentRanks {
  const ids = new Set<string>();
  for (const group of rows.values()) for (const r of group.predictions) ids.add(r.agentId);
  return new AgentRanks([...ids].sort(naturalCompare));
}

/**
 * Builds the run plan (contract section 2): waves ascending (the N lowest with `waves`), tasks
 * in natural order of task_id, predictions in natural order of agent_id; `agents` = every
 * agent with a prediction in ANY wave of the input (not only the selected ones), natural
 * order, with its profile; `latestTimestamp` = `new Date(latestTimestampMs).toISOString()`
 * (UTC, milliseconds) or null.
 *
 * Task fields: priority = the first prediction row (agent natural order) that has one, else
 * the suggested schedule row's, else {@link DEFAULT_PRIORITY}; dependsOn = the union of the
 * rows' `depends_on` in agent natural order, first-seen order, without repeats, each resolved
 * by {@link resolveDependency}; requiredCapabilities = the first row's (the validator makes the
 * rows of a task agree); suggested = see `chooseSuggested`. Each wave's topologicalOrder as
 * in `WavePlan`.
 *
 * Precondition (the validator's, `src/io/dependencies.ts`): every `depends_on` id resolves and
 * the same-wave dependencies hold no cycle.
 *
 * @throws InputError when `waves` is not an integer >= 1, or greater than the number of waves
 *   present (`--waves 5 but the input has 3 waves (1, 2, 3)`)
 */
export function buildPlan(input: PlanInput): RunPlan {
  if (input.waves !== null && (!Number.isInteger(input.waves) || input.waves < 1)) {
    throw new InputError(`--waves must be an integer >= 1, got ${input.waves}`);
  }
  const waveNumbers = [...input.rows.keys()].sort((a, b) => a - b);
  if (input.waves !== null && input.waves > waveNumbers.length) {
    const count = `${waveNumbers.length} wave${waveNumbers.length === 1 ? '' : 's'}`;
    throw new InputError(`--waves ${input.waves} but the input has ${count} (${waveNumbers.join(', ')})`);
  }
  const selected = input.waves === null ? waveNumbers : waveNumbers.slice(0, input.waves);

  const agentIds = new Set<string>();
  for (const tasks of input.rows.values()) for (const rows of tasks.values()) for (const r of rows.predictions) agentIds.add(r.agentId);
  const ranks = new AgentRanks([...agentIds].sort(naturalCompare));

  const waves: WavePlan[] = [];
  for (const wave of selected) {
    waves.push(buildWave(wave, input.rows.get(wave) ?? new Map(), (taskId) => resolveDependency(input.rows, waveNumbers, wave, taskId), ranks));
  }
  const agents = ranks.order.map((id) => input.profiles.get(id) ?? defaultProfile(id));
  const latestTimestamp = input.latestTimestampMs === null ? null : new Date(input.latestTimestampMs).toISOString();
  return { waves, agents, latestTimestamp };
}
