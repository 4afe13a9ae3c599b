/**
 * Dependencies (contract sections 4.7 and 10), hand-worked: a diamond a -> {b, c} -> d plus an
 * independent e, on agents A and B (one slot each), stealing on, no retries.
 */
import { describe, expect, it } from 'vitest';
import { crossWaveTargets, Readiness, refKey } from '../../src/simulate/readiness.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';
import { noJitter, outcomeOf, runWaves, type Script } from './scripted.ts';

const agents = [profile('A', { maxConcurrency: 1 }), profile('B', { maxConcurrency: 1 })];
const both = (id: string, dependsOn: readonly string[] = [], wave = 1) => task(id, [pred('A', 0.8), pred('B', 0.8)], { dependsOn, wave });
const diamond = [both('a'), both('b', ['a']), both('c', ['a']), both('d', ['b', 'c']), both('e')];
const placements = [['a', 'A'], ['b', 'A'], ['c', 'B'], ['d', 'B'], ['e', 'B']] as const;
const options = { retry: noJitter({ policy: 'none' }) };

describe('readiness: a diamond that succeeds', () => {
  // t=0: only a and e are ready: A a [0,10], B e [0,4]. B is idle from 4: b, c, d wait and hold
  // no slot, and nothing ready is queued anywhere, so there is nothing to steal.
  // t=10: a succeeded: b and c ready (ready at 10): A b [10,15], B c [10,18].
  // t=18: the last of d's dependencies succeeded: d ready at 18, B d [18,20].
  it('starts each task when its last dependency succeeds', async () => {
    const script: Script = { 'a#0': [true, 10], 'b#0': [true, 5], 'c#0': [true, 8], 'd#0': [true, 2], 'e#0': [true, 4] };
    const { executions, started } = await runWaves(agents, [{ plan: wavePlan(1, diamond), placements }], script, options);
    expect(started).toEqual(['a#0@A@0', 'e#0@B@0', 'b#0@A@10', 'c#0@B@10', 'd#0@B@18']);
    const w = executions[0];
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => [id, outcomeOf(w, id).readyS, outcomeOf(w, id).startS])).toEqual([
      ['a', 0, 0], ['b', 10, 10], ['c', 10, 10], ['d', 18, 18], ['e', 0, 0],
    ]);
    expect(w?.endS).toBe(20);
  });
});

describe('readiness: a diamond whose root fails', () => {
  // a fails at 10: b and c are refused at 10 by the dependencies gate (without an attempt), and
  // so is d, through b (the first of its dependencies to end); e is unaffected.
  const script: Script = { 'a#0': [false, 10], 'e#0': [true, 4] };
  it('cascades refusals at the time the dependency ends', async () => {
    const { executions, started } = await runWaves(agents, [{ plan: wavePlan(1, diamond), placements }], script, options);
    expect(started).toEqual(['a#0@A@0', 'e#0@B@0']);
    const w = executions[0];
    expect(['b', 'c', 'd'].map((id) => {
      const o = outcomeOf(w, id);
      return [id, o.status, o.attempts.length, o.refusal?.gate, o.refusal?.reason, o.startS, o.endS];
    })).toEqual([
      ['b', 'blocked', 0, 'dependencies', 'dependency a (wave 1) ended failed', 10, 10],
      ['c', 'blocked', 0, 'dependencies', 'dependency a (wave 1) ended failed', 10, 10],
      ['d', 'blocked', 0, 'dependencies', 'dependency b (wave 1) ended blocked', 10, 10],
    ]);
    expect(w?.gateDecisions.filter((g) => g.refusal?.gate === 'dependencies').map((g) => [g.taskId, g.agentId, g.timeS])).toEqual([
      ['b', 'A', 10], ['c', 'B', 10], ['d', 'B', 10],
    ]);
    expect(w?.endS).toBe(10);
  });

  it('a dependency on an earlier wave is decided when the wave starts', async () => {
    // Wave 2 starts at 10: f depends on d (blocked in wave 1): refused at 10; g depends on e
    // (succeeded): runs at once on A, g [10,13].
    const wave2 = [both('f', [], 2), both('g', [], 2)].map((t) => ({ ...t, dependsOn: [{ wave: 1, taskId: t.taskId === 'f' ? 'd' : 'e' }] }));
    const { executions, started } = await runWaves(
      agents,
      [{ plan: wavePlan(1, diamond), placements }, { plan: wavePlan(2, wave2), placements: [['f', 'A'], ['g', 'A']] }],
      { ...script, 'g#0': [true, 3] },
      options,
    );
    expect(started).toEqual(['a#0@A@0', 'e#0@B@0', 'g#0@A@10']);
    const w2 = executions[1];
    expect(outcomeOf(w2, 'f')).toMatchObject({ status: 'blocked', startS: 10, endS: 10, refusal: { gate: 'dependencies', reason: 'dependency d (wave 1) ended blocked' } });
    expect(outcomeOf(w2, 'g')).toMatchObject({ status: 'succeeded', readyS: 10, startS: 10, endS: 13 });
  });
});

describe('capabilities in the engine', () => {
  // G has gpu. t1 needs gpu (candidates A and G), t2 needs tpu (nobody has it). Assigned: t1 on G,
  // t2 on A. t2 is blocked by the capabilities gate at 0, without an attempt; t1 runs on G.
  it('blocks a task no candidate is capable of, and runs the others on capable agents', async () => {
    const agents2 = [profile('A', { maxConcurrency: 1 }), profile('G', { maxConcurrency: 1, capabilities: ['gpu'] })];
    const tasks = [task('t1', [pred('A', 0.8), pred('G', 0.8)], { requires: ['gpu'] }), task('t2', [pred('A', 0.8), pred('G', 0.8)], { requires: ['tpu'] })];
    const { executions, started } = await runWaves(agents2, [{ plan: wavePlan(1, tasks), placements: [['t1', 'G'], ['t2', 'A']] }], { 't1#0': [true, 5] }, options);
    expect(started).toEqual(['t1#0@G@0']);
    expect(outcomeOf(executions[0], 't2')).toMatchObject({
      status: 'blocked',
      refusal: { gate: 'capabilities', reason: 'no candidate has every required capability (tpu): A lacks tpu; G lacks tpu' },
    });
  });
});

describe('Readiness on its own', () => {
  // Wave 2: a; b, c after a; d after b and c; e after x (wave 1, succeeded); f after y (failed)
  // and z (blocked); g after itself; h after `nope`, which is in no wave (validation lets neither through).
  const earlier = new Map([['x', 'succeeded'], ['y', 'failed'], ['z', 'blocked']] as const);
  const w1 = (taskId: string) => ({ wave: 1, taskId });
  const t = (id: string, dependsOn: readonly (string | { wave: number; taskId: string })[] = []) => task(id, [pred('A', 0.8)], { wave: 2, dependsOn });
  const tasks = [t('a'), t('b', ['a']), t('c', ['a']), t('d', ['b', 'c']), t('e', [w1('x')]), t('f', [w1('y'), w1('z')]), t('g', ['g']), t('h', ['nope'])];
  const fresh = () => new Readiness(tasks, 2, (ref) => (ref.wave === 1 ? earlier.get(ref.taskId as 'x' | 'y' | 'z') : undefined));

  it('at the start: tasks without pending dependencies are ready; an earlier failure or a missing task refuses, naming the first', () => {
    expect(fresh().initial()).toEqual({
      ready: [0, 4],
      refused: [
        { index: 5, failure: { ref: w1('y'), status: 'failed' } },
        { index: 6, failure: { ref: { wave: 2, taskId: 'g' }, status: 'unknown' } },
        { index: 7, failure: { ref: { wave: 2, taskId: 'nope' }, status: 'unknown' } },
      ],
    });
  });

  it('counts down: a dependent is ready when its last dependency succeeded, refused when one did not', () => {
    const r = fresh();
    expect(r.ended(0, { wave: 2, taskId: 'a' }, 'succeeded')).toEqual({ ready: [1, 2], refused: [] });
    expect(r.ended(1, { wave: 2, taskId: 'b' }, 'succeeded')).toEqual({ ready: [], refused: [] });
    expect(r.ended(2, { wave: 2, taskId: 'c' }, 'succeeded')).toEqual({ ready: [3], refused: [] });
    expect(r.ended(4, { wave: 2, taskId: 'e' }, 'failed')).toEqual({ ready: [], refused: [] });
    const other = fresh();
    expect(other.ended(0, { wave: 2, taskId: 'a' }, 'blocked')).toEqual({
      ready: [],
      refused: [{ index: 1, failure: { ref: { wave: 2, taskId: 'a' }, status: 'blocked' } }, { index: 2, failure: { ref: { wave: 2, taskId: 'a' }, status: 'blocked' } }],
    });
  });

  it('a dependency on an earlier wave without an outcome, or on a later wave, is unknown', () => {
    const r = new Readiness([t('p', [w1('gone')]), t('q', [{ wave: 3, taskId: 'later' }])], 2, () => undefined);
    expect(r.initial()).toEqual({
      ready: [],
      refused: [{ index: 0, failure: { ref: w1('gone'), status: 'unknown' } }, { index: 1, failure: { ref: { wave: 3, taskId: 'later' }, status: 'unknown' } }],
    });
    // The earlier-wave lookup is asked only about earlier waves.
    const asked: string[] = [];
    new Readiness([t('q', [{ wave: 3, taskId: 'later' }, { wave: 2, taskId: 'q' }])], 2, (ref) => {
      asked.push(refKey(ref));
      return 'succeeded';
    }).initial();
    expect(asked).toEqual([]);
  });

  it('keys refs by wave and id; crossWaveTargets keeps only dependencies on earlier waves', () => {
    expect(refKey({ wave: 12, taskId: 'a' })).toBe('12\u0000a');
    const remember = crossWaveTargets([{ tasks: [t('a')] }, { tasks: tasks }]);
    expect([w1('x'), w1('y'), w1('z'), { wave: 2, taskId: 'a' }, w1('a')].map((ref) => remember(ref))).toEqual([true, true, true, false, false]);
  });
});
