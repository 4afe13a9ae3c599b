import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/assign/registry.ts';
import { initialStrategyState, recordWave } from '../../src/assign/state.ts';
import type { StrategyState } from '../../src/assign/types.ts';
import { agent, deepFreeze, execution, task, wave, rerouteRequest } from './helpers.ts';

const agents = deepFreeze([agent('a1', 1), agent('a2', 2), agent('a3', 0.5)]);
const plan = deepFreeze(
  wave(2, [
    task('t1', [['a1', 0.9, 10], ['a2', 0.5, 12]], { priority: 1, suggested: 'a2', wave: 2 }),
    task('t2', [['a2', 0.7, 30], ['a3', 0.8, 8]], { wave: 2 }),
    task('t3', [['a1', 0.6, 5], ['a2', 0.6, 5], ['a3', 0.95, 40]], { priority: 3, suggested: 'a3', wave: 2 }),
    task('t4', [['a1', 0.75, 20], ['a3', 0.7, 20]], { wave: 2 }),
  ]),
);

function snapshot(state: StrategyState): unknown {
  return { rotation: state.rotation, workS: [...state.workS], records: [...state.records], wavesRecorded: state.wavesRecorded };
}

describe('every strategy is pure and deterministic', () => {
  for (const [name, strategy] of STRATEGIES) {
    it(`${name}: leaves its inputs unchanged and gives the same answer twice`, () => {
      const state = recordWave(initialStrategyState(agents), execution(1, [['a1', 4, 3], ['a2', 4, 1], ['a3', 2, 2]]));
      const before = snapshot(state);
      const first = strategy.assignWave(plan, agents, state);
      const second = strategy.assignWave(plan, agents, state);
      expect(second).toEqual(first);
      expect(snapshot(state)).toEqual(before);
      // Every task placed once, on one of its candidates, in taking order.
      expect(first.assignments.map((a) => a.order)).toEqual([0, 1, 2, 3]);
      expect(first.assignments.map((a) => a.taskId).sort()).toEqual(['t1', 't2', 't3', 't4']);
      for (const a of first.assignments) {
        const t = plan.tasks.find((x) => x.taskId === a.taskId);
        expect(t?.predictions.map((p) => p.agentId)).toContain(a.agentId);
      }
      // The new state's work is the old work plus the assignments' work.
      const added = first.assignments.reduce((sum, a) => sum + a.workS, 0);
      const total = (s: StrategyState) => [...s.workS.values()].reduce((x, y) => x + y, 0);
      expect(total(first.state)).toBeCloseTo(total(state) + added, 9);

      const t2 = plan.tasks[1];
      if (t2 === undefined) throw new Error('fixture');
      const middle = snapshot(first.state);
      const rerouted = strategy.reroute(rerouteRequest(t2, 'a3', agents.slice(0, 2), agents), first.state);
      expect(strategy.reroute(rerouteRequest(t2, 'a3', agents.slice(0, 2), agents), first.state)).toEqual(rerouted);
      expect(snapshot(first.state)).toEqual(middle);
    });
  }
});
