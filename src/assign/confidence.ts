/**
 * `confidence` (contract section 5): tasks taken by their best p descending, then natural
 * task_id; each goes to the candidate with the highest p for it, among candidates whose work in
 * this wave is under 1.25 x the wave's fair share (all candidates when none is); ties to the
 * least in-wave work, then natural order.
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import { bestProbability } from '../plan/model.ts';
import type { RerouteRule, Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook, bestInPool, fairShareCap, probabilityOn, rerouteWith, takingOrder } from './common.ts';

/** One line for `--help` and the report. */
export const CONFIDENCE_DESCRIPTION = 'most confident tasks first; each to the agent with the highest p for it, capped at 1.25 x fair share per wave';

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  const cap = fairShareCap(wave.tasks, book);
  const order = takingOrder(wave.tasks, bestProbability, (a, b) => b - a);
  for (const task of order) book.place(task, book.capped(task, cap, (prediction) => prediction.p));
  return book.finish(state);
}

/**
 * Reroutes to the pool agent with the highest p(t, a) (the task's mean p for a non-candidate);
 * ties to the least run-cumulative work, then natural order.
 */
const rule: RerouteRule = {
  choose: (task, pool, _agents, state) => bestInPool(pool, state, (agent) => probabilityOn(task, agent.agentId)),
};

/** The `confidence` strategy. */
export const confidenceStrategy: Strategy = { name: 'confidence', description: CONFIDENCE_DESCRIPTION, assignWave, reroute: rerouteWith(rule), rule };
