/**
 * `schedule` (contract section 5): each task, in natural order of task_id, goes to Phase 20's
 * suggested agent (`Task.suggested`, from `predicted_schedule.jsonl`) when there is one and it
 * is a capable candidate; otherwise to the candidate with the least run-cumulative work, as
 * `load_balanced` (whose count includes the suggested placements made so far).
 */
import type { AgentProfile, WavePlan } from '../plan/model.ts';
import type { Strategy, StrategyState, WaveAssignment } from './types.ts';
import { WaveBook } from './common.ts';
import { leastWorkRule, rerouteLeastWork } from './load-balanced.ts';

/** One line for `--help` and the report. */
export const SCHEDULE_DESCRIPTION = "each task to Phase 20's suggested agent; least work where there is no suggestion";

function assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment {
  const book = new WaveBook(agents, state);
  for (const task of wave.tasks) {
    const agentId = task.suggested?.agentId ?? null;
    const suggested = agentId === null ? null : (book.eligible(task).find((prediction) => prediction.agentId === agentId) ?? null);
    book.place(task, suggested === null ? book.leastRunWork(task) : { prediction: suggested, agent: book.agentOf(task, suggested.agentId) });
  }
  return book.finish(state);
}

/** The `schedule` strategy. Reroutes as `load_balanced` (least work). */
export const scheduleStrategy: Strategy = { name: 'schedule', description: SCHEDULE_DESCRIPTION, assignWave, reroute: rerouteLeastWork, rule: leastWorkRule };
