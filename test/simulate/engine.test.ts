import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type BreakerOptions, type RetryOptions } from '../../src/options.ts';
import type { AgentProfile, WavePlan } from '../../src/plan/model.ts';
import { Simulation } from '../../src/simulate/engine.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { VirtualScheduler } from '../../src/simulate/scheduler.ts';
import type { WaveExecution } from '../../src/simulate/types.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';
import { assign, firstAllowed, noJitter, ScriptedExecutor, type Script } from './scripted.ts';

async function runOne(
  agents: readonly AgentProfile[],
  plan: WavePlan,
  placements: readonly (readonly [string, string])[],
  script: Script,
  over: { retry?: RetryOptions; threshold?: number; cooldownS?: number; breaker?: Partial<BreakerOptions>; steal?: boolean } = {},
): Promise<{ execution: WaveExecution; started: string[] }> {
  const scheduler = new VirtualScheduler();
  const executor = new ScriptedExecutor(scheduler, script);
  const sim = new Simulation({
    agents,
    retry: over.retry ?? noJitter(),
    breaker: { ...DEFAULT_OPTIONS.breaker, policy: 'consecutive', threshold: over.threshold ?? 5, cooldownS: over.cooldownS ?? 60, ...over.breaker },
    gates: DEFAULT_OPTIONS.gates,
    rng: createKeyedRandom(1),
    scheduler,
    executor,
    steal: over.steal ?? false,
  });
  const { execution } = await sim.runWave({ wave: plan, assignment: assign(placements), strategy: firstAllowed });
  return { execution, started: executor.started };
}

describe('Simulation: a hand-worked wave with two agents, concurrency and one retry', () => {
  // A runs one attempt at a time, B two. t2 fails once and is retried after 2 s (exponential,
  // base 2, k = 0, no jitter); t4 likewise on B.
  //   A: t1 [0,10] ok; t2 [10,15] fail; retry ready 17; t2 [17,22] ok
  //   B: t3 [0,20] ok; t4 [0,8] fail; retry ready 10; t4 [10,18] ok
  const agents = [profile('A', { maxConcurrency: 1 }), profile('B', { maxConcurrency: 2 })];
  const tasks = ['t1', 't2', 't3', 't4'].map((id) => task(id, [pred('A', 0.8), pred('B', 0.8)]));
  const script = {
    't1#0': [true, 10],
    't2#0': [false, 5],
    't2#1': [true, 5],
    't3#0': [true, 20],
    't4#0': [false, 8],
    't4#1': [true, 8],
  } as const;
  const placements = [
    ['t1', 'A'],
    ['t2', 'A'],
    ['t3', 'B'],
    ['t4', 'B'],
  ] as const;

  it('starts every attempt where and when the hand calculation says', async () => {
    const { started } = await runOne(agents, wavePlan(1, tasks), placements, script);
    // At t=10 two events are due: t1's end (scheduled at t=0) runs before t4's retry (scheduled
    // at t=8), so A starts t2 before B restarts t4: equal times go by sequence number.
    expect(started).toEqual(['t1#0@A@0', 't3#0@B@0', 't4#0@B@0', 't2#0@A@10', 't4#1@B@10', 't2#1@A@17']);
  });

  it('reports outcomes, waiting, retry delays, busy time and makespan', async () => {
    const { execution } = await runOne(agents, wavePlan(1, tasks), placements, script);
    expect(execution.startS).toBe(0);
    expect(execution.endS).toBe(22);
    const byId = new Map(execution.outcomes.map((o) => [o.taskId, o]));
    expect(execution.outcomes.map((o) => o.taskId)).toEqual(['t1', 't2', 't3', 't4']);
    expect(byId.get('t2')).toMatchObject({ status: 'succeeded', startS: 10, endS: 22, retryDelaysS: [2], agentId: 'A' });
    expect(byId.get('t2')?.attempts.map((a) => [a.startS, a.endS, a.succeeded])).toEqual([
      [10, 15, false],
      [17, 22, true],
    ]);
    expect(byId.get('t4')).toMatchObject({ status: 'succeeded', startS: 0, endS: 18, retryDelaysS: [2] });
    expect(execution.agents).toEqual([
      { agentId: 'A', tasks: 2, attempts: 3, successfulAttempts: 2, busyS: 20, openS: 0, circuitOpenings: 0, steals: 0 },
      { agentId: 'B', tasks: 2, attempts: 3, successfulAttempts: 2, busyS: 20, openS: 0, circuitOpenings: 0, steals: 0 },
    ]);
    expect(execution.gateDecisions).toHaveLength(6);
    expect(execution.gateDecisions.every((d) => d.refusal === null)).toBe(true);
  });

  it('gives concurrency 1 the same outcomes as concurrency N, only later', async () => {
    const serial = [profile('A', { maxConcurrency: 1 }), profile('B', { maxConcurrency: 1 })];
    const wide = await runOne(agents, wavePlan(1, tasks), placements, script);
    const narrow = await runOne(serial, wavePlan(1, tasks), placements, script);
    const summary = (e: WaveExecution) => e.outcomes.map((o) => [o.taskId, o.status, o.attempts.length, o.agentId]);
    expect(summary(narrow.execution)).toEqual(summary(wide.execution));
    // B serial: t3 [0,20], t4 [20,28] fail, retry at 30, [30,38] ok.
    expect(narrow.execution.endS).toBe(38);
  });
});

describe('Simulation: circuit breaker', () => {
  it('opens after the threshold, reroutes the queue to a closed agent, and counts open time', async () => {
    // threshold 2: A fails t1 at 5 and t2 at 10 -> open at 10 until 20. t3, queued on A, moves to B.
    const agents = [profile('A', { maxConcurrency: 1 }), profile('B', { maxConcurrency: 1 })];
    const tasks = ['t1', 't2', 't3'].map((id) => task(id, [pred('A', 0.8), pred('B', 0.8)]));
    const { execution, started } = await runOne(
      agents,
      wavePlan(1, tasks),
      [
        ['t1', 'A'],
        ['t2', 'A'],
        ['t3', 'A'],
      ],
      { 't1#0': [false, 5], 't2#0': [false, 5], 't3#0': [true, 4] },
      { retry: noJitter({ policy: 'none' }), threshold: 2, cooldownS: 10 },
    );
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@5', 't3#0@B@10']);
    const t3 = execution.outcomes.find((o) => o.taskId === 't3');
    expect(t3).toMatchObject({ assignedAgentId: 'A', agentId: 'B', reroutes: 1, status: 'succeeded', startS: 10 });
    expect(execution.endS).toBe(14);
    // Open from 10; the wave ends at 14 before the cooldown: 4 s open in this wave.
    expect(execution.agents[0]).toMatchObject({ circuitOpenings: 1, openS: 4, attempts: 2 });
  });

  it('keeps a task with no closed capable agent waiting, and moves it once a capable circuit closes', async () => {
    // Consecutive threshold 1, cooldown 10, no retries, no stealing. A and C have gpu, C also tpu.
    //   C: c1 fails at 2 -> open until 12; c2 (tpu: only C) waits on C.
    //   A: a1 fails at 5 -> open until 15; its queue: g (gpu: A or C, both open) waits, f moves to B.
    //   At 12 C is half-open and probes with c2, which succeeds at 14: C closes, and at that
    //   dispatch g (still waiting on A) is moved to C and starts there. B runs b1 [0, 20], then f.
    const agents = [
      profile('A', { maxConcurrency: 1, capabilities: ['gpu'] }),
      profile('B', { maxConcurrency: 1 }),
      profile('C', { maxConcurrency: 1, capabilities: ['gpu', 'tpu'] }),
    ];
    const every = [pred('A', 0.8), pred('B', 0.8), pred('C', 0.8)];
    const tasks = [
      task('a1', every),
      task('b1', every),
      task('c1', every),
      task('c2', every, { requires: ['tpu'] }),
      task('f', every),
      task('g', every, { requires: ['gpu'] }),
    ];
    const { execution, started } = await runOne(
      agents,
      wavePlan(1, tasks),
      [
        ['a1', 'A'],
        ['g', 'A'],
        ['f', 'A'],
        ['b1', 'B'],
        ['c1', 'C'],
        ['c2', 'C'],
      ],
      { 'a1#0': [false, 5], 'b1#0': [true, 20], 'c1#0': [false, 2], 'c2#0': [true, 2], 'f#0': [true, 1], 'g#0': [true, 3] },
      { retry: noJitter({ policy: 'none' }), threshold: 1, cooldownS: 10 },
    );
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'c1#0@C@0', 'c2#0@C@12', 'g#0@C@14', 'f#0@B@20']);
    expect(execution.outcomes.map((o) => [o.taskId, o.agentId, o.reroutes, o.status])).toEqual([
      ['a1', 'A', 0, 'failed'],
      ['b1', 'B', 0, 'succeeded'],
      ['c1', 'C', 0, 'failed'],
      ['c2', 'C', 0, 'succeeded'],
      ['f', 'B', 1, 'succeeded'],
      ['g', 'C', 1, 'succeeded'],
    ]);
    expect(execution.endS).toBe(21);
  });

  it('makes tasks wait when every circuit is open, then runs one half-open probe', async () => {
    // One agent, threshold 1, cooldown 10, fixed 1 s backoff: t1 fails at 5 -> open until 15;
    // the retry is ready at 6 but waits; at 15 the probe (attempt 1) runs and succeeds at 20.
    const agents = [profile('A', { maxConcurrency: 2 })];
    const tasks = [task('t1', [pred('A', 0.8)]), task('t2', [pred('A', 0.8)])];
    const { execution, started } = await runOne(
      agents,
      wavePlan(1, tasks),
      [
        ['t1', 'A'],
        ['t2', 'A'],
      ],
      { 't1#0': [false, 5], 't1#1': [true, 5], 't2#0': [true, 30] },
      { retry: noJitter({ policy: 'fixed', baseS: 1 }), threshold: 1, cooldownS: 10 },
    );
    // t2 started at 0 beside t1 and is unaffected by the opening (it was already running).
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@0', 't1#1@A@15']);
    const t1 = execution.outcomes.find((o) => o.taskId === 't1');
    expect(t1?.attempts.map((a) => a.probe)).toEqual([false, true]);
    expect(t1).toMatchObject({ status: 'succeeded', endS: 20, retryDelaysS: [1] });
    // Not closed from the opening at 5 until the probe closes it at 20: 15 s (open 10 + half-open 5).
    expect(execution.agents[0]).toMatchObject({ circuitOpenings: 1, openS: 15, busyS: 30 });
    expect(execution.endS).toBe(30);
  });

  it('re-opens on a failed probe', async () => {
    // threshold 1, cooldown 10: fail at 5 (open to 15), probe fails at 20 (open to 30), probe ok at 35.
    const agents = [profile('A', { maxConcurrency: 1 })];
    const { execution, started } = await runOne(
      agents,
      wavePlan(1, [task('t1', [pred('A', 0.8)])]),
      [['t1', 'A']],
      { 't1#0': [false, 5], 't1#1': [false, 5], 't1#2': [true, 5] },
      { retry: noJitter({ policy: 'fixed', baseS: 1 }), threshold: 1, cooldownS: 10 },
    );
    expect(started).toEqual(['t1#0@A@0', 't1#1@A@15', 't1#2@A@30']);
    // Down from the first opening at 5 until the second probe closes it at 35.
    expect(execution.agents[0]).toMatchObject({ circuitOpenings: 2, openS: 30 });
    expect(execution.endS).toBe(35);
  });
});

describe('Simulation: the sampling breaker with several tasks queued', () => {
  // A (1 slot) holds t1..t5; B (1 slot) holds t6. No retries. Window 4, 3 attempts in, rate 0.5.
  //   A: t1 [0,5] ok, t2 [5,10] fail, t3 [10,15] fail -> window [ok, fail, fail] = 2/3 >= 0.5:
  //   opens at 15 (until 25); t4, t5 still queued on A move to B (2 reroutes).
  //   B: t6 [0,2] ok; t4 [15,20] ok; t5 [20,24] ok. The wave ends at 24; A down 15..24 = 9 s.
  const agents = [profile('A', { maxConcurrency: 1 }), profile('B', { maxConcurrency: 1 })];
  const tasks = ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => task(id, [pred('A', 0.8), pred('B', 0.8)]));
  const placements = [['t1', 'A'], ['t2', 'A'], ['t3', 'A'], ['t4', 'A'], ['t5', 'A'], ['t6', 'B']] as const;
  const script = { 't1#0': [true, 5], 't2#0': [false, 5], 't3#0': [false, 5], 't4#0': [true, 5], 't5#0': [true, 4], 't6#0': [true, 2] } as const;
  const sampling = { policy: 'sampling', window: 4, minAttempts: 3, failureRate: 0.5 } as const;

  it('opens at the third outcome (2 of 3 failed) and reroutes the two queued tasks', async () => {
    const { execution, started } = await runOne(agents, wavePlan(1, tasks), placements, script, { retry: noJitter({ policy: 'none' }), cooldownS: 10, breaker: sampling });
    expect(started).toEqual(['t1#0@A@0', 't6#0@B@0', 't2#0@A@5', 't3#0@A@10', 't4#0@B@15', 't5#0@B@20']);
    expect(execution.outcomes.map((o) => [o.taskId, o.agentId, o.reroutes])).toEqual([
      ['t1', 'A', 0], ['t2', 'A', 0], ['t3', 'A', 0], ['t4', 'B', 1], ['t5', 'B', 1], ['t6', 'B', 0],
    ]);
    expect(execution.agents[0]).toMatchObject({ circuitOpenings: 1, openS: 9, attempts: 3 });
    expect(execution.endS).toBe(24);
  });

  it('does not open when the rate stays under the threshold (rate 0.7 needed)', async () => {
    const { execution, started } = await runOne(agents, wavePlan(1, tasks), placements, script, { retry: noJitter({ policy: 'none' }), cooldownS: 10, breaker: { ...sampling, failureRate: 0.7 } });
    expect(started).toEqual(['t1#0@A@0', 't6#0@B@0', 't2#0@A@5', 't3#0@A@10', 't4#0@A@15', 't5#0@A@20']);
    expect(execution.agents[0]).toMatchObject({ circuitOpenings: 0, openS: 0 });
  });

  it('the consecutive breaker (threshold 3) does not open on fail, fail after an ok', async () => {
    const { execution } = await runOne(agents, wavePlan(1, tasks), placements, script, { retry: noJitter({ policy: 'none' }), cooldownS: 10, threshold: 3 });
    expect(execution.agents[0]).toMatchObject({ circuitOpenings: 0, tasks: 5 });
  });
});

describe('Simulation: gates and retries', () => {
  it('blocks a task whose p is below the floor, without an attempt', async () => {
    const agents = [profile('A')];
    const { execution, started } = await runOne(
      agents,
      wavePlan(1, [task('low', [pred('A', 0.05)]), task('ok', [pred('A', 0.9)])]),
      [
        ['low', 'A'],
        ['ok', 'A'],
      ],
      { 'ok#0': [true, 3] },
    );
    expect(started).toEqual(['ok#0@A@0']);
    const low = execution.outcomes[0];
    expect(low).toMatchObject({ status: 'blocked', attempts: [], refusal: { gate: 'min_probability' } });
    expect(execution.gateDecisions.map((d) => [d.taskId, d.refusal?.gate ?? null])).toEqual([
      ['low', 'min_probability'],
      ['ok', null],
    ]);
  });

  it('stops at max attempts and marks the task failed', async () => {
    const { execution } = await runOne(
      [profile('A', { maxConcurrency: 1 })],
      wavePlan(1, [task('t', [pred('A', 0.8)])]),
      [['t', 'A']],
      { 't#0': [false, 1], 't#1': [false, 1], 't#2': [false, 1] },
      { retry: noJitter({ maxAttempts: 3 }) },
    );
    // exponential base 2: delays 2, 4; attempts [0,1], [3,4], [8,9]
    expect(execution.outcomes[0]).toMatchObject({ status: 'failed', retryDelaysS: [2, 4], endS: 9 });
  });
});
