/**
 * Helpers shared by the strategies (contract section 5): the per-wave work book, the
 * fair-share cap, the capped choice used by `priority`, `confidence` and `capability`, and the
 * reroute mechanics (pool of agents, moving a task's work, and `RerouteBook`, which runs a
 * dispatch's reroutes and steals on one copy of the state).
 *
 * "Work" compares agents per slot (contract section 5): the sum of predicted_time x speed of
 * the tasks an agent holds, divided by its max_concurrency. The state keeps the sums
 * (`StrategyState.workS`); comparisons divide. Only capable candidates (section 10) receive a
 * task; a task no candidate is capable of goes to its candidates as if none needed anything
 * (the `capabilities` gate then blocks it without an attempt).
 *
 * Internally the book keeps work in typed arrays indexed by the agent's position in the run's
 * agent list (mutable locals, for speed: O(tasks x candidates) per wave); `finish` freezes the
 * result into a new state. Inputs are never mutated.
 */
import type { AgentProfile, Prediction, Task } from '../plan/model.ts';
import { isCapable, isCapableCandidate, predictionOn } from '../plan/model.ts';
import type { Assignment, RerouteDecision, RerouteRequest, RerouteRule, Strategy, StrategyState, WaveAssignment } from './types.ts';

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
  /** max_concurrency(a) by agent index. */
  readonly slots: Float64Array;
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
    this.slots = new Float64Array(agents.length);
    this.runWork = new Float64Array(agents.length);
    this.waveWork = new Float64Array(agents.length);
    agents.forEach((agent, i) => {
      this.index.set(agent.agentId, i);
      this.speed[i] = agent.speed;
      this.slots[i] = agent.maxConcurrency;
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

  /** Run-cumulative work per slot of the agent at `agent`, seconds. */
  runWorkPerSlot(agent: number): number {
    return (this.runWork[agent] ?? 0) / (this.slots[agent] ?? 1);
  }

  /** In-wave work per slot of the agent at `agent`, seconds. */
  waveWorkPerSlot(agent: number): number {
    return (this.waveWork[agent] ?? 0) / (this.slots[agent] ?? 1);
  }

  /**
   * The task's predictions whose agent is capable of it (contract section 10); all of them when
   * none is (the `capabilities` gate blocks such a task).
   */
  eligible(task: Task): readonly Prediction[] {
    if (task.requiredCapabilities.length === 0) return task.predictions;
    const capable = task.predictions.filter((prediction) => {
      const agent = this.agents[this.agentOf(task, prediction.agentId)];
      return agent !== undefined && isCapable(agent, task);
    });
    return capable.length > 0 ? capable : task.predictions;
  }

  /** The eligible candidate with the least run-cumulative work per slot; ties to the first in natural order. */
  leastRunWork(task: Task): Pick {
    let best: Pick | null = null;
    let bestWork = Infinity;
    for (const prediction of this.eligible(task)) {
      const agent = this.agentOf(task, prediction.agentId);
      const work = this.runWorkPerSlot(agent);
      if (work < bestWork) {
        bestWork = work;
        best = { prediction, agent };
      }
    }
    return mustPick(best, task);
  }

  /**
   * The eligible candidate with the highest `score`, among those whose in-wave work per slot is
   * under `cap` (all of them when none is); ties to the least in-wave work per slot, then
   * natural order.
   */
  capped(task: Task, cap: number, score: (prediction: Prediction, agent: number) => number): Pick {
    return this.bestOf(task, cap, score) ?? mustPick(this.bestOf(task, Infinity, score), task);
  }

  private bestOf(task: Task, cap: number, score: (prediction: Prediction, agent: number) => number): Pick | null {
    let best: Pick | null = null;
    let bestScore = -Infinity;
    let bestWork = Infinity;
    for (const prediction of this.eligible(task)) {
      const agent = this.agentOf(task, prediction.agentId);
      const work = this.waveWorkPerSlot(agent);
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
 * The in-wave work cap per slot: {@link FAIR_SHARE_FACTOR} x fair share, where fair share =
 * (sum over tasks of mean over candidates of predicted_time x speed) / the run's total slots
 * (sum of max_concurrency): the work per slot of a perfectly even spread (contract section 5,
 * with work per slot). Seconds; Infinity when the run has no agents.
 */
export function fairShareCap(tasks: readonly Task[], book: WaveBook): number {
  if (book.agents.length === 0) return Infinity;
  let total = 0;
  for (const task of tasks) {
    let sum = 0;
    for (const prediction of task.predictions) sum += prediction.predictedTimeS * (book.speed[book.agentOf(task, prediction.agentId)] ?? 1);
    total += sum / task.predictions.length;
  }
  let slots = 0;
  for (const agent of book.agents) slots += agent.maxConcurrency;
  return (FAIR_SHARE_FACTOR * total) / slots;
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
 * The agents a reroute chooses among: those of `allowed` that are capable candidates of `task`
 * (the engine passes only those; a test may pass others, which are left out). Keeps the order
 * of `allowed` (the run's natural order).
 * @throws Error when no agent of `allowed` may run the task (the simulator must not reroute then: a bug)
 */
export function reroutePool(task: Task, allowed: readonly AgentProfile[]): readonly AgentProfile[] {
  // `allowed` itself when every agent passes (the engine's case): no list is built per reroute.
  let i = 0;
  while (i < allowed.length && isCapableCandidate(task, allowed[i] as AgentProfile)) i++;
  const pool = i === allowed.length ? allowed : allowed.filter((agent) => isCapableCandidate(task, agent));
  if (pool.length === 0) throw new Error(`reroute of task "${task.taskId}" (wave ${task.wave}) with no allowed capable candidate`);
  return pool;
}

/** Run-cumulative work per slot of an agent in `state`, seconds (0 when unknown). */
export function workPerSlotOf(state: StrategyState, agent: AgentProfile): number {
  return workOf(state, agent.agentId) / agent.maxConcurrency;
}

/**
 * The agent of `pool` with the highest `score`; ties to the least run-cumulative work per
 * slot, then the first in `pool` order.
 */
export function bestInPool(pool: readonly AgentProfile[], state: StrategyState, score: (agent: AgentProfile) => number): AgentProfile {
  let best: AgentProfile | null = null;
  let bestScore = -Infinity;
  let bestWork = Infinity;
  for (const agent of pool) {
    const s = score(agent);
    const work = workPerSlotOf(state, agent);
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
 * A strategy's pure `reroute` from its rule: the pool ({@link reroutePool}), the choice, then
 * {@link moveTask} with the rule's rotation.
 */
export function rerouteWith(rule: RerouteRule): (request: RerouteRequest, state: StrategyState) => RerouteDecision {
  return ({ task, from, allowed, agents }, state) => {
    const to = rule.choose(task, reroutePool(task, allowed), agents, state);
    return moveTask(task, from, to, state, rule.rotationAfter?.(to, agents) ?? state.rotation);
  };
}

/** The mutable copy a {@link RerouteBook} works on (a StrategyState the rule may read). */
interface ScratchState {
  rotation: number;
  readonly workS: Map<string, number>;
  readonly records: StrategyState['records'];
  readonly wavesRecorded: number;
}

/**
 * Many reroutes (and steals) in a row on one copy of the state: what calling the strategy's
 * `reroute` (or {@link moveTask}) once per task and threading the state through gives, with one
 * work map for the whole batch instead of one per move. A circuit opening moves the agent's
 * whole queue (contract 4.5), millions of moves at 10^6 rows, and copying the map per move was
 * most of the engine's garbage.
 *
 * The input state is never mutated; {@link finish} returns the new frozen state. A strategy
 * without a {@link RerouteRule} (a test's) is called through its `reroute`, one state per move.
 */
export class RerouteBook {
  readonly #rule: RerouteRule | null;
  readonly #reroute: Strategy['reroute'];
  readonly #agents: readonly AgentProfile[];
  /** The state so far: `#scratch` when the rule decides, else the last decision's state. */
  #state: StrategyState;
  #scratch: ScratchState | null = null;

  /**
   * @param strategy - its `rule` decides when it has one, else its `reroute`
   * @param state - the state before the first move (not mutated)
   * @param agents - the run's agents, natural order
   */
  constructor(strategy: { readonly reroute: Strategy['reroute']; readonly rule?: RerouteRule | undefined }, state: StrategyState, agents: readonly AgentProfile[]) {
    this.#rule = strategy.rule ?? null;
    this.#reroute = strategy.reroute;
    this.#state = state;
    this.#agents = agents;
  }

  /**
   * Reroutes `task` from `from` and returns the id of the agent it goes to.
   * @param allowed - closed agents that are capable candidates of `task` (the engine checks with
   *   its per-wave tables; not checked again here), natural order
   * @param timesS - optional: predicted_time(task, a) of the run's agent at index i is
   *   `timesS[offset + i]`, seconds (the engine's per-wave table: the values {@link timeOn} gives,
   *   without walking the task's predictions); absent: {@link timeOn}
   * @throws Error when `allowed` is empty (the engine must not reroute then: a bug)
   */
  reroute(task: Task, from: AgentProfile, allowed: readonly AgentProfile[], timesS?: ArrayLike<number>, offset = 0): string {
    if (this.#rule === null) {
      const decision = this.#reroute({ task, from, allowed, agents: this.#agents }, this.#state);
      this.#state = decision.state;
      return decision.agentId;
    }
    if (allowed.length === 0) throw new Error(`reroute of task "${task.taskId}" (wave ${task.wave}) with no allowed capable candidate`);
    const scratch = this.#open();
    const to = this.#rule.choose(task, allowed, this.#agents, scratch);
    this.#move(scratch, task, from, to, timesS, offset);
    if (this.#rule.rotationAfter !== undefined) scratch.rotation = this.#rule.rotationAfter(to, this.#agents);
    return to.agentId;
  }

  /** Moves `task`'s work from `from` to `to` (a steal), as {@link moveTask}; `timesS` and `offset` as for {@link reroute}. */
  move(task: Task, from: AgentProfile, to: AgentProfile, timesS?: ArrayLike<number>, offset = 0): void {
    if (this.#rule === null) this.#state = moveTask(task, from, to, this.#state).state;
    else this.#move(this.#open(), task, from, to, timesS, offset);
  }

  /** The state after every move so far, frozen (later moves work on a new copy). */
  finish(): StrategyState {
    const scratch = this.#scratch;
    if (scratch === null) return this.#state;
    this.#scratch = null;
    this.#state = Object.freeze({ ...this.#state, rotation: scratch.rotation, workS: scratch.workS });
    return this.#state;
  }

  #open(): ScratchState {
    this.#scratch ??= { ...this.#state, workS: new Map(this.#state.workS) };
    return this.#scratch;
  }

  /** {@link moveTask}'s arithmetic ({@link moveWork}) on the scratch map. */
  #move(scratch: ScratchState, task: Task, from: AgentProfile, to: AgentProfile, timesS: ArrayLike<number> | undefined, offset: number): void {
    moveWork(scratch.workS, from, this.#timeOn(task, from, timesS, offset), to, this.#timeOn(task, to, timesS, offset));
  }

  /** predicted_time(task, agent), seconds: from `timesS` when given and the agent is in the run's list, else {@link timeOn}. */
  #timeOn(task: Task, agent: AgentProfile, timesS: ArrayLike<number> | undefined, offset: number): number {
    if (timesS !== undefined) {
      const i = this.#agents.indexOf(agent);
      if (i >= 0) return timesS[offset + i] as number;
    }
    return timeOn(task, agent.agentId);
  }
}

/**
 * Moves `task`'s work from `from` to `to`: subtracts timeOn(t, from) x speed(from) (floored at
 * 0, to absorb rounding) and adds timeOn(t, to) x speed(to). Returns the decision with a new state.
 */
export function moveTask(task: Task, from: AgentProfile, to: AgentProfile, state: StrategyState, rotation: number = state.rotation): RerouteDecision {
  const workS = new Map(state.workS);
  moveWork(workS, from, timeOn(task, from.agentId), to, timeOn(task, to.agentId));
  return { agentId: to.agentId, state: Object.freeze({ ...state, rotation, workS }) };
}

/**
 * Moves a task's work in `workS` (seconds of work by agent id) from `from` to `to`, in place:
 * from's sum less fromTimeS x speed(from), floored at 0 to absorb rounding, and to's plus
 * toTimeS x speed(to); both sums are read before either is set (contract section 5).
 * @param fromTimeS - the task's predicted_time on `from`, seconds
 * @param toTimeS - the task's predicted_time on `to`, seconds
 */
function moveWork(workS: Map<string, number>, from: AgentProfile, fromTimeS: number, to: AgentProfile, toTimeS: number): void {
  const fromWorkS = Math.max(0, (workS.get(from.agentId) ?? 0) - fromTimeS * from.speed);
  const toWorkS = (workS.get(to.agentId) ?? 0) + toTimeS * to.speed;
  workS.set(from.agentId, fromWorkS);
  workS.set(to.agentId, toWorkS);
}
