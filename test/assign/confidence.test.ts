import { describe, expect, it } from 'vitest';
import { confidenceStrategy } from '../../src/assign/confidence.ts';
import { initialStrategyState } from '../../src/assign/state.ts';
import { agent, rows, task, wave, work, rerouteRequest } from './helpers.ts';

const agents = [agent('a1', 1), agent('a2', 1), agent('a3', 2)];

describe('confidence', () => {
  it('takes the most confident tasks first, each to its highest p, ties to least work, under the cap', () => {
    // Fair share: c1 (10, 10, 20) 40/3, c2 (30, 30) 30, c3 40/3, c4 (10, 20) 15, c5 40/3;
    // sum 85 / 3 agents = 28.33; cap 35.42 s of in-wave work.
    const plan = wave(1, [
      task('c1', [['a1', 0.9, 10], ['a2', 0.9, 10], ['a3', 0.5, 10]]),
      task('c2', [['a1', 0.8, 30], ['a2', 0.8, 30]]),
      task('c3', [['a1', 0.95, 10], ['a2', 0.7, 10], ['a3', 0.6, 10]]),
      task('c4', [['a1', 0.7, 10], ['a3', 0.85, 10]]),
      task('c5', [['a1', 0.6, 10], ['a2', 0.5, 10], ['a3', 0.4, 10]]),
    ]);
    const result = confidenceStrategy.assignWave(plan, agents, initialStrategyState(agents));
    // Taking order by best p: c3 0.95, c1 0.9, c4 0.85, c2 0.8, c5 0.6.
    expect(rows(result.assignments)).toEqual([
      ['c3', 'a1', 0, 10], // a1 0 -> 10
      ['c1', 'a2', 1, 10], // a1 and a2 tie at 0.9: a2 has less work (0 < 10)
      ['c4', 'a3', 2, 20], // 10 x 2
      ['c2', 'a1', 3, 30], // tie 0.8, both at 10: natural order; a1 -> 40
      ['c5', 'a2', 4, 10], // a1 (0.6) is at 40, over the cap: a2 (0.5) beats a3 (0.4)
    ]);
    expect(work(result.state.workS)).toEqual({ a1: 40, a2: 20, a3: 20 });
  });

  it('falls back to every candidate when none is under the cap', () => {
    // Fair share: (10 + 10) / 3 agents = 6.67; cap 8.33. After x1, a1 is over it and is x2's only candidate.
    const plan = wave(1, [task('x1', [['a1', 0.9, 10]]), task('x2', [['a1', 0.8, 10]])]);
    const result = confidenceStrategy.assignWave(plan, agents, initialStrategyState(agents));
    expect(rows(result.assignments)).toEqual([
      ['x1', 'a1', 0, 10],
      ['x2', 'a1', 1, 10],
    ]);
  });

  it('reroutes to the allowed candidate with the highest p; never to a non-candidate', () => {
    const five = [agent('a1', 1), agent('a2', 2), agent('a3', 1), agent('a4', 0.5), agent('a5', 1)];
    const r1 = task('r1', [['a1', 0.6, 10], ['a2', 0.9, 10], ['a3', 0.8, 20]]);
    const state = { ...initialStrategyState(five), workS: new Map([['a1', 50], ['a2', 40], ['a3', 30], ['a4', 5], ['a5', 2]]) };
    const best = confidenceStrategy.reroute(rerouteRequest(r1, 'a1', five.slice(1), five), state);
    expect(best.agentId).toBe('a2');
    expect(work(best.state.workS)).toEqual({ a1: 40, a2: 60, a3: 30, a4: 5, a5: 2 });
    expect(confidenceStrategy.reroute(rerouteRequest(r1, 'a1', five.slice(2), five), state).agentId).toBe('a3');
    expect(() => confidenceStrategy.reroute(rerouteRequest(r1, 'a1', five.slice(3), five), state)).toThrow(/no allowed capable candidate/);
  });
});
