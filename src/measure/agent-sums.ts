/**
 * One agent's running sums for the wave and run metrics (contract section 6): what
 * `metrics.ts`'s accumulator adds outcome by outcome, their checkpoint form (so a resumed run
 * carries the run's sums on), and the agent's `per_agent` record.
 */
import type { AgentSumsState } from '../schema/checkpoint.ts';
import type { AgentMetrics } from '../schema/measures.ts';
import { round } from '../util/json.ts';

/** Mutable per-agent sums. */
export interface AgentSums {
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

export function emptyAgentSums(): AgentSums {
  return {
    tasks: 0, succeeded: 0, failed: 0, blocked: 0, attempts: 0, successfulAttempts: 0, retries: 0, busyS: 0,
    openS: 0, circuitOpenings: 0, steals: 0, firstAttempts: 0, sumPredicted: 0, firstSuccesses: 0, attemptDurationSum: 0, attemptRuns: 0,
  };
}

/** The sums as checkpoint.json keeps them (snake_case, unrounded). */
export function agentSumsState(agentId: string, s: AgentSums): AgentSumsState {
  return {
    agent_id: agentId,
    tasks: s.tasks,
    succeeded: s.succeeded,
    failed: s.failed,
    blocked: s.blocked,
    attempts: s.attempts,
    successful_attempts: s.successfulAttempts,
    retries: s.retries,
    busy_s: s.busyS,
    open_s: s.openS,
    circuit_openings: s.circuitOpenings,
    steals: s.steals,
    first_attempts: s.firstAttempts,
    sum_predicted: s.sumPredicted,
    first_successes: s.firstSuccesses,
    attempt_duration_sum_s: s.attemptDurationSum,
    attempt_runs: s.attemptRuns,
  };
}

/** The sums back from their checkpoint form ({@link agentSumsState}). */
export function agentSumsOf(a: AgentSumsState): AgentSums {
  return {
    tasks: a.tasks,
    succeeded: a.succeeded,
    failed: a.failed,
    blocked: a.blocked,
    attempts: a.attempts,
    successfulAttempts: a.successful_attempts,
    retries: a.retries,
    busyS: a.busy_s,
    openS: a.open_s,
    circuitOpenings: a.circuit_openings,
    steals: a.steals,
    firstAttempts: a.first_attempts,
    sumPredicted: a.sum_predicted,
    firstSuccesses: a.first_successes,
    attemptDurationSum: a.attempt_duration_sum_s,
    attemptRuns: a.attempt_runs,
  };
}

/** x clamped to [0, 1]. */
export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function ratioOrNull(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator / denominator);
}

/**
 * One agent's row of `per_agent` (contract section 6), rounded to 6 decimals: rates are null
 * when their denominator is 0; utilization is busy time over the makespan (0 when the makespan is 0).
 */
export function agentRecord(agentId: string, s: AgentSums, makespanS: number): AgentMetrics {
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

