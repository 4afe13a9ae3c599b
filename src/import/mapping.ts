/**
 * From a checked workflow to Phase 20 prediction rows (pure; contract sections 2 and 10).
 *
 * One row per (task, agent), agents `agent_0`..`agent_<N-1>`, all in wave 1:
 * - `depends_on`: the task's parents (de-duplicated, listed order); `[]` for a root task;
 * - `predicted_execution_time`: the recorded runtime, seconds, raised to
 *   {@link RUNTIME_FLOOR_S} (the contract needs > 0, and WfCommons records 0.0 s for tasks
 *   that finished within the tracer's resolution); {@link MISSING_RUNTIME_S} where the instance
 *   records no runtime. The same on every agent: WfCommons records one run per task;
 * - `predicted_success_probability`: {@link successProbability}, a keyed hash of
 *   (seed, task id, agent id), never `Math.random`.
 * No risk, priority, timestamp or required capabilities are written: the harness derives risk
 * from p and gives priority 2; WfFormat's Pegasus priorities and machines do not map onto them.
 */
import { createKeyedRandom, type KeyedRandom } from '../simulate/rng.ts';
import { round } from '../util/json.ts';
import { MAX_AGENTS, RUNTIME_FLOOR_S } from './defaults.ts';
import { MISSING_RUNTIME_S, type Workflow } from './rules.ts';

export { MISSING_RUNTIME_S } from './rules.ts';
export { DEFAULT_AGENTS, DEFAULT_SEED, MAX_AGENTS, RUNTIME_FLOOR_S } from './defaults.ts';

/** The probability model's constants: p = BASE + TASK u_t + AGENT u_a + PAIR u_ta. */
export const P_MODEL = { base: 0.55, task: 0.25, agent: 0.1, pair: 0.05 } as const;

/** One `predicted_tasks.jsonl` row of an import, in the order its keys are written. */
export interface ImportedRow {
  readonly task_id: string;
  readonly agent_id: string;
  readonly predicted_success_probability: number;
  readonly predicted_execution_time: number;
  readonly depends_on: readonly string[];
}

/** How the rows are made. */
export interface MappingOptions {
  /** Agents, integer 1..{@link MAX_AGENTS}. */
  readonly agents: number;
  /** Seed of the keyed probabilities, safe integer. */
  readonly seed: number;
}

/** The agent ids of an import: `agent_0`..`agent_<count-1>`. */
export function agentIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `agent_${i}`);
}

/**
 * predicted_execution_time of a task, seconds: `max(runtime, RUNTIME_FLOOR_S)`, or
 * {@link MISSING_RUNTIME_S} when `runtimeS` is null.
 */
export function predictedTime(runtimeS: number | null): number {
  return runtimeS === null ? MISSING_RUNTIME_S : Math.max(runtimeS, RUNTIME_FLOOR_S);
}

/**
 * The deterministic success probability of task `taskId` on agent `agentId`:
 *
 *   p = round4(0.55 + 0.25 u_t + 0.10 u_a + 0.05 u_ta), in [0.55, 0.95]
 *
 * where u_t, u_a and u_ta are uniforms on [0, 1) of the keyed generator of
 * `src/simulate/rng.ts` (cyrb53 of the length-prefixed key), keyed with wave 1, attempt 0 and
 * the purposes `import-task` (task id, agent `''`), `import-agent` (task `''`, agent id) and
 * `import-pair` (both). So a task has a difficulty shared by every agent, an agent a skill
 * shared by every task, and each pair a little noise; the mean is 0.75. The range stays above
 * the harness's `min_probability` (0.10) and `high_risk` (0.30) gates, so the imported DAG runs
 * rather than being refused. Over many agents about 30% of rows fall below 0.70 (HIGH risk by
 * the contract's rule) and 12% reach 0.85 (LOW); with few agents their skill draws shift these
 * shares (montage, 4 agents, seed 20: mean 0.767, 23% below 0.70).
 */
export function successProbability(random: KeyedRandom, taskId: string, agentId: string): number {
  return probabilityOf(taskDraw(random, taskId), agentDraw(random, agentId), pairDraw(random, taskId, agentId));
}

/** u_t of {@link successProbability}. */
function taskDraw(random: KeyedRandom, taskId: string): number {
  return random.uniform({ wave: 1, attempt: 0, taskId, agentId: '', purpose: 'import-task' });
}

/** u_a of {@link successProbability}. */
function agentDraw(random: KeyedRandom, agentId: string): number {
  return random.uniform({ wave: 1, attempt: 0, taskId: '', agentId, purpose: 'import-agent' });
}

/** u_ta of {@link successProbability}. */
function pairDraw(random: KeyedRandom, taskId: string, agentId: string): number {
  return random.uniform({ wave: 1, attempt: 0, taskId, agentId, purpose: 'import-pair' });
}

/** p from its three draws. */
function probabilityOf(uTask: number, uAgent: number, uPair: number): number {
  return round(P_MODEL.base + P_MODEL.task * uTask + P_MODEL.agent * uAgent + P_MODEL.pair * uPair, 4);
}

/** Counts of an import, for the summary line. */
export interface ImportStats {
  readonly tasks: number;
  /** Parent links (after de-duplication). */
  readonly dependencies: number;
  /** Tasks without parents. */
  readonly roots: number;
  /** Tasks whose recorded runtime was below {@link RUNTIME_FLOOR_S} and was raised to it. */
  readonly raisedToFloor: number;
  /** Tasks without a recorded runtime. */
  readonly missingRuntime: number;
}

/** The counts of `workflow`. */
export function importStats(workflow: Workflow): ImportStats {
  let dependencies = 0;
  let roots = 0;
  let raisedToFloor = 0;
  let missingRuntime = 0;
  for (const task of workflow.tasks) {
    dependencies += task.parents.length;
    if (task.parents.length === 0) roots++;
    if (task.runtimeS === null) missingRuntime++;
    else if (task.runtimeS < RUNTIME_FLOOR_S) raisedToFloor++;
  }
  return { tasks: workflow.tasks.length, dependencies, roots, raisedToFloor, missingRuntime };
}

/** The rows of an import, made one agent at a time (each task's own draw made once). */
export interface ImportPlan {
  /** `agent_0`..`agent_<agents-1>`. */
  readonly agentIds: readonly string[];
  /** The rows of agent `agentIds[index]`'s `predicted_tasks.jsonl`: every task, in instance order. */
  rowsOf(index: number): ImportedRow[];
}

/**
 * Prepares the rows of `workflow` for `options`.
 * @throws RangeError unless `agents` is an integer in 1..{@link MAX_AGENTS} and `seed` a safe integer.
 */
export function planImport(workflow: Workflow, options: MappingOptions): ImportPlan {
  checkMappingOptions(options);
  const random = createKeyedRandom(options.seed);
  const ids = agentIds(options.agents);
  const taskDraws = workflow.tasks.map((task) => taskDraw(random, task.id));
  const times = workflow.tasks.map((task) => predictedTime(task.runtimeS));
  return {
    agentIds: ids,
    rowsOf(index: number): ImportedRow[] {
      const agentId = ids[index];
      if (agentId === undefined) throw new RangeError(`no agent ${index}`);
      const uAgent = agentDraw(random, agentId);
      return workflow.tasks.map((task, t) => ({
        task_id: task.id,
        agent_id: agentId,
        predicted_success_probability: probabilityOf(taskDraws[t] ?? 0, uAgent, pairDraw(random, task.id, agentId)),
        predicted_execution_time: times[t] ?? MISSING_RUNTIME_S,
        depends_on: task.parents,
      }));
    },
  };
}

/**
 * Every row of the import, agent by agent (`agent_0` first), tasks in instance order.
 * @throws RangeError unless `agents` is an integer in 1..{@link MAX_AGENTS} and `seed` a safe integer.
 */
export function importedRows(workflow: Workflow, options: MappingOptions): { readonly agentId: string; readonly rows: ImportedRow[] }[] {
  const plan = planImport(workflow, options);
  return plan.agentIds.map((agentId, i) => ({ agentId, rows: plan.rowsOf(i) }));
}

/**
 * @throws RangeError unless `agents` is an integer in 1..{@link MAX_AGENTS} and `seed` a safe integer.
 */
export function checkMappingOptions(options: MappingOptions): void {
  if (!Number.isInteger(options.agents) || options.agents < 1 || options.agents > MAX_AGENTS) {
    throw new RangeError(`agents must be an integer from 1 to ${MAX_AGENTS}, got ${options.agents}`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
}
