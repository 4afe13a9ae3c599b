import { describe, expect, it } from 'vitest';
import { STRATEGIES, UnknownStrategyError, getStrategy } from '../../src/assign/registry.ts';
import { STRATEGY_NAMES } from '../../src/options.ts';

describe('strategy registry', () => {
  it('holds every strategy under its own name, in contract order, each with a one-line description', () => {
    expect([...STRATEGIES.keys()]).toEqual([...STRATEGY_NAMES]);
    for (const name of STRATEGY_NAMES) {
      const strategy = getStrategy(name);
      expect(strategy.name).toBe(name);
      expect(strategy.description).toMatch(/^[^\n]{10,}$/);
    }
  });

  it('names the unknown strategy and lists the known ones', () => {
    expect(() => getStrategy('fastest')).toThrow(UnknownStrategyError);
    expect(() => getStrategy('fastest')).toThrow(
      'unknown strategy "fastest"; known: round_robin, load_balanced, priority, confidence, schedule, capability',
    );
    expect(() => getStrategy('Round_Robin')).toThrow('unknown strategy "Round_Robin"');
  });
});
