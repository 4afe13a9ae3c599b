import { describe, expect, it } from 'vitest';
import { priorityStrategy } from '../../src/assign/priority.ts';
import { initialStrategyState, recordWave } from '../../src/assign/state.ts';
import { agent, execution, rows, task, wave, work, rerouteRequest } from './helpers.ts';

const agents = [agent('a1', 1), agent('a2', 2)];

// Mean predicted p over the wave: a1 (0.9 + 0.8 + 0.9 + 0.7 + 0.8) / 5 = 0.82, a2 (0.5 + 0.6 + 0.9 + 0.6) / 4 = 0.65.
// Fair share: mean over candidates of time x speed per task: t1 (20, 20) 20, t2 (20, 20) 20, t3 (10) 10,
// t4 (10, 20) 15, t5 (10, 20) 15; sum 80 / 2 agents = 40; cap 1.25 x 40 = 50 s of in-wave work.
const wave1 = wave(1, [
  task('t1', [['a1', 0.9, 20], ['a2', 0.5, 10]], { priority: 2 }),
  task('t2', [['a1', 0.8, 20], ['a2', 0.6, 10]], { priority: 1 }),
  task('t3', [['a1', 0.9, 10]], { priority: 3 }),
  task('t4', [['a1', 0.7, 10], ['a2', 0.9, 10]], { priority: 1 }),
  task('t5', [['a1', 0.8, 10], ['a2', 0.6, 10]], { priority: 2 }),
]);

describe('priority', () => {
  it('first wave: priority then best p; best mean p wins until the fair-share cap bites', () => {
    const result = priorityStrategy.assignWave(wave1, agents, initialStrategyState(agents));
    // Taking order: priority 1 (t4 best 0.9, t2 best 0.8), priority 2 (t1 0.9, t5 0.8), priority 3 (t3).
    expect(rows(result.assignments)).toEqual([
      ['t4', 'a1', 0, 10], // a1 in-wave 0 -> 10
      ['t2', 'a1', 1, 20], // 10 -> 30
      ['t1', 'a1', 2, 20], // 30 -> 50
      ['t5', 'a2', 3, 20], // a1 at 50 is not under the cap of 50: a2, 10 x 2
      ['t3', 'a1', 4, 10], // only a1, over the cap: nobody is under it, so all candidates
    ]);
    expect(work(result.state.workS)).toEqual({ a1: 60, a2: 20 });
  });

  it('later wave: the record (successes+1)/(attempts+2) decides, under the cap of this wave', () => {
    const first = priorityStrategy.assignWave(wave1, agents, initialStrategyState(agents));
    // a1: 4 of 10 -> 5/12 = 0.417; a2: 5 of 6 -> 6/8 = 0.75.
    const recorded = recordWave(first.state, execution(1, [['a1', 10, 4], ['a2', 6, 5]]));
    // Fair share: u1 (10, 20) 15, u2 (10, 20) 15, u3 (10, 10) 10; sum 40 / 2 = 20; cap 25.
    const wave2 = wave(2, [
      task('u1', [['a1', 0.9, 10], ['a2', 0.8, 10]], { wave: 2 }),
      task('u2', [['a1', 0.9, 10], ['a2', 0.7, 10]], { wave: 2 }),
      task('u3', [['a1', 0.6, 10], ['a2', 0.6, 5]], { wave: 2, priority: 1 }),
    ]);
    const result = priorityStrategy.assignWave(wave2, agents, recorded);
    expect(rows(result.assignments)).toEqual([
      ['u3', 'a2', 0, 10], // priority 1 first; a2 has the better record; in-wave 0 -> 10
      ['u1', 'a2', 1, 20], // best p 0.9 tie with u2: natural order; 10 -> 30
      ['u2', 'a1', 2, 10], // a2 at 30 is over the cap of 25: a1
    ]);
    // Run-cumulative work continues from the first wave (a1 60, a2 20).
    expect(work(result.state.workS)).toEqual({ a1: 70, a2: 50 });
  });

  it('breaks equal records by the least in-wave work, then natural order', () => {
    const two = [agent('a1', 1), agent('a2', 1)];
    const plan = wave(1, [
      task('t1', [['a1', 0.7, 10], ['a2', 0.7, 10]]), // equal mean p; both 0: a1
      task('t2', [['a1', 0.7, 10], ['a2', 0.7, 10]]), // a2 has less in-wave work
      task('t3', [['a1', 0.7, 10], ['a2', 0.7, 10]]), // both 10: a1
    ]);
    const result = priorityStrategy.assignWave(plan, two, initialStrategyState(two));
    expect(result.assignments.map((a) => a.agentId)).toEqual(['a1', 'a2', 'a1']);
  });

  it('reroutes to the best record, or in the first wave to the best p for the task', () => {
    const four = [agent('a1', 1), agent('a2', 2), agent('a3', 1), agent('a4', 0.5)];
    const r1 = task('r1', [['a1', 0.6, 10], ['a2', 0.9, 10], ['a3', 0.8, 20]]);
    const state = { ...initialStrategyState(four), workS: new Map([['a1', 50], ['a2', 40], ['a3', 30], ['a4', 5]]) };
    const allowed = four.slice(1);
    // First wave: no record, p(r1, a2) 0.9 beats p(r1, a3) 0.8.
    const first = priorityStrategy.reroute(rerouteRequest(r1, 'a1', allowed, agents), state);
    expect(first.agentId).toBe('a2');
    expect(work(first.state.workS)).toEqual({ a1: 40, a2: 60, a3: 30, a4: 5 });
    // Later wave: a2 1 of 4 -> 2/6, a3 8 of 8 -> 9/10.
    const recorded = recordWave(state, execution(1, [['a2', 4, 1], ['a3', 8, 8]]));
    const later = priorityStrategy.reroute(rerouteRequest(r1, 'a1', allowed, agents), recorded);
    expect(later.agentId).toBe('a3');
    expect(work(later.state.workS)).toEqual({ a1: 40, a2: 40, a3: 50, a4: 5 });
  });
});
