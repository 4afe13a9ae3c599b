/**
 * `load_balanced`, the default (contract section 5): each task, in natural order of task_id,
 * goes to the capable candidate with the least run-cumulative work per slot (sum of
 * predicted_time x speed of the tasks given to it so far in the run, divided by its
 * max_concurrency); ties to the first in natural order.
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { RerouteDecision, RerouteRequest, Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook, bestInPool, moveTask, reroutePool, workPerSlotOf } from './common.ts';

/** One line for `--help` and the report. */
export const LOAD_BALANCED_DESCRIPTION = 'each task to the capable candidate with the least work per slot so far in the run (default)';

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  for (const task of wave.tasks) book.place(task, book.leastRunWork(task));
  return book.finish(state);
}

/** Reroutes to the agent of the pool with the least run-cumulative work per slot (also used by `schedule`). */
export function rerouteLeastWork({ task, from, allowed }: RerouteRequest, state: StrategyState): RerouteDecision {
  const to = bestInPool(reroutePool(task, allowed), state, (agent) => -workPerSlotOf(state, agent));
  return moveTask(task, from, to, state);
}

/** The `load_balanced` strategy. */
export const loadBalancedStrategy: Strategy = { name: 'load_balanced', description: LOAD_BALANCED_DESCRIPTION, assignWave, reroute: rerouteLeastWork };
