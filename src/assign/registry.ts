/**
 * The strategy registry (contract section 5): every assignment strategy by name, in the order
 * of `STRATEGY_NAMES`.
 */
import type { StrategyName } from '../options.ts';
import type { Strategy } from './types.ts';
import { capabilityStrategy } from './capability.ts';
import { confidenceStrategy } from './confidence.ts';
import { loadBalancedStrategy } from './load-balanced.ts';
import { priorityStrategy } from './priority.ts';
import { roundRobinStrategy } from './round-robin.ts';
import { scheduleStrategy } from './schedule.ts';

/** Every strategy by name: round_robin, load_balanced, priority, confidence, schedule, capability. */
export const STRATEGIES: ReadonlyMap<StrategyName, Strategy> = new Map<StrategyName, Strategy>(
  [roundRobinStrategy, loadBalancedStrategy, priorityStrategy, confidenceStrategy, scheduleStrategy, capabilityStrategy].map((s) => [s.name, s]),
);

/** A strategy name that is not in the registry. */
export class UnknownStrategyError extends Error {
  override readonly name = 'UnknownStrategyError';
  /** The known names, in registry order. */
  readonly known: readonly StrategyName[];

  /** @param strategy - the name asked for. */
  constructor(readonly strategy: string) {
    const known = [...STRATEGIES.keys()];
    super(`unknown strategy "${strategy}"; known: ${known.join(', ')}`);
    this.known = known;
  }
}

/**
 * The strategy registered under `name` (exact, case-sensitive).
 * @throws UnknownStrategyError when no strategy has that name; its message names it and lists
 *   the known ones, e.g. `unknown strategy "fastest"; known: round_robin, load_balanced, ...`
 */
export function getStrategy(name: string): Strategy {
  const strategy = STRATEGIES.get(name as StrategyName);
  if (strategy === undefined) throw new UnknownStrategyError(name);
  return strategy;
}
