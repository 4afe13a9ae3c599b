/**
 * `load_balanced`, the default (contract section 5): each task, in natural order of task_id,
 * goes to the capable candidate with the least run-cumulative work per slot (sum of
 * predicted_time x speed of the tasks given to it so far in the run, divided by its
 * max_concurrency); ties to the first in natural order.
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { RerouteRule, Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook, bestInPool, rerouteWith, workPerSlotOf } from './common.ts';

/** One line for `--help` and the report. */
export const LOAD_BALANCED_DESCRIPTION = 'each task to the capable candidate with the least work per slot so far in the run (default)';

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  for (const task of wave.tasks) book.place(task, book.leastRunWork(task));
  return book.finish(state);
}

/** Reroutes to the agent of the pool with the least run-cumulative work per slot (also used by `schedule`). */
export const leastWorkRule: RerouteRule = {
  choose: (_task, pool, _agents, state) => bestInPool(pool, state, (agent) => -workPerSlotOf(state, agent)),
};

/** {@link leastWorkRule} as a strategy's pure `reroute`. */
export const rerouteLeastWork: Strategy['reroute'] = rerouteWith(leastWorkRule);

/** The `load_balanced` strategy. */
export const loadBalancedStrategy: Strategy = { name: 'load_balanced', description: LOAD_BALANCED_DESCRIPTION, assignWave, reroute: rerouteLeastWork, rule: leastWorkRule };
