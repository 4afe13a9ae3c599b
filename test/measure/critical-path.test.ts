import { describe, expect, it } from 'vitest';
import { leastWork, makespanEfficiency, waveBound } from '../../src/measure/critical-path.ts';
import { computeWaveMetrics } from '../../src/measure/metrics.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';

// A (speed 1) and B (speed 2), one slot each. Diamond a -> {b, c} -> d, and e alone.
const agents = [profile('A', { maxConcurrency: 1 }), profile('B', { maxConcurrency: 1, speed: 2 })];
const t = (id: string, a: number, b: number, over: Parameters<typeof task>[2] = {}) => task(id, [pred('A', 0.8, a), pred('B', 0.8, b)], over);

describe('critical path and makespan lower bound (contract 10)', () => {
  // Least work: a min(10, 2 x 20) = 10; b min(5, 2 x 9) = 5; c min(8, 2 x 3) = 6 (on B); d 2; e 4.
  // Heaviest chain a -> c -> d = 10 + 6 + 2 = 18; total 27 over 2 slots = 13.5; bound 18.
  const diamond = wavePlan(1, [t('a', 10, 20), t('b', 5, 9, { dependsOn: ['a'] }), t('c', 8, 3, { dependsOn: ['a'] }), t('d', 2, 5, { dependsOn: ['b', 'c'] }), t('e', 4, 4)]);
  it('weighs each task at its least predicted time x speed', () => {
    expect([...leastWork(diamond, agents)]).toEqual([10, 5, 6, 2, 4]);
  });
  it('takes the heaviest chain through the DAG', () => {
    expect(waveBound(diamond, agents)).toEqual({ critical_path_s: 18, makespan_lower_bound_s: 18 });
  });
  it('only capable candidates count: c needs gpu, which only A has (8 s): chain 10 + 8 + 2 = 20', () => {
    const gpu = [profile('A', { maxConcurrency: 1, capabilities: ['gpu'] }), agents[1] ?? profile('B')];
    const needs = wavePlan(1, diamond.tasks.map((x) => (x.taskId === 'c' ? { ...x, requiredCapabilities: ['gpu'] } : x)));
    expect(waveBound(needs, gpu)).toEqual({ critical_path_s: 20, makespan_lower_bound_s: 20 });
  });
  it('without dependencies: the longest task, and the spread over slots when that is larger', () => {
    const flat = wavePlan(1, [t('x', 10, 20), t('y', 9, 9), t('z', 9, 9)]);
    // Least 10, 9, 9 (B at speed 2 is slower): longest 10; spread 28 / 2 = 14.
    expect(waveBound(flat, agents)).toEqual({ critical_path_s: 10, makespan_lower_bound_s: 14 });
  });
  it('a dependency on an earlier wave adds nothing; a cycle is not followed twice', () => {
    const cross = wavePlan(2, [t('p', 3, 3, { wave: 2, dependsOn: [{ wave: 1, taskId: 'a' }] })]);
    expect(waveBound(cross, agents).critical_path_s).toBe(3);
    // Wave 2 has its own `a` (4 s): p's dependency is wave 1's a, so the chains stay apart.
    const sameName = wavePlan(2, [t('a', 4, 9, { wave: 2 }), t('p', 3, 9, { wave: 2, dependsOn: [{ wave: 1, taskId: 'a' }] })]);
    expect(waveBound(sameName, agents).critical_path_s).toBe(4);
    const cycle = wavePlan(1, [t('u', 3, 9, { dependsOn: ['v'] }), t('v', 4, 9, { dependsOn: ['u'] })]);
    expect(waveBound(cycle, agents).critical_path_s).toBe(7);
  });
  it('when no candidate is capable, every candidate counts; an agent outside the run counts at speed 1', () => {
    // x needs tpu, which nobody has: least of 10 (A) and 2 x 4 (B) = 8. y too; its prediction for
    // Z (not in the run) weighs 3 x 1 = 3, below A's 5.
    const plan = wavePlan(1, [t('x', 10, 4, { requires: ['tpu'] }), task('y', [pred('A', 0.8, 5), pred('Z', 0.8, 3)], { requires: ['tpu'] })]);
    expect([...leastWork(plan, agents)]).toEqual([8, 3]);
    // With a capable agent (A has gpu), only it counts: Z, outside the run, is never capable.
    const gpuPlan = wavePlan(1, [task('y', [pred('A', 0.8, 5), pred('Z', 0.8, 3)], { requires: ['gpu'] })]);
    expect([...leastWork(gpuPlan, [profile('A', { capabilities: ['gpu'] })])]).toEqual([5]);
    // Without requirements every agent of the run is capable, and Z still is not.
    expect([...leastWork(wavePlan(1, [task('y', [pred('A', 0.8, 5), pred('Z', 0.8, 3)])]), agents)]).toEqual([5]);
  });
  it('without agents there are no slots: the bound is the critical path', () => {
    const flat = wavePlan(1, [t('x', 10, 20), t('y', 9, 9)]);
    expect(waveBound(flat, [])).toEqual({ critical_path_s: 10, makespan_lower_bound_s: 10 });
  });
  it('a chain through tasks listed after their dependents, and a zero-time task, weigh what they add', () => {
    // Listed d, c, b, a with d -> c -> b -> a (each depends on the next listed): 1 + 2 + 0 + 4 on A.
    const chain = wavePlan(1, [t('d', 1, 9, { dependsOn: ['c'] }), t('c', 2, 9, { dependsOn: ['b'] }), t('b', 0, 9, { dependsOn: ['a'] }), t('a', 4, 9)]);
    expect(waveBound(chain, agents)).toEqual({ critical_path_s: 7, makespan_lower_bound_s: 7 });
    // Rounded to 6 decimals: 0.1 + 0.2.
    const tiny = wavePlan(1, [t('p', 0.1, 9), t('q', 0.2, 9, { dependsOn: ['p'] })]);
    expect(waveBound(tiny, agents).critical_path_s).toBe(0.3);
  });
  it('efficiency = bound / makespan, null for an empty makespan', () => {
    expect(makespanEfficiency(18, 24)).toBe(0.75);
    expect(makespanEfficiency(18, 0)).toBeNull();
  });
  it('computeWaveMetrics carries them with the plan, null without', () => {
    const execution = { wave: 1, startS: 0, endS: 24, outcomes: [], agents: [], gateDecisions: [] };
    expect(computeWaveMetrics(execution, agents, diamond)).toMatchObject({ critical_path_s: 18, makespan_lower_bound_s: 18, makespan_efficiency: 0.75 });
    expect(computeWaveMetrics(execution, agents)).toMatchObject({ critical_path_s: null, makespan_lower_bound_s: null, makespan_efficiency: null });
  });
});
