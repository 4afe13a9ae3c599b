/**
 * The simulated world (contract section 3): the outcome and duration of an attempt drawn from
 * the world model, completed on the virtual clock. The executor port itself (`AttemptRequest`,
 * `AttemptResult`, `Executor`) lives in src/ports.ts; every world passes the conformance suite
 * in test/worlds/executor-conformance.ts.
 */
import type { AttemptRequest, AttemptResult, Executor, Scheduler } from '../ports.ts';
import type { KeyedRandom } from './rng.ts';

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
  const { wave, attempt } = request;
  const taskId = request.task.taskId;
  const agentId = request.agent.agentId;
  const q = trueSuccessProbability(request.p, request.agent.reliabilityOffset, attempt);
  const u = rng.uniform({ wave, taskId, agentId, attempt, purpose: 'success' });
  const s = world.durationNoise;
  const z = s === 0 ? 0 : rng.normal({ wave, taskId, agentId, attempt, purpose: 'duration' });
  const durationS = request.predictedTimeS * request.agent.speed * Math.exp(s * z - (s * s) / 2);
  return { succeeded: u < q, durationS, source: 'simulated' };
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
