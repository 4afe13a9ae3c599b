/**
 * `--time-scale F` (contract section 11): in a world that waits real time, every delay the
 * engine waits is multiplied by F (0.01 = a hundred times shorter, for tests and demos).
 *
 * The factor is applied to the delay options the engine is built with (backoff base and cap,
 * circuit cooldown), not to the clock: so the clock stays the real one, and what artifacts say
 * is what happened: `retry_delays_s` holds the seconds really waited, and start and end times
 * are real times (docs/decisions.md). `run.json` keeps the options as given, with `time_scale`.
 * The wave deadline is not scaled: it bounds real time since the wave began.
 */
import type { SimulationOptions } from '../options.ts';

/**
 * `options` with backoff base, backoff cap and circuit cooldown multiplied by `factor`.
 * @param factor - > 0; 1 returns `options` itself
 */
export function scaleDelays<T extends Pick<SimulationOptions, 'retry' | 'breaker'>>(options: T, factor: number): T {
  if (factor === 1) return options;
  return {
    ...options,
    retry: { ...options.retry, baseS: options.retry.baseS * factor, capS: options.retry.capS * factor },
    breaker: { ...options.breaker, cooldownS: options.breaker.cooldownS * factor },
  };
}
