/**
 * The wave engine: one wave as a discrete-event simulation (contract section 4).
 *
 * 1. Every task starts in the queue of the agent the strategy gave it.
 * 2. Each agent runs up to `max_concurrency` attempts at once, taking retries first, then tasks
 *    by priority (1 first) and assignment order.
 * 3. The safety gates run before every attempt; the first refusal blocks the task.
 * 4. A failed attempt is retried after its backoff delay, at the front of the same agent's
 *    queue, until the allowed attempts are used.
 * 5. A circuit breaker per agent opens by its policy (`sampling`: a failure rate over a window of
 *    recent attempts; `consecutive`: failures in a row; ./breaker.ts). While it is open
 *    the agent starts nothing and its queued tasks are rerouted by the strategy to agents whose
 *    circuit is closed; when every circuit is open they wait. After the cooldown one probe runs.
 *
 * 6. Work stealing (unless `--no-steal`): an agent with a free slot and nothing queued takes the
 *    task that the agent with the most queued work per slot would start last (never a retry).
 *
 * A {@link Simulation} lives for the whole run: the clock and each agent's breaker carry from
 * one wave to the next, and wave w+1 starts when wave w's last task ends.
 */
import { moveTask } from '../assign/common.ts';
import type { Strategy, StrategyState, WaveAssignment } from '../assign/types.ts';
import type { BreakerOptions, GateOptions, RetryOptions } from '../options.ts';
import type { AttemptResult, Executor, Scheduler } from '../ports.ts';
import type { AgentProfile, TaskRef, WavePlan } from '../plan/model.ts';
import { isCapableCandidate, predictionOn } from '../plan/model.ts';
import { allowedAttempts, applyJitter, backoffStep, INITIAL_BACKOFF, type BackoffStep } from './backoff.ts';
import { admission, closedBreaker, cooldownElapsed, probeStarted, recordOutcome, type BreakerState } from './breaker.ts';
import { activeGates, dependenciesGate, runGates, type SafetyGate } from './gates.ts';
import { Lane, type QueueItem, type TaskRun } from './lane.ts';
import type { KeyedRandom } from './rng.ts';
import { Readiness, refKey, type Released } from './readiness.ts';
import type { AgentWaveStats, GateDecision, SimulationEvent, SimulationSnapshot, TaskOutcome, TaskStatus, WaveExecution } from './types.ts';

/** What the engine needs for a whole run. */
export interface SimulationConfig {
  readonly agents: readonly AgentProfile[];
  readonly retry: RetryOptions;
  readonly breaker: BreakerOptions;
  readonly gates: GateOptions;
  /** Keyed generator; the engine draws only jitter from it (outcomes are the executor's). */
  readonly rng: KeyedRandom;
  readonly scheduler: Scheduler;
  readonly executor: Executor;
  /** Gates to run, in order; default: the registry's gates enabled by `gates`. */
  readonly gateList?: readonly SafetyGate[];
  /** Work stealing (contract section 4.6): on unless `--no-steal`. */
  readonly steal: boolean;
  /**
   * Whether a finished task's status must be kept for later waves (a later wave depends on
   * it); default: every task. The pipeline passes the plan's cross-wave dependency targets.
   */
  readonly remember?: (ref: TaskRef) => boolean;
  /** Called at each circuit transition and reroute, in simulated-time order (events.jsonl). */
  readonly onEvent?: (event: SimulationEvent) => void;
  /**
   * The state to continue from (`--resume`): breakers and pending cooldowns as
   * {@link Simulation.snapshot} gave them at the end of a wave. The scheduler must already
   * stand at that wave's end. Default: every circuit closed.
   */
  readonly initial?: SimulationSnapshot;
}

/** One wave to run: its plan and the strategy's assignment of it. */
export interface WaveInput {
  readonly wave: WavePlan;
  readonly assignment: WaveAssignment;
  readonly strategy: Strategy;
  /** Called as tasks finish: (tasks finished, tasks in the wave). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A finished wave and the strategy state after its reroutes. */
export interface WaveRunResult {
  readonly execution: WaveExecution;
  readonly strategyState: StrategyState;
}

/** Gates and retry rules, fixed for the run. */
interface AttemptPolicy {
  readonly gates: readonly SafetyGate[];
  /** null when retries are off (`--retry none`). */
  readonly step: BackoffStep | null;
  readonly maxAttempts: number;
}

/** Schedules the end of a breaker's cooldown (the Simulation owns those timers). */
type CooldownTimer = (lane: Lane, openedAtS: number, halfOpenAtS: number) => void;

/** How many progress calls a wave makes at most. */
const PROGRESS_STEPS = 200;

/** The simulated run: clock, agents and breakers persist across waves. */
export class Simulation {
  readonly #config: SimulationConfig;
  readonly #lanes: Lane[];
  readonly #laneById: ReadonlyMap<string, Lane>;
  readonly #policy: AttemptPolicy;
  /** The order in which each open lane's live cooldown timer was set (for {@link snapshot}). */
  readonly #cooldownOrder = new Map<Lane, number>();
  #cooldowns = 0;
  #current: WaveRun | null = null;
  /** Status of earlier waves' tasks that later waves depend on, by {@link refKey}. */
  readonly #decided = new Map<string, TaskStatus>();

  /** @throws RangeError when `config.initial` names an agent outside the run or a cooldown of a closed circuit */
  constructor(config: SimulationConfig) {
    this.#config = config;
    this.#lanes = config.agents.map((profile, index) => new Lane(index, profile, closedBreaker(config.breaker), (run) => predictionOn(run.task, profile.agentId).predictedTimeS * profile.speed));
    this.#laneById = new Map(this.#lanes.map((lane) => [lane.profile.agentId, lane]));
    this.#policy = {
      gates: config.gateList ?? activeGates(config.gates),
      step: backoffStep(config.retry),
      maxAttempts: allowedAttempts(config.retry),
    };
    if (config.initial !== undefined) this.#restore(config.initial);
  }

  /**
   * The state a later wave needs, between waves: every agent's breaker (run order) and the
   * agents whose cooldown timer is pending, in the order the timers were set (timers at equal
   * times fire in that order). The clock is the scheduler's.
   */
  snapshot(): SimulationSnapshot {
    const pending = this.#lanes.filter((lane) => lane.breaker.kind === 'open' && this.#cooldownOrder.has(lane));
    pending.sort((a, b) => (this.#cooldownOrder.get(a) ?? 0) - (this.#cooldownOrder.get(b) ?? 0));
    return {
      breakers: this.#lanes.map((lane) => ({ agentId: lane.profile.agentId, state: lane.breaker })),
      cooldowns: pending.map((lane) => lane.profile.agentId),
      decided: [...this.#decided].map(([key, status]) => {
        const cut = key.indexOf('\u0000');
        return { wave: Number(key.slice(0, cut)), taskId: key.slice(cut + 1), status };
      }),
    };
  }

  #restore(initial: SimulationSnapshot): void {
    for (const { agentId, state } of initial.breakers) this.#laneOf(agentId).breaker = state;
    for (const { wave, taskId, status } of initial.decided) this.#decided.set(refKey({ wave, taskId }), status);
    for (const agentId of initial.cooldowns) {
      const lane = this.#laneOf(agentId);
      if (lane.breaker.kind !== 'open') throw new RangeError(`cooldown of ${agentId}, whose circuit is ${lane.breaker.kind}`);
      this.#setCooldown(lane, lane.breaker.openedAtS, lane.breaker.halfOpenAtS);
    }
  }

  #laneOf(agentId: string): Lane {
    const lane = this.#laneById.get(agentId);
    if (lane === undefined) throw new RangeError(`unknown agent ${agentId}`);
    return lane;
  }

  #setCooldown(lane: Lane, openedAtS: number, halfOpenAtS: number): void {
    this.#cooldownOrder.set(lane, this.#cooldowns++);
    this.#config.scheduler.at(halfOpenAtS, () => {
      this.#cooldownElapsed(lane, openedAtS);
    });
  }

  /**
   * Runs one wave to its end.
   * @throws RangeError when the assignment names an agent outside the run
   * @throws StalledError (from the scheduler) if the wave can never finish: a bug
   */
  async runWave(input: WaveInput): Promise<WaveRunResult> {
    const earlier = (ref: TaskRef): TaskStatus | undefined => this.#decided.get(refKey(ref));
    const wave = new WaveRun(this.#config, this.#lanes, this.#laneById, this.#policy, input, earlier, (lane, openedAtS, halfOpenAtS) => {
      this.#setCooldown(lane, openedAtS, halfOpenAtS);
    });
    for (const assignment of input.assignment.assignments) {
      const lane = this.#laneById.get(assignment.agentId);
      if (lane === undefined) throw new RangeError(`assignment names unknown agent ${assignment.agentId}`);
      wave.enqueueAssigned(assignment.taskId, assignment.order, lane);
    }
    this.#current = wave;
    try {
      const result = await wave.run();
      const remember = this.#config.remember;
      for (const o of result.execution.outcomes) {
        const ref = { wave: o.wave, taskId: o.taskId };
        if (remember === undefined || remember(ref)) this.#decided.set(refKey(ref), o.status);
      }
      return result;
    } finally {
      this.#current = null;
    }
  }

  /**
   * A breaker's cooldown ended. Timers outlive the wave that set them, so the transition is
   * handled here and the wave running now (if any) is told.
   */
  #cooldownElapsed(lane: Lane, openedAtS: number): void {
    // Only the timer of the current opening counts; an older one is stale.
    if (lane.breaker.kind !== 'open' || lane.breaker.openedAtS !== openedAtS) return;
    const nowS = this.#config.scheduler.now();
    lane.breaker = cooldownElapsed(lane.breaker, nowS);
    this.#cooldownOrder.delete(lane);
    this.#config.onEvent?.({ type: 'circuit_half_open', agentId: lane.profile.agentId, timeS: nowS });
    this.#current?.dispatch();
  }
}

/** Whether the breaker lets an agent steal: closed, or half-open with no probe running. */
function mayStealNow(lane: { readonly breaker: BreakerState }): boolean {
  const breaker = lane.breaker;
  return breaker.kind === 'closed' || (breaker.kind === 'half-open' && !breaker.probeInFlight);
}

/** The state of one wave while it runs. */
class WaveRun {
  /** Wave start, seconds since run start. */
  readonly startS: number;
  /** One slot per task of the wave, in plan order; filled by the assignment. */
  readonly #runs: (TaskRun | undefined)[];
  readonly #taskIndex: ReadonlyMap<string, number>;
  readonly #decisions: GateDecision[] = [];
  readonly #progressEvery: number;
  #strategyState: StrategyState;
  readonly #readiness: Readiness;
  #queueSeq = 0;
  #assigned = 0;
  #done = 0;

  constructor(
    private readonly config: SimulationConfig,
    private readonly lanes: readonly Lane[],
    private readonly laneById: ReadonlyMap<string, Lane>,
    private readonly policy: AttemptPolicy,
    private readonly input: WaveInput,
    earlier: (ref: TaskRef) => TaskStatus | undefined,
    private readonly setCooldownTimer: CooldownTimer,
  ) {
    this.#readiness = new Readiness(input.wave.tasks, input.wave.wave, earlier);
    this.startS = config.scheduler.now();
    this.#strategyState = input.assignment.state;
    this.#runs = new Array<TaskRun | undefined>(input.wave.tasks.length);
    this.#taskIndex = new Map(input.wave.tasks.map((task, i) => [task.taskId, i]));
    this.#progressEvery = Math.max(1, Math.ceil(input.wave.tasks.length / PROGRESS_STEPS));
    for (const lane of lanes) lane.resetWave();
  }

  /** @throws RangeError for an unknown or twice-assigned task */
  enqueueAssigned(taskId: string, order: number, lane: Lane): void {
    const index = this.#taskIndex.get(taskId);
    const task = index === undefined ? undefined : this.input.wave.tasks[index];
    if (index === undefined || task === undefined) throw new RangeError(`assignment names unknown task ${taskId} in wave ${this.input.wave.wave}`);
    if (this.#runs[index] !== undefined) throw new RangeError(`task ${taskId} is assigned twice in wave ${this.input.wave.wave}`);
    const run: TaskRun = {
      task,
      index,
      order,
      assignedAgentId: lane.profile.agentId,
      lane: lane.index,
      attempts: [],
      retryDelaysS: [],
      reroutes: 0,
      steals: 0,
      backoff: INITIAL_BACKOFF,
      refusal: null,
      status: null,
      firstLane: null,
      readyS: this.startS,
      startS: this.startS,
      endS: this.startS,
    };
    this.#runs[index] = run;
    this.#assigned++;
  }

  async run(): Promise<WaveRunResult> {
    if (this.#assigned !== this.#runs.length) {
      throw new RangeError(`wave ${this.input.wave.wave}: ${this.#assigned} assignments for ${this.#runs.length} tasks`);
    }
    this.#release(this.#readiness.initial());
    this.dispatch();
    await this.config.scheduler.runUntil(() => this.#done === this.#runs.length);
    return { execution: this.#execution(), strategyState: this.#strategyState };
  }

  /**
   * Reroutes what waits on open circuits, lets every agent start what it may, then lets agents
   * with a free slot and nothing of their own steal (in natural order).
   */
  dispatch(): void {
    this.#reroute();
    for (const lane of this.lanes) this.#fill(lane);
    if (this.config.steal) for (const lane of this.lanes) this.#stealInto(lane);
  }

  /**
   * Work stealing (contract section 4.6): while `thief` has a closed circuit (or is half-open
   * with no probe running), a free slot and nothing queued, it takes from the agent whose queue
   * holds the most predicted work per slot (ties to natural order) the fresh task (never a
   * retry) that agent would start last, among tasks the thief is a capable candidate for; then
   * starts what it may. A half-open thief takes one, which becomes its probe.
   */
  #stealInto(thief: Lane): void {
    const eligible = (item: QueueItem): boolean => !item.retry && isCapableCandidate(item.run.task, thief.profile);
    while (thief.running < thief.profile.maxConcurrency && thief.queued === 0 && mayStealNow(thief)) {
      let victim: Lane | null = null;
      for (const lane of this.lanes) {
        if (lane === thief || lane.queued === 0) continue;
        if (victim !== null && !(lane.queuedWorkPerSlot > victim.queuedWorkPerSlot)) continue;
        if (lane.holds(eligible)) victim = lane;
      }
      const item = victim?.dequeueLast(eligible);
      if (victim == null || item === undefined) return;
      const { run } = item;
      this.#strategyState = moveTask(run.task, victim.profile, thief.profile, this.#strategyState).state;
      run.lane = thief.index;
      run.steals++;
      thief.steals++;
      this.config.onEvent?.({ type: 'task_stolen', taskId: run.task.taskId, fromAgentId: victim.profile.agentId, toAgentId: thief.profile.agentId, timeS: this.config.scheduler.now() });
      thief.enqueue({ run, retry: false, seq: this.#queueSeq++ });
      this.#fill(thief);
    }
  }

  #reroute(): void {
    let closed: AgentProfile[] | null = null;
    for (const lane of this.lanes) {
      if (lane.breaker.kind !== 'open' || lane.queued === 0) continue;
      closed ??= this.lanes.filter((l) => l.breaker.kind === 'closed').map((l) => l.profile);
      if (closed.length === 0) return; // every circuit is open: tasks wait
      const waiting: QueueItem[] = [];
      for (let item = lane.dequeue(); item !== undefined; item = lane.dequeue()) {
        const task = item.run.task;
        const allowed = closed.filter((agent) => isCapableCandidate(task, agent));
        if (allowed.length === 0) {
          waiting.push(item); // no closed capable candidate: it waits for its own circuit
          continue;
        }
        const request = { task, from: lane.profile, allowed, agents: this.config.agents };
        const decision = this.input.strategy.reroute(request, this.#strategyState);
        this.#strategyState = decision.state;
        const target = this.#lane(decision.agentId);
        item.run.lane = target.index;
        item.run.reroutes++;
        const onEvent = this.config.onEvent;
        if (onEvent !== undefined) {
          onEvent({ type: 'task_rerouted', taskId: item.run.task.taskId, fromAgentId: lane.profile.agentId, toAgentId: target.profile.agentId, timeS: this.config.scheduler.now() });
        }
        target.enqueue({ run: item.run, retry: item.retry, seq: this.#queueSeq++ });
      }
      for (const item of waiting) lane.enqueue(item);
    }
  }

  #fill(lane: Lane): void {
    const nowS = this.config.scheduler.now();
    while (lane.running < lane.profile.maxConcurrency && lane.queued > 0) {
      const allowed = admission(lane.breaker);
      if (allowed === 'refuse') return;
      const item = lane.dequeue();
      if (item === undefined) return;
      const { run } = item;
      const attempt = run.attempts.length;
      const { p, predictedTimeS, risk } = predictionOn(run.task, lane.profile.agentId);
      const refusal = runGates(this.policy.gates, {
        task: run.task,
        agent: lane.profile,
        attempt,
        p,
        risk,
        nowS,
        waveStartS: this.startS,
        options: this.config.gates,
        agents: this.config.agents,
        dependency: null,
      });
      this.#decisions.push({ wave: run.task.wave, taskId: run.task.taskId, agentId: lane.profile.agentId, attempt, timeS: nowS, refusal });
      run.firstLane ??= lane.index;
      if (refusal !== null) {
        run.refusal = refusal;
        if (attempt === 0) run.startS = nowS;
        this.#finish(run, lane, 'blocked');
        continue;
      }
      const probe = allowed === 'probe';
      if (probe) lane.breaker = probeStarted(lane.breaker);
      if (attempt === 0) run.startS = nowS;
      lane.attemptStarted(nowS);
      const request = { wave: run.task.wave, task: run.task, agent: lane.profile, attempt, p, predictedTimeS };
      this.config.executor.start(request, (result) => {
        this.#attemptEnded(run, lane, attempt, nowS, probe, result);
      });
    }
  }

  #attemptEnded(run: TaskRun, lane: Lane, attempt: number, startS: number, probe: boolean, result: AttemptResult): void {
    const nowS = this.config.scheduler.now();
    lane.attemptEnded(nowS, result.succeeded);
    run.attempts.push({ attempt, agentId: lane.profile.agentId, startS, endS: nowS, succeeded: result.succeeded, probe, source: result.source, process: result.process ?? null });
    const before = lane.breaker;
    const transition = recordOutcome(before, result.succeeded, probe, nowS, this.config.breaker);
    lane.breaker = transition.state;
    if (before.kind === 'half-open' && transition.state.kind === 'closed') lane.addOpenTime(before.downSinceS, nowS, this.startS);
    if (transition.opened && transition.state.kind === 'open') {
      lane.circuitOpenings++;
      this.config.onEvent?.({ type: 'circuit_opened', agentId: lane.profile.agentId, timeS: nowS });
      this.setCooldownTimer(lane, transition.state.openedAtS, transition.state.halfOpenAtS);
    } else if (before.kind === 'half-open' && transition.state.kind === 'closed') {
      this.config.onEvent?.({ type: 'circuit_closed', agentId: lane.profile.agentId, timeS: nowS });
    }
    if (result.succeeded) this.#finish(run, lane, 'succeeded');
    else if (this.policy.step === null || run.attempts.length >= this.policy.maxAttempts) this.#finish(run, lane, 'failed');
    else this.#scheduleRetry(run, lane, attempt);
    this.dispatch();
  }

  #scheduleRetry(run: TaskRun, lane: Lane, failedAttempt: number): void {
    const step = this.policy.step;
    if (step === null) return;
    const [delayS, next] = step(run.backoff);
    const u = this.config.rng.uniform({
      wave: run.task.wave,
      taskId: run.task.taskId,
      agentId: lane.profile.agentId,
      attempt: failedAttempt,
      purpose: 'jitter',
    });
    const jittered = applyJitter(delayS, this.config.retry.jitter, u);
    run.backoff = next;
    run.retryDelaysS.push(jittered);
    this.config.scheduler.at(this.config.scheduler.now() + jittered, () => {
      const target = this.lanes[run.lane] ?? lane;
      target.enqueue({ run, retry: true, seq: this.#queueSeq++ });
      this.dispatch();
    });
  }

  /** Ends a task and releases (or refuses, cascading) the tasks that depend on it. */
  #finish(run: TaskRun, lane: Lane, status: TaskStatus): void {
    this.#record(run, lane, status);
    this.#release(this.#readiness.ended(run.index, run.task, status));
  }

  /**
   * Queues tasks that became ready (on the agent they are on now; a reroute follows if its
   * circuit is open) and refuses, through the `dependencies` gate, those whose dependency did
   * not succeed, cascading to their own dependents, all at the current time.
   */
  #release(first: Released): void {
    const nowS = this.config.scheduler.now();
    // First in, first out: a task refused earlier passes its refusal on earlier (breadth first).
    const work: Released[] = [first];
    for (let i = 0; i < work.length; i++) {
      const released = work[i];
      if (released === undefined) continue;
      for (const index of released.ready) {
        const run = this.#runs[index];
        if (run === undefined || run.status !== null) continue;
        run.readyS = nowS;
        this.#laneOf(run).enqueue({ run, retry: false, seq: this.#queueSeq++ });
      }
      for (const { index, failure } of released.refused) {
        const run = this.#runs[index];
        if (run === undefined || run.status !== null) continue;
        const lane = this.#laneOf(run);
        const { p, risk } = predictionOn(run.task, lane.profile.agentId);
        const context = { task: run.task, agent: lane.profile, attempt: 0, p, risk, nowS, waveStartS: this.startS, options: this.config.gates, agents: this.config.agents, dependency: failure };
        const verdict = dependenciesGate.check(context);
        run.refusal = { gate: dependenciesGate.name, reason: verdict.kind === 'refuse' ? verdict.reason : 'a dependency did not succeed' };
        this.#decisions.push({ wave: run.task.wave, taskId: run.task.taskId, agentId: lane.profile.agentId, attempt: 0, timeS: nowS, refusal: run.refusal });
        run.firstLane ??= lane.index;
        run.readyS = nowS;
        run.startS = nowS;
        this.#record(run, lane, 'blocked');
        work.push(this.#readiness.ended(index, run.task, 'blocked'));
      }
    }
  }

  #laneOf(run: TaskRun): Lane {
    const lane = this.lanes[run.lane];
    if (lane === undefined) throw new RangeError(`task ${run.task.taskId} lost its agent`);
    return lane;
  }

  #record(run: TaskRun, lane: Lane, status: TaskStatus): void {
    run.status = status;
    run.endS = this.config.scheduler.now();
    lane.tasks++;
    this.#done++;
    const onProgress = this.input.onProgress;
    if (onProgress !== undefined && (this.#done % this.#progressEvery === 0 || this.#done === this.#runs.length)) {
      onProgress(this.#done, this.#runs.length);
    }
  }

  #lane(agentId: string): Lane {
    const lane = this.laneById.get(agentId);
    if (lane === undefined) throw new RangeError(`strategy rerouted to unknown agent ${agentId}`);
    return lane;
  }

  #execution(): WaveExecution {
    let endS = this.startS;
    for (const run of this.#runs) if (run !== undefined && run.endS > endS) endS = run.endS;
    for (const lane of this.lanes) {
      if (lane.breaker.kind !== 'closed') lane.addOpenTime(lane.breaker.downSinceS, endS, this.startS);
    }
    const outcomes = this.#runs.map((run) => {
      if (run === undefined) throw new RangeError(`wave ${this.input.wave.wave} has an unassigned task`);
      return this.#outcome(run);
    });
    const agents: AgentWaveStats[] = this.lanes.map((lane) => ({
      agentId: lane.profile.agentId,
      tasks: lane.tasks,
      attempts: lane.attempts,
      successfulAttempts: lane.successfulAttempts,
      busyS: lane.busyS,
      openS: lane.openS,
      circuitOpenings: lane.circuitOpenings,
      steals: lane.steals,
    }));
    return { wave: this.input.wave.wave, startS: this.startS, endS, outcomes, agents, gateDecisions: this.#decisions };
  }

  #outcome(run: TaskRun): TaskOutcome {
    if (run.status === null) throw new RangeError(`task ${run.task.taskId} did not finish`);
    const finalLane = this.lanes[run.lane];
    const firstLane = this.lanes[run.firstLane ?? run.lane];
    if (finalLane === undefined || firstLane === undefined) throw new RangeError(`task ${run.task.taskId} lost its agent`);
    const { p, predictedTimeS } = predictionOn(run.task, firstLane.profile.agentId);
    return {
      wave: run.task.wave,
      taskId: run.task.taskId,
      priority: run.task.priority,
      assignedAgentId: run.assignedAgentId,
      agentId: finalLane.profile.agentId,
      suggestedAgentId: run.task.suggested?.agentId ?? null,
      status: run.status,
      attempts: run.attempts,
      retryDelaysS: run.retryDelaysS,
      refusal: run.refusal,
      reroutes: run.reroutes,
      steals: run.steals,
      readyS: run.readyS,
      startS: run.startS,
      endS: run.endS,
      predictedP: p,
      predictedTimeS,
    };
  }
}
