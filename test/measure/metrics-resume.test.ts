/**
 * The run accumulator's state (checkpoint.json): its snapshot holds every sum, hand-counted on
 * the fixture's wave 1, and restoring it then adding the remaining waves gives the metrics of
 * the uninterrupted run.
 */
import { describe, expect, it } from 'vitest';
import { computeRunMetrics, predictionAgentOf, RunMetricsAccumulator } from '../../src/measure/metrics.ts';
import { metricsStateSchema, type MetricsState } from '../../src/schema/checkpoint.ts';
import type { WaveExecution } from '../../src/simulate/types.ts';
import { AGENTS, WAVE_1, WAVE_2, outcome, profile } from './fixture.ts';

const close = (x: number) => expect.closeTo(x, 9) as unknown as number;

/** Wave 3 (200 s to 260 s): s1 stolen by agent_2 from agent_1, 205-215 ok, p 0.4, 10 s; agent_2 steals once. */
const WAVE_3: WaveExecution = {
  wave: 3,
  startS: 200,
  endS: 260,
  outcomes: [
    outcome({
      wave: 3, taskId: 's1', assigned: 'agent_1', agentId: 'agent_2', suggested: null, status: 'succeeded', steals: 1,
      attempts: [{ attempt: 0, agentId: 'agent_2', startS: 205, endS: 215, succeeded: true, probe: false, source: 'simulated', process: null }], readyS: 200, startS: 205, endS: 215, p: 0.4, timeS: 10,
    }),
  ],
  agents: [
    { agentId: 'agent_1', tasks: 0, attempts: 0, successfulAttempts: 0, busyS: 0, openS: 4, circuitOpenings: 0, steals: 0 },
    { agentId: 'agent_2', tasks: 1, attempts: 1, successfulAttempts: 1, busyS: 10, openS: 0, circuitOpenings: 0, steals: 1 },
  ],
  gateDecisions: [],
};

/** Through JSON and the checkpoint schema, as a resumed run reads it. */
function reread(state: MetricsState): MetricsState {
  return metricsStateSchema.parse(JSON.parse(JSON.stringify(state)));
}

describe('RunMetricsAccumulator.snapshot', () => {
  it('is empty before any wave', () => {
    const acc = new RunMetricsAccumulator(AGENTS, 10);
    const s = acc.snapshot();
    expect(acc.waves).toBe(0);
    expect([s.waves, s.start_s, s.end_s, s.tasks, s.executed, s.ape_sum]).toEqual([0, null, null, 0, 0, 0]);
    expect(s.waiting).toEqual({ n: 0, sum_s: 0, correction_s: 0, capacity: 9, top_s: [] }); // ceil(0.05 x 10) + 8
    expect(acc.metrics()).toMatchObject({ waves: 0, tasks: 0, makespan_s: 0, availability: 1, utilization: 0 });
  });

  it('holds every sum of wave 1, hand-counted (test/measure/fixture.ts)', () => {
    const acc = new RunMetricsAccumulator(AGENTS, 6);
    acc.addWave(WAVE_1);
    expect(acc.waves).toBe(1);
    expect(acc.snapshot()).toEqual({
      waves: 1, start_s: 100, end_s: 160,
      tasks: 5, succeeded: 3, failed: 1, blocked: 1, executed: 4,
      attempts: 6, retries: 2, reroutes: 1, steals: 0, circuit_openings: 1,
      ape_sum: close(1.75), // 0 + 1 + 0.5 + 0.25
      // Waits of the executed tasks: t1 0, t2 0, t3 5, t5 30; capacity ceil(0.05 x 6) + 8.
      waiting: { n: 4, sum_s: 35, correction_s: 0, capacity: 9, top_s: [0, 0, 5, 30] },
      calibration: {
        n: 4, sum_p: close(3), positives: 2,
        squared_error_sum: close(1.1), // .01 + .64 + .36 + .09
        log_loss_sum: close(2.9877641039), // -(ln .9 + ln .2 + ln .4 + ln .7)
        bin_count: [0, 0, 0, 0, 0, 1, 1, 1, 1, 0],
        bin_sum_p: [0, 0, 0, 0, 0, close(0.6), close(0.7), close(0.8), close(0.9), 0],
        bin_positives: [0, 0, 0, 0, 0, 0, 1, 0, 1, 0],
        // Cells 2 x bin + first-attempt outcome: .6 failed (10), .7 succeeded (13), .8 failed (14), .9 succeeded (17).
        cell_count: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0],
        cell_sum_p: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, close(0.6), 0, 0, close(0.7), close(0.8), 0, 0, close(0.9), 0, 0],
        cell_sum_p2: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, close(0.36), 0, 0, close(0.49), close(0.64), 0, 0, close(0.81), 0, 0],
        // The 0.001 grid: p in (c / 1000, (c + 1) / 1000] is cell c.
        grid: [
          { cell: 599, count: 1, sum_p: close(0.6), positives: 0 },
          { cell: 699, count: 1, sum_p: close(0.7), positives: 1 },
          { cell: 799, count: 1, sum_p: close(0.8), positives: 0 },
          { cell: 899, count: 1, sum_p: close(0.9), positives: 1 },
        ],
      },
      agents: [
        {
          agent_id: 'agent_1', tasks: 2, succeeded: 2, failed: 0, blocked: 0, attempts: 3, successful_attempts: 2, retries: 1,
          busy_s: 28, open_s: 10, circuit_openings: 1, steals: 0,
          first_attempts: 2, sum_predicted: close(1.7), first_successes: 1, attempt_duration_sum_s: 38, attempt_runs: 3,
        },
        {
          agent_id: 'agent_2', tasks: 3, succeeded: 1, failed: 1, blocked: 1, attempts: 3, successful_attempts: 1, retries: 1,
          busy_s: 35, open_s: 0, circuit_openings: 0, steals: 0,
          first_attempts: 2, sum_predicted: close(1.3), first_successes: 1, attempt_duration_sum_s: 35, attempt_runs: 3,
        },
      ],
    });
  });

  it('counts steals per task and per thief', () => {
    const acc = new RunMetricsAccumulator(AGENTS, 1);
    acc.addWave(WAVE_3);
    const s = acc.snapshot();
    expect(s.steals).toBe(1);
    expect(s.agents.map((a) => [a.agent_id, a.steals, a.open_s, a.tasks])).toEqual([['agent_1', 0, 4, 0], ['agent_2', 1, 0, 1]]);
    expect(acc.metrics()).toMatchObject({ steals: 1, makespan_s: 60 });
    expect(acc.metrics().per_agent.map((a) => a.steals)).toEqual([0, 1]);
  });
});

describe('RunMetricsAccumulator: restore then continue', () => {
  const waves = [WAVE_1, WAVE_2, WAVE_3];
  const maxTasks = waves.reduce((n, w) => n + w.outcomes.length, 0);

  it('gives, after every wave, the same state and metrics as the uninterrupted run', () => {
    for (let cut = 0; cut <= waves.length; cut++) {
      const before = new RunMetricsAccumulator(AGENTS, maxTasks);
      for (const w of waves.slice(0, cut)) before.addWave(w);
      const after = new RunMetricsAccumulator(AGENTS, maxTasks);
      after.restore(reread(before.snapshot()));
      expect(after.waves).toBe(cut);
      for (const w of waves.slice(cut)) after.addWave(w);
      expect(after.metrics()).toEqual(computeRunMetrics(waves, AGENTS));
      expect(after.snapshot()).toEqual(reread(after.snapshot()));
    }
  });

  it('pools the three waves: makespan 260 - 100, steals and open time summed', () => {
    const run = computeRunMetrics(waves, AGENTS);
    expect([run.waves, run.tasks, run.succeeded, run.makespan_s, run.steals, run.reroutes]).toEqual([3, 7, 5, 160, 1, 1]);
    expect(run.availability).toBe(0.95625); // 1 - (10 + 4) / (2 x 160)
    expect(run.per_agent.map((a) => [a.agent_id, a.tasks, a.steals, a.open_s, a.busy_s])).toEqual([['agent_1', 3, 0, 14, 48], ['agent_2', 4, 1, 0, 45]]);
  });

  it('takes the earliest start and the latest end whatever the order waves are added in', () => {
    const acc = new RunMetricsAccumulator(AGENTS, maxTasks);
    acc.addWave(WAVE_2);
    acc.addWave(WAVE_1);
    const s = acc.snapshot();
    expect([s.start_s, s.end_s]).toEqual([100, 200]);
    expect(acc.metrics().makespan_s).toBe(100);
  });

  it('refuses a state whose agents are not the run\'s, in order', () => {
    const state = new RunMetricsAccumulator(AGENTS, 6).snapshot();
    const other = new RunMetricsAccumulator([profile('agent_1'), profile('agent_3')], 6);
    expect(() => { other.restore(state); }).toThrow(new RangeError("checkpoint agents agent_1,agent_2 differ from the run's agent_1,agent_3"));
    const fewer = new RunMetricsAccumulator([profile('agent_1')], 6);
    expect(() => { fewer.restore(state); }).toThrow(new RangeError("checkpoint agents agent_1,agent_2 differ from the run's agent_1"));
    const more = new RunMetricsAccumulator([...AGENTS, profile('agent_3')], 6);
    expect(() => { more.restore(state); }).toThrow(new RangeError("checkpoint agents agent_1,agent_2 differ from the run's agent_1,agent_2,agent_3"));
  });
});

describe('predictionAgentOf', () => {
  it('is the first attempt\'s agent, or the final agent of a task that never ran', () => {
    const [, , , t4, t5] = WAVE_1.outcomes;
    if (t4 === undefined || t5 === undefined) throw new Error('fixture');
    expect(predictionAgentOf({ ...t5, agentId: 'agent_9' })).toBe('agent_2'); // ran on agent_2, ended elsewhere
    expect(predictionAgentOf(t4)).toBe('agent_2'); // blocked, no attempt
  });
});

describe('unknown agents are named', () => {
  it('in an outcome, an attempt, or the agent statistics', () => {
    const acc = () => new RunMetricsAccumulator(AGENTS, 10);
    const [t1] = WAVE_1.outcomes;
    if (t1 === undefined) throw new Error('fixture');
    const ghostFinal: WaveExecution = { ...WAVE_2, agents: [], outcomes: [{ ...t1, agentId: 'ghost' }] };
    expect(() => { acc().addWave(ghostFinal); }).toThrow(new RangeError('wave 1 task "t1" names agent "ghost", which is not among the run\'s agents'));
    const ghostRunner: WaveExecution = { ...WAVE_2, agents: [], outcomes: [{ ...t1, attempts: [{ attempt: 0, agentId: 'ghost', startS: 100, endS: 110, succeeded: true, probe: false, source: 'simulated', process: null }] }] };
    expect(() => { acc().addWave(ghostRunner); }).toThrow(new RangeError('wave 1 task "t1" names agent "ghost", which is not among the run\'s agents'));
    const ghostStats: WaveExecution = { ...WAVE_2, outcomes: [], agents: [{ agentId: 'ghost', tasks: 0, attempts: 0, successfulAttempts: 0, busyS: 0, openS: 0, circuitOpenings: 0, steals: 0 }] };
    expect(() => { acc().addWave(ghostStats); }).toThrow(new RangeError('wave 2 agent statistics names agent "ghost", which is not among the run\'s agents'));
  });
});
