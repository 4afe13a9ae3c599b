/**
 * The state a strategy carries across a run (contract section 5): run-cumulative work per
 * agent, the round-robin rotation, and per-agent records of earlier waves for `priority`.
 *
 * Every function here is pure: it returns a new, frozen state and never mutates its input.
 */
import type { AgentProfile } from '../plan/model.ts';
import type { StrategyStateRecord } from '../schema/checkpoint.ts';
import type { WaveExecution } from '../simulate/types.ts';
import type { AgentRecord, StrategyState } from './types.ts';

/**
 * The state at the start of a run: work 0 for every agent (keys in the order of `agents`,
 * which is the run's natural order), rotation 0, no records, no waves recorded.
 * @param agents - the run's agents in natural order of agent id.
 */
export function initialStrategyState(agents: readonly AgentProfile[]): StrategyState {
  const workS = new Map<string, number>();
  for (const agent of agents) workS.set(agent.agentId, 0);
  return Object.freeze({ rotation: 0, workS, records: new Map<string, AgentRecord>(), wavesRecorded: 0 });
}

/**
 * Folds one finished wave into `records`: for each agent of `execution.agents`, adds its
 * `attempts` and `successfulAttempts` (AgentWaveStats) to the agent's record, and increments
 * `wavesRecorded`. Agents with no stats in the wave keep their record. Pure: returns a new state.
 * The `priority` strategy scores an agent's record as (successes + 1) / (attempts + 2)
 * (contract section 5; Laplace's rule of succession).
 */
export function recordWave(state: StrategyState, execution: WaveExecution): StrategyState {
  const records = new Map<string, AgentRecord>(state.records);
  for (const stats of execution.agents) {
    const previous = records.get(stats.agentId);
    records.set(stats.agentId, {
      successes: (previous?.successes ?? 0) + stats.successfulAttempts,
      attempts: (previous?.attempts ?? 0) + stats.attempts,
    });
  }
  return Object.freeze({ ...state, records, wavesRecorded: state.wavesRecorded + 1 });
}

/** The record score (successes + 1) / (attempts + 2); 0.5 for an agent with no record. */
export function recordScore(record: AgentRecord | undefined): number {
  return ((record?.successes ?? 0) + 1) / ((record?.attempts ?? 0) + 2);
}

/** The state as checkpoint.json holds it: maps as lists in their iteration order. */
export function strategyStateRecord(state: StrategyState): StrategyStateRecord {
  return {
    rotation: state.rotation,
    work_s: [...state.workS].map(([agent_id, work_s]) => ({ agent_id, work_s })),
    records: [...state.records].map(([agent_id, r]) => ({ agent_id, successes: r.successes, attempts: r.attempts })),
    waves_recorded: state.wavesRecorded,
  };
}

/** The state back from {@link strategyStateRecord}'s form (same map order, frozen). */
export function strategyStateOf(record: StrategyStateRecord): StrategyState {
  return Object.freeze({
    rotation: record.rotation,
    workS: new Map(record.work_s.map((w) => [w.agent_id, w.work_s])),
    records: new Map<string, AgentRecord>(record.records.map((r) => [r.agent_id, { successes: r.successes, attempts: r.attempts }])),
    wavesRecorded: record.waves_recorded,
  });
}
