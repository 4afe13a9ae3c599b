import { describe, expect, it } from 'vitest';
import { roundRobinStrategy } from '../../src/assign/round-robin.ts';
import { initialStrategyState } from '../../src/assign/state.ts';
import { agent, rows, task, wave, work, rerouteRequest } from './helpers.ts';

const agents = [agent('a1', 1), agent('a2', 2), agent('a3', 1)];

describe('round_robin', () => {
  it('rotates over the run, skips a non-candidate and continues across waves', () => {
    const wave1 = wave(1, [
      task('t1', [['a1', 0.8, 10], ['a2', 0.8, 10], ['a3', 0.8, 10]]),
      task('t2', [['a1', 0.7, 10], ['a3', 0.7, 20]]), // next in rotation is a2: not a candidate, skip to a3
      task('t3', [['a1', 0.9, 5], ['a2', 0.9, 5], ['a3', 0.9, 5]]),
    ]);
    const first = roundRobinStrategy.assignWave(wave1, agents, initialStrategyState(agents));
    expect(rows(first.assignments)).toEqual([
      ['t1', 'a1', 0, 10],
      ['t2', 'a3', 1, 20],
      ['t3', 'a1', 2, 5],
    ]);
    expect(first.state.rotation).toBe(1);

    const wave2 = wave(2, [
      task('t5', [['a1', 0.8, 10], ['a2', 0.8, 10], ['a3', 0.8, 10]], { wave: 2 }), // rotation 1: a2, speed 2
      task('t6', [['a1', 0.8, 8], ['a2', 0.8, 8]], { wave: 2 }), // rotation 2: a3 not a candidate, wrap to a1
    ]);
    const second = roundRobinStrategy.assignWave(wave2, agents, first.state);
    expect(rows(second.assignments)).toEqual([
      ['t5', 'a2', 0, 20],
      ['t6', 'a1', 1, 8],
    ]);
    expect(second.state.rotation).toBe(1);
    expect(work(second.state.workS)).toEqual({ a1: 23, a2: 20, a3: 20 });
  });

  it('reroutes to the next allowed candidate in rotation and moves the work', () => {
    const [A1, A2, A3, A4] = [agent('a1', 1), agent('a2', 2), agent('a3', 1), agent('a4', 0.5)] as const;
    const four = [A1, A2, A3, A4];
    const r1 = task('r1', [['a1', 0.6, 10], ['a2', 0.9, 10], ['a3', 0.8, 20]]);
    const base = initialStrategyState(four);
    const state = { ...base, rotation: 3, workS: new Map([['a1', 50], ['a2', 40], ['a3', 30], ['a4', 5]]) };
    // rotation 3 is a4 (allowed but not a candidate: the pool is a2, a3), wrap to a1 (not allowed), then a2.
    const moved = roundRobinStrategy.reroute(rerouteRequest(r1, 'a1', [A2, A3, A4], four), state);
    expect(moved.agentId).toBe('a2');
    expect(moved.state.rotation).toBe(2);
    expect(work(moved.state.workS)).toEqual({ a1: 40, a2: 60, a3: 30, a4: 5 });
    // From rotation 2 the next allowed candidate is a3 itself.
    const again = roundRobinStrategy.reroute(rerouteRequest(r1, 'a2', [A3, A4], four), moved.state);
    expect(again.agentId).toBe('a3');
    expect(again.state.rotation).toBe(3);
    expect(work(again.state.workS)).toEqual({ a1: 40, a2: 40, a3: 50, a4: 5 });
  });
});
