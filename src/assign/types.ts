/**
 * The strategy port (contract section 5). A strategy is pure: it reads a wave and the state
 * left by earlier waves and returns assignments plus the next state; it never mutates its
 * inputs. Strategies live in a registry keyed by name (`src/assign/registry.ts`).
 */
import type { AgentProfile, Task, WavePlan } from '../plan/model.ts';
import type { StrategyName } from '../options.ts';

/** An agent's record over earlier waves, for the `priority` strategy. */
export interface AgentRecord {
  readonly successes: number;
  readonly attempts: number;
}

/** What a strategy carries from one decision to the next, across the whole run. */
export interface StrategyState {
  /** Index into the agent list of the next agent in rotation (round_robin). */
  readonly rotation: number;
  /** Work per agent so far in the run: sum of predicted_execution_time x speed, seconds. */
  readonly workS: ReadonlyMap<string, number>;
  /** Attempts and successes per agent over the waves already run. */
  readonly records: ReadonlyMap<string, AgentRecord>;
  /** Waves whose outcomes are folded into `records`. */
  readonly wavesRecorded: number;
}

/** One task placed on one agent. */
export interface Assignment {
  readonly taskId: string;
  readonly agentId: string;
  /** Position in the strategy's order of taking tasks, from 0; breaks priority ties in queues. */
  readonly order: number;
  /** The work added to the agent: predicted_execution_time(t, a) x speed(a), seconds. */
  readonly workS: number;
}

/** A strategy's answer for a whole wave. */
export interface WaveAssignment {
  /** Every task of the wave, in the strategy's order (`order` = index). */
  readonly assignments: readonly Assignment[];
  readonly state: StrategyState;
}

/** A task to move because its agent's circuit opened. */
export interface RerouteRequest {
  readonly task: Task;
  /** The agent the task leaves. */
  readonly from: AgentProfile;
  /** Agents whose circuit is closed, natural order; non-empty. */
  readonly allowed: readonly AgentProfile[];
  /** Every agent of the run, natural order (the rotation of round_robin runs over it). */
  readonly agents: readonly AgentProfile[];
}

/** A strategy's answer for one reroute. */
export interface RerouteDecision {
  readonly agentId: string;
  readonly state: StrategyState;
}

/**
 * How a strategy picks the agent of a reroute (contract section 5), apart from moving the work:
 * `rerouteWith` (./common.ts) makes the strategy's `reroute` of it, and `RerouteBook` runs it
 * for a whole queue with one copy of the state.
 */
export interface RerouteRule {
  /**
   * The agent of `pool` (non-empty, capable candidates of `task`, natural order) the task goes
   * to, given `state` (read only). `agents` is the run's agent list, natural order.
   */
  choose(task: Task, pool: readonly AgentProfile[], agents: readonly AgentProfile[], state: StrategyState): AgentProfile;
  /** The rotation once the task is on `to` (round_robin); absent: unchanged. */
  rotationAfter?(to: AgentProfile, agents: readonly AgentProfile[]): number;
}

/** An assignment strategy. Implementations are pure and deterministic. */
export interface Strategy {
  readonly name: StrategyName;
  /** One line for `--help` and the report. */
  readonly description: string;
  /**
   * Assigns every task of `wave` to one of its candidate agents.
   * @param agents - the run's agents in natural order (profiles give `speed`).
   */
  assignWave(wave: WavePlan, agents: readonly AgentProfile[], state: StrategyState): WaveAssignment;
  /**
   * Picks a new agent for a task whose agent's circuit opened, among `request.allowed`, and
   * moves the task's work there.
   */
  reroute(request: RerouteRequest, state: StrategyState): RerouteDecision;
  /**
   * How `reroute` picks the agent, when the strategy is built on a rule (every registered one
   * is): lets the engine run a whole queue's reroutes on one copy of the state.
   */
  readonly rule?: RerouteRule;
}
