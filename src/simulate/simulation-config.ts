/**
 * What the engine is given: the run-long configuration of a {@link Simulation} and the input
 * and result of one wave (re-exported by ./engine.ts, where callers import them).
 */
import type { Strategy, StrategyState, WaveAssignment } from '../assign/types.ts';
import type { BreakerOptions, GateOptions, RetryOptions } from '../options.ts';
import type { Executor, Scheduler } from '../ports.ts';
import type { AgentProfile, TaskRef, WavePlan } from '../plan/model.ts';
import type { SafetyGate } from './gates.ts';
import type { KeyedRandom } from './rng.ts';
import type { SimulationEvent, SimulationSnapshot, WaveExecution } from './types.ts';

/** What the engine needs for a whole run. */
export interface SimulationConfig {
  readonly agents: readonly AgentProfile[];
  readonly retry: RetryOptions;
  readonly breaker: BreakerOptions;
  readonly gates: GateOptions;
  /** Keyed generator; the engine draws only jitter from it (outcomes are the executor's). */
  readonly rng: KeyedRandom;
  readonly scheduler: Scheduler;
  readonly executor: Executor;
  /** Gates to run, in order; default: the registry's gates enabled by `gates`. */
  readonly gateList?: readonly SafetyGate[];
  /** Work stealing (contract section 4.6): on unless `--no-steal`. */
  readonly steal: boolean;
  /**
   * Whether a finished task's status must be kept for later waves (a later wave depends on
   * it); default: every task. The pipeline passes the plan's cross-wave dependency targets.
   */
  readonly remember?: (ref: TaskRef) => boolean;
  /**
   * Called at each circuit transition, reroute and steal, in simulated-time order (events.jsonl);
   * reroutes and steals go to {@link onTaskMoved} instead when it is given.
   */
  readonly onEvent?: (event: SimulationEvent) => void;
  /**
   * Called at each reroute and steal instead of {@link onEvent}, with the event's fields and no
   * event object (issue 10: 3.8 million reroutes at 10^6 rows). `timeS` is seconds since run start.
   */
  readonly onTaskMoved?: (type: 'task_rerouted' | 'task_stolen', taskId: string, fromAgentId: string, toAgentId: string, timeS: number) => void;
  /**
   * The state to continue from (`--resume`): breakers and pending cooldowns as
   * {@link Simulation.snapshot} gave them at the end of a wave. The scheduler must already
   * stand at that wave's end. Default: every circuit closed.
   */
  readonly initial?: SimulationSnapshot;
}

/** One wave to run: its plan and the strategy's assignment of it. */
export interface WaveInput {
  readonly wave: WavePlan;
  readonly assignment: WaveAssignment;
  readonly strategy: Strategy;
  /** Called as tasks finish: (tasks finished, tasks in the wave). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A finished wave and the strategy state after its reroutes. */
export interface WaveRunResult {
  readonly execution: WaveExecution;
  readonly strategyState: StrategyState;
}
