/**
 * The longest a run can last on the simulated clock, and the check that its artifacts can
 * name every instant of it (contract section 8: times are ISO-8601 strings of the epoch plus
 * simulated seconds, and `Date#toISOString` has a 4-digit year only up to 9999-12-31).
 *
 * The bound is a worst case, not an estimate: every draw at its extreme, every attempt failing
 * and retried, every attempt run one after another (one agent doing all the work while every
 * other circuit is open), and the longest wait between two attempts. It is what makes "no
 * input or option can push a time past 9999" a guarantee rather than a likelihood.
 */
import type { SimulationOptions } from '../options.ts';
import type { PlanSource, RunPlan } from '../plan/model.ts';
import { DEFAULT_PROFILE } from '../plan/model.ts';
import { LAST_ARTIFACT_MS } from '../util/time.ts';

/**
 * Largest |z| the keyed generator's normal draw can return: Box-Muller gives
 * sqrt(-2 ln u1) |cos(2 pi u2)| with u1 >= 2^-53 (`rng.ts`: u1 = 1 - uniform, uniform < 1 on a
 * 2^-53 grid), so |z| <= sqrt(106 ln 2) = 8.5717...
 */
export const MAX_ABS_NORMAL = Math.sqrt(-2 * Math.log(2 ** -53));

/**
 * Largest duration factor exp(s z - s^2/2) (contract section 3) over |z| <= {@link MAX_ABS_NORMAL}:
 * exp(s x 8.5717 - s^2/2); 1 when s = 0. About 8.3 at the default s = 0.25.
 */
export function maxNoiseFactor(durationNoise: number): number {
  if (durationNoise === 0) return 1;
  return Math.exp(durationNoise * MAX_ABS_NORMAL - (durationNoise * durationNoise) / 2);
}

/**
 * An upper bound on the simulated seconds from the start of the first wave to the end of the
 * last, for `plan` run with `options`:
 *
 *   sum over tasks of  attempts x (longest predicted time x largest speed x noise
 *                                  + longest backoff delay + breaker cooldown)
 *
 * where attempts = `--max-attempts` (1 under `--retry none`), speed is the largest of any
 * agent (1 without profiles), noise is {@link maxNoiseFactor}, the backoff delay is at most
 * max(base, cap) (jitter only shortens it) and a wait for a closed circuit is at most one
 * cooldown per attempt (each cooldown ends in a probe attempt). Waves run one after another,
 * so their bounds add up. Pure; O(predictions) for a {@link RunPlan}, O(tasks) for a
 * {@link PlanSource} (whose pass 1 kept each task's longest time, in read order: the sum can
 * differ from the RunPlan's in its last bits, far below the margin the bound already has).
 */
export function maxRunSeconds(plan: HorizonPlan, options: Pick<SimulationOptions, 'retry' | 'breaker' | 'durationNoise'>): number {
  let speed = plan.agents.length === 0 ? DEFAULT_PROFILE.speed : 0;
  for (const agent of plan.agents) if (agent.speed > speed) speed = agent.speed;
  const attempts = options.retry.policy === 'none' ? 1 : options.retry.maxAttempts;
  const delay = options.retry.policy === 'none' ? 0 : Math.max(options.retry.baseS, options.retry.capS);
  const noise = maxNoiseFactor(options.durationNoise);
  let total = 0;
  if ('longestTimesS' in plan) {
    for (const wave of plan.longestTimesS) for (const longest of wave) total += attempts * (longest * speed * noise + delay + options.breaker.cooldownS);
    return total;
  }
  for (const wave of plan.waves) {
    for (const task of wave.tasks) {
      let longest = 0;
      for (const prediction of task.predictions) if (prediction.predictedTimeS > longest) longest = prediction.predictedTimeS;
      total += attempts * (longest * speed * noise + delay + options.breaker.cooldownS);
    }
  }
  return total;
}

/** A plan with every task in memory, or a streamed one. */
export type HorizonPlan = Pick<RunPlan, 'agents' | 'waves'> | Pick<PlanSource, 'agents' | 'longestTimesS'>;

/**
 * Why the run could print a time past 9999-12-31T23:59:59.999Z, or null when it cannot:
 * `epochMs` plus {@link maxRunSeconds} must not pass that instant.
 * @param epochMs the run's epoch, epoch milliseconds
 * @returns a problem naming the bound, the epoch and what to change
 */
export function horizonProblem(plan: HorizonPlan, options: Pick<SimulationOptions, 'retry' | 'breaker' | 'durationNoise'>, epochMs: number): string | null {
  const maxS = maxRunSeconds(plan, options);
  const leftS = (LAST_ARTIFACT_MS - epochMs) / 1000;
  if (maxS <= leftS) return null;
  const epoch = new Date(epochMs).toISOString();
  return (
    `the run could last up to ${maxS.toPrecision(3)} s of simulated time (every attempt of every task failing at its longest ` +
    `duration), and from the epoch ${epoch} only ${leftS.toPrecision(3)} s remain before 9999-12-31T23:59:59.999Z, ` +
    'the last time an artifact can hold; use an earlier --epoch, or shorter predicted_execution_time, fewer attempts or less --duration-noise'
  );
}
