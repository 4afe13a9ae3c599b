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
   * Tasks that must succeed before this one starts (contract section 10): of this wave or an
   * earlier one, no repeats, in first-seen order.
   */
  readonly dependsOn: readonly TaskRef[];
  /** Capabilities an agent needs to run the task (contract section 10); empty = any agent. */
  readonly requiredCapabilities: readonly string[];
}

/** A task named by its wave and id. */
export interface TaskRef {
  readonly wave: number;
  readonly taskId: string;
}

/** One wave's tasks, in natural order of task_id. */
export interface WavePlan {
  readonly wave: number;
  readonly tasks: readonly Task[];
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
  /** Capability tags; an agent is capable of a task when it has every required one (section 10). */
  readonly capabilities: readonly string[];
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

/** Default agent profile values (contract section 2). */
export const DEFAULT_PROFILE = {
  maxConcurrency: 2,
  speed: 1.0,
  reliabilityOffset: 0.0,
  capabilities: [] as readonly string[],
} as const;

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

/** Whether `agent` has every capability `task` requires (contract section 10). */
export function isCapable(task: Task, agent: AgentProfile): boolean {
  for (const required of task.requiredCapabilities) if (!agent.capabilities.includes(required)) return false;
  return true;
}

/** Whether `agent` is a candidate for `task` (it has a prediction) and capable of it (sections 1 and 10). */
export function isCapableCandidate(task: Task, agent: AgentProfile): boolean {
  return predictionFor(task, agent.agentId) !== null && isCapable(task, agent);
}
