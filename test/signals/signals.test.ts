import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { computeWaveMetrics } from '../../src/measure/metrics.ts';
import { SignalSchema, type Signal } from '../../src/schema/signals.ts';
import { FEEDBACK_FILES, buildSignals, confidenceFor, signalFile, signalsByFile } from '../../src/signals/index.ts';
import { AGENTS, PLAN, WAVE_1, WAVE_2 } from '../measure/fixture.ts';

const METRICS = [computeWaveMetrics(WAVE_1, AGENTS), computeWaveMetrics(WAVE_2, AGENTS)];
const SIGNALS = buildSignals({ waves: PLAN, executions: [WAVE_2, WAVE_1], waveMetrics: [...METRICS].reverse(), strategy: 'load_balanced' });

function byId(id: string): Signal {
  const s = SIGNALS.find((x) => x.signal_id === id);
  if (s === undefined) throw new Error(`no signal ${id}`);
  return s;
}

describe('order, ids and routing', () => {
  it('orders by wave, then type in table order, then subject (all first, agents natural)', () => {
    const wave = (w: number) => [
      `w${w}-agent_performance-agent_1`,
      `w${w}-agent_performance-agent_2`,
      `w${w}-multi_agent_coordination-all`,
      `w${w}-heuristic_feedback-all`,
      `w${w}-prediction_validation-all`,
      `w${w}-prediction_validation-agent_1`,
      `w${w}-prediction_validation-agent_2`,
    ];
    expect(SIGNALS.map((s) => s.signal_id)).toEqual([...wave(1), ...wave(2)]);
  });

  it('is deterministic: the same input gives byte-identical JSON', () => {
    const again = buildSignals({ waves: PLAN, executions: [WAVE_1, WAVE_2], waveMetrics: METRICS, strategy: 'load_balanced' });
    expect(again.map((s) => JSON.stringify(s)).join('\n')).toBe(SIGNALS.map((s) => JSON.stringify(s)).join('\n'));
  });

  it('routes each type to its feedback file and target phase', () => {
    const routes = new Map(SIGNALS.map((s) => [s.signal_type, [signalFile(s), s.target_phase]]));
    expect(Object.fromEntries(routes)).toEqual({
      agent_performance: ['feedback/phase18/coordination_feedback.jsonl', 18],
      multi_agent_coordination: ['feedback/phase18/coordination_feedback.jsonl', 18],
      heuristic_feedback: ['feedback/phase16/heuristic_feedback.jsonl', 16],
      prediction_validation: ['feedback/phase20/prediction_validation_feedback.jsonl', 20],
    });
    const groups = signalsByFile(SIGNALS);
    expect([...groups.keys()]).toEqual([...FEEDBACK_FILES]);
    expect(groups.get('feedback/phase16/heuristic_feedback.jsonl')?.map((s) => s.signal_id)).toEqual(['w1-heuristic_feedback-all', 'w2-heuristic_feedback-all']);
    expect(groups.get('feedback/phase18/coordination_feedback.jsonl')).toHaveLength(6);
    expect(signalsByFile([]).get('feedback/phase20/prediction_validation_feedback.jsonl')).toEqual([]);
  });

  it('every record validates, with keys in the fixed order, and the schema converts to JSON Schema', () => {
    for (const s of SIGNALS) expect(SignalSchema.parse(s)).toEqual(s);
    expect(Object.keys(SIGNALS[0] ?? {})).toEqual(['schema_version', 'signal_id', 'signal_type', 'target_phase', 'wave', 'subject', 'confidence', 'content', 'recommendations']);
    expect(new Set(SIGNALS.map((s) => s.schema_version))).toEqual(new Set(['2.1.0']));
    expect(() => z.toJSONSchema(SignalSchema)).not.toThrow();
  });

  it('throws RangeError when a wave has no plan or metrics', () => {
    expect(() => buildSignals({ waves: [], executions: [WAVE_1], waveMetrics: METRICS, strategy: 'round_robin' })).toThrow(/no plan for wave 1/);
    expect(() => buildSignals({ waves: PLAN, executions: [WAVE_1], waveMetrics: [], strategy: 'round_robin' })).toThrow(/no metrics for wave 1/);
  });
});

describe('confidence tiers by sample size', () => {
  it('n < 3 -> 0.5, 3..10 -> 0.7, > 10 -> 0.9', () => {
    expect([0, 2, 3, 10, 11, 1000].map(confidenceFor)).toEqual([0.5, 0.5, 0.7, 0.7, 0.9, 0.9]);
  });

  it('uses tasks for agent, coordination and heuristic signals and n for validation', () => {
    expect(byId('w1-agent_performance-agent_1').confidence).toBe(0.5); // 2 tasks
    expect(byId('w1-agent_performance-agent_2').confidence).toBe(0.7); // 3 tasks
    expect(byId('w1-multi_agent_coordination-all').confidence).toBe(0.7); // 5 tasks
    expect(byId('w1-heuristic_feedback-all').confidence).toBe(0.7);
    expect(byId('w1-prediction_validation-all').confidence).toBe(0.7); // n = 4
    expect(byId('w1-prediction_validation-agent_2').confidence).toBe(0.5); // n = 2
    expect(byId('w2-prediction_validation-agent_2').confidence).toBe(0.5); // n = 0
  });
});

describe('agent_performance', () => {
  it("carries the agent's wave figures and rule-based advice", () => {
    const s = byId('w1-agent_performance-agent_1');
    expect(s).toMatchObject({ signal_type: 'agent_performance', target_phase: 18, wave: 1, subject: 'agent_1' });
    expect(s.content).toMatchObject({ tasks: 2, succeeded: 2, success_rate: 1, mean_predicted_p: 0.85, calibration_gap: -0.35, retries: 1, circuit_openings: 1, mean_attempt_duration_s: 12.666667 });
    expect(s.content).not.toHaveProperty('agent_id');
    expect(s.recommendations).toEqual(['check agent_1: its circuit opened 1 time in wave 1', 'review retries on agent_1: 1 of 3 attempts were retries (33.3%)']);
  });
});

describe('multi_agent_coordination', () => {
  it('reports spread of work: efficiency 31.5/35, max/mean 35/31.5, CV 3.5/31.5', () => {
    const s = byId('w1-multi_agent_coordination-all');
    expect(s.content).toEqual({
      strategy: 'load_balanced',
      tasks: 5,
      agents: [{ agent_id: 'agent_1', tasks: 2, busy_s: 28 }, { agent_id: 'agent_2', tasks: 3, busy_s: 35 }],
      load_balance: 0.9,
      max_mean_busy_ratio: 1.111111,
      busy_cv: 0.111111,
      makespan_s: 60,
      utilization: 0.525,
      waiting_mean_s: 8.75, // t1, t2, t3, t5 waited 0, 0, 5, 30 s; t4 never started
      waiting_p95_s: 26.25,
      reroutes: 1,
      blocked: 1,
      critical_path_s: null,
      makespan_lower_bound_s: null,
      makespan_efficiency: null,
      steals: 0,
      circuit_openings: 1,
    });
    expect(s.recommendations).toEqual([
      'reduce reroutes: circuit openings caused 1 reroute among 5 tasks (0.20 per task)',
      'review safety gates: 1 of 5 tasks (20.0%) were blocked',
    ]);
  });
});

describe('heuristic_feedback', () => {
  it('measures how the plan held in wave 1', () => {
    const s = byId('w1-heuristic_feedback-all');
    expect(s.content).toEqual({
      tasks: 5,
      executed: 4,
      duration_mape: 0.4375, // first attempts: t1 0%, t2 100% (20 s vs 10), t3 50%, t5 25%
      within_20pct_share: 0.25, // t1 only
      suggested_tasks: 4, // t1, t2, t4, t5
      kept_on_suggested_share: 0.5, // t1 and t4 ended on their suggested agent
      planned_makespan_s: 40, // schedule spans 0-40 s
      makespan_s: 60,
      makespan_ratio: 1.5,
      outcomes_by_risk: [
        // t1 (agent_1's LOW) and t5 (agent_2's LOW: its first attempt ran on agent_2)
        { risk: 'LOW', tasks: 2, succeeded: 2, failed: 0, blocked: 0, success_rate: 1 },
        { risk: 'MEDIUM', tasks: 1, succeeded: 1, failed: 0, blocked: 0, success_rate: 1 },
        { risk: 'HIGH', tasks: 2, succeeded: 0, failed: 1, blocked: 1, success_rate: 0 },
      ],
    });
    expect(s.recommendations).toEqual([
      'revise duration estimates: MAPE 0.44 over 4 executed tasks, 25.0% within 20% of the predicted time',
      'review HIGH-risk predictions: 1 of 2 HIGH-risk tasks was blocked by safety gates',
    ]);
  });

  it('has nulls where the wave has no suggestion', () => {
    expect(byId('w2-heuristic_feedback-all').content).toMatchObject({ suggested_tasks: 0, kept_on_suggested_share: null, planned_makespan_s: null, makespan_ratio: null, within_20pct_share: 1 });
  });

  it('throws when an outcome is not in the plan', () => {
    const plan = [{ wave: 1, tasks: PLAN[0]?.tasks.slice(1) ?? [], topologicalOrder: [0, 1, 2, 3] }];
    expect(() => buildSignals({ waves: plan, executions: [WAVE_1], waveMetrics: METRICS, strategy: 'schedule' })).toThrow(/"t1" is not in the plan/);
  });
});

describe('prediction_validation', () => {
  it('for the whole wave, from the wave metrics', () => {
    const s = byId('w1-prediction_validation-all');
    expect(s).toMatchObject({ target_phase: 20, subject: 'all' });
    expect(s.content).toMatchObject({ n: 4, mean_predicted_p: 0.75, first_attempt_success_rate: 0.5, calibration_gap: -0.25, brier: 0.275, log_loss: 0.746941, ece: 0.45, mce: 0.8 });
    expect(s.recommendations).toEqual([
      'recalibrate wave 1 predictions: first-attempt success rate 0.50 vs mean predicted p 0.75 over 4 first attempts',
      'reduce calibration error of wave 1 predictions: ECE 0.45 (MCE 0.80) over 4 first attempts',
      'improve forecasts for wave 1 predictions: Brier score 0.28 is worse than a constant 0.5 forecast (0.25)',
    ]);
  });

  it('per agent, over tasks whose first attempt ran on it', () => {
    // agent_2: t3 (0.6, fail) and t5 (0.7, ok). Brier (.36 + .09) / 2; ECE (.6 + .3) / 2; MCE .6
    expect(byId('w1-prediction_validation-agent_2').content).toEqual({
      n: 2,
      mean_predicted_p: 0.65,
      first_attempt_success_rate: 0.5,
      calibration_gap: -0.15,
      brier: 0.225,
      log_loss: 0.636483, // -(ln 0.4 + ln 0.7) / 2 = (0.9162907319 + 0.3566749439) / 2 = 0.6364828379
      ece: 0.45,
      mce: 0.6,
      reliability_bins: [
        { lower: 0.5, upper: 0.6, count: 1, mean_predicted_p: 0.6, first_attempt_success_rate: 0 },
        { lower: 0.6, upper: 0.7, count: 1, mean_predicted_p: 0.7, first_attempt_success_rate: 1 },
      ],
      // One forecast value per bin: REL = ((.6 - 0)^2 + (.7 - 1)^2) / 2 = .225, RES = ((0 - .5)^2 + (1 - .5)^2) / 2 = .25,
      // UNC = .5 x .5; .225 - .25 + .25 = .225 = Brier, with no within-bin terms.
      brier_reliability: 0.225,
      brier_resolution: 0.25,
      brier_uncertainty: 0.25,
      brier_within_bin_variance: 0,
      brier_within_bin_covariance: 0,
      ece_ci_low: null, // no generator given to buildSignals
      ece_ci_high: null,
      // Percentiles of [.6, .7] at 0, 10, ..., 100%: .6, .61, ..., .69, .7; .6 is in the first bin, .7 in the last.
      reliability_bins_equal_mass: [
        { lower: 0.6, upper: 0.61, count: 1, mean_predicted_p: 0.6, first_attempt_success_rate: 0 },
        { lower: 0.69, upper: 0.7, count: 1, mean_predicted_p: 0.7, first_attempt_success_rate: 1 },
      ],
    });
    expect(byId('w1-prediction_validation-agent_2').recommendations).toEqual(['collect more data for agent_2: 2 first attempts cannot validate predictions']);
  });

  it('an agent with no executed task gets nulls and n 0', () => {
    expect(byId('w2-prediction_validation-agent_2').content).toEqual({
      n: 0, mean_predicted_p: null, first_attempt_success_rate: null, calibration_gap: null, brier: null, log_loss: null, ece: null, mce: null, reliability_bins: [],
      brier_reliability: null, brier_resolution: null, brier_uncertainty: null, brier_within_bin_variance: null, brier_within_bin_covariance: null,
      ece_ci_low: null, ece_ci_high: null, reliability_bins_equal_mass: [],
    });
  });
});
