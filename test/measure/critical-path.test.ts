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
    const cycle = wavePlan(1, [t('u', 3, 9, { dependsOn: ['v'] }), t('v', 4, 9, { dependsOn: ['u'] })]);
    expect(waveBound(cycle, agents).critical_path_s).toBe(7);
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
