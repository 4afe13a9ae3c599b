/**
 * Hand-worked timelines with several tasks queued per agent when a decision is made: work
 * stealing, the queue's order, the single half-open probe, open time across waves, and where
 * reroutes may go. Each expected start list was written out by hand from the rules in the
 * comments, before running.
 */
import { describe, expect, it } from 'vitest';
import type { SafetyGate } from '../../src/simulate/gates.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';
import { noJitter, outcomeOf, runWaves, type Script } from './scripted.ts';

const one = (id: string, over: Parameters<typeof profile>[1] = {}) => profile(id, { maxConcurrency: 1, ...over });
/** A task every listed agent is a candidate for (p 0.8, 10 s predicted). */
const on = (id: string, agents: readonly string[], over: Parameters<typeof task>[2] = {}, timeS = 10) => task(id, agents.map((a) => pred(a, 0.8, timeS)), over);

describe('work stealing: victim, task and ties', () => {
  // A, B, T one slot each. Predicted times: a1 30, a2 10, a3 10; b1 30, b2 10, b3 15 (all on every agent).
  // t=0: A starts a1 (queue a2, a3: 20 s per slot), B starts b1 (queue b2, b3: 25 s per slot), T has nothing:
  //      it steals from B (25 > 20) the task B would start last, b3: T b3 [0,15].
  // t=15: T idle; A's queue 20 > B's 10: steals a3 (A's last): T a3 [15,25].
  // t=25: A holds a2 (10), B holds b2 (10): a tie, so A (natural order): T a2 [25,35].
  // t=29: B ends b1 and starts its own b2 [29,39]. t=30: A ends a1; nothing is left to steal.
  const agents = [one('A'), one('B'), one('T')];
  const all = ['A', 'B', 'T'];
  const tasks = [on('a1', all, {}, 30), on('a2', all), on('a3', all), on('b1', all, {}, 30), on('b2', all), on('b3', all, {}, 15)];
  const placements = [['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['b1', 'B'], ['b2', 'B'], ['b3', 'B']] as const;
  const script = { 'a1#0': [true, 30], 'a2#0': [true, 10], 'a3#0': [true, 10], 'b1#0': [true, 29], 'b2#0': [true, 10], 'b3#0': [true, 15] } as const;

  it('takes from the most work per slot, the task started last, ties to natural order', async () => {
    const { executions, started, events } = await runWaves(agents, [{ plan: wavePlan(1, tasks), placements }], script);
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'b3#0@T@0', 'a3#0@T@15', 'a2#0@T@25', 'b2#0@B@29']);
    expect(events).toEqual(['task_stolen@0 b3 B->T', 'task_stolen@15 a3 A->T', 'task_stolen@25 a2 A->T']);
    const [w] = executions;
    expect(w?.outcomes.map((o) => [o.taskId, o.assignedAgentId, o.agentId, o.steals, o.reroutes])).toEqual([
      ['a1', 'A', 'A', 0, 0], ['a2', 'A', 'T', 1, 0], ['a3', 'A', 'T', 1, 0],
      ['b1', 'B', 'B', 0, 0], ['b2', 'B', 'B', 0, 0], ['b3', 'B', 'T', 1, 0],
    ]);
    expect(w?.agents.map((a) => [a.agentId, a.tasks, a.steals, a.busyS])).toEqual([['A', 1, 0, 30], ['B', 2, 0, 39], ['T', 3, 3, 35]]);
    expect(w?.endS).toBe(39);
  });

  it('--no-steal: each agent runs its own queue, in priority then assignment order', async () => {
    const { executions, started, events } = await runWaves(agents, [{ plan: wavePlan(1, tasks), placements }], script, { steal: false });
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'b2#0@B@29', 'a2#0@A@30', 'b3#0@B@39', 'a3#0@A@40']);
    expect(events).toEqual([]);
    expect(executions[0]?.agents.map((a) => a.steals)).toEqual([0, 0, 0]);
    expect(executions[0]?.endS).toBe(54);
  });

  it('work per slot: a two-slot agent with more queued work is not the victim', async () => {
    // W (2 slots) holds w1, w2 running and w3, w4 queued (20 s / 2 = 10 per slot); A (1 slot) runs a1 with
    // a2 queued (10 per slot... 15 s here, so 15 per slot): T takes from A, though W queues more work.
    const agents2 = [one('A'), one('T'), profile('W', { maxConcurrency: 2 })];
    const ids = ['A', 'T', 'W'];
    const tasks2 = [on('a1', ids, {}, 30), on('a2', ids, {}, 15), ...['w1', 'w2', 'w3', 'w4'].map((id) => on(id, ids))];
    const script2 = { 'a1#0': [true, 30], 'a2#0': [true, 15], 'w1#0': [true, 10], 'w2#0': [true, 10], 'w3#0': [true, 10], 'w4#0': [true, 10] } as const;
    const { started, events } = await runWaves(agents2, [{ plan: wavePlan(1, tasks2), placements: [['a1', 'A'], ['a2', 'A'], ['w1', 'W'], ['w2', 'W'], ['w3', 'W'], ['w4', 'W']] }], script2);
    expect(events).toEqual(['task_stolen@0 a2 A->T']);
    // t=0: T steals a2 (A 15 > W 10). t=10: W runs w3, w4. t=15: T idle, W's queue is empty.
    expect(started).toEqual(['a1#0@A@0', 'w1#0@W@0', 'w2#0@W@0', 'a2#0@T@0', 'w3#0@W@10', 'w4#0@W@10']);
  });
});

describe('work stealing: never a retry, only capable candidates', () => {
  // A (1 slot): a1 [0,5] fails; its retry is ready at 7 (exponential, base 2, no jitter); a2 [5,15];
  // the retry a1#1 [15,20] runs first when A frees (retries go to the front).
  // G (gpu, 1 slot): g1 [0,20]; g2 needs gpu and waits for G. T (1 slot, no gpu): t1 [0,8], then idle:
  // A's queue holds only a retry, G's only a task T is not capable of.
  it('leaves retries and tasks needing a capability the thief lacks', async () => {
    const agents = [one('A'), one('G', { capabilities: ['gpu'] }), one('T')];
    const all = ['A', 'G', 'T'];
    const tasks = [on('a1', all), on('a2', all), on('a3', all), on('g1', all), on('g2', all, { requires: ['gpu'] }), on('t1', all)];
    const script = { 'a1#0': [false, 5], 'a1#1': [true, 5], 'a2#0': [true, 10], 'a3#0': [true, 4], 'g1#0': [true, 20], 'g2#0': [true, 10], 't1#0': [true, 8] } as const;
    const placements = [['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['g1', 'G'], ['g2', 'G'], ['t1', 'T']] as const;
    const { executions, started, events } = await runWaves(agents, [{ plan: wavePlan(1, tasks), placements }], script, { retry: noJitter({ baseS: 2 }) });
    expect(events).toEqual(['task_stolen@8 a3 A->T']);
    // a3 is fresh: T steals it at 8 (A's queue then holds the retry and a3; only a3 may go).
    expect(started).toEqual(['a1#0@A@0', 'g1#0@G@0', 't1#0@T@0', 'a2#0@A@5', 'a3#0@T@8', 'a1#1@A@15', 'g2#0@G@20']);
    expect(outcomeOf(executions[0], 'a1')).toMatchObject({ agentId: 'A', steals: 0, retryDelaysS: [2] });
    expect(outcomeOf(executions[0], 'g2')).toMatchObject({ agentId: 'G', steals: 0 });
  });
});

describe('queues: retries ahead of fresh tasks, with several queued', () => {
  // A (1 slot), steal off: t1 [0,5] fails, retry ready at 7; t2 [5,10]; at 10 A holds the retry,
  // t3 and t4: the retry starts first, t1#1 [10,15], then t3 [15,20], t4 [20,25].
  it('starts the ready retry before the fresh tasks queued before it', async () => {
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => on(id, ['A']));
    const script = { 't1#0': [false, 5], 't1#1': [true, 5], 't2#0': [true, 5], 't3#0': [true, 5], 't4#0': [true, 5] } as const;
    const { started, events } = await runWaves([one('A')], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, { steal: false });
    expect(events).toEqual([]);
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@5', 't1#1@A@10', 't3#0@A@15', 't4#0@A@20']);
  });
});

describe('half-open: exactly one probe while tasks are queued', () => {
  // A alone, 2 slots, threshold 1, cooldown 10, no retries. t1 [0,5] fails: open 5..15; t2 [0,8]
  // was running and ends ok. t3, t4 wait. At 15 one probe t3 [15,20] ok closes it; t4 [20,24].
  it('starts one probe, then the rest once it closed the circuit', async () => {
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => on(id, ['A']));
    const script = { 't1#0': [false, 5], 't2#0': [true, 8], 't3#0': [true, 5], 't4#0': [true, 4] } as const;
    const { executions, started, events } = await runWaves([profile('A', { maxConcurrency: 2 })], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
    });
    expect(events).toEqual(['circuit_opened@5 A', 'circuit_half_open@15 A', 'circuit_closed@20 A']);
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@0', 't3#0@A@15', 't4#0@A@20']);
    expect(outcomeOf(executions[0], 't3').attempts[0]?.probe).toBe(true);
    expect(outcomeOf(executions[0], 't4').attempts[0]?.probe).toBe(false);
    // Down from the opening at 5 to the closing probe's end at 20.
    expect(executions[0]?.agents[0]).toMatchObject({ openS: 15, circuitOpenings: 1 });
  });
});

describe('open time across waves, and a half-open agent that steals its probe', () => {
  // A, B one slot each, threshold 1, cooldown 20, no retries.
  // Wave 1: A x1 [0,5] fails: open 5..25; B y1 [0,10]. The wave ends at 10: A down 10 - 5 = 5 s.
  // Wave 2 (starts at 10): u1, u2, u3 on A are rerouted to B at once (3 reroutes, B's queue in
  // assignment order). B: u1 [10,20], u2 [20,30]. At 25 A is half-open with nothing queued: it steals
  // u3 (B's last) to probe with: u3 [25,35] ok closes it. A down in wave 2 from the wave's
  // start (10), not from the opening (5): 35 - 10 = 25 s.
  it('charges open time from the wave start, and the half-open agent probes with a stolen task', async () => {
    const ids = ['A', 'B'];
    const wave1 = { plan: wavePlan(1, [on('x1', ids), on('y1', ids)]), placements: [['x1', 'A'], ['y1', 'B']] as const };
    const w2 = ['u1', 'u2', 'u3'].map((id) => on(id, ids, { wave: 2 }));
    const wave2 = { plan: wavePlan(2, w2), placements: [['u1', 'A'], ['u2', 'A'], ['u3', 'A']] as const };
    const script = { 'x1#0': [false, 5], 'y1#0': [true, 10], 'u1#0': [true, 10], 'u2#0': [true, 10], 'u3#0': [true, 10] } as const;
    const { executions, started, events } = await runWaves([one('A'), one('B')], [wave1, wave2], script, { retry: noJitter({ policy: 'none' }), breaker: { threshold: 1, cooldownS: 20 } });
    // The reroutes leave in A's queue order; at 25 the half-open transition comes before the steal it allows.
    expect(events).toEqual([
      'circuit_opened@5 A',
      'task_rerouted@10 u1 A->B', 'task_rerouted@10 u2 A->B', 'task_rerouted@10 u3 A->B',
      'circuit_half_open@25 A', 'task_stolen@25 u3 B->A', 'circuit_closed@35 A',
    ]);
    expect(started).toEqual(['x1#0@A@0', 'y1#0@B@0', 'u1#0@B@10', 'u2#0@B@20', 'u3#0@A@25']);
    expect(executions[0]?.agents[0]).toMatchObject({ openS: 5, circuitOpenings: 1 });
    const [, second] = executions;
    expect(second?.agents[0]).toMatchObject({ openS: 25, circuitOpenings: 0, steals: 1 });
    expect(outcomeOf(second, 'u3')).toMatchObject({ agentId: 'A', reroutes: 1, steals: 1 });
    expect(outcomeOf(second, 'u3').attempts[0]?.probe).toBe(true);
    expect(second?.endS).toBe(35);
  });
});

describe('reroutes go to closed circuits only', () => {
  // A, B, C one slot each, threshold 1, cooldown 10, no retries, no stealing.
  // B: b1 [0,2] fails: open 2..12, then half-open with nothing queued. C: c1 [0,30].
  // A: a1 [0,14] fails: A opens at 14; a2, a3 queued on A go to C (closed), not to B (half-open,
  // first in natural order): C runs a2 [30,35], a3 [35,40].
  it('sends an open agent\'s queue past a half-open agent to a closed one', async () => {
    const ids = ['A', 'B', 'C'];
    const tasks = [on('a1', ids), on('a2', ids), on('a3', ids), on('b1', ids), on('c1', ids)];
    const script = { 'a1#0': [false, 14], 'a2#0': [true, 5], 'a3#0': [true, 5], 'b1#0': [false, 2], 'c1#0': [true, 30] } as const;
    const placements = [['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['b1', 'B'], ['c1', 'C']] as const;
    const { executions, started, events } = await runWaves([one('A'), one('B'), one('C')], [{ plan: wavePlan(1, tasks), placements }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
      steal: false,
    });
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'c1#0@C@0', 'a2#0@C@30', 'a3#0@C@35']);
    // B never probes: it is half-open with nothing queued and stealing is off.
    expect(events).toEqual([
      'circuit_opened@2 B', 'circuit_half_open@12 B',
      'circuit_opened@14 A', 'task_rerouted@14 a2 A->C', 'task_rerouted@14 a3 A->C', 'circuit_half_open@24 A',
    ]);
    expect(outcomeOf(executions[0], 'a2')).toMatchObject({ agentId: 'C', reroutes: 1 });
    // B down 2..40 (half-open to the end), A down 14..40.
    expect(executions[0]?.agents.map((a) => a.openS)).toEqual([26, 38, 0]);
  });
});

describe('a half-open agent with a probe running steals no more', () => {
  // A (2 slots), B (1 slot), threshold 1, cooldown 10, no retries. b1..b6 on B, 10 s each; a1 on A fails at 2.
  // t=0: A starts a1, then steals b6 (B's last) into its free slot; B starts b1.
  // t=2: A opens until 12. t=10: B starts b2 (queue b3, b4, b5); A, open, may not steal.
  // t=12: A half-open steals b5 as its probe [12,22], and nothing else while the probe runs.
  // t=20: B starts b3. t=22: the probe closes A, which steals b4 [22,32]. The wave ends at 32.
  it('takes one task for the probe, then steals again once the probe closed the circuit', async () => {
    const ids = ['A', 'B'];
    const tasks = [on('a1', ids), ...['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => on(id, ids))];
    const script: Script = { 'a1#0': [false, 2], ...Object.fromEntries(['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => [`${id}#0`, [true, 10] as const])) };
    const placements = tasks.map((t) => [t.taskId, t.taskId.startsWith('a') ? 'A' : 'B'] as const);
    const { executions, started, events } = await runWaves([profile('A', { maxConcurrency: 2 }), one('B')], [{ plan: wavePlan(1, tasks), placements }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
    });
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'b6#0@A@0', 'b2#0@B@10', 'b5#0@A@12', 'b3#0@B@20', 'b4#0@A@22']);
    expect(events).toEqual([
      'task_stolen@0 b6 B->A', 'circuit_opened@2 A', 'circuit_half_open@12 A', 'task_stolen@12 b5 B->A', 'circuit_closed@22 A', 'task_stolen@22 b4 B->A',
    ]);
    expect(outcomeOf(executions[0], 'b5').attempts[0]?.probe).toBe(true);
    expect(executions[0]?.agents.map((a) => [a.agentId, a.tasks, a.steals, a.openS, a.attempts])).toEqual([['A', 4, 3, 20, 4], ['B', 3, 0, 0, 3]]);
    expect(executions[0]?.endS).toBe(32);
  });
});

describe('a retry rerouted from an opening circuit', () => {
  // A, B one slot each, threshold 2, cooldown 100, fixed 1 s backoff, no stealing. Placement order
  // b1, b2, b3 (B), a1, a2, a3 (A). a1 (p 0.7 on A, 0.9 on B) fails on A [0,5]: retry queued on A
  // at 6 behind a2 [5,10], which fails too: A opens at 10; a1's retry and a3 move to B, and a2's
  // retry follows at 11. B, busy with b1 until 20, then takes the retries first, in arrival order
  // (a1#1 [20,25], a2#1 [25,30]), then its fresh tasks by assignment order: b2, b3, a3.
  it('stays a retry on its new agent, and keeps the prediction of its first attempt', async () => {
    const ids = ['A', 'B'];
    const tasks = [on('b1', ids), on('b2', ids), on('b3', ids), task('a1', [pred('A', 0.7, 10), pred('B', 0.9, 10)]), on('a2', ids), on('a3', ids)];
    const placements = [['b1', 'B'], ['b2', 'B'], ['b3', 'B'], ['a1', 'A'], ['a2', 'A'], ['a3', 'A']] as const;
    const script = {
      'a1#0': [false, 5], 'a1#1': [true, 5], 'a2#0': [false, 5], 'a2#1': [true, 5], 'a3#0': [true, 5],
      'b1#0': [true, 20], 'b2#0': [true, 5], 'b3#0': [true, 5],
    } as const;
    // B comes first in run order: the first attempt's agent (A) is not lane 0.
    const { executions, started, events } = await runWaves([one('B'), one('A')], [{ plan: wavePlan(1, tasks), placements }], script, {
      retry: noJitter({ policy: 'fixed', baseS: 1, maxAttempts: 3 }),
      breaker: { threshold: 2, cooldownS: 100 },
      steal: false,
    });
    expect(started).toEqual(['b1#0@B@0', 'a1#0@A@0', 'a2#0@A@5', 'a1#1@B@20', 'a2#1@B@25', 'b2#0@B@30', 'b3#0@B@35', 'a3#0@B@40']);
    expect(events).toEqual(['circuit_opened@10 A', 'task_rerouted@10 a1 A->B', 'task_rerouted@10 a3 A->B', 'task_rerouted@11 a2 A->B']);
    const a1 = outcomeOf(executions[0], 'a1');
    expect(a1).toMatchObject({ assignedAgentId: 'A', agentId: 'B', reroutes: 1, status: 'succeeded', predictedP: 0.7, startS: 0, endS: 25, retryDelaysS: [1] });
    expect(a1.attempts.map((a) => [a.agentId, a.startS, a.endS, a.succeeded])).toEqual([['A', 0, 5, false], ['B', 20, 25, true]]);
    expect(executions[0]?.agents.map((a) => [a.agentId, a.tasks, a.attempts, a.successfulAttempts])).toEqual([['B', 6, 6, 6], ['A', 0, 2, 0]]);
  });
});

describe('gates refusing later attempts', () => {
  // A custom gate refuses every retry, and the task `late`. A (1 slot): t1 [0,5] fails, retry
  // ready at 7 (exponential, base 2); t2 [5,7]. At 7 the retry timer (set at 5, before t2's end)
  // queues t1's retry first; when t2 ends, A takes the retry (refused at 7), then late (refused at 7).
  const noRetry: SafetyGate = {
    name: 'first_try_only',
    description: 'test gate',
    enabled: () => true,
    check: ({ attempt, task: t }) => (attempt > 0 || t.taskId === 'late' ? { kind: 'refuse', reason: `no attempt ${attempt}` } : { kind: 'allow' }),
  };
  it('blocks a task at its retry, keeping the first attempt\'s start; a refused first attempt starts when refused', async () => {
    const tasks = ['t1', 't2', 'late'].map((id) => on(id, ['A']));
    const script = { 't1#0': [false, 5], 't2#0': [true, 2] } as const;
    const { executions, started } = await runWaves([one('A')], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, {
      retry: noJitter({ baseS: 2 }),
      gateList: [noRetry],
    });
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@5']);
    const w = executions[0];
    expect(outcomeOf(w, 't1')).toMatchObject({ status: 'blocked', readyS: 0, startS: 0, endS: 7, refusal: { gate: 'first_try_only', reason: 'no attempt 1' }, retryDelaysS: [2] });
    expect(outcomeOf(w, 'late')).toMatchObject({ status: 'blocked', readyS: 0, startS: 7, endS: 7, attempts: [], refusal: { reason: 'no attempt 0' } });
    expect(w?.gateDecisions.map((d) => [d.taskId, d.agentId, d.attempt, d.timeS, d.refusal?.gate ?? null])).toEqual([
      ['t1', 'A', 0, 0, null], ['t2', 'A', 0, 5, null], ['t1', 'A', 1, 7, 'first_try_only'], ['late', 'A', 0, 7, 'first_try_only'],
    ]);
    expect(w?.endS).toBe(7);
  });
});

describe('retries wait in arrival order', () => {
  // A (2 slots), fixed 2 s backoff, no stealing. t1 [0,1] and t2 [0,2] fail: t3 [1,20] and t4
  // [2,20] take the slots; t1's retry is queued at 3, t2's at 4. At 20 t3 ends first (scheduled
  // first) and t1#1 starts, then t4 ends and t2#1 starts.
  it('starts the retry that arrived first', async () => {
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => on(id, ['A']));
    const script = { 't1#0': [false, 1], 't2#0': [false, 2], 't3#0': [true, 19], 't4#0': [true, 18], 't1#1': [true, 1], 't2#1': [true, 1] } as const;
    const { started } = await runWaves([profile('A', { maxConcurrency: 2 })], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, {
      retry: noJitter({ policy: 'fixed', baseS: 2 }),
      steal: false,
    });
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@0', 't3#0@A@1', 't4#0@A@2', 't1#1@A@20', 't2#1@A@20']);
  });
});

describe('an outcome that arrives while half-open, from an attempt started before the opening', () => {
  // A alone (2 slots), threshold 1, cooldown 10, no retries. t1 [0,2] fails: open 2..12; t2 [0,20]
  // runs on. At 12 the probe t3 [12,25]; t2's success at 20 moves nothing (no event); the probe
  // closes the circuit at 25 and t4 starts.
  it('leaves the circuit half-open and reports nothing', async () => {
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => on(id, ['A']));
    const script = { 't1#0': [false, 2], 't2#0': [true, 20], 't3#0': [true, 13], 't4#0': [true, 5] } as const;
    const { executions, started, events } = await runWaves([profile('A', { maxConcurrency: 2 })], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
    });
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@0', 't3#0@A@12', 't4#0@A@25']);
    expect(events).toEqual(['circuit_opened@2 A', 'circuit_half_open@12 A', 'circuit_closed@25 A']);
    expect(executions[0]?.agents[0]).toMatchObject({ openS: 23, circuitOpenings: 1, busyS: 30 });
  });
});

describe('reroutes go to capable candidates only', () => {
  // A (gpu), B, C (gpu), one slot each, threshold 1, no retries, no stealing. a1 [0,5] fails on A;
  // A's queue: a2 (needs gpu), a3. B and C are busy until 30. a2 can go to C only, a3 to B (first).
  it('sends a task needing a capability to a closed agent that has it', async () => {
    const ids = ['A', 'B', 'C'];
    const tasks = [on('a1', ids), on('a2', ids, { requires: ['gpu'] }), on('a3', ids), on('b1', ids), on('c1', ids)];
    const script = { 'a1#0': [false, 5], 'a2#0': [true, 5], 'a3#0': [true, 5], 'b1#0': [true, 30], 'c1#0': [true, 30] } as const;
    const placements = [['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['b1', 'B'], ['c1', 'C']] as const;
    const { started, events } = await runWaves([one('A', { capabilities: ['gpu'] }), one('B'), one('C', { capabilities: ['gpu'] })], [{ plan: wavePlan(1, tasks), placements }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 50 },
      steal: false,
    });
    expect(events).toEqual(['circuit_opened@5 A', 'task_rerouted@5 a2 A->C', 'task_rerouted@5 a3 A->B']);
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'c1#0@C@0', 'a3#0@B@30', 'a2#0@C@30']);
  });

  // A (gpu), B, threshold 1, cooldown 10: a1 [0,5] fails; a2 needs gpu and no closed agent has it:
  // it waits on A and becomes its probe at 15; a3 goes to B.
  it('keeps a task on its own agent when no closed agent is capable of it', async () => {
    const ids = ['A', 'B'];
    const tasks = [on('a1', ids), on('a2', ids, { requires: ['gpu'] }), on('a3', ids), on('b1', ids)];
    const script = { 'a1#0': [false, 5], 'a2#0': [true, 5], 'a3#0': [true, 5], 'b1#0': [true, 30] } as const;
    const placements = [['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['b1', 'B']] as const;
    const { executions, started, events } = await runWaves([one('A', { capabilities: ['gpu'] }), one('B')], [{ plan: wavePlan(1, tasks), placements }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
      steal: false,
    });
    expect(events).toEqual(['circuit_opened@5 A', 'task_rerouted@5 a3 A->B', 'circuit_half_open@15 A', 'circuit_closed@20 A']);
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'a2#0@A@15', 'a3#0@B@30']);
    expect(outcomeOf(executions[0], 'a2')).toMatchObject({ agentId: 'A', reroutes: 0 });
    expect(outcomeOf(executions[0], 'a2').attempts[0]?.probe).toBe(true);
  });
});

describe('the victim holds something the thief may take', () => {
  // A (gpu, 1 slot) runs a1 [0,20] with a2 (needs gpu, 30 s) queued: the most work per slot, but
  // T lacks gpu. B runs b1 [0,20] with b2 (10 s) queued: T steals b2.
  it('skips a heavier queue that holds nothing eligible', async () => {
    const ids = ['A', 'B', 'T'];
    const tasks = [on('a1', ids), on('a2', ids, { requires: ['gpu'] }, 30), on('b1', ids), on('b2', ids)];
    const script = { 'a1#0': [true, 20], 'a2#0': [true, 30], 'b1#0': [true, 20], 'b2#0': [true, 10] } as const;
    const placements = [['a1', 'A'], ['a2', 'A'], ['b1', 'B'], ['b2', 'B']] as const;
    const { started, events } = await runWaves([one('A', { capabilities: ['gpu'] }), one('B'), one('T')], [{ plan: wavePlan(1, tasks), placements }], script);
    expect(events).toEqual(['task_stolen@0 b2 B->T']);
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'b2#0@T@0', 'a2#0@A@20']);
  });

  // A (speed 2) queues a2 (10 s predicted: 20 s of work); B (speed 1) queues b2 (15 s). T takes a2.
  it('weighs queued work at the agent\'s speed', async () => {
    const ids = ['A', 'B', 'T'];
    const tasks = [on('a1', ids), on('a2', ids), on('b1', ids), on('b2', ids, {}, 15)];
    const script = { 'a1#0': [true, 20], 'a2#0': [true, 10], 'b1#0': [true, 20], 'b2#0': [true, 15] } as const;
    const placements = [['a1', 'A'], ['a2', 'A'], ['b1', 'B'], ['b2', 'B']] as const;
    const { events } = await runWaves([one('A', { speed: 2 }), one('B'), one('T')], [{ plan: wavePlan(1, tasks), placements }], script);
    expect(events[0]).toBe('task_stolen@0 a2 A->T');
  });
});
