import { describe, expect, it } from 'vitest';
import { computeRunMetrics, computeWaveMetrics } from '../../src/measure/metrics.ts';
import { z } from 'zod';
import { AnomalySchema, HealthSchema, RunMetricsSchema, WaveMetricsSchema } from '../../src/schema/measures.ts';
import type { WaveExecution } from '../../src/simulate/types.ts';
import { AGENTS, WAVE_1, WAVE_2, outcome, profile } from './fixture.ts';

describe('computeWaveMetrics on the hand-built wave 1 (see test/measure/fixture.ts)', () => {
  const m = computeWaveMetrics(WAVE_1, AGENTS);

  it('counts tasks by status; blocked counts as not succeeded', () => {
    // t1, t2, t5 succeeded; t3 failed; t4 blocked; t4 never ran, so 4 executed.
    expect([m.tasks, m.succeeded, m.failed, m.blocked, m.executed]).toEqual([5, 3, 1, 1, 4]);
    expect(m.success_rate).toBe(0.6); // 3 / 5
  });

  it('availability = 1 - open / (agents x makespan) = 1 - 10 / (2 x 60)', () => {
    expect(m.makespan_s).toBe(60);
    expect(m.availability).toBe(0.916667);
  });

  it('calibrates first attempts: pairs (.9,1) (.8,0) (.6,0) (.7,1)', () => {
    // One pair per bin: 0.6 -> (0.5,0.6], 0.7 -> (0.6,0.7], 0.8 -> (0.7,0.8], 0.9 -> (0.8,0.9].
    // Gaps .6 .3 .8 .1 -> ECE = 1.8 / 4 = 0.45, MCE = 0.8, accuracy = 0.55.
    expect(m.ece).toBe(0.45);
    expect(m.mce).toBe(0.8);
    expect(m.accuracy).toBe(0.55);
    // Brier = (.01 + .64 + .36 + .09) / 4 = 0.275
    expect(m.brier).toBe(0.275);
    // Log loss = -(ln .9 + ln .2 + ln .4 + ln .7) / 4 = 2.9877641039 / 4
    expect(m.log_loss).toBe(0.746941);
    expect(m.mean_predicted_p).toBe(0.75); // (.9 + .8 + .6 + .7) / 4
    expect(m.first_attempt_success_rate).toBe(0.5); // t1 and t5 succeeded first time
    expect(m.calibration_gap).toBe(-0.25); // 0.5 - 0.75
    expect(m.reliability_bins).toEqual([
      { lower: 0.5, upper: 0.6, count: 1, mean_predicted_p: 0.6, first_attempt_success_rate: 0 },
      { lower: 0.6, upper: 0.7, count: 1, mean_predicted_p: 0.7, first_attempt_success_rate: 1 },
      { lower: 0.7, upper: 0.8, count: 1, mean_predicted_p: 0.8, first_attempt_success_rate: 0 },
      { lower: 0.8, upper: 0.9, count: 1, mean_predicted_p: 0.9, first_attempt_success_rate: 1 },
    ]);
  });

  it('load balance = mean busy / max busy = 31.5 / 35; utilization = 63 / 120', () => {
    expect(m.load_balance).toBe(0.9);
    expect(m.utilization).toBe(0.525);
  });

  it('waiting = first attempt start - ready over executed tasks: [0, 0, 5, 30] (t4 never started); mean 8.75, p95 (type 7) = 5 + 0.85 x 25', () => {
    expect(m.waiting_mean_s).toBe(8.75);
    expect(m.waiting_p95_s).toBe(26.25); // index (4 - 1) x 0.95 = 2.85
  });

  it('counts attempts, retries, reroutes and circuit openings', () => {
    expect([m.attempts, m.retries, m.reroutes, m.circuit_openings]).toEqual([6, 2, 1, 1]);
  });

  it('duration MAPE uses the first attempt, whose agent the prediction is for: |10-10|/10, |20-10|/10, |10-20|/20, |15-12|/12 -> 1.75 / 4', () => {
    expect(m.duration_mape).toBe(0.4375);
  });

  it('per agent: final-agent outcomes, agent statistics, first-attempt calibration', () => {
    expect(m.per_agent).toEqual([
      {
        agent_id: 'agent_1', tasks: 2, succeeded: 2, failed: 0, blocked: 0, success_rate: 1,
        attempts: 3, successful_attempts: 2, attempt_success_rate: 0.666667, retries: 1,
        busy_s: 28, open_s: 10, circuit_openings: 1, steals: 0, utilization: 0.466667, // 28 / 60
        first_attempts: 2, mean_predicted_p: 0.85, first_attempt_success_rate: 0.5, calibration_gap: -0.35,
        mean_attempt_duration_s: 12.666667, // (10 + 20 + 8) / 3
      },
      {
        agent_id: 'agent_2', tasks: 3, succeeded: 1, failed: 1, blocked: 1, success_rate: 0.333333,
        attempts: 3, successful_attempts: 1, attempt_success_rate: 0.333333, retries: 1,
        busy_s: 35, open_s: 0, circuit_openings: 0, steals: 0, utilization: 0.583333, // 35 / 60
        first_attempts: 2, mean_predicted_p: 0.65, first_attempt_success_rate: 0.5, calibration_gap: -0.15,
        mean_attempt_duration_s: 11.666667, // (10 + 10 + 15) / 3
      },
    ]);
  });

  it('matches its zod schema and writes keys in the documented order', () => {
    expect(WaveMetricsSchema.parse(m)).toEqual(m);
    expect(Object.keys(m).slice(0, 6)).toEqual(['wave', 'tasks', 'succeeded', 'failed', 'blocked', 'executed']);
    expect(Object.keys(m).at(-1)).toBe('per_agent');
  });
});

describe('computeRunMetrics pools every task of both waves', () => {
  const run = computeRunMetrics([WAVE_1, WAVE_2], AGENTS);
  const w2 = computeWaveMetrics(WAVE_2, AGENTS);

  it('is not the mean of wave metrics', () => {
    expect(w2.success_rate).toBe(1);
    expect(run.success_rate).toBe(0.666667); // 4 / 6, not (0.6 + 1) / 2
    expect(run.waves).toBe(2);
  });

  it('uses the run makespan (200 - 100) and per-agent sums across waves', () => {
    expect(run.makespan_s).toBe(100);
    expect(run.availability).toBe(0.95); // 1 - 10 / (2 x 100)
    expect(run.load_balance).toBe(0.864583); // mean(48, 35) / 48 = 41.5 / 48
    expect(run.utilization).toBe(0.415); // 83 / 200
    expect(run.per_agent.map((a) => [a.agent_id, a.tasks, a.attempts, a.busy_s, a.open_s])).toEqual([
      ['agent_1', 3, 4, 48, 10],
      ['agent_2', 3, 3, 35, 0],
    ]);
  });

  it('pools calibration and waiting', () => {
    // Pairs of wave 1 plus (0.5, 1) in (0.4, 0.5]: gaps .6 .3 .8 .1 .5 -> ECE 2.3 / 5
    expect(run.ece).toBe(0.46);
    expect(run.accuracy).toBe(0.54);
    expect(run.mean_predicted_p).toBe(0.7); // 3.5 / 5
    expect(run.first_attempt_success_rate).toBe(0.6);
    expect(run.calibration_gap).toBe(-0.1);
    expect(run.waiting_mean_s).toBe(7); // 35 / 5 executed tasks
    expect(run.waiting_p95_s).toBe(25); // sorted [0,0,0,5,30], index 3.8
    expect(run.duration_mape).toBe(0.35); // (1.75 + 0) / 5
    expect([run.attempts, run.retries, run.reroutes, run.circuit_openings]).toEqual([7, 2, 1, 1]);
    expect(RunMetricsSchema.parse(run)).toEqual(run);
  });

  it('wave 2 on its own: availability 1, load balance mean(20, 0) / 20', () => {
    expect(w2.availability).toBe(1);
    expect(w2.load_balance).toBe(0.5);
    expect(w2.ece).toBe(0.5);
    expect(w2.per_agent[1]).toMatchObject({ agent_id: 'agent_2', tasks: 0, success_rate: null, attempt_success_rate: null, mean_predicted_p: null, mean_attempt_duration_s: null, utilization: 0 });
  });
});

describe('edge cases', () => {
  const empty: WaveExecution = { wave: 3, startS: 50, endS: 50, outcomes: [], agents: [], gateDecisions: [] };

  it('an empty wave has null sample metrics and the documented neutral values', () => {
    const m = computeWaveMetrics(empty, AGENTS);
    expect(m).toMatchObject({
      tasks: 0, executed: 0, success_rate: null, availability: 1, accuracy: 1, load_balance: 1, mean_predicted_p: null,
      first_attempt_success_rate: null, calibration_gap: null, makespan_s: 0, utilization: 0, waiting_mean_s: null, waiting_p95_s: null,
      brier: null, log_loss: null, ece: null, mce: null, reliability_bins: [], duration_mape: null,
    });
    expect(m.per_agent.map((a) => a.agent_id)).toEqual(['agent_1', 'agent_2']);
  });

  it('a wave where every task was blocked has accuracy 1 and success rate 0', () => {
    const blocked: WaveExecution = {
      ...empty,
      outcomes: [outcome({ wave: 3, taskId: 'b1', agentId: 'agent_1', suggested: null, status: 'blocked', attempts: [], readyS: 50, startS: 50, endS: 50, p: 0.05, timeS: 30 })],
    };
    const m = computeWaveMetrics(blocked, AGENTS);
    // No task started, so nothing waited for a slot either: waiting is null like the other sample figures.
    expect([m.success_rate, m.accuracy, m.executed, m.mean_predicted_p, m.duration_mape, m.waiting_mean_s, m.waiting_p95_s]).toEqual([0, 1, 0, null, null, null, null]);
  });

  it('a run with no waves', () => {
    const run = computeRunMetrics([], AGENTS);
    expect([run.waves, run.tasks, run.makespan_s, run.availability, run.success_rate]).toEqual([0, 0, 0, 1, null]);
  });

  it('lists agents in natural order whatever the profile order', () => {
    const m = computeWaveMetrics(empty, [profile('agent_10'), profile('agent_2')]);
    expect(m.per_agent.map((a) => a.agent_id)).toEqual(['agent_2', 'agent_10']);
  });

  it('throws RangeError when an outcome or statistics row names an unknown agent', () => {
    expect(() => computeWaveMetrics(WAVE_1, [profile('agent_1')])).toThrow(RangeError);
    const stray: WaveExecution = { ...empty, agents: [{ agentId: 'ghost', tasks: 0, attempts: 0, successfulAttempts: 0, busyS: 0, openS: 0, circuitOpenings: 0, steals: 0 }] };
    expect(() => computeWaveMetrics(stray, AGENTS)).toThrow(/ghost/);
  });
});

describe('schemas', () => {
  it('convert to JSON Schema (zod 4 toJSONSchema)', () => {
    const wave = z.toJSONSchema(WaveMetricsSchema);
    expect(wave.required).toContain('per_agent');
    expect(z.toJSONSchema(RunMetricsSchema).required).toContain('waves');
    expect(z.toJSONSchema(HealthSchema).required).toEqual(['score', 'grade', 'components']);
    expect(z.toJSONSchema(AnomalySchema).oneOf).toHaveLength(4);
  });
});
