/**
 * `priority` (contract section 5): tasks taken by priority (1 first), then best p descending,
 * then natural task_id; each goes to the candidate with the best record, among candidates whose
 * work in this wave is under 1.25 x the wave's fair share (all candidates when none is); ties
 * to the least in-wave work, then natural order.
 *
 * Record score: (successes + 1) / (attempts + 2) over earlier waves (`state.records`, Laplace's
 * rule of succession) once a wave has been recorded; in the first wave (`wavesRecorded === 0`)
 * the agent's mean predicted p over this wave's tasks it is a candidate for.
 */
import type { AgentProfile, Task, WavePlan } from '../plan/model.ts';
import { bestProbability } from '../plan/model.ts';
import type { RerouteRule, Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook, bestInPool, fairShareCap, probabilityOn, rerouteWith, takingOrder } from './common.ts';
import { recordScore } from './state.ts';

/** One line for `--help` and the report. */
export const PRIORITY_DESCRIPTION = 'priority 1 first, then best p; each to the agent with the best record, capped at 1.25 x fair share per wave';

/** Record score per agent index: Laplace record once waves are recorded, else mean predicted p over the wave. */
export function agentScores(tasks: readonly Task[], book: WaveBook, state: StrategyState): Float64Array {
  const scores = new Float64Array(book.agents.length);
  if (state.wavesRecorded > 0) {
    book.agents.forEach((agent, i) => {
      scores[i] = recordScore(state.records.get(agent.agentId));
    });
    return scores;
  }
  const counts = new Float64Array(book.agents.length);
  for (const task of tasks) {
    for (const prediction of task.predictions) {
      const agent = book.agentOf(task, prediction.agentId);
      scores[agent] = (scores[agent] ?? 0) + prediction.p;
      counts[agent] = (counts[agent] ?? 0) + 1;
    }
  }
  counts.forEach((count, i) => {
    scores[i] = count > 0 ? (scores[i] ?? 0) / count : 0;
  });
  return scores;
}

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  const scores = agentScores(wave.tasks, book, state);
  const cap = fairShareCap(wave.tasks, book);
  const order = takingOrder(
    wave.tasks,
    (task) => ({ priority: task.priority, best: bestProbability(task) }),
    (a, b) => a.priority - b.priority || b.best - a.best,
  );
  for (const task of order) book.place(task, book.capped(task, cap, (_prediction, agent) => scores[agent] ?? 0));
  return book.finish(state);
}

/**
 * Reroutes to the pool agent with the best record (no cap: the state holds no in-wave work);
 * in the first wave, where there is no record, the best p(t, a) for this task (the task's mean
 * p for a non-candidate). Ties to the least run-cumulative work, then natural order.
 */
const rule: RerouteRule = {
  choose(task, pool, _agents, state) {
    const score = state.wavesRecorded > 0
      ? (agent: AgentProfile) => recordScore(state.records.get(agent.agentId))
      : (agent: AgentProfile) => probabilityOn(task, agent.agentId);
    return bestInPool(pool, state, score);
  },
};

/** The `priority` strategy. */
export const priorityStrategy: Strategy = { name: 'priority', description: PRIORITY_DESCRIPTION, assignWave, reroute: rerouteWith(rule), rule };
