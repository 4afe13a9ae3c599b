import { describe, expect, it } from 'vitest';
import { scheduleStrategy } from '../../src/assign/schedule.ts';
import { initialStrategyState } from '../../src/assign/state.ts';
import { agent, rows, task, wave, work, rerouteRequest } from './helpers.ts';

const agents = [agent('a1', 1), agent('a2', 2), agent('a3', 1)];

describe('schedule', () => {
  it("follows Phase 20's suggestion when it is a candidate, least work otherwise", () => {
    const plan = wave(1, [
      task('s1', [['a1', 0.9, 10], ['a2', 0.8, 10], ['a3', 0.9, 10]], { suggested: 'a2' }), // suggested: a2, 10 x 2
      task('s2', [['a1', 0.9, 10], ['a2', 0.9, 10], ['a3', 0.9, 10]]), // no suggestion: a1 and a3 at 0, a1 first
      task('s3', [['a2', 0.7, 5], ['a3', 0.7, 8]], { suggested: 'a1' }), // a1 not a candidate: least work a3 (0)
      task('s4', [['a1', 0.6, 4], ['a3', 0.6, 4]], { suggested: 'a1' }), // suggested a1 though a3 has less work
    ]);
    const result = scheduleStrategy.assignWave(plan, agents, initialStrategyState(agents));
    expect(rows(result.assignments)).toEqual([
      ['s1', 'a2', 0, 20],
      ['s2', 'a1', 1, 10],
      ['s3', 'a3', 2, 8],
      ['s4', 'a1', 3, 4],
    ]);
    expect(work(result.state.workS)).toEqual({ a1: 14, a2: 20, a3: 8 });
  });

  it('reroutes as load_balanced: least work among allowed candidates', () => {
    const [A1, A2, A3, A4] = [agent('a1', 1), agent('a2', 2), agent('a3', 1), agent('a4', 0.5)] as const;
    const four = [A1, A2, A3, A4];
    const r1 = task('r1', [['a1', 0.6, 10], ['a2', 0.9, 10], ['a3', 0.8, 20]], { suggested: 'a1' });
    const state = { ...initialStrategyState(four), workS: new Map([['a1', 50], ['a2', 40], ['a3', 30], ['a4', 5]]) };
    const moved = scheduleStrategy.reroute(rerouteRequest(r1, 'a1', [A2, A3, A4], four), state);
    expect(moved.agentId).toBe('a3');
    expect(work(moved.state.workS)).toEqual({ a1: 40, a2: 40, a3: 50, a4: 5 });
  });
});
