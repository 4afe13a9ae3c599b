/**
 * One wave while it runs (contract section 4): queues, gates, attempts, retries, reroutes away
 * from open circuits, work stealing and dependency release. The run-long state (clock, breakers,
 * cooldown timers, earlier waves' outcomes) is the {@link Simulation}'s (./engine.ts).
 */
import { RerouteBook } from '../assign/common.ts';
import type { StrategyState } from '../assign/types.ts';
import type { AgentProfile, Task, TaskRef } from '../plan/model.ts';
import type { AttemptResult } from '../ports.ts';
import { predictionOn } from '../plan/model.ts';
import { applyJitter, INITIAL_BACKOFF, type BackoffStep } from './backoff.ts';
import { admission, probeStarted, recordOutcome, type BreakerState } from './breaker.ts';
import { dependenciesGate, dependencyRefusalReason, runGates, type SafetyGate } from './gates.ts';
import { freshItem, isCapableOn, retryItem, type Lane, type QueueItem, type TaskRun, type WaveTables } from './lane.ts';
import { CapableAmong, waveTables } from './wave-tables.ts';
import { Readiness, type Released } from './readiness.ts';
import type { SimulationConfig, WaveInput, WaveRunResult } from './simulation-config.ts';
import type { GateDecision, TaskStatus } from './types.ts';
import { waveExecution } from './wave-result.ts';

/** Gates and retry rules, fixed for the run. */
export interface AttemptPolicy {
  readonly gates: readonly SafetyGate[];
  /** null when retries are off (`--retry none`). */
  readonly step: BackoffStep | null;
  readonly maxAttempts: number;
}

/** Schedules the end of a breaker's cooldown (the Simulation owns those timers). */
export type CooldownTimer = (lane: Lane, halfOpenAtS: number) => void;

/** How many progress calls a wave makes at most. */
const PROGRESS_STEPS = 200;

/** Whether the breaker lets an agent steal: closed, or half-open with no probe running. */
function mayStealNow(lane: { readonly breaker: BreakerState }): boolean {
  const breaker = lane.breaker;
  return breaker.kind === 'closed' || (breaker.kind === 'half-open' && !breaker.probeInFlight);
}

/** The state of one wave while it runs. */
export class WaveRun {
  /** Wave start, seconds since run start. */
  readonly startS: number;
  /** One run per task of the wave, in plan order. */
  readonly #runs: readonly TaskRun[];
  readonly #decisions: GateDecision[] = [];
  readonly #progressEvery: number;
  #strategyState: StrategyState;
  /** The strategy's moves during one {@link dispatch} (null between them); see #moves. */
  #book: RerouteBook | null = null;
  readonly #readiness: Readiness;
  readonly #tables: WaveTables;
  /** Per lane, its queue after the last reroute pass: what had arrived, and which agents were closed. */
  readonly #rerouteMarks: ({ readonly arrivals: number; readonly closedKey: string } | undefined)[] = [];
  /** Arrival order of retries in queues. */
  #retrySeq = 0;
  #done = 0;

  /**
   * Places every task of the wave on the agent the assignment gives it.
   * @throws RangeError when the assignment names an agent outside the run or a task outside
   *   the wave, places a task twice, or leaves one out
   */
  constructor(
    private readonly config: SimulationConfig,
    private readonly lanes: readonly Lane[],
    private readonly laneById: ReadonlyMap<string, Lane>,
    private readonly policy: AttemptPolicy,
    private readonly input: WaveInput,
    earlier: (ref: TaskRef) => TaskStatus | undefined,
    private readonly setCooldownTimer: CooldownTimer,
  ) {
    const { wave, tasks } = input.wave;
    this.#readiness = new Readiness(tasks, wave, earlier);
    this.startS = config.scheduler.now();
    this.#strategyState = input.assignment.state;
    this.#progressEvery = Math.max(1, Math.ceil(tasks.length / PROGRESS_STEPS));
    for (const lane of lanes) lane.resetWave();
    const ids = new Set(tasks.map((task) => task.taskId));
    const placed = new Map<string, { readonly order: number; readonly lane: Lane }>();
    for (const { taskId, agentId, order } of input.assignment.assignments) {
      const lane = laneById.get(agentId);
      if (lane === undefined) throw new RangeError(`assignment names unknown agent ${agentId}`);
      if (!ids.has(taskId)) throw new RangeError(`assignment names unknown task ${taskId} in wave ${wave}`);
      if (placed.has(taskId)) throw new RangeError(`task ${taskId} is assigned twice in wave ${wave}`);
      placed.set(taskId, { order, lane });
    }
    this.#tables = waveTables(tasks, lanes);
    this.#runs = tasks.map((task, index) => {
      const place = placed.get(task.taskId);
      if (place === undefined) throw new RangeError(`task ${task.taskId} is not assigned in wave ${wave}`);
      return this.#newRun(task, index, place.order, place.lane);
    });
  }

  #newRun(task: Task, index: number, order: number, lane: Lane): TaskRun {
    return {
      task,
      taskId: task.taskId,
      index,
      order,
      assignedAgentId: lane.profile.agentId,
      tables: this.#tables,
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
  }

  /**
   * Runs the wave to its end on the scheduler's clock.
   * @throws StalledError (from the scheduler) if the wave can never finish: a bug
   */
  async run(): Promise<WaveRunResult> {
    this.#release(this.#readiness.initial());
    this.dispatch();
    await this.config.scheduler.runUntil(() => this.#done === this.#runs.length);
    const execution = waveExecution(this.input.wave.wave, this.startS, this.#runs, this.lanes, this.#decisions);
    return { execution, strategyState: this.#strategyState };
  }

  /**
   * Reroutes what waits on open circuits, lets every agent start what it may, then lets agents
   * with a free slot and nothing of their own steal (in natural order).
   */
  dispatch(): void {
    this.#reroute();
    for (const lane of this.lanes) this.#fill(lane);
    if (this.config.steal) for (const lane of this.lanes) this.#stealInto(lane);
    if (this.#book !== null) {
      this.#strategyState = this.#book.finish();
      this.#book = null;
    }
  }

  /** The book the strategy's reroutes and steals of this dispatch go through: one state copy per dispatch, not per move. */
  #moves(): RerouteBook {
    this.#book ??= new RerouteBook(this.input.strategy, this.#strategyState, this.config.agents);
    return this.#book;
  }

  /**
   * Work stealing (contract section 4.6): while `thief` has a closed circuit (or is half-open
   * with no probe running), a free slot and nothing queued, it takes from the agent whose queue
   * holds the most predicted work per slot (ties to natural order) the fresh task (never a
   * retry) that agent would start last, among tasks the thief is a capable candidate for; then
   * starts what it may. A half-open thief takes one, which becomes its probe.
   */
  #stealInto(thief: Lane): void {
    const eligible = (item: QueueItem): boolean => !item.retry && isCapableOn(item.run, thief.index);
    // Nothing queued: #fill(thief) has just run, and whatever it left queued it could not start
    // (circuit open or probe running, which mayStealNow refuses; or no free slot).
    while (thief.running < thief.profile.maxConcurrency && mayStealNow(thief)) {
      let victim: Lane | null = null;
      for (const lane of this.lanes) {
        if (victim !== null && !(lane.queuedWorkPerSlot > victim.queuedWorkPerSlot)) continue;
        if (lane.holds(eligible)) victim = lane;
      }
      if (victim === null) return;
      // The victim holds an eligible item, so there is one to take.
      const item = victim.dequeueLast(eligible) as QueueItem;
      const { run } = item;
      this.#moves().move(run.task, victim.profile, thief.profile, this.#tables.predictedTimesS, run.index * this.#tables.lanes);
      run.lane = thief.index;
      run.steals++;
      thief.steals++;
      this.#taskMoved('task_stolen', run.taskId, victim.profile.agentId, thief.profile.agentId, this.config.scheduler.now());
      thief.enqueue(item);
      this.#fill(thief);
    }
  }

  /**
   * Moves what waits on each open circuit (contract section 4.5): the queue is drained in the
   * order it would have started, each task rerouted by the strategy among the closed agents
   * capable of it, and each target's share queued in one step; a task with no such agent
   * waits for its own circuit. The strategy sees no queue, so deciding every move before
   * queueing any gives what moving them one at a time gives.
   */
  #reroute(): void {
    let closed: AgentProfile[] | null = null;
    let allowedAmong = new CapableAmong([], []);
    let closedKey = '';
    for (const lane of this.lanes) {
      if (lane.breaker.kind !== 'open' || lane.queued === 0) continue;
      if (closed === null) {
        const closedLanes = this.lanes.filter((l) => l.breaker.kind === 'closed');
        closed = closedLanes.map((l) => l.profile);
        allowedAmong = new CapableAmong(closedLanes, closed);
        closedKey = closed.map((agent) => agent.agentId).join('\u0000');
      }
      if (closed.length === 0) return; // every circuit is open: tasks wait
      // Everything queued here waited at the last pass, nothing arrived since, and the same
      // agents are closed: every task would wait again.
      const mark = this.#rerouteMarks[lane.index];
      if (mark !== undefined && mark.arrivals === lane.arrivals && mark.closedKey === closedKey) continue;
      const waiting: QueueItem[] = [];
      // Per target lane, the items it receives and their work there (read now, while each task's
      // records are in the cache, not again when queueing).
      const moved: QueueItem[][] = this.lanes.map(() => []);
      const movedWorkS: number[][] = this.lanes.map(() => []);
      const nowS = this.config.scheduler.now();
      const book = this.#moves();
      for (const item of lane.drain()) {
        const run = item.run;
        const allowed = allowedAmong.of(run);
        if (allowed.length === 0) {
          waiting.push(item); // no closed capable candidate: it waits for its own circuit
          continue;
        }
        const target = this.#lane(book.reroute(run.task, lane.profile, allowed, this.#tables.predictedTimesS, run.index * this.#tables.lanes));
        run.lane = target.index;
        run.reroutes++;
        this.#taskMoved('task_rerouted', run.taskId, lane.profile.agentId, target.profile.agentId, nowS);
        // A retry arrives at its new agent now: it goes behind the retries already there.
        (moved[target.index] as QueueItem[]).push(item.retry ? retryItem(run, this.#retrySeq++) : item);
        (movedWorkS[target.index] as number[]).push(target.workOf(run));
      }
      for (const target of this.lanes) target.enqueueAll(moved[target.index] as QueueItem[], movedWorkS[target.index]);
      lane.enqueueAll(waiting);
      this.#rerouteMarks[lane.index] = { arrivals: lane.arrivals, closedKey };
    }
  }

  #fill(lane: Lane): void {
    const nowS = this.config.scheduler.now();
    while (lane.running < lane.profile.maxConcurrency) {
      const allowed = admission(lane.breaker);
      if (allowed === 'refuse') return;
      const item = lane.dequeue();
      if (item === undefined) return; // nothing queued
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
      lane.breaker = probeStarted(lane.breaker); // changes a half-open circuit only
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
    if (transition.opened) {
      lane.circuitOpenings++;
      this.config.onEvent?.({ type: 'circuit_opened', agentId: lane.profile.agentId, timeS: nowS });
      this.setCooldownTimer(lane, transition.state.halfOpenAtS);
    } else if (before.kind === 'half-open' && transition.state.kind === 'closed') {
      this.config.onEvent?.({ type: 'circuit_closed', agentId: lane.profile.agentId, timeS: nowS });
    }
    const step = this.policy.step;
    if (result.succeeded) this.#finish(run, lane, 'succeeded');
    else if (step === null || run.attempts.length >= this.policy.maxAttempts) this.#finish(run, lane, 'failed');
    else this.#scheduleRetry(run, lane, attempt, step);
    this.dispatch();
  }

  /**
   * Queues the retry of a failed attempt after its jittered backoff delay, on the agent that ran
   * it (a task waiting out its backoff is in no queue, so nothing has moved it).
   */
  #scheduleRetry(run: TaskRun, lane: Lane, failedAttempt: number, step: BackoffStep): void {
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
      lane.enqueue(retryItem(run, this.#retrySeq++));
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
      // Indexes come from the Readiness of this wave's tasks. A task refused already (for an
      // earlier wave's outcome, or another dependency) is neither queued nor refused again.
      for (const index of released.ready) {
        const run = this.#runs[index] as TaskRun;
        if (run.status !== null) continue;
        run.readyS = nowS;
        this.#laneOf(run).enqueue(freshItem(run));
      }
      for (const { index, failure } of released.refused) {
        const run = this.#runs[index] as TaskRun;
        if (run.status !== null) continue;
        const lane = this.#laneOf(run);
        run.refusal = { gate: dependenciesGate.name, reason: dependencyRefusalReason(failure) };
        this.#decisions.push({ wave: run.task.wave, taskId: run.task.taskId, agentId: lane.profile.agentId, attempt: 0, timeS: nowS, refusal: run.refusal });
        run.readyS = nowS;
        run.startS = nowS;
        this.#record(run, lane, 'blocked');
        work.push(this.#readiness.ended(index, run.task, 'blocked'));
      }
    }
  }

  /** The lane a task is on now (`run.lane` is always an index of the run's lanes). */
  #laneOf(run: TaskRun): Lane {
    return this.lanes[run.lane] as Lane;
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

  /** A reroute or steal happened at `timeS`: to `onTaskMoved`, or as an event object to `onEvent`. */
  #taskMoved(type: 'task_rerouted' | 'task_stolen', taskId: string, fromAgentId: string, toAgentId: string, timeS: number): void {
    const { onTaskMoved, onEvent } = this.config;
    if (onTaskMoved !== undefined) onTaskMoved(type, taskId, fromAgentId, toAgentId, timeS);
    else onEvent?.({ type, taskId, fromAgentId, toAgentId, timeS });
  }

  #lane(agentId: string): Lane {
    const lane = this.laneById.get(agentId);
    if (lane === undefined) throw new RangeError(`strategy rerouted to unknown agent ${agentId}`);
    return lane;
  }
}
