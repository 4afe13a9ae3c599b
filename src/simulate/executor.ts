/**
 * The executor port: how one attempt runs. The engine hands it a request and a completion
 * callback; the simulated backend draws the outcome from the world model (contract section 3)
 * and completes on the virtual clock. A real backend (an agent run as a subprocess) implements
 * the same interface and completes when the process exits. Conformance tests for any
 * implementation live in test/simulate/executor-conformance.ts.
 */
import type { AgentProfile, Task } from '../plan/model.ts';
import type { KeyedRandom } from './rng.ts';
import type { Scheduler } from './scheduler.ts';

/** One attempt to run. */
export interface AttemptRequest {
  readonly wave: number;
  readonly task: Task;
  readonly agent: AgentProfile;
  /** 0 for the first attempt of the task (counted across agents). */
  readonly attempt: number;
  /** p(t, a), or the task's mean p when the agent is no candidate (contract section 3). */
  readonly p: number;
  /** predicted_execution_time(t, a), or the task's mean, seconds. */
  readonly predictedTimeS: number;
}

/** How an attempt ended. */
export interface AttemptResult {
  readonly succeeded: boolean;
  /** Time the attempt took, seconds, > 0. */
  readonly durationS: number;
}

/** Runs attempts. */
export interface Executor {
  /** Backend name, recorded in run.json (`simulated`). */
  readonly name: string;
  /**
   * Starts `request` now. Must call `done` exactly once, later (never synchronously), at the
   * scheduler time the attempt ends.
   */
  start(request: AttemptRequest, done: (result: AttemptResult) => void): void;
}

/** The world model's knobs. */
export interface WorldOptions {
  /** Log-normal duration noise s; >= 0; default 0.25 (contract section 3). */
  readonly durationNoise: number;
}

/** Lower and upper clamp of the true success probability (contract section 3). */
export const Q_MIN = 0.01;
export const Q_MAX = 0.99;
/** How much each further attempt lowers the true success probability. */
export const RETRY_PENALTY = 0.05;

/**
 * The true success probability of attempt k (contract section 3):
 * q = clamp(p + reliability_offset(a) - 0.05 k, 0.01, 0.99).
 */
export function trueSuccessProbability(p: number, reliabilityOffset: number, attempt: number): number {
  return Math.min(Q_MAX, Math.max(Q_MIN, p + reliabilityOffset - RETRY_PENALTY * attempt));
}

/**
 * Draws one attempt's outcome from the world model (contract section 3): it succeeds when its
 * uniform draw u < q; it lasts predicted_time x speed x exp(s z - s^2/2) with z standard normal,
 * so the mean multiplier is 1 (log-normal with E = 1). Pure in (rng seed, request).
 */
export function drawAttempt(rng: KeyedRandom, request: AttemptRequest, world: WorldOptions): AttemptResult {
  const key = {
    wave: request.wave,
    taskId: request.task.taskId,
    agentId: request.agent.agentId,
    attempt: request.attempt,
  };
  const q = trueSuccessProbability(request.p, request.agent.reliabilityOffset, request.attempt);
  const u = rng.uniform({ ...key, purpose: 'success' });
  const s = world.durationNoise;
  const z = s === 0 ? 0 : rng.normal({ ...key, purpose: 'duration' });
  const durationS = request.predictedTimeS * request.agent.speed * Math.exp(s * z - (s * s) / 2);
  return { succeeded: u < q, durationS };
}

/** The simulated backend: outcomes from {@link drawAttempt}, completion on the virtual clock. */
export class SimulatedExecutor implements Executor {
  readonly name = 'simulated';

  constructor(
    private readonly rng: KeyedRandom,
    private readonly world: WorldOptions,
    private readonly scheduler: Scheduler,
  ) {}

  start(request: AttemptRequest, done: (result: AttemptResult) => void): void {
    const result = drawAttempt(this.rng, request, this.world);
    this.scheduler.at(this.scheduler.now() + result.durationS, () => {
      done(result);
    });
  }
}
