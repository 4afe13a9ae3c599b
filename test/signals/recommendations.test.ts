import { describe, expect, it } from 'vitest';
import { computeWaveMetrics } from '../../src/measure/metrics.ts';
import type { CoordinationContent, HeuristicContent, PredictionValidationContent } from '../../src/schema/signals.ts';
import { agentPerformanceContent } from '../../src/signals/agent_performance.ts';
import { fixed, fixedVs, percent, percentVs } from '../../src/util/format.ts';
import {
  agentPerformanceRecommendations,
  coordinationRecommendations,
  heuristicRecommendations,
  predictionValidationRecommendations,
} from '../../src/signals/recommendations.ts';
import { AGENTS, WAVE_1 } from '../measure/fixture.ts';

const agent1 = agentPerformanceContent(computeWaveMetrics(WAVE_1, AGENTS).per_agent[0] ?? assertNever());

function assertNever(): never {
  throw new Error('fixture has no agent');
}

const validation: PredictionValidationContent = {
  n: 340, mean_predicted_p: 0.71, first_attempt_success_rate: 0.52, calibration_gap: -0.19, brier: 0.2, log_loss: 0.6, ece: 0.1, mce: 0.3, reliability_bins: [],
  brier_reliability: null, brier_resolution: null, brier_uncertainty: null, brier_within_bin_variance: null, brier_within_bin_covariance: null, ece_ci_low: null, ece_ci_high: null, reliability_bins_equal_mass: [],
};

describe('number formatting', () => {
  it('uses fixed decimals and never prints -0', () => {
    expect([fixed(0.125), fixed(-0.001), fixed(-0.0001, 1), fixed(1.5, 1), percent(0.1234)]).toEqual(['0.13', '0.00', '0.0', '1.5', '12.3%']);
  });

  it('adds decimals only where a figure would print equal to its threshold', () => {
    // 0.4995 rounds half up to 0.500 (its decimal value, not the double 0.49949999... below it), so it needs 4 decimals;
    // 0.2500001 prints equal to 0.25 at 6 decimals, so it prints in full.
    expect([fixedVs(0.34, 0.2), fixedVs(0.2504, 0.25), fixedVs(0.4995, 0.5), fixedVs(0.2500001, 0.25)]).toEqual(['0.34', '0.2504', '0.4995', '0.2500001']);
    expect([percentVs(0.2, 0.1), percentVs(0.10004, 0.1)]).toEqual(['20.0%', '10.004%']);
  });

  it('reroutes can outnumber tasks (a task may move twice): the text counts reroutes per task', () => {
    const c: CoordinationContent = {
      strategy: 'priority', tasks: 4, agents: [], load_balance: 1, max_mean_busy_ratio: null, busy_cv: null, makespan_s: 0,
      utilization: 0, waiting_mean_s: null, waiting_p95_s: null, reroutes: 6, steals: 0, blocked: 0, circuit_openings: 2, critical_path_s: null, makespan_lower_bound_s: null, makespan_efficiency: null,
    };
    expect(coordinationRecommendations(c)).toEqual(['reduce reroutes: circuit openings caused 6 reroutes among 4 tasks (1.50 per task)']);
  });
});

describe('prediction_validation rules', () => {
  it('recalibrate: |observed - predicted| > 0.10, quoting the figures by name (the contract example, named)', () => {
    expect(predictionValidationRecommendations('agent_2', 3, validation)).toEqual([
      'recalibrate agent_2: first-attempt success rate 0.52 vs mean predicted p 0.71 over 340 first attempts',
    ]);
  });

  it('recalibrate: prints the two rates with the decimals that show a gap above 0.10', () => {
    // 0.8049 vs 0.7048: a gap of 0.1001, which 2 and 3 decimals (0.80 vs 0.70, 0.805 vs 0.705) would show as 0.10.
    const c = { ...validation, first_attempt_success_rate: 0.8049, mean_predicted_p: 0.7048, calibration_gap: 0.1001 };
    expect(predictionValidationRecommendations('agent_2', 3, c)).toEqual([
      'recalibrate agent_2: first-attempt success rate 0.8049 vs mean predicted p 0.7048 over 340 first attempts',
    ]);
  });

  it('no rule fires for a calibrated sample; a gap of exactly 0.10 does not fire', () => {
    expect(predictionValidationRecommendations('agent_2', 3, { ...validation, first_attempt_success_rate: 0.61, calibration_gap: -0.1 })).toEqual([]);
  });

  it('ECE > 0.15 and Brier > 0.25 each add a sentence; the whole wave is named by its number', () => {
    expect(predictionValidationRecommendations('all', 4, { ...validation, calibration_gap: 0, ece: 0.151, mce: 0.4, brier: 0.251 })).toEqual([
      'reduce calibration error of wave 4 predictions: ECE 0.151 (MCE 0.40) over 340 first attempts',
      'improve forecasts for wave 4 predictions: Brier score 0.251 is worse than a constant 0.5 forecast (0.25)',
    ]);
  });

  it('below 3 samples only asks for more data', () => {
    expect(predictionValidationRecommendations('agent_7', 1, { ...validation, n: 1 })).toEqual(['collect more data for agent_7: 1 first attempt cannot validate predictions']);
  });
});

describe('agent_performance rules', () => {
  it('recalibrate needs >= 3 first attempts and a gap > 0.10', () => {
    const c = { ...agent1, first_attempts: 3, circuit_openings: 0, retries: 0 };
    expect(agentPerformanceRecommendations('agent_1', 1, c)).toEqual(['recalibrate agent_1: first-attempt success rate 0.50 vs mean predicted p 0.85 over 3 first attempts']);
    expect(agentPerformanceRecommendations('agent_1', 1, { ...c, calibration_gap: 0.1 })).toEqual([]);
  });

  it('investigate: >= 5 attempts with success rate < 0.50', () => {
    const c = { ...agent1, circuit_openings: 0, retries: 0, attempts: 5, successful_attempts: 2, attempt_success_rate: 0.4 };
    expect(agentPerformanceRecommendations('agent_1', 1, c)).toEqual(['investigate agent_1: attempt success rate 0.40 over 5 attempts (2 succeeded) is below 0.50']);
    expect(agentPerformanceRecommendations('agent_1', 1, { ...c, attempts: 4, attempt_success_rate: 0.5 })).toEqual([]);
  });

  it('retries: more than 25% of attempts; exactly 25% does not fire', () => {
    const c = { ...agent1, circuit_openings: 0, attempts: 4, successful_attempts: 3, attempt_success_rate: 0.75 };
    expect(agentPerformanceRecommendations('agent_1', 1, { ...c, retries: 1 })).toEqual([]);
    expect(agentPerformanceRecommendations('agent_1', 1, { ...c, retries: 2 })).toEqual(['review retries on agent_1: 2 of 4 attempts were retries (50.0%)']);
  });
});

describe('multi_agent_coordination rules', () => {
  const base: CoordinationContent = {
    strategy: 'round_robin', tasks: 100, agents: [{ agent_id: 'agent_1', tasks: 50, busy_s: 90 }, { agent_id: 'agent_2', tasks: 50, busy_s: 30 }],
    load_balance: 0.666667, max_mean_busy_ratio: 1.5, busy_cv: 0.5, makespan_s: 100, utilization: 0.6, waiting_mean_s: 1, waiting_p95_s: 2, reroutes: 10, steals: 0, blocked: 10, circuit_openings: 0, critical_path_s: 50, makespan_lower_bound_s: 60, makespan_efficiency: 0.6,
  };

  it('nothing fires at the thresholds (ratio 1.5, 10% reroutes, 10% blocked, utilization 0.5)', () => {
    expect(coordinationRecommendations({ ...base, utilization: 0.5 })).toEqual([]);
  });

  it('each rule fires past its threshold', () => {
    expect(coordinationRecommendations({ ...base, max_mean_busy_ratio: 1.8, reroutes: 11, blocked: 12, utilization: 0.321 })).toEqual([
      'rebalance load under round_robin: agent_1 was busy 90.0 s, 1.80x the mean busy time',
      'reduce reroutes: circuit openings caused 11 reroutes among 100 tasks (0.11 per task)',
      'review safety gates: 12 of 100 tasks (12.0%) were blocked',
      'raise utilization: agents were busy 32.1% of their capacity over a 100.0 s makespan',
    ]);
  });
});

describe('heuristic_feedback rules', () => {
  const base: HeuristicContent = {
    tasks: 10, executed: 10, duration_mape: 0.2, within_20pct_share: 0.6, suggested_tasks: 10, kept_on_suggested_share: 0.5,
    planned_makespan_s: 100, makespan_s: 150, makespan_ratio: 1.5,
    outcomes_by_risk: [
      { risk: 'LOW', tasks: 3, succeeded: 3, failed: 0, blocked: 0, success_rate: 1 },
      { risk: 'MEDIUM', tasks: 4, succeeded: 4, failed: 0, blocked: 0, success_rate: 1 },
      { risk: 'HIGH', tasks: 3, succeeded: 3, failed: 0, blocked: 0, success_rate: 1 },
    ],
  };

  it('nothing fires at the thresholds', () => {
    expect(heuristicRecommendations(base)).toEqual([]);
  });

  it('each rule fires past its threshold', () => {
    const c: HeuristicContent = {
      ...base, duration_mape: 0.34, within_20pct_share: 0.4, kept_on_suggested_share: 0.3, makespan_s: 180, makespan_ratio: 1.8,
      outcomes_by_risk: [
        { risk: 'LOW', tasks: 3, succeeded: 2, failed: 1, blocked: 0, success_rate: 0.666667 },
        { risk: 'MEDIUM', tasks: 4, succeeded: 4, failed: 0, blocked: 0, success_rate: 1 },
        { risk: 'HIGH', tasks: 3, succeeded: 1, failed: 0, blocked: 2, success_rate: 0.333333 },
      ],
    };
    expect(heuristicRecommendations(c)).toEqual([
      'revise duration estimates: MAPE 0.34 over 10 executed tasks, 40.0% within 20% of the predicted time',
      'review suggested agents: 30.0% of 10 suggested tasks ended on the suggested agent',
      'reassess LOW risk labels: 2 of 3 LOW-risk tasks succeeded (0.67)',
      'review HIGH-risk predictions: 2 of 3 HIGH-risk tasks were blocked by safety gates',
      'revise the schedule: actual makespan 180.0 s is 1.80x the planned 100.0 s',
    ]);
  });
});
