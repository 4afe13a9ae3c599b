/**
 * Wave and run metrics (contract section 6) from the simulation's results. Formulas, units
 * and edge cases: docs/metrics.md.
 *
 * Both kinds come from one accumulator, fed outcome by outcome in a single O(n) pass:
 * wave metrics from one {@link WaveExecution}, run metrics from every wave's tasks pooled
 * (never a mean of wave metrics), with busy and open time summed per agent across waves.
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { KeyedRandom } from '../simulate/rng.ts';
import type { MetricsState } from '../schema/checkpoint.ts';
import type { AgentWaveStats, TaskOutcome, WaveExecution } from '../simulate/types.ts';
import type { AgentMetrics, MetricsCore, RunMetrics, WaveMetrics } from '../schema/measures.ts';
import { round } from '../util/json.ts';
import { sortNatural } from '../util/natural.ts';
import { agentRecord, agentSumsOf, agentSumsState, clamp01, emptyAgentSums, type AgentSums } from './agent-sums.ts';
import { CalibrationAccumulator } from './calibration.ts';
import { calibrationFields } from './calibration-fields.ts';
import { makespanEfficiency, waveBound } from './critical-path.ts';
import { quantileCapacity, WaitingTimes } from './waiting.ts';

/** The subject of a figure over every agent (signals' `all`); part of the ECE interval's key. */
export const ALL_SUBJECT = 'all';

/** Quantile reported for waiting time. */
export const WAITING_QUANTILE = 0.95;

/** The agent a task's predicted p refers to: its first attempt's agent, else the blocking agent. */
export function predictionAgentOf(outcome: TaskOutcome): string {
  return outcome.attempts[0]?.agentId ?? outcome.agentId;
}

/**
 * Duration of a task's first attempt, seconds; null when it never ran. This is the duration
 * `duration_mape` compares with the prediction, which is for the first attempt's agent
 * (`predictedTimeS`): a retry or a reroute does not mix another agent's run into the error.
 */
export function firstAttemptDurationS(outcome: TaskOutcome): number | null {
  const first = outcome.attempts[0];
  return first === undefined ? null : first.endS - first.startS;
}

/** Sums over any number of waves; {@link finish} turns them into a metrics core. */
class MetricsAccumulator {
  private tasks = 0;
  private succeeded = 0;
  private failed = 0;
  private blocked = 0;
  private executed = 0;
  private attempts = 0;
  private retries = 0;
  private reroutes = 0;
  private steals = 0;
  private circuitOpenings = 0;
  private apeSum = 0;
  private waits: WaitingTimes;
  private calibration: CalibrationAccumulator;
  private readonly agents = new Map<string, AgentSums>();

  /**
   * @param waitingCapacity - largest waiting times kept (src/measure/waiting.ts); Infinity keeps all
   * @param keepPairs - keep the calibration pairs for exact equal-mass bins (a wave; not the run)
   */
  constructor(agentIds: readonly string[], waitingCapacity = Infinity, keepPairs = false) {
    for (const id of agentIds) this.agents.set(id, emptyAgentSums());
    this.waits = new WaitingTimes(waitingCapacity);
    this.calibration = new CalibrationAccumulator(undefined, keepPairs);
  }

  /** Every sum, for checkpoint.json (without the run's span and wave count, which the caller keeps). */
  snapshot(): Omit<MetricsState, 'waves' | 'start_s' | 'end_s'> {
    return {
      tasks: this.tasks,
      succeeded: this.succeeded,
      failed: this.failed,
      blocked: this.blocked,
      executed: this.executed,
      attempts: this.attempts,
      retries: this.retries,
      reroutes: this.reroutes,
      steals: this.steals,
      circuit_openings: this.circuitOpenings,
      ape_sum: this.apeSum,
      waiting: this.waits.snapshot(),
      calibration: this.calibration.snapshot(),
      agents: [...this.agents].map(([agentId, s]) => agentSumsState(agentId, s)),
    };
  }

  /**
   * Continues from {@link snapshot}'s state.
   * @throws RangeError when the state's agents are not this accumulator's agents, in order
   */
  restore(state: Omit<MetricsState, 'waves' | 'start_s' | 'end_s'>): void {
    const ids = [...this.agents.keys()];
    if (state.agents.length !== ids.length || state.agents.some((a, i) => a.agent_id !== ids[i])) {
      throw new RangeError(`checkpoint agents ${state.agents.map((a) => a.agent_id).join(',')} differ from the run's ${ids.join(',')}`);
    }
    this.tasks = state.tasks;
    this.succeeded = state.succeeded;
    this.failed = state.failed;
    this.blocked = state.blocked;
    this.executed = state.executed;
    this.attempts = state.attempts;
    this.retries = state.retries;
    this.reroutes = state.reroutes;
    this.steals = state.steals;
    this.circuitOpenings = state.circuit_openings;
    this.apeSum = state.ape_sum;
    this.waits = WaitingTimes.restore(state.waiting);
    this.calibration = CalibrationAccumulator.restore(state.calibration);
    for (const a of state.agents) this.agents.set(a.agent_id, agentSumsOf(a));
  }

  /** The sums of `agentId`; `source` names the culprit in the error (built only on error). */
  private agent(agentId: string, wave: number, source: TaskOutcome | null): AgentSums {
    const sums = this.agents.get(agentId);
    if (sums === undefined) {
      const where = source === null ? `wave ${wave} agent statistics` : `wave ${wave} task ${JSON.stringify(source.taskId)}`;
      throw new RangeError(`${where} names agent ${JSON.stringify(agentId)}, which is not among the run's agents`);
    }
    return sums;
  }

  addExecution(execution: WaveExecution): void {
    for (const stats of execution.agents) this.addAgentStats(stats, execution.wave);
    for (const outcome of execution.outcomes) this.addOutcome(outcome);
  }

  private addAgentStats(stats: AgentWaveStats, wave: number): void {
    const sums = this.agent(stats.agentId, wave, null);
    sums.attempts += stats.attempts;
    sums.successfulAttempts += stats.successfulAttempts;
    sums.busyS += stats.busyS;
    sums.openS += stats.openS;
    sums.circuitOpenings += stats.circuitOpenings;
    sums.steals += stats.steals;
    this.circuitOpenings += stats.circuitOpenings;
  }

  private addOutcome(outcome: TaskOutcome): void {
    const final = this.agent(outcome.agentId, outcome.wave, outcome);
    this.tasks += 1;
    final.tasks += 1;
    if (outcome.status === 'succeeded') {
      this.succeeded += 1;
      final.succeeded += 1;
    } else if (outcome.status === 'failed') {
      this.failed += 1;
      final.failed += 1;
    } else {
      this.blocked += 1;
      final.blocked += 1;
    }
    this.reroutes += outcome.reroutes;
    this.steals += outcome.steals;
    const n = outcome.attempts.length;
    this.attempts += n;
    if (n > 1) this.retries += n - 1;
    for (const attempt of outcome.attempts) {
      const runner = this.agent(attempt.agentId, outcome.wave, outcome);
      runner.attemptDurationSum += attempt.endS - attempt.startS;
      runner.attemptRuns += 1;
      if (attempt.attempt > 0) runner.retries += 1;
    }
    const first = outcome.attempts[0];
    const durationS = firstAttemptDurationS(outcome);
    if (first === undefined || durationS === null) return;
    this.executed += 1;
    this.waits.add(outcome.startS - outcome.readyS);
    this.calibration.add(outcome.predictedP, first.succeeded);
    this.apeSum += Math.abs(durationS - outcome.predictedTimeS) / outcome.predictedTimeS;
    const predicted = this.agent(first.agentId, outcome.wave, outcome);
    predicted.firstAttempts += 1;
    predicted.sumPredicted += outcome.predictedP;
    if (first.succeeded) predicted.firstSuccesses += 1;
  }

  /** @param bootstrap - where the ECE interval draws from (wave 0 = the run); none: interval null */
  finish(makespanS: number, bootstrap?: { random: KeyedRandom; wave: number }): MetricsCore {
    const agentCount = this.agents.size;
    const capacity = agentCount * makespanS;
    let busyTotal = 0;
    let openTotal = 0;
    let busyMax = 0;
    const perAgent: AgentMetrics[] = [];
    for (const [agentId, s] of this.agents) {
      busyTotal += s.busyS;
      openTotal += s.openS;
      if (s.busyS > busyMax) busyMax = s.busyS;
      perAgent.push(agentRecord(agentId, s, makespanS));
    }
    const summary = this.calibration.summary(bootstrap === undefined ? undefined : { ...bootstrap, subject: ALL_SUBJECT });
    const n = this.tasks;
    const executed = this.executed;
    const loadBalance = busyMax > 0 ? busyTotal / agentCount / busyMax : 1;
    return {
      tasks: n,
      succeeded: this.succeeded,
      failed: this.failed,
      blocked: this.blocked,
      executed: this.executed,
      success_rate: n === 0 ? null : round(this.succeeded / n),
      availability: capacity > 0 ? round(clamp01(1 - openTotal / capacity)) : 1,
      accuracy: summary.ece === null ? 1 : round(1 - summary.ece),
      load_balance: round(loadBalance),
      mean_predicted_p: summary.meanPredicted === null ? null : round(summary.meanPredicted),
      first_attempt_success_rate: summary.observedRate === null ? null : round(summary.observedRate),
      calibration_gap: summary.meanPredicted === null || summary.observedRate === null ? null : round(summary.observedRate - summary.meanPredicted),
      makespan_s: round(makespanS),
      utilization: capacity > 0 ? round(clamp01(busyTotal / capacity)) : 0,
      waiting_mean_s: roundOrNull(this.waits.mean()),
      waiting_p95_s: roundOrNull(this.waits.quantile(WAITING_QUANTILE)),
      attempts: this.attempts,
      retries: this.retries,
      reroutes: this.reroutes,
      steals: this.steals,
      circuit_openings: this.circuitOpenings,
      ...calibrationFields(summary),
      duration_mape: executed === 0 ? null : round(this.apeSum / executed),
      per_agent: perAgent,
    };
  }
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}

function agentIdsOf(agents: readonly AgentProfile[]): string[] {
  return sortNatural(agents, (a) => a.agentId).map((a) => a.agentId);
}

/**
 * Metrics of one wave.
 * @param execution - the wave's simulated result
 * @param agents - the run's agents (their count is the "agents" of availability and
 *   utilization; `per_agent` lists them in natural order, with zeros where one did nothing)
 * @param plan - the wave's plan, for the critical path and makespan bound (contract 10);
 *   without it those three figures are null
 * @param random - the run's keyed generator, for the ECE bootstrap interval (key: wave, `all`);
 *   without it `ece_ci_low` and `ece_ci_high` are null
 * @throws RangeError when the execution names an agent not in `agents`
 */
export function computeWaveMetrics(execution: WaveExecution, agents: readonly AgentProfile[], plan?: WavePlan, random?: KeyedRandom): WaveMetrics {
  const acc = new MetricsAccumulator(agentIdsOf(agents), Infinity, true);
  acc.addExecution(execution);
  const makespanS = Math.max(0, execution.endS - execution.startS);
  const bound = plan === undefined ? null : waveBound(plan, agents);
  const { per_agent, ...core } = acc.finish(makespanS, random === undefined ? undefined : { random, wave: execution.wave });
  return {
    wave: execution.wave,
    ...core,
    critical_path_s: bound?.critical_path_s ?? null,
    makespan_lower_bound_s: bound?.makespan_lower_bound_s ?? null,
    makespan_efficiency: bound === null ? null : makespanEfficiency(bound.makespan_lower_bound_s, makespanS),
    per_agent,
  };
}

/**
 * The run-level measures as a fold over waves (contract section 6): every task of every wave
 * pooled in one accumulator fed outcome by outcome, per-agent busy, open time and counts summed
 * across waves, makespan = last wave's end - first wave's start. Its whole state is
 * {@link snapshot} (compact: sums, bin counts and the largest waiting times), so a run holds
 * one wave at a time and checkpoint.json can carry it.
 */
export class RunMetricsAccumulator {
  readonly #acc: MetricsAccumulator;
  #waves = 0;
  #startS: number | null = null;
  #endS: number | null = null;

  /**
   * @param agents - the run's agents
   * @param maxTasks - the most tasks the run can have (every planned wave's tasks): sizes the
   *   waiting-time store so the 95th percentile is exact for any number of waves run
   */
  constructor(agents: readonly AgentProfile[], maxTasks: number) {
    this.#acc = new MetricsAccumulator(agentIdsOf(agents), quantileCapacity(maxTasks, WAITING_QUANTILE));
  }

  /** Waves added so far. */
  get waves(): number {
    return this.#waves;
  }

  /** Adds one finished wave. @throws RangeError when the execution names an agent outside the run */
  addWave(execution: WaveExecution): void {
    this.#acc.addExecution(execution);
    this.#waves += 1;
    if (this.#startS === null || execution.startS < this.#startS) this.#startS = execution.startS;
    if (this.#endS === null || execution.endS > this.#endS) this.#endS = execution.endS;
  }

  /**
   * The run's metrics so far (makespan 0 and empty figures before any wave). Equal-mass bins
   * come from the grid (the run keeps no pairs).
   * @param random - the run's keyed generator, for the ECE bootstrap interval (key: wave 0,
   *   `all`); without it `ece_ci_low` and `ece_ci_high` are null
   */
  metrics(random?: KeyedRandom): RunMetrics {
    const makespanS = this.#startS === null || this.#endS === null ? 0 : Math.max(0, this.#endS - this.#startS);
    return { waves: this.#waves, ...this.#acc.finish(makespanS, random === undefined ? undefined : { random, wave: 0 }) };
  }

  snapshot(): MetricsState {
    return { waves: this.#waves, start_s: this.#startS, end_s: this.#endS, ...this.#acc.snapshot() };
  }

  /** Continues from {@link snapshot}'s state. @throws RangeError when its agents differ from the run's */
  restore(state: MetricsState): void {
    const { waves, start_s, end_s, ...sums } = state;
    this.#acc.restore(sums);
    this.#waves = waves;
    this.#startS = start_s;
    this.#endS = end_s;
  }
}

/**
 * Metrics of the whole run: every task of every wave pooled; per-agent busy, open time and
 * counts summed across waves; makespan = last wave's end - first wave's start (0 for no waves).
 * The fold of {@link RunMetricsAccumulator} over `executions`.
 * @throws RangeError when an execution names an agent not in `agents`
 */
export function computeRunMetrics(executions: readonly WaveExecution[], agents: readonly AgentProfile[]): RunMetrics {
  const acc = new RunMetricsAccumulator(agents, executions.reduce((n, e) => n + e.outcomes.length, 0));
  for (const execution of executions) acc.addWave(execution);
  return acc.metrics();
}
