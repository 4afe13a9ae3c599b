/**
 * `round_robin` (contract section 5): each task, in natural order of task_id, goes to the next
 * agent in rotation over the run's agent list that is a candidate for it; the rotation then
 * continues after that agent, across waves (`StrategyState.rotation`).
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { RerouteRule, Strategy, StrategyState, WaveAssignment } from './types.ts';
import type { Pick } from './common.ts';
import { WaveBook, rerouteWith } from './common.ts';

/** One line for `--help` and the report. */
export const ROUND_ROBIN_DESCRIPTION = 'each task to the next candidate agent in rotation; the rotation continues across waves';

/** Steps forward from `rotation` (mod n) to the first of the given agent indices. */
function distance(agent: number, rotation: number, n: number): number {
  return (((agent - rotation) % n) + n) % n;
}

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  const n = agents.length;
  let rotation = n > 0 ? state.rotation % n : state.rotation;
  for (const task of wave.tasks) {
    let pick: Pick | null = null;
    let bestDistance = Infinity;
    for (const prediction of book.eligible(task)) {
      const agent = book.agentOf(task, prediction.agentId);
      const d = distance(agent, rotation, n);
      if (d < bestDistance) {
        bestDistance = d;
        pick = { prediction, agent };
      }
    }
    if (pick === null) throw new Error(`task "${task.taskId}" (wave ${task.wave}) has no candidate agent`);
    book.place(task, pick);
    rotation = (pick.agent + 1) % n;
  }
  return book.finish(state, rotation);
}

/** Index of `agent` in the run's agent list (by id), -1 when absent. */
function indexOf(agents: readonly AgentProfile[], agent: AgentProfile): number {
  for (let i = 0; i < agents.length; i++) if ((agents[i] as AgentProfile).agentId === agent.agentId) return i;
  return -1;
}

/**
 * Reroutes to the next agent in rotation (over the run's agent list) among the pool; the
 * rotation continues after it. Each agent has its own distance, so the pool's order is moot.
 */
const rule: RerouteRule = {
  choose(task, pool, agents, state) {
    const n = agents.length;
    let best = -1;
    let bestDistance = Infinity;
    for (const agent of pool) {
      const index = indexOf(agents, agent);
      if (index < 0) continue;
      const d = distance(index, state.rotation, n);
      if (d < bestDistance) {
        best = index;
        bestDistance = d;
      }
    }
    const to = agents[best];
    if (to === undefined) throw new Error(`reroute of task "${task.taskId}": no allowed agent is in the run's agent list`);
    return to;
  },
  rotationAfter: (to, agents) => (indexOf(agents, to) + 1) % agents.length,
};

/** The `round_robin` strategy. */
export const roundRobinStrategy: Strategy = { name: 'round_robin', description: ROUND_ROBIN_DESCRIPTION, assignWave, reroute: rerouteWith(rule), rule };
