/**
 * Hand-worked timelines with several tasks queued per agent when a decision is made: work
 * stealing, the queue's order, the single half-open probe, open time across waves, and where
 * reroutes may go. Each expected start list was written out by hand from the rules in the
 * comments, before running.
 */
import { describe, expect, it } from 'vitest';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';
import { noJitter, outcomeOf, runWaves } from './scripted.ts';

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
    const { executions, started } = await runWaves(agents, [{ plan: wavePlan(1, tasks), placements }], script);
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'b3#0@T@0', 'a3#0@T@15', 'a2#0@T@25', 'b2#0@B@29']);
    const [w] = executions;
    expect(w?.outcomes.map((o) => [o.taskId, o.assignedAgentId, o.agentId, o.steals, o.reroutes])).toEqual([
      ['a1', 'A', 'A', 0, 0], ['a2', 'A', 'T', 1, 0], ['a3', 'A', 'T', 1, 0],
      ['b1', 'B', 'B', 0, 0], ['b2', 'B', 'B', 0, 0], ['b3', 'B', 'T', 1, 0],
    ]);
    expect(w?.agents.map((a) => [a.agentId, a.tasks, a.steals, a.busyS])).toEqual([['A', 1, 0, 30], ['B', 2, 0, 39], ['T', 3, 3, 35]]);
    expect(w?.endS).toBe(39);
  });

  it('--no-steal: each agent runs its own queue, in priority then assignment order', async () => {
    const { executions, started } = await runWaves(agents, [{ plan: wavePlan(1, tasks), placements }], script, { steal: false });
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'b2#0@B@29', 'a2#0@A@30', 'b3#0@B@39', 'a3#0@A@40']);
    expect(executions[0]?.endS).toBe(54);
  });

  it('work per slot: a two-slot agent with more queued work is not the victim', async () => {
    // W (2 slots) holds w1, w2 running and w3, w4 queued (20 s / 2 = 10 per slot); A (1 slot) runs a1 with
    // a2 queued (10 per slot... 15 s here, so 15 per slot): T takes from A, though W queues more work.
    const agents2 = [one('A'), one('T'), profile('W', { maxConcurrency: 2 })];
    const ids = ['A', 'T', 'W'];
    const tasks2 = [on('a1', ids, {}, 30), on('a2', ids, {}, 15), ...['w1', 'w2', 'w3', 'w4'].map((id) => on(id, ids))];
    const script2 = { 'a1#0': [true, 30], 'a2#0': [true, 15], 'w1#0': [true, 10], 'w2#0': [true, 10], 'w3#0': [true, 10], 'w4#0': [true, 10] } as const;
    const { started } = await runWaves(agents2, [{ plan: wavePlan(1, tasks2), placements: [['a1', 'A'], ['a2', 'A'], ['w1', 'W'], ['w2', 'W'], ['w3', 'W'], ['w4', 'W']] }], script2);
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
    const { executions, started } = await runWaves(agents, [{ plan: wavePlan(1, tasks), placements }], script, { retry: noJitter({ baseS: 2 }) });
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
    const { started } = await runWaves([one('A')], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, { steal: false });
    expect(started).toEqual(['t1#0@A@0', 't2#0@A@5', 't1#1@A@10', 't3#0@A@15', 't4#0@A@20']);
  });
});

describe('half-open: exactly one probe while tasks are queued', () => {
  // A alone, 2 slots, threshold 1, cooldown 10, no retries. t1 [0,5] fails: open 5..15; t2 [0,8]
  // was running and ends ok. t3, t4 wait. At 15 one probe t3 [15,20] ok closes it; t4 [20,24].
  it('starts one probe, then the rest once it closed the circuit', async () => {
    const tasks = ['t1', 't2', 't3', 't4'].map((id) => on(id, ['A']));
    const script = { 't1#0': [false, 5], 't2#0': [true, 8], 't3#0': [true, 5], 't4#0': [true, 4] } as const;
    const { executions, started } = await runWaves([profile('A', { maxConcurrency: 2 })], [{ plan: wavePlan(1, tasks), placements: tasks.map((t) => [t.taskId, 'A'] as const) }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
    });
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
    const { executions, started } = await runWaves([one('A'), one('B')], [wave1, wave2], script, { retry: noJitter({ policy: 'none' }), breaker: { threshold: 1, cooldownS: 20 } });
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
    const { executions, started } = await runWaves([one('A'), one('B'), one('C')], [{ plan: wavePlan(1, tasks), placements }], script, {
      retry: noJitter({ policy: 'none' }),
      breaker: { threshold: 1, cooldownS: 10 },
      steal: false,
    });
    expect(started).toEqual(['a1#0@A@0', 'b1#0@B@0', 'c1#0@C@0', 'a2#0@C@30', 'a3#0@C@35']);
    expect(outcomeOf(executions[0], 'a2')).toMatchObject({ agentId: 'C', reroutes: 1 });
    // B down 2..40 (half-open to the end), A down 14..40.
    expect(executions[0]?.agents.map((a) => a.openS)).toEqual([26, 38, 0]);
  });
});
