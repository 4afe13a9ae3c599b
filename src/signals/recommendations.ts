/**
 * Deterministic recommendation text rules, one function per signal type (contract section 7).
 * Each rule is a strict comparison on the signal's (rounded) content figures and yields one
 * sentence quoting those figures with fixed decimals: probabilities and ratios 2, shares as
 * percentages with 1, seconds 1. Rules run in the order listed; none firing gives [].
 */
import type {
  AgentPerformanceContent,
  CoordinationContent,
  HeuristicContent,
  PredictionValidationContent,
} from '../schema/signals.ts';
import { fixed, fixedAtLeast, fixedGap, fixedVs, percent, percentVs, plural } from '../util/format.ts';
import { ALL } from './common.ts';

/** Thresholds of the recommendation rules (documented in docs/metrics.md). */
export const RECOMMENDATION_THRESHOLDS = {
  /** Samples below this get "collect more data" instead of calibration advice. */
  minSample: 3,
  /** |observed - predicted| above this: recalibrate. */
  calibrationGap: 0.1,
  /** Attempts an agent needs before its attempt success rate is judged. */
  minAttempts: 5,
  /** Attempt success rate below this: investigate the agent. */
  attemptSuccessRate: 0.5,
  /** Retries / attempts above this: review retries. */
  retryShare: 0.25,
  /** max busy / mean busy above this: rebalance. */
  maxMeanBusyRatio: 1.5,
  /** reroutes / tasks above this: reduce reroutes. */
  rerouteShare: 0.1,
  /** blocked / tasks above this: review gates. */
  blockedShare: 0.1,
  /** Utilization below this (with a positive makespan): raise utilization. */
  minUtilization: 0.5,
  /** Duration MAPE above this: revise duration estimates. */
  durationMape: 0.2,
  /** Share of suggested tasks kept on their suggested agent below this: review suggestions. */
  keptOnSuggested: 0.5,
  /** Success rate of LOW-risk tasks below this (with >= minSample of them): reassess risk labels. */
  lowRiskSuccessRate: 0.7,
  /** Actual / planned makespan above this: revise the schedule. */
  makespanRatio: 1.5,
  /** ECE above this: reduce calibration error. */
  ece: 0.15,
  /** Brier score above this (a constant 0.5 forecast scores 0.25): improve the forecasts. */
  brier: 0.25,
} as const;

const T = RECOMMENDATION_THRESHOLDS;

/**
 * `recalibrate <name>: first-attempt success rate 0.52 vs mean predicted p 0.71 over 340 first
 * attempts`. The two rates are printed (by `fixedGap`) so that their printed difference is
 * their gap and reads as above the threshold.
 */
function recalibrate(name: string, observed: number | null, predicted: number | null, n: number): string {
  const text = fixedGap(observed ?? 0, predicted ?? 0, T.calibrationGap);
  return `recalibrate ${name}: first-attempt success rate ${text.a} vs mean predicted p ${text.b} over ${plural(n, 'first attempt')}`;
}

/** Rules for one agent's `agent_performance` signal. */
export function agentPerformanceRecommendations(agentId: string, wave: number, c: AgentPerformanceContent): string[] {
  const out: string[] = [];
  if (c.first_attempts >= T.minSample && c.calibration_gap !== null && Math.abs(c.calibration_gap) > T.calibrationGap) {
    out.push(recalibrate(agentId, c.first_attempt_success_rate, c.mean_predicted_p, c.first_attempts));
  }
  if (c.attempts >= T.minAttempts && c.attempt_success_rate !== null && c.attempt_success_rate < T.attemptSuccessRate) {
    out.push(
      `investigate ${agentId}: attempt success rate ${fixedVs(c.attempt_success_rate, T.attemptSuccessRate)} over ${plural(c.attempts, 'attempt')} ` +
        `(${c.successful_attempts} succeeded) is below ${fixedAtLeast(T.attemptSuccessRate)}`,
    );
  }
  if (c.circuit_openings > 0) {
    out.push(`check ${agentId}: its circuit opened ${plural(c.circuit_openings, 'time')} in wave ${wave}`);
  }
  if (c.attempts > 0 && c.retries / c.attempts > T.retryShare) {
    out.push(`review retries on ${agentId}: ${c.retries} of ${c.attempts} attempts were retries (${percentVs(c.retries / c.attempts, T.retryShare)})`);
  }
  return out;
}

/** Rules for a wave's `multi_agent_coordination` signal. */
export function coordinationRecommendations(c: CoordinationContent): string[] {
  const out: string[] = [];
  if (c.max_mean_busy_ratio !== null && c.max_mean_busy_ratio > T.maxMeanBusyRatio) {
    let busiest = c.agents[0];
    for (const agent of c.agents) if (busiest === undefined || agent.busy_s > busiest.busy_s) busiest = agent;
    if (busiest !== undefined) {
      out.push(
        `rebalance load under ${c.strategy}: ${busiest.agent_id} was busy ${fixed(busiest.busy_s, 1)} s, ` +
          `${fixedVs(c.max_mean_busy_ratio, T.maxMeanBusyRatio)}x the mean busy time`,
      );
    }
  }
  if (c.tasks > 0 && c.reroutes / c.tasks > T.rerouteShare) {
    const perTask = fixedVs(c.reroutes / c.tasks, T.rerouteShare);
    out.push(`reduce reroutes: circuit openings caused ${plural(c.reroutes, 'reroute')} among ${plural(c.tasks, 'task')} (${perTask} per task)`);
  }
  if (c.tasks > 0 && c.blocked / c.tasks > T.blockedShare) {
    out.push(`review safety gates: ${c.blocked} of ${plural(c.tasks, 'task')} (${percentVs(c.blocked / c.tasks, T.blockedShare)}) were blocked`);
  }
  if (c.makespan_s > 0 && c.utilization < T.minUtilization) {
    out.push(`raise utilization: agents were busy ${percentVs(c.utilization, T.minUtilization)} of their capacity over a ${fixed(c.makespan_s, 1)} s makespan`);
  }
  return out;
}

/** Rules for a wave's `heuristic_feedback` signal. */
export function heuristicRecommendations(c: HeuristicContent): string[] {
  const out: string[] = [];
  if (c.duration_mape !== null && c.duration_mape > T.durationMape) {
    out.push(
      `revise duration estimates: MAPE ${fixedVs(c.duration_mape, T.durationMape)} over ${plural(c.executed, 'executed task')}, ` +
        `${percent(c.within_20pct_share ?? 0)} within 20% of the predicted time`,
    );
  }
  if (c.kept_on_suggested_share !== null && c.kept_on_suggested_share < T.keptOnSuggested) {
    out.push(
      `review suggested agents: ${percentVs(c.kept_on_suggested_share, T.keptOnSuggested)} of ${plural(c.suggested_tasks, 'suggested task')} ` +
        `ended on the suggested agent`,
    );
  }
  const low = c.outcomes_by_risk.find((r) => r.risk === 'LOW');
  if (low !== undefined && low.tasks >= T.minSample && low.success_rate !== null && low.success_rate < T.lowRiskSuccessRate) {
    out.push(`reassess LOW risk labels: ${low.succeeded} of ${low.tasks} LOW-risk tasks succeeded (${fixedVs(low.success_rate, T.lowRiskSuccessRate)})`);
  }
  const high = c.outcomes_by_risk.find((r) => r.risk === 'HIGH');
  if (high !== undefined && high.blocked > 0) {
    out.push(`review HIGH-risk predictions: ${high.blocked} of ${plural(high.tasks, 'HIGH-risk task')} ${high.blocked === 1 ? 'was' : 'were'} blocked by safety gates`);
  }
  if (c.makespan_ratio !== null && c.planned_makespan_s !== null && c.makespan_ratio > T.makespanRatio) {
    out.push(
      `revise the schedule: actual makespan ${fixed(c.makespan_s, 1)} s is ${fixedVs(c.makespan_ratio, T.makespanRatio)}x ` +
        `the planned ${fixed(c.planned_makespan_s, 1)} s`,
    );
  }
  return out;
}

/** Rules for a `prediction_validation` signal (`subject` is an agent id or `all`). */
export function predictionValidationRecommendations(subject: string, wave: number, c: PredictionValidationContent): string[] {
  const name = subject === ALL ? `wave ${wave} predictions` : subject;
  if (c.n < T.minSample) {
    return [`collect more data for ${name}: ${plural(c.n, 'first attempt')} cannot validate predictions`];
  }
  const out: string[] = [];
  if (c.calibration_gap !== null && Math.abs(c.calibration_gap) > T.calibrationGap) {
    out.push(recalibrate(name, c.first_attempt_success_rate, c.mean_predicted_p, c.n));
  }
  if (c.ece !== null && c.ece > T.ece) {
    out.push(`reduce calibration error of ${name}: ECE ${fixedVs(c.ece, T.ece)} (MCE ${fixed(c.mce ?? 0)}) over ${plural(c.n, 'first attempt')}`);
  }
  if (c.brier !== null && c.brier > T.brier) {
    out.push(`improve forecasts for ${name}: Brier score ${fixedVs(c.brier, T.brier)} is worse than a constant 0.5 forecast (0.25)`);
  }
  return out;
}
