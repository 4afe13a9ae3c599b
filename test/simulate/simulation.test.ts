/**
 * The run-long Simulation: its snapshot between waves, resuming from it (restore then continue
 * gives the same execution as the uninterrupted run), what it remembers for later waves, its
 * progress calls, and the errors it throws on broken inputs and invariants.
 */
import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/assign/types.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { Simulation } from '../../src/simulate/engine.ts';
import type { Executor } from '../../src/ports.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { StalledError, VirtualScheduler } from '../../src/simulate/scheduler.ts';
import { crossWaveTargets } from '../../src/simulate/readiness.ts';
import type { SimulationSnapshot } from '../../src/simulate/types.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';
import { assign, firstAllowed, noJitter, outcomeOf, runWaves, ScriptedExecutor, scriptedSimulation, type Script, type ScriptedRun } from './scripted.ts';

const one = (id: string) => profile(id, { maxConcurrency: 1 });
const agents = [one('A'), one('B'), one('C')];
const ids = ['A', 'B', 'C'];
const on = (id: string, wave: number, dependsOn: readonly { wave: number; taskId: string }[] = []) => task(id, ids.map((a) => pred(a, 0.8, 10)), { wave, dependsOn });

// Threshold 1, cooldown 20, no retries, stealing on.
// Wave 1: A a0 [0,2] ok, a1 [2,5] fails; B b1 [0,5] fails; C c1 [0,10] ok. At 5 B's end fires
// first (scheduled at 0, A's at 2): B opens first, then A; both half-open at 25. The wave ends at 10.
// Wave 2 (from 10): w1, w2 on A; w3 on B depends on a1 (failed): refused at 10; w4 on B depends
// on c1 (succeeded): ready. A and B are open: w1, w2, w4 go to C, the only closed one.
// C: w1 [10,20], w2 [20,30]. At 25 B goes half-open first and steals w4 (C's last queued) as its
// probe [25,35], which closes it; then A goes half-open with nothing left to steal.
const wave1 = { plan: wavePlan(1, [on('a0', 1), on('a1', 1), on('b1', 1), on('c1', 1)]), placements: [['a0', 'A'], ['a1', 'A'], ['b1', 'B'], ['c1', 'C']] as const };
const w2Tasks = [on('w1', 2), on('w2', 2), on('w3', 2, [{ wave: 1, taskId: 'a1' }]), on('w4', 2, [{ wave: 1, taskId: 'c1' }])];
const wave2 = { plan: wavePlan(2, w2Tasks), placements: [['w1', 'A'], ['w2', 'A'], ['w3', 'B'], ['w4', 'B']] as const };
const script: Script = {
  'a0#0': [true, 2], 'a1#0': [false, 3], 'b1#0': [false, 5], 'c1#0': [true, 10],
  'w1#0': [true, 10], 'w2#0': [true, 10], 'w4#0': [true, 10],
};
const options: ScriptedRun = { retry: noJitter({ policy: 'none' }), breaker: { threshold: 1, cooldownS: 20 } };

const WAVE_1_EVENTS = ['circuit_opened@5 B', 'circuit_opened@5 A'];
const WAVE_2_EVENTS = [
  'task_rerouted@10 w1 A->C', 'task_rerouted@10 w2 A->C', 'task_rerouted@10 w4 B->C',
  'circuit_half_open@25 B', 'task_stolen@25 w4 C->B', 'circuit_half_open@25 A', 'circuit_closed@35 B',
];

describe('Simulation.snapshot between waves', () => {
  it('holds every breaker in run order, pending cooldowns in the order their timers were set, and the decided tasks', async () => {
    const { sim, started, events } = scriptedSimulation(agents, script, options);
    await sim.runWave({ wave: wave1.plan, assignment: assign(wave1.placements), strategy: firstAllowed });
    expect(started).toEqual(['a0#0@A@0', 'b1#0@B@0', 'c1#0@C@0', 'a1#0@A@2']);
    expect(events).toEqual(WAVE_1_EVENTS);
    expect(sim.snapshot()).toEqual({
      breakers: [
        { agentId: 'A', state: { kind: 'open', openedAtS: 5, halfOpenAtS: 25, downSinceS: 5 } },
        { agentId: 'B', state: { kind: 'open', openedAtS: 5, halfOpenAtS: 25, downSinceS: 5 } },
        { agentId: 'C', state: { kind: 'closed', count: { policy: 'consecutive', consecutiveFailures: 0 } } },
      ],
      // B's timer was set first, though A comes first in run order.
      cooldowns: ['B', 'A'],
      decided: [
        { wave: 1, taskId: 'a0', status: 'succeeded' },
        { wave: 1, taskId: 'a1', status: 'failed' },
        { wave: 1, taskId: 'b1', status: 'failed' },
        { wave: 1, taskId: 'c1', status: 'succeeded' },
      ],
    } satisfies SimulationSnapshot);
  });

  it('remembers only what `remember` accepts (the tasks a later wave depends on)', async () => {
    const { sim } = scriptedSimulation(agents, script, { ...options, remember: crossWaveTargets([wave1.plan, wave2.plan]) });
    await sim.runWave({ wave: wave1.plan, assignment: assign(wave1.placements), strategy: firstAllowed });
    expect(sim.snapshot().decided).toEqual([
      { wave: 1, taskId: 'a1', status: 'failed' },
      { wave: 1, taskId: 'c1', status: 'succeeded' },
    ]);
  });

  it('lists no cooldown once the timer fired (half-open) or for a closed circuit', async () => {
    const { executions } = await runWaves(agents, [wave1, wave2], script, options);
    expect(executions[1]?.endS).toBe(35);
    const { sim } = scriptedSimulation(agents, script, options);
    await sim.runWave({ wave: wave1.plan, assignment: assign(wave1.placements), strategy: firstAllowed });
    await sim.runWave({ wave: wave2.plan, assignment: assign(wave2.placements), strategy: firstAllowed });
    const snapshot = sim.snapshot();
    expect(snapshot.cooldowns).toEqual([]);
    expect(snapshot.breakers.map((b) => b.state.kind)).toEqual(['half-open', 'closed', 'closed']);
    expect(snapshot.decided).toHaveLength(8);
  });
});

describe('Simulation: resuming from a snapshot', () => {
  it('continues exactly as the uninterrupted run: same starts, events and wave record', async () => {
    const whole = await runWaves(agents, [wave1, wave2], script, options);
    expect(whole.events).toEqual([...WAVE_1_EVENTS, ...WAVE_2_EVENTS]);
    expect(whole.started).toEqual(['a0#0@A@0', 'b1#0@B@0', 'c1#0@C@0', 'a1#0@A@2', 'w1#0@C@10', 'w2#0@C@20', 'w4#0@B@25']);

    const first = scriptedSimulation(agents, script, options);
    await first.sim.runWave({ wave: wave1.plan, assignment: assign(wave1.placements), strategy: firstAllowed });
    // Through JSON, as checkpoint.json carries it.
    const initial = JSON.parse(JSON.stringify(first.sim.snapshot())) as SimulationSnapshot;
    const resumed = await runWaves(agents, [wave2], script, { ...options, initial, startS: first.scheduler.now() });

    expect(resumed.started).toEqual(whole.started.slice(4));
    expect(resumed.events).toEqual(WAVE_2_EVENTS);
    expect(resumed.executions[0]).toEqual(whole.executions[1]);
    const w2 = resumed.executions[0];
    expect(w2?.startS).toBe(10);
    expect(outcomeOf(w2, 'w3')).toMatchObject({ status: 'blocked', agentId: 'B', startS: 10, endS: 10, refusal: { gate: 'dependencies', reason: 'dependency a1 (wave 1) ended failed' } });
    expect(outcomeOf(w2, 'w4')).toMatchObject({ status: 'succeeded', assignedAgentId: 'B', agentId: 'B', reroutes: 1, steals: 1, startS: 25, endS: 35 });
    expect(outcomeOf(w2, 'w4').attempts[0]?.probe).toBe(true);
    // A down 10..35 (half-open to the end), B down 10..35 (its probe closed it at 35).
    expect(w2?.agents.map((a) => [a.agentId, a.tasks, a.openS, a.steals, a.busyS])).toEqual([['A', 0, 25, 0, 0], ['B', 2, 25, 1, 10], ['C', 2, 0, 0, 20]]);
  });

  it('without the snapshot, every circuit starts closed and earlier tasks are unknown', async () => {
    const fresh = await runWaves(agents, [wave2], script, { ...options, startS: 10 });
    // w3 and w4 are refused; A is closed and runs w1, idle B steals w2 from it.
    expect(fresh.events).toEqual(['task_stolen@10 w2 A->B']);
    expect(fresh.started).toEqual(['w1#0@A@10', 'w2#0@B@10']);
    expect(outcomeOf(fresh.executions[0], 'w4').refusal?.reason).toBe('dependency c1 (wave 1) has no outcome in this run');
  });

  it('refuses a snapshot naming an agent outside the run, or a cooldown of a circuit that is not open', () => {
    const closed = { kind: 'closed', count: { policy: 'consecutive', consecutiveFailures: 0 } } as const;
    const stranger: SimulationSnapshot = { breakers: [{ agentId: 'Z', state: closed }], cooldowns: [], decided: [] };
    expect(() => scriptedSimulation(agents, script, { ...options, initial: stranger })).toThrow(new RangeError('unknown agent Z'));
    const noTimer: SimulationSnapshot = { breakers: [], cooldowns: ['C'], decided: [] };
    expect(() => scriptedSimulation(agents, script, { ...options, initial: noTimer })).toThrow(new RangeError('cooldown of C, whose circuit is closed'));
    const twice: SimulationSnapshot = { breakers: [{ agentId: 'C', state: { kind: 'open', openedAtS: 1, halfOpenAtS: 21, downSinceS: 1 } }], cooldowns: ['C', 'C'], decided: [] };
    expect(() => scriptedSimulation(agents, script, { ...options, initial: twice })).toThrow(new RangeError('cooldown of C listed twice'));
    const halfOpen: SimulationSnapshot = { breakers: [{ agentId: 'C', state: { kind: 'half-open', probeInFlight: false, downSinceS: 3 } }], cooldowns: ['C'], decided: [] };
    expect(() => scriptedSimulation(agents, script, { ...options, initial: halfOpen })).toThrow(new RangeError('cooldown of C, whose circuit is half-open'));
  });
});

describe('Simulation without an event listener', () => {
  it('runs the same waves (reroutes, steals and circuit transitions included)', async () => {
    const whole = await runWaves(agents, [wave1, wave2], script, options);
    const scheduler = new VirtualScheduler();
    const sim = new Simulation({
      agents, retry: noJitter({ policy: 'none' }), breaker: { ...DEFAULT_OPTIONS.breaker, policy: 'consecutive', threshold: 1, cooldownS: 20 }, gates: DEFAULT_OPTIONS.gates,
      rng: createKeyedRandom(1), scheduler, executor: new ScriptedExecutor(scheduler, script), steal: true,
    });
    const first = await sim.runWave({ wave: wave1.plan, assignment: assign(wave1.placements), strategy: firstAllowed });
    const second = await sim.runWave({ wave: wave2.plan, assignment: assign(wave2.placements), strategy: firstAllowed });
    expect([first.execution, second.execution]).toEqual(whole.executions);
  });
});

describe('Simulation: a failed probe re-opens with a fresh cooldown', () => {
  // A alone, threshold 1, cooldown 10, fixed 1 s backoff, 3 attempts: t fails at 2 (open 2..12),
  // the probe at 12 fails at 14 (open 14..24); the second cooldown's timer fires at 24:
  // one half-open per opening, and the probe at 24 succeeds.
  it('moves the circuit once per opening', async () => {
    const { started, events } = await runWaves([one('A')], [{ plan: wavePlan(1, [task('t', [pred('A', 0.8)])]), placements: [['t', 'A']] }], { 't#0': [false, 2], 't#1': [false, 2], 't#2': [true, 2] }, {
      retry: noJitter({ policy: 'fixed', baseS: 1, maxAttempts: 3 }),
      breaker: { threshold: 1, cooldownS: 10 },
    });
    expect(started).toEqual(['t#0@A@0', 't#1@A@12', 't#2@A@24']);
    expect(events).toEqual(['circuit_opened@2 A', 'circuit_half_open@12 A', 'circuit_opened@14 A', 'circuit_half_open@24 A', 'circuit_closed@26 A']);
  });
});

describe('Simulation: progress', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => task(`t${i}`, [pred('A', 0.8)]));
  async function progress(n: number): Promise<[number, number][]> {
    const tasks = many(n);
    const calls: [number, number][] = [];
    const lines = Object.fromEntries(tasks.map((t) => [`${t.taskId}#0`, [true, 1] as const]));
    const { sim } = scriptedSimulation([profile('A', { maxConcurrency: 8 })], lines, options);
    await sim.runWave({ wave: wavePlan(1, tasks), assignment: assign(tasks.map((t) => [t.taskId, 'A'])), strategy: firstAllowed, onProgress: (done, total) => calls.push([done, total]) });
    return calls;
  }

  it('reports every task of a small wave', async () => {
    expect(await progress(3)).toEqual([[1, 3], [2, 3], [3, 3]]);
  });

  it('reports at most 200 times: every ceil(n / 200) tasks, and the last', async () => {
    // 401 tasks: every 3rd (3, 6, ..., 399: 133 calls) and the 401st.
    const calls = await progress(401);
    expect(calls).toHaveLength(134);
    expect(calls.slice(0, 2)).toEqual([[3, 401], [6, 401]]);
    expect(calls.slice(-2)).toEqual([[399, 401], [401, 401]]);
    // 400 tasks: every 2nd, the last being the 400th.
    const even = await progress(400);
    expect(even).toHaveLength(200);
    expect(even.at(-1)).toEqual([400, 400]);
  });
});

describe('Simulation: broken inputs are bugs, named', () => {
  const two = [task('t1', [pred('A', 0.8), pred('B', 0.8)]), task('t2', [pred('A', 0.8), pred('B', 0.8)])];
  const lines: Script = { 't1#0': [false, 1], 't2#0': [true, 1] };
  async function run(placements: readonly (readonly [string, string])[], strategy: Strategy = firstAllowed, over: ScriptedRun = {}) {
    const { sim } = scriptedSimulation([one('A'), one('B')], lines, over);
    return sim.runWave({ wave: wavePlan(1, two), assignment: assign(placements), strategy });
  }

  it('an assignment naming an unknown agent or task, a task assigned twice, or a task left out', async () => {
    await expect(run([['t1', 'Z'], ['t2', 'A']])).rejects.toThrow(new RangeError('assignment names unknown agent Z'));
    await expect(run([['t9', 'A'], ['t2', 'A']])).rejects.toThrow(new RangeError('assignment names unknown task t9 in wave 1'));
    await expect(run([['t1', 'A'], ['t1', 'B']])).rejects.toThrow(new RangeError('task t1 is assigned twice in wave 1'));
    await expect(run([['t2', 'B']])).rejects.toThrow(new RangeError('task t1 is not assigned in wave 1'));
  });

  it('a strategy rerouting to an agent outside the run', async () => {
    const astray: Strategy = { ...firstAllowed, reroute: (_request, state) => ({ agentId: 'ghost', state }) };
    // t1 fails on A at 1 and opens it (threshold 1); t2, queued behind it, must move.
    const over: ScriptedRun = { retry: noJitter({ policy: 'none' }), breaker: { threshold: 1 }, steal: false };
    await expect(run([['t1', 'A'], ['t2', 'A']], astray, over)).rejects.toThrow(new RangeError('strategy rerouted to unknown agent ghost'));
  });

  it('a wave that can never finish (an executor that never answers) stalls, the time named', async () => {
    const scheduler = new VirtualScheduler(7);
    const silent: Executor = { name: 'silent', start: () => undefined };
    const sim = new Simulation({ agents: [one('A')], retry: noJitter(), breaker: DEFAULT_OPTIONS.breaker, gates: DEFAULT_OPTIONS.gates, rng: createKeyedRandom(1), scheduler, executor: silent, steal: true });
    const plan = wavePlan(1, [task('t', [pred('A', 0.8)])]);
    await expect(sim.runWave({ wave: plan, assignment: assign([['t', 'A']]), strategy: firstAllowed })).rejects.toThrow(new StalledError('no event left at 7 s, but the wave is not done'));
  });

  it('an executor error surfaces from runWave', async () => {
    const { sim } = scriptedSimulation([one('A')], {}, options);
    const plan = wavePlan(1, [task('t', [pred('A', 0.8)])]);
    await expect(sim.runWave({ wave: plan, assignment: assign([['t', 'A']]), strategy: firstAllowed })).rejects.toThrow('no scripted outcome for t#0');
  });
});

describe('Simulation: what an outcome carries', () => {
  it('the suggested agent, or null', async () => {
    const tasks = [task('s', [pred('A', 0.8)], { suggested: 'A' }), task('n', [pred('A', 0.8)])];
    const { executions } = await runWaves([one('A')], [{ plan: wavePlan(1, tasks), placements: [['s', 'A'], ['n', 'A']] }], { 's#0': [true, 1], 'n#0': [true, 1] });
    expect(executions[0]?.outcomes.map((o) => [o.taskId, o.suggestedAgentId])).toEqual([['s', 'A'], ['n', null]]);
  });

  it('a task refused at the start for an earlier wave is not started when its same-wave dependency succeeds', async () => {
    // Wave 2: k depends on wave 1's x (failed) and on j (same wave): refused at 10; j [10,15] ok leaves k alone.
    const w1 = { plan: wavePlan(1, [on('x', 1)]), placements: [['x', 'A']] as const };
    const w2 = { plan: wavePlan(2, [on('j', 2), on('k', 2, [{ wave: 1, taskId: 'x' }, { wave: 2, taskId: 'j' }])]), placements: [['j', 'A'], ['k', 'B']] as const };
    const { executions, started } = await runWaves(agents, [w1, w2], { 'x#0': [false, 10], 'j#0': [true, 5] }, { ...options, breaker: { threshold: 5 } });
    expect(started).toEqual(['x#0@A@0', 'j#0@A@10']);
    expect(outcomeOf(executions[1], 'k')).toMatchObject({ status: 'blocked', startS: 10, endS: 10, attempts: [], refusal: { reason: 'dependency x (wave 1) ended failed' } });
    expect(executions[1]?.gateDecisions.map((d) => [d.taskId, d.timeS, d.refusal?.gate ?? null])).toEqual([['k', 10, 'dependencies'], ['j', 10, null]]);
    expect(executions[1]?.endS).toBe(15);
  });
});
