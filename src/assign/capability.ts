/**
 * `capability` (contract section 5): tasks taken by priority (1 first), then best p descending,
 * then natural task_id; each goes to the capable candidate (section 10) with the highest routing
 * score record x (1 - load), where record is as in `priority` (Laplace's (successes + 1) /
 * (attempts + 2) over earlier waves; mean predicted p in the first wave) and load = the agent's
 * in-wave work per slot / (1.25 x the fair share per slot), capped at 1 (the score
 * success_rate x (1 - utilization) of capability-aware routers). Ties go to the least in-wave
 * work per slot, then natural order.
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import { bestProbability } from '../plan/model.ts';
import type { RerouteRule, Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook, bestInPool, fairShareCap, rerouteWith, takingOrder } from './common.ts';
import { agentScores } from './priority.ts';
import { recordScore } from './state.ts';

/** One line for `--help` and the report. */
export const CAPABILITY_DESCRIPTION = 'priority 1 first, then best p; each to the capable agent with the best record x (1 - load this wave)';

/** The routing score record x (1 - load), load = work per slot / cap, capped at 1; `cap` Infinity gives load 0. */
export function routingScore(record: number, workPerSlotS: number, capS: number): number {
  const load = capS === Infinity ? 0 : Math.min(1, workPerSlotS / capS);
  return record * (1 - load);
}

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  const records = agentScores(wave.tasks, book, state);
  const cap = fairShareCap(wave.tasks, book);
  const order = takingOrder(
    wave.tasks,
    (task) => ({ priority: task.priority, best: bestProbability(task) }),
    (a, b) => a.priority - b.priority || b.best - a.best,
  );
  for (const task of order) {
    // No cap on the choice itself: the load term already steers away from full agents.
    book.place(task, book.capped(task, Infinity, (_prediction, agent) => routingScore(records[agent] ?? 0, book.waveWorkPerSlot(agent), cap)));
  }
  return book.finish(state);
}

/**
 * Reroutes to the capable candidate with the best record (the state holds no in-wave load);
 * ties to the least run-cumulative work per slot, then natural order.
 */
const rule: RerouteRule = {
  choose: (_task, pool, _agents, state) => bestInPool(pool, state, (agent) => recordScore(state.records.get(agent.agentId))),
};

/** The `capability` strategy. */
export const capabilityStrategy: Strategy = { name: 'capability', description: CAPABILITY_DESCRIPTION, assignWave, reroute: rerouteWith(rule), rule };
