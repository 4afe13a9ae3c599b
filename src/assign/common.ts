/**
 * Helpers shared by the five strategies (contract section 5): the per-wave work book, the
 * fair-share cap, the capped choice used by `priority` and `confidence`, and the reroute
 * mechanics (pool of agents, moving a task's work).
 *
 * Internally the book keeps work in typed arrays indexed by the agent's position in the run's
 * agent list (mutable locals, for speed: O(tasks x candidates) per wave); `finish` freezes the
 * result into a new state. Inputs are never mutated.
 */
import type { AgentProfile, Prediction, Task } from '../plan/model.ts';
import { predictionFor, predictionOn } from '../plan/model.ts';
import type { Assignment, RerouteDecision, StrategyState, WaveAssignment } from './types.ts';

/** An agent's in-wave work cap is this multiple of the wave's fair share (contract section 5). */
export const FAIR_SHARE_FACTOR = 1.25;

/** A chosen candidate: its prediction and its index in the run's agent list. */
export interface Pick {
  readonly prediction: Prediction;
  readonly agent: number;
}

/** One wave's assignments in the making, with work per agent. */
export class WaveBook {
  /** Agent id -> index in `agents`. */
  readonly index = new Map<string, number>();
  /** speed(a) by agent index. */
  readonly speed: Float64Array;
  /** Run-cumulative work by agent index, seconds (starts from `state.workS`). */
  readonly runWork: Float64Array;
  /** Work placed in this wave by agent index, seconds (starts at 0). */
  readonly waveWork: Float64Array;
  readonly assignments: Assignment[] = [];

  constructor(
    readonly agents: readonly AgentProfile[],
    state: StrategyState,
  ) {
    this.speed = new Float64Array(agents.length);
    this.runWork = new Float64Array(agents.length);
    this.waveWork = new Float64Array(agents.length);
    agents.forEach((agent, i) => {
      this.index.set(agent.agentId, i);
      this.speed[i] = agent.speed;
      this.runWork[i] = state.workS.get(agent.agentId) ?? 0;
    });
  }

  /**
   * Index of a candidate agent in the run's agent list.
   * @throws Error when the agent is not in the run's list (a plan invariant was broken: a bug)
   */
  agentOf(task: Task, agentId: string): number {
    const i = this.index.get(agentId);
    if (i === undefined) throw new Error(`task "${task.taskId}" (wave ${task.wave}) names agent "${agentId}", which is not in the run's agent list`);
    return i;
  }

  /** The candidate with the least run-cumulative work; ties to the first in natural order. */
  leastRunWork(task: Task): Pick {
    let best: Pick | null = null;
    let bestWork = Infinity;
    for (const prediction of task.predictions) {
      const agent = this.agentOf(task, prediction.agentId);
      const work = this.runWork[agent] ?? 0;
      if (work < bestWork) {
        bestWork = work;
        best = { prediction, agent };
      }
    }
    return mustPick(best, task);
  }

  /**
   * The candidate with the highest `score`, among candidates whose in-wave work is under `cap`
   * (all candidates when none is); ties to the least in-wave work, then natural order.
   */
  capped(task: Task, cap: number, score: (prediction: Prediction, agent: number) => number): Pick {
    return this.bestOf(task, cap, score) ?? mustPick(this.bestOf(task, Infinity, score), task);
  }

  private bestOf(task: Task, cap: number, score: (prediction: Prediction, agent: number) => number): Pick | null {
    let best: Pick | null = null;
    let bestScore = -Infinity;
    let bestWork = Infinity;
    for (const prediction of task.predictions) {
      const agent = this.agentOf(task, prediction.agentId);
      const work = this.waveWork[agent] ?? 0;
      if (!(work < cap)) continue;
      const s = score(prediction, agent);
      if (best === null || s > bestScore || (s === bestScore && work < bestWork)) {
        best = { prediction, agent };
        bestScore = s;
        bestWork = work;
      }
    }
    return best;
  }

  /** Places `task` on the picked agent: appends the assignment and adds its work. */
  place(task: Task, pick: Pick): void {
    const workS = pick.prediction.predictedTimeS * (this.speed[pick.agent] ?? 1);
    this.runWork[pick.agent] = (this.runWork[pick.agent] ?? 0) + workS;
    this.waveWork[pick.agent] = (this.waveWork[pick.agent] ?? 0) + workS;
    this.assignments.push({ taskId: task.taskId, agentId: pick.prediction.agentId, order: this.assignments.length, workS });
  }

  /** The wave's answer: the assignments and a new state with the work updated. */
  finish(state: StrategyState, rotation: number = state.rotation): WaveAssignment {
    const workS = new Map(state.workS);
    this.agents.forEach((agent, i) => {
      workS.set(agent.agentId, this.runWork[i] ?? 0);
    });
    return { assignments: this.assignments, state: Object.freeze({ ...state, rotation, workS }) };
  }
}

function mustPick(pick: Pick | null, task: Task): Pick {
  if (pick === null) throw new Error(`task "${task.taskId}" (wave ${task.wave}) has no candidate agent`);
  return pick;
}

/**
 * The in-wave work cap: {@link FAIR_SHARE_FACTOR} x fair share, where fair share =
 * (sum over tasks of mean over candidates of predicted_time x speed) / number of agents in the
 * run (contract section 5). Seconds; Infinity when the run has no agents.
 */
export function fairShareCap(tasks: readonly Task[], book: WaveBook): number {
  if (book.agents.length === 0) return Infinity;
  let total = 0;
  for (const task of tasks) {
    let sum = 0;
    for (const prediction of task.predictions) sum += prediction.predictedTimeS * (book.speed[book.agentOf(task, prediction.agentId)] ?? 1);
    total += sum / task.predictions.length;
  }
  return (FAIR_SHARE_FACTOR * total) / book.agents.length;
}

/**
 * Sorts tasks into a strategy's taking order: by `compare`, then natural task_id (the order
 * of `tasks`). Returns the tasks; the wave's own array is not touched.
 */
export function takingOrder<K>(tasks: readonly Task[], key: (task: Task) => K, compare: (a: K, b: K) => number): Task[] {
  const keyed = tasks.map((task, i) => ({ task, i, k: key(task) }));
  keyed.sort((a, b) => compare(a.k, b.k) || a.i - b.i);
  return keyed.map((entry) => entry.task);
}

/** predicted_time(t, a), or the task's mean predicted time when `a` is not a candidate; seconds. */
export function timeOn(task: Task, agentId: string): number {
  return predictionOn(task, agentId).predictedTimeS;
}

/** p(t, a), or the task's mean p when `a` is not a candidate. */
export function probabilityOn(task: Task, agentId: string): number {
  return predictionOn(task, agentId).p;
}

/** Run-cumulative work of an agent in `state`, seconds (0 when unknown). */
export function workOf(state: StrategyState, agentId: string): number {
  return state.workS.get(agentId) ?? 0;
}

/**
 * The agents a reroute chooses among: those of `allowed` that are candidates of `task`, or all
 * of `allowed` when none is. Keeps the order of `allowed` (the run's natural order).
 * @throws Error when `allowed` is empty (the simulator must not reroute then: a bug)
 */
export function reroutePool(task: Task, allowed: readonly AgentProfile[]): readonly AgentProfile[] {
  if (allowed.length === 0) throw new Error(`reroute of task "${task.taskId}" (wave ${task.wave}) with no allowed agent`);
  const candidates = allowed.filter((agent) => predictionFor(task, agent.agentId) !== null);
  return candidates.length > 0 ? candidates : allowed;
}

/**
 * The agent of `pool` with the highest `score`; ties to the least run-cumulative work, then
 * the first in `pool` order.
 */
export function bestInPool(pool: readonly AgentProfile[], state: StrategyState, score: (agent: AgentProfile) => number): AgentProfile {
  let best: AgentProfile | null = null;
  let bestScore = -Infinity;
  let bestWork = Infinity;
  for (const agent of pool) {
    const s = score(agent);
    const work = workOf(state, agent.agentId);
    if (best === null || s > bestScore || (s === bestScore && work < bestWork)) {
      best = agent;
      bestScore = s;
      bestWork = work;
    }
  }
  if (best === null) throw new Error('reroute pool is empty');
  return best;
}

/**
 * Moves `task`'s work from `from` to `to`: subtracts timeOn(t, from) x speed(from) (floored at
 * 0, to absorb rounding) and adds timeOn(t, to) x speed(to). Returns the decision with a new state.
 */
export function moveTask(task: Task, from: AgentProfile, to: AgentProfile, state: StrategyState, rotation: number = state.rotation): RerouteDecision {
  const workS = new Map(state.workS);
  workS.set(from.agentId, Math.max(0, workOf(state, from.agentId) - timeOn(task, from.agentId) * from.speed));
  workS.set(to.agentId, workOf(state, to.agentId) + timeOn(task, to.agentId) * to.speed);
  return { agentId: to.agentId, state: Object.freeze({ ...state, rotation, workS }) };
}
