/**
 * Wave and run metrics (contract section 6) from the simulation's results. Formulas, units
 * and edge cases: docs/metrics.md.
 *
 * Both kinds come from one accumulator, fed outcome by outcome in a single O(n) pass:
 * wave metrics from one {@link WaveExecution}, run metrics from every wave's tasks pooled
 * (never a mean of wave metrics), with busy and open time summed per agent across waves.
 */
import { mean, quantile } from 'simple-statistics';
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { AgentWaveStats, TaskOutcome, WaveExecution } from '../simulate/types.ts';
import type { AgentMetrics, MetricsCore, RunMetrics, WaveMetrics } from '../schema/measures.ts';
import { round } from '../util/json.ts';
import { sortNatural } from '../util/natural.ts';
import { CalibrationAccumulator, calibrationFields } from './calibration.ts';
import { makespanEfficiency, waveBound } from './critical-path.ts';

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

/** Mutable per-agent sums. */
interface AgentSums {
  tasks: number;
  succeeded: number;
  failed: number;
  blocked: number;
  attempts: number;
  successfulAttempts: number;
  retries: number;
  busyS: number;
  openS: number;
  circuitOpenings: number;
  steals: number;
  firstAttempts: number;
  sumPredicted: number;
  firstSuccesses: number;
  attemptDurationSum: number;
  attemptRuns: number;
}

function emptyAgentSums(): AgentSums {
  return {
    tasks: 0, succeeded: 0, failed: 0, blocked: 0, attempts: 0, successfulAttempts: 0, retries: 0, busyS: 0,
    openS: 0, circuitOpenings: 0, steals: 0, firstAttempts: 0, sumPredicted: 0, firstSuccesses: 0, attemptDurationSum: 0, attemptRuns: 0,
  };
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
  private readonly waits: number[] = [];
  private readonly calibration = new CalibrationAccumulator();
  private readonly agents = new Map<string, AgentSums>();

  constructor(agentIds: readonly string[]) {
    for (const id of agentIds) this.agents.set(id, emptyAgentSums());
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
    this.waits.push(outcome.startS - outcome.readyS);
    this.calibration.add(outcome.predictedP, first.succeeded);
    this.apeSum += Math.abs(durationS - outcome.predictedTimeS) / outcome.predictedTimeS;
    const predicted = this.agent(first.agentId, outcome.wave, outcome);
    predicted.firstAttempts += 1;
    predicted.sumPredicted += outcome.predictedP;
    if (first.succeeded) predicted.firstSuccesses += 1;
  }

  finish(makespanS: number): MetricsCore {
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
    const summary = this.calibration.summary();
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
      waiting_mean_s: executed === 0 ? null : round(mean(this.waits)),
      waiting_p95_s: executed === 0 ? null : round(quantile(this.waits, WAITING_QUANTILE)),
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

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function ratioOrNull(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator / denominator);
}

function agentRecord(agentId: string, s: AgentSums, makespanS: number): AgentMetrics {
  const meanPredicted = s.firstAttempts === 0 ? null : s.sumPredicted / s.firstAttempts;
  const firstRate = s.firstAttempts === 0 ? null : s.firstSuccesses / s.firstAttempts;
  return {
    agent_id: agentId,
    tasks: s.tasks,
    succeeded: s.succeeded,
    failed: s.failed,
    blocked: s.blocked,
    success_rate: ratioOrNull(s.succeeded, s.tasks),
    attempts: s.attempts,
    successful_attempts: s.successfulAttempts,
    attempt_success_rate: ratioOrNull(s.successfulAttempts, s.attempts),
    retries: s.retries,
    busy_s: round(s.busyS),
    open_s: round(s.openS),
    circuit_openings: s.circuitOpenings,
    steals: s.steals,
    utilization: makespanS > 0 ? round(clamp01(s.busyS / makespanS)) : 0,
    first_attempts: s.firstAttempts,
    mean_predicted_p: meanPredicted === null ? null : round(meanPredicted),
    first_attempt_success_rate: firstRate === null ? null : round(firstRate),
    calibration_gap: meanPredicted === null || firstRate === null ? null : round(firstRate - meanPredicted),
    mean_attempt_duration_s: ratioOrNull(s.attemptDurationSum, s.attemptRuns),
  };
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
 * @throws RangeError when the execution names an agent not in `agents`
 */
export function computeWaveMetrics(execution: WaveExecution, agents: readonly AgentProfile[], plan?: WavePlan): WaveMetrics {
  const acc = new MetricsAccumulator(agentIdsOf(agents));
  acc.addExecution(execution);
  const makespanS = Math.max(0, execution.endS - execution.startS);
  const bound = plan === undefined ? null : waveBound(plan, agents);
  const { per_agent, ...core } = acc.finish(makespanS);
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
 * Metrics of the whole run: every task of every wave pooled; per-agent busy, open time and
 * counts summed across waves; makespan = last wave's end - first wave's start (0 for no waves).
 * @throws RangeError when an execution names an agent not in `agents`
 */
export function computeRunMetrics(executions: readonly WaveExecution[], agents: readonly AgentProfile[]): RunMetrics {
  const acc = new MetricsAccumulator(agentIdsOf(agents));
  let start = Infinity;
  let end = -Infinity;
  for (const execution of executions) {
    acc.addExecution(execution);
    if (execution.startS < start) start = execution.startS;
    if (execution.endS > end) end = execution.endS;
  }
  const makespanS = executions.length === 0 ? 0 : Math.max(0, end - start);
  return { waves: executions.length, ...acc.finish(makespanS) };
}
