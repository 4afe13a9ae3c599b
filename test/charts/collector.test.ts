/**
 * The chart data gathered wave by wave (src/charts/collector.ts), on the hand-built run of
 * test/measure/fixture.ts and on hand-made events and waves.
 */
import { describe, expect, it } from 'vitest';
import { ChartCollector, GANTT_BUCKETS, GANTT_MAX_ATTEMPTS, toMs } from '../../src/charts/collector.ts';
import { chartDataSchema, chartStateSchema } from '../../src/schema/charts.ts';
import type { AttemptRecord, WaveExecution } from '../../src/simulate/types.ts';
import { outcome, WAVE_1, WAVE_2 } from '../measure/fixture.ts';

const AGENT_IDS = ['agent_1', 'agent_2'];

describe('ChartCollector: attempts, circuit-open spans and reliability', () => {
  it('lists every attempt of a small wave as [agent, start, end, ok] in task then attempt order', () => {
    const c = new ChartCollector(AGENT_IDS);
    const data = c.addWave(WAVE_1);
    expect(chartDataSchema.safeParse(data).success).toBe(true);
    expect(data).toMatchObject({ wave: 1, start_s: 100, end_s: 160, agents: AGENT_IDS, kind: 'attempts', open: [] });
    if (data.kind !== 'attempts') throw new Error('attempts expected');
    // t1; t2 (two attempts); t3 (two); t4 blocked (none); t5 on agent_2.
    expect(data.attempts).toEqual([
      [0, 100, 110, 1],
      [0, 100, 120, 0],
      [0, 122, 130, 1],
      [1, 105, 115, 0],
      [1, 117, 127, 0],
      [1, 130, 145, 1],
    ]);
  });

  it('cuts circuit-open spans at wave boundaries and carries an open circuit into the next wave', () => {
    const c = new ChartCollector(AGENT_IDS);
    // Wave 1 (100-160): agent_1 open 110-115 (half-open counts as open until closed), then open again at 150.
    c.onEvent({ type: 'circuit_opened', agentId: 'agent_1', timeS: 110 });
    c.onEvent({ type: 'circuit_half_open', agentId: 'agent_1', timeS: 112 });
    c.onEvent({ type: 'circuit_closed', agentId: 'agent_1', timeS: 115 });
    c.onEvent({ type: 'task_rerouted', taskId: 't5', fromAgentId: 'agent_1', toAgentId: 'agent_2', timeS: 115 });
    c.onEvent({ type: 'circuit_opened', agentId: 'agent_1', timeS: 150 });
    expect(c.addWave(WAVE_1).open).toEqual([
      [0, 110, 115],
      [0, 150, 160],
    ]);
    expect(c.snapshot().open_since_s).toEqual([150, null]);
    // Wave 2 (160-200): agent_1 closes at 170; agent_2 opens at 190 and stays open.
    c.onEvent({ type: 'circuit_closed', agentId: 'agent_1', timeS: 170 });
    c.onEvent({ type: 'circuit_opened', agentId: 'agent_2', timeS: 190 });
    expect(c.addWave(WAVE_2).open).toEqual([
      [0, 160, 170],
      [1, 190, 200],
    ]);
    expect(c.snapshot().open_since_s).toEqual([null, 190]);
  });

  it('bins each executed task on its first attempt\'s agent (uniform bins, blocked tasks left out)', () => {
    const c = new ChartCollector(AGENT_IDS);
    c.addWave(WAVE_1);
    c.addWave(WAVE_2);
    const [a1, a2] = c.reliability();
    // agent_1: t1 p 0.9 ok -> bin (0.8, 0.9]; t2 p 0.8 first attempt failed -> (0.7, 0.8]; t6 p 0.5 ok -> (0.4, 0.5].
    expect(a1?.bins.map((b) => [b.count, b.meanPredictedP, b.successRate])).toEqual([
      [1, 0.5, 1],
      [1, 0.8, 0],
      [1, 0.9, 1],
    ]);
    expect(a1?.bins.map((b) => [b.lower, b.upper])).toEqual([
      [0.4, 0.5],
      [0.7000000000000001, 0.8],
      [0.8, 0.9],
    ]);
    // agent_2: t3 p 0.6 failed -> (0.5, 0.6]; t5 p 0.7 ok -> (0.6, 0.7]; t4 blocked: not binned.
    expect(a2?.bins.map((b) => [b.count, b.meanPredictedP, b.successRate])).toEqual([
      [1, 0.6, 0],
      [1, 0.7, 1],
    ]);
  });

  it('continues from its snapshot exactly as without one (the checkpoint round trip)', () => {
    const whole = new ChartCollector(AGENT_IDS);
    whole.onEvent({ type: 'circuit_opened', agentId: 'agent_2', timeS: 155 });
    whole.addWave(WAVE_1);
    const saved = JSON.parse(JSON.stringify(whole.snapshot())) as unknown;
    const state = chartStateSchema.parse(saved);
    const resumed = new ChartCollector(AGENT_IDS, state);
    for (const c of [whole, resumed]) c.onEvent({ type: 'circuit_closed', agentId: 'agent_2', timeS: 165 });
    expect(resumed.addWave(WAVE_2)).toEqual(whole.addWave(WAVE_2));
    expect(resumed.snapshot()).toEqual(whole.snapshot());
    expect(resumed.reliability()).toEqual(whole.reliability());
  });

  it('refuses a snapshot of other agents, and an attempt on an agent outside the run', () => {
    const state = new ChartCollector(AGENT_IDS).snapshot();
    expect(() => new ChartCollector(['agent_1', 'agent_3'], state)).toThrow(RangeError);
    const stranger = { ...WAVE_2, outcomes: [outcome({ taskId: 'x', agentId: 'agent_9', suggested: null, status: 'succeeded', attempts: [{ attempt: 0, agentId: 'agent_9', startS: 160, endS: 170, succeeded: true, probe: false, source: 'simulated', process: null }], readyS: 160, startS: 160, endS: 170, p: 0.5, timeS: 10 })] };
    expect(() => new ChartCollector(AGENT_IDS).addWave(stranger)).toThrow(/agent_9/);
  });

  it('rounds times to the millisecond', () => {
    expect(toMs(1.23449)).toBe(1.234);
    expect(toMs(1.2345)).toBe(1.235);
    expect(toMs(0.0004)).toBe(0);
  });
});

describe('ChartCollector: the aggregate of a large wave', () => {
  /** Wave 0-60 s (buckets of 1 s): 2,000 short successes at 0.25-0.75 s on agent_1, one failure 10.5-12.5 s on agent_2. */
  function largeWave(): WaveExecution {
    const attempt = (agentId: string, startS: number, endS: number, succeeded: boolean): AttemptRecord => ({ attempt: 0, agentId, startS, endS, succeeded, probe: false, source: 'simulated', process: null });
    const outcomes = Array.from({ length: GANTT_MAX_ATTEMPTS }, (_, i) =>
      outcome({ taskId: `t${i}`, agentId: 'agent_1', suggested: null, status: 'succeeded', attempts: [attempt('agent_1', 0.25, 0.75, true)], readyS: 0, startS: 0.25, endS: 0.75, p: 0.9, timeS: 1 }),
    );
    outcomes.push(outcome({ taskId: 'slow', agentId: 'agent_2', suggested: null, status: 'failed', attempts: [attempt('agent_2', 10.5, 12.5, false)], readyS: 0, startS: 10.5, endS: 12.5, p: 0.9, timeS: 1 }));
    return { wave: 1, startS: 0, endS: 60, outcomes, agents: WAVE_1.agents, gateDecisions: [] };
  }

  it(`aggregates a wave of more than ${GANTT_MAX_ATTEMPTS} attempts into ${GANTT_BUCKETS} buckets per agent`, () => {
    const data = new ChartCollector(AGENT_IDS).addWave(largeWave());
    expect(chartDataSchema.safeParse(data).success).toBe(true);
    if (data.kind !== 'buckets') throw new Error('buckets expected');
    expect(data.attempts).toBe(GANTT_MAX_ATTEMPTS + 1);
    expect(data.bucket_s).toBe(1);
    // [agent, bucket, attempt-seconds running, succeeded, failed]: 2000 x 0.5 s in bucket 0;
    // the failure runs 0.5 s in bucket 10, 1 s in 11, 0.5 s in 12 and ends (fails) in 12.
    expect(data.cells).toEqual([
      [0, 0, 1000, 2000, 0],
      [1, 10, 0.5, 0, 0],
      [1, 11, 1, 0, 0],
      [1, 12, 0.5, 0, 1],
    ]);
  });

  it(`keeps a wave of exactly ${GANTT_MAX_ATTEMPTS} attempts attempt by attempt`, () => {
    const wave = largeWave();
    const data = new ChartCollector(AGENT_IDS).addWave({ ...wave, outcomes: wave.outcomes.slice(0, GANTT_MAX_ATTEMPTS) });
    expect(data.kind).toBe('attempts');
  });
});
