/**
 * What the simulation produces: per-task outcomes, per-agent statistics and every gate
 * decision of a wave. Times are simulated seconds since the run began (time zero is
 * `--epoch`); artifacts turn them into ISO-8601 strings at the edge.
 */
import type { AttemptProcess, AttemptSource } from '../ports.ts';
import type { BreakerState } from './breaker.ts';

/** How a task ended (contract section 1). */
export type TaskStatus = 'succeeded' | 'failed' | 'blocked';

/** One try of a task on one agent. */
export interface AttemptRecord {
  /** 0 for the first try. */
  readonly attempt: number;
  readonly agentId: string;
  /** Seconds since run start. */
  readonly startS: number;
  readonly endS: number;
  readonly succeeded: boolean;
  /** True when this attempt was the half-open probe of its agent's circuit. */
  readonly probe: boolean;
  /** Where the outcome came from (the world's executor). */
  readonly source: AttemptSource;
  /** The command's exit and output (`--world subprocess`); null in other worlds. */
  readonly process: AttemptProcess | null;
}

/** A safety gate's refusal. */
export interface GateRefusal {
  /** Registry name of the refusing gate, e.g. `min_probability`. */
  readonly gate: string;
  readonly reason: string;
}

/** The gates' verdict before one attempt: the first refusal, or allow. */
export interface GateDecision {
  readonly wave: number;
  readonly taskId: string;
  readonly agentId: string;
  readonly attempt: number;
  /** Seconds since run start. */
  readonly timeS: number;
  /** null when every gate allowed the attempt. */
  readonly refusal: GateRefusal | null;
}

/** Everything that happened to one task in its wave. */
export interface TaskOutcome {
  readonly wave: number;
  readonly taskId: string;
  readonly priority: 1 | 2 | 3;
  /** The agent the strategy first gave the task. */
  readonly assignedAgentId: string;
  /** The agent the task ended on (after reroutes). */
  readonly agentId: string;
  /** Phase 20's suggested agent, or null. */
  readonly suggestedAgentId: string | null;
  readonly status: TaskStatus;
  /** Every attempt, in order; empty when blocked before the first. */
  readonly attempts: readonly AttemptRecord[];
  /** Backoff delay waited before each retry, seconds (length = attempts - 1 at most). */
  readonly retryDelaysS: readonly number[];
  /** The refusal that blocked the task, or null. */
  readonly refusal: GateRefusal | null;
  /** Times the task moved to another agent because a circuit opened. */
  readonly reroutes: number;
  /** Times an idle agent took the task from another's queue (work stealing, contract 4.6). */
  readonly steals: number;
  /** When the task became ready: its wave's start, seconds since run start. */
  readonly readyS: number;
  /** First attempt start (or the refusal time when blocked), seconds since run start. */
  readonly startS: number;
  /** Last attempt end (or the refusal time when blocked), seconds since run start. */
  readonly endS: number;
  /** p(t, a) for the agent of the first attempt (or the blocking agent); the mean when a is no candidate. */
  readonly predictedP: number;
  /** predicted_execution_time(t, a) for the same agent, seconds. */
  readonly predictedTimeS: number;
}

/** One agent's figures for one wave. */
export interface AgentWaveStats {
  readonly agentId: string;
  /** Tasks that ended on this agent. */
  readonly tasks: number;
  readonly attempts: number;
  readonly successfulAttempts: number;
  /** Time with at least one attempt running, seconds. */
  readonly busyS: number;
  /** Time the circuit was not closed (open, or half-open until a probe closed it) within the wave, seconds. */
  readonly openS: number;
  /** Times the circuit opened during the wave. */
  readonly circuitOpenings: number;
  /** Tasks this agent took from other agents' queues (work stealing). */
  readonly steals: number;
}

/** The result of one simulated wave. */
export interface WaveExecution {
  readonly wave: number;
  /** Seconds since run start. */
  readonly startS: number;
  /** When the wave's last event finished, seconds since run start (>= startS). */
  readonly endS: number;
  /** One per task, natural order of task_id. */
  readonly outcomes: readonly TaskOutcome[];
  /** One per agent of the run, natural order of agent_id. */
  readonly agents: readonly AgentWaveStats[];
  /** Every gate verdict, in simulated time order. */
  readonly gateDecisions: readonly GateDecision[];
}

/**
 * A circuit transition or a reroute, as the engine reports it while a wave runs (the pipeline
 * turns these into events.jsonl records). `timeS` is seconds since run start.
 */
export type SimulationEvent =
  | { readonly type: 'circuit_opened' | 'circuit_half_open' | 'circuit_closed'; readonly agentId: string; readonly timeS: number }
  | { readonly type: 'task_rerouted' | 'task_stolen'; readonly taskId: string; readonly fromAgentId: string; readonly toAgentId: string; readonly timeS: number };

/** The engine's state between two waves (checkpoint.json): breakers and pending cooldown timers. */
export interface SimulationSnapshot {
  /** Every agent's breaker, in the run's agent order. */
  readonly breakers: readonly { readonly agentId: string; readonly state: BreakerState }[];
  /** Agents whose circuit is open with its cooldown timer pending, in the order the timers were set. */
  readonly cooldowns: readonly string[];
  /** Outcomes of earlier tasks a later wave depends on (section 10), wave by wave in plan order. */
  readonly decided: readonly { readonly wave: number; readonly taskId: string; readonly status: TaskStatus }[];
}
