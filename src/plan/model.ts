/**
 * The run plan: validated Phase 20 input, normalised into the shape every later stage reads.
 *
 * Built by `src/plan/build.ts` from the loaded rows; read by assign, simulate, measure and
 * report. Everything here is immutable and ordered: waves ascending, tasks in natural order
 * of task_id, agents in natural order of agent_id (contract section 2).
 */

/** Phase 20's risk label for one (task, agent) prediction. */
export type Risk = 'LOW' | 'MEDIUM' | 'HIGH';

/** Task priority, 1 = highest. */
export type Priority = 1 | 2 | 3;

/** Phase 20's forecast for one task on one agent (one `predicted_tasks.jsonl` row). */
export interface Prediction {
  readonly agentId: string;
  /** Predicted success probability, in [0, 1]. */
  readonly p: number;
  /** Predicted execution time, seconds, > 0 (default 30 when the row has none). */
  readonly predictedTimeS: number;
  /** Risk label: the row's, else derived from p (>= 0.85 LOW, >= 0.70 MEDIUM, else HIGH). */
  readonly risk: Risk;
  /** Phase 20's `confidence_delta_estimate`, when given. */
  readonly confidenceDelta: number | null;
}

/** Phase 20's plan for a task, taken from `predicted_schedule.jsonl`. */
export interface SuggestedPlacement {
  /**
   * The agent Phase 20 suggests, or null when its best schedule rows name several agents with
   * the same p and end (real Phase 20 lists every task on every agent identically: no single
   * agent is suggested then).
   */
  readonly agentId: string | null;
  /** Planned start, seconds on Phase 20's own clock (may accumulate across waves). */
  readonly plannedStartS: number;
  /** Planned end, seconds, >= plannedStartS. */
  readonly plannedEndS: number;
}

/**
 * A reference to a task: the (wave, task_id) key (contract section 1). A dependency names a
 * task of the same wave or of an earlier wave of the run (contract section 10).
 */
export interface TaskRef {
  readonly wave: number;
  readonly taskId: string;
}

/** One task of one wave, with every candidate agent's prediction. */
export interface Task {
  readonly wave: number;
  readonly taskId: string;
  /** 1 = highest: the row's, else the schedule's, else 2. */
  readonly priority: Priority;
  /** Candidate agents' predictions, in natural order of agent id; never empty. */
  readonly predictions: readonly Prediction[];
  /** Phase 20's plan for the task, or null when the schedule does not list it. */
  readonly suggested: SuggestedPlacement | null;
  /**
   * Tasks that must succeed before this one starts (contract section 10): each of the same
   * wave or an earlier one, never this task; in the order of the row's `depends_on`, repeats
   * removed; [] when none. A `depends_on` id resolves to the task of this wave with that id,
   * else to the one of the nearest earlier wave (validated in `src/io/dependencies.ts`: every
   * reference exists and the same-wave graph has no cycle).
   */
  readonly dependsOn: readonly TaskRef[];
  /**
   * Capabilities an agent must all have to run this task (contract section 10): the rows'
   * `required_capabilities`, sorted (UTF-16 code-unit order), unique; [] when none.
   */
  readonly requiredCapabilities: readonly string[];
}

/** One wave's tasks, in natural order of task_id. */
export interface WavePlan {
  readonly wave: number;
  readonly tasks: readonly Task[];
  /**
   * Indices into `tasks` in a topological order of the wave's same-wave dependencies: every
   * task after each task of this wave it depends on. Kahn's algorithm (A. B. Kahn,
   * "Topological sorting of large networks", CACM 5(11), 1962) taking the smallest ready index
   * first, so tasks without dependencies keep natural order: `[0, 1, ..., n - 1]` when the
   * wave has none. Dependencies on earlier waves play no part (they are decided before the
   * wave starts). Built by `buildPlan` with `topologicalOrder` of `src/util/dag.ts`.
   */
  readonly topologicalOrder: readonly number[];
}

/** An agent's true behaviour in the simulated world (contract section 2, agent profiles). */
export interface AgentProfile {
  readonly agentId: string;
  /** Attempts the agent runs at once; integer >= 1; default 2. */
  readonly maxConcurrency: number;
  /** Multiplies every duration; > 0; default 1.0 (2.0 = twice as slow). */
  readonly speed: number;
  /** True success rate minus Phase 20's prediction, in [-1, 1]; default 0. */
  readonly reliabilityOffset: number;
  /**
   * Capabilities the agent has (contract section 10): sorted (UTF-16 code-unit order), unique;
   * default []. An agent is capable of a task when it has every one the task requires.
   */
  readonly capabilities: readonly string[];
  /**
   * The subprocess world's argv for this agent (contract section 12), over the config's
   * `subprocess.command`; absent = the config's.
   */
  readonly command?: readonly string[];
}

/** Everything a run needs to know about its input. */
export interface RunPlan {
  /** Waves to run, ascending (the N lowest when `--waves N` is given). */
  readonly waves: readonly WavePlan[];
  /** Every agent with a prediction anywhere in the input, natural order, with its profile. */
  readonly agents: readonly AgentProfile[];
  /** Latest `timestamp` in the input as an ISO-8601 UTC string, or null when there is none. */
  readonly latestTimestamp: string | null;
}

/** One wave of a {@link PlanSource}, before its tasks are loaded. */
export interface WaveOutline {
  readonly wave: number;
  /** Tasks of the wave (those `loadWave` returns). */
  readonly taskCount: number;
}

/**
 * The run's input, streamed (contract section 15): what the whole run needs is held (agents,
 * the waves' outlines, the dependency targets later waves need), and each wave's tasks are
 * loaded when the run reaches it. Built by `scanInput` (src/io/load.ts), which validated every
 * line first; a {@link RunPlan} is the same input with every wave in memory.
 */
export interface PlanSource {
  /** Waves to run, ascending (the N lowest when `--waves N` is given), as in `RunPlan.waves`. */
  readonly waves: readonly WaveOutline[];
  /** As `RunPlan.agents`. */
  readonly agents: readonly AgentProfile[];
  /** As `RunPlan.latestTimestamp`. */
  readonly latestTimestamp: string | null;
  /** True when (wave, task_id) is a task of a wave to run. */
  hasTask(wave: number, taskId: string): boolean;
  /** True when a task of a later wave to run depends on `ref` (its status must outlive its wave). */
  dependedOnLater(ref: TaskRef): boolean;
  /**
   * For each wave to run, in order, each task's longest predicted_execution_time over its
   * candidates, seconds, in the order pass 1 read the tasks (for the horizon bound,
   * src/simulate/horizon.ts, whose sum may then differ from a RunPlan's in the last bits).
   */
  readonly longestTimesS: readonly Float64Array[];
  /**
   * The plan of `waves[index]`, equal to what `buildPlan` builds for it. Each call reads the
   * wave's input again; the caller holds one at a time.
   * @throws InputError when an input file changed since it was validated (`file: (file):
   *   changed while the harness read it; run again`) or cannot be read again
   */
  loadWave(index: number): Promise<WavePlan>;
}

/** Default agent profile values (contract section 2). */
export const DEFAULT_PROFILE = {
  maxConcurrency: 2,
  speed: 1.0,
  reliabilityOffset: 0.0,
  capabilities: [] as readonly string[],
} as const;

/**
 * True when `agent` has every capability `task` requires (contract section 10). Lists are short
 * (a few tags), so a scan beats building a set; any order works.
 */
export function isCapable(agent: Pick<AgentProfile, 'capabilities'>, task: Pick<Task, 'requiredCapabilities'>): boolean {
  for (const capability of task.requiredCapabilities) if (!agent.capabilities.includes(capability)) return false;
  return true;
}

/**
 * The capabilities `task` requires that `agent` lacks, in sorted order ([] when capable): for
 * the `capabilities` gate's reason (contract section 10).
 */
export function missingCapabilities(agent: Pick<AgentProfile, 'capabilities'>, task: Pick<Task, 'requiredCapabilities'>): string[] {
  const have = new Set(agent.capabilities);
  return task.requiredCapabilities.filter((capability) => !have.has(capability));
}

/**
 * For each task of the wave (by index into `tasks`), the indices of the tasks of the same wave
 * it depends on, in `dependsOn` order; dependencies on earlier waves are left out (they are
 * decided before the wave starts, contract section 10). O(tasks + dependencies); a wave
 * without same-wave dependencies builds no index.
 */
export function sameWaveDependencies(plan: Pick<WavePlan, 'wave' | 'tasks'>): number[][] {
  let position: Map<string, number> | null = null;
  const lists: number[][] = [];
  for (const task of plan.tasks) {
    const list: number[] = [];
    for (const ref of task.dependsOn) {
      if (ref.wave !== plan.wave) continue;
      position ??= new Map(plan.tasks.map((t, i) => [t.taskId, i]));
      const at = position.get(ref.taskId);
      if (at !== undefined) list.push(at);
    }
    lists.push(list);
  }
  return lists;
}

/** Risk derived from p when the row gives none (contract section 2). */
export function riskFromProbability(p: number): Risk {
  if (p >= 0.85) return 'LOW';
  if (p >= 0.7) return 'MEDIUM';
  return 'HIGH';
}

/**
 * The prediction for `agentId`, or null when the agent is not a candidate for the task.
 * Predictions are few per task (one per agent), so a linear scan beats a map here.
 */
export function predictionFor(task: Task, agentId: string): Prediction | null {
  for (const prediction of task.predictions) if (prediction.agentId === agentId) return prediction;
  return null;
}

/**
 * What Phase 20 predicts for `task` on `agentId`: the agent's own prediction when it is a
 * candidate; otherwise one made of the task's mean p and mean predicted time, with the risk
 * derived from that p (the world model's fallback, contract section 3).
 */
export function predictionOn(task: Task, agentId: string): Prediction {
  const prediction = predictionFor(task, agentId);
  if (prediction !== null) return prediction;
  const p = meanProbability(task);
  return { agentId, p, predictedTimeS: meanPredictedTime(task), risk: riskFromProbability(p), confidenceDelta: null };
}

/** Mean predicted p over the task's candidates (the world model's fallback, section 3). */
export function meanProbability(task: Task): number {
  let sum = 0;
  for (const prediction of task.predictions) sum += prediction.p;
  return sum / task.predictions.length;
}

/** Mean predicted execution time over the task's candidates, seconds. */
export function meanPredictedTime(task: Task): number {
  let sum = 0;
  for (const prediction of task.predictions) sum += prediction.predictedTimeS;
  return sum / task.predictions.length;
}

/** The highest predicted p over the task's candidates. */
export function bestProbability(task: Task): number {
  let best = -Infinity;
  for (const prediction of task.predictions) if (prediction.p > best) best = prediction.p;
  return best;
}

/** Whether `agent` is a candidate for `task` (it has a prediction) and capable of it (sections 1 and 10). */
export function isCapableCandidate(task: Task, agent: AgentProfile): boolean {
  return predictionFor(task, agent.agentId) !== null && isCapable(agent, task);
}
