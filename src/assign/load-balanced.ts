/**
 * `load_balanced`, the default (contract section 5): each task, in natural order of task_id,
 * goes to the candidate agent with the least run-cumulative work (sum of predicted_time x
 * speed of the tasks given to it so far in the run); ties to the first in natural order.
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { RerouteDecision, RerouteRequest, Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook, bestInPool, moveTask, reroutePool, workOf } from './common.ts';

/** One line for `--help` and the report. */
export const LOAD_BALANCED_DESCRIPTION = 'each task to the candidate agent with the least work so far in the run (default)';

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  for (const task of wave.tasks) book.place(task, book.leastRunWork(task));
  return book.finish(state);
}

/** Reroutes to the agent of the pool with the least run-cumulative work (also used by `schedule`). */
export function rerouteLeastWork({ task, from, allowed }: RerouteRequest, state: StrategyState): RerouteDecision {
  const to = bestInPool(reroutePool(task, allowed), state, (agent) => -workOf(state, agent.agentId));
  return moveTask(task, from, to, state);
}

/** The `load_balanced` strategy. */
export const loadBalancedStrategy: Strategy = { name: 'load_balanced', description: LOAD_BALANCED_DESCRIPTION, assignWave, reroute: rerouteLeastWork };
