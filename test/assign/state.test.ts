import { describe, expect, it } from 'vitest';
import { initialStrategyState, recordScore, recordWave } from '../../src/assign/state.ts';
import { agent, execution, work } from './helpers.ts';

const agents = [agent('a1', 1), agent('a2', 2)];

describe('strategy state', () => {
  it('starts with zero work for every agent, rotation 0 and no records', () => {
    const state = initialStrategyState(agents);
    expect(work(state.workS)).toEqual({ a1: 0, a2: 0 });
    expect([...state.workS.keys()]).toEqual(['a1', 'a2']);
    expect(state.rotation).toBe(0);
    expect(state.records.size).toBe(0);
    expect(state.wavesRecorded).toBe(0);
  });

  it('folds attempts and successful attempts of each wave into the records', () => {
    const start = initialStrategyState(agents);
    const one = recordWave(start, execution(1, [['a1', 5, 3], ['a2', 2, 0]]));
    const two = recordWave(one, execution(2, [['a1', 4, 4], ['a2', 1, 1]]));
    expect(Object.fromEntries(two.records)).toEqual({ a1: { successes: 7, attempts: 9 }, a2: { successes: 1, attempts: 3 } });
    expect(two.wavesRecorded).toBe(2);
    // The earlier states are untouched.
    expect(Object.fromEntries(one.records)).toEqual({ a1: { successes: 3, attempts: 5 }, a2: { successes: 0, attempts: 2 } });
    expect(one.wavesRecorded).toBe(1);
    expect(start.records.size).toBe(0);
    // Work and rotation pass through.
    expect(two.workS).toBe(start.workS);
    expect(two.rotation).toBe(0);
  });

  it('scores a record as (successes + 1) / (attempts + 2)', () => {
    expect(recordScore({ successes: 7, attempts: 9 })).toBe(8 / 11);
    expect(recordScore(undefined)).toBe(0.5);
  });
});
