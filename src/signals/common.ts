/**
 * Helpers shared by the signal builders: confidence tiers, deterministic ids, fixed-decimal
 * number formatting for recommendation text (contract section 7).
 */
import type { SignalConfidence, SignalType } from '../schema/signals.ts';
import { fixed, plural } from '../util/format.ts';

/** Subject of a signal about the whole wave. */
export const ALL = 'all';

/** Phase each signal type feeds (contract section 7). */
export const TARGET_PHASE = {
  agent_performance: 18,
  multi_agent_coordination: 18,
  heuristic_feedback: 16,
  prediction_validation: 20,
} as const satisfies Record<SignalType, 16 | 18 | 20>;

/** Confidence by sample size n (contract section 7): n < 3 gives 0.5, 3-10 gives 0.7, > 10 gives 0.9. */
export function confidenceFor(n: number): SignalConfidence {
  if (n < 3) return 0.5;
  if (n <= 10) return 0.7;
  return 0.9;
}

/** `w<wave>-<type>-<subject>`, e.g. `w2-prediction_validation-agent_1`. */
export function signalId(wave: number, type: SignalType, subject: string): string {
  return `w${wave}-${type}-${subject}`;
}

/** `x` with `decimals` fixed decimals (src/util/format.ts). */
export { fixed };

/** A share as a percentage with one decimal, e.g. `12.5%`. */
export function percent(share: number): string {
  return `${fixed(share * 100, 1)}%`;
}

/**
 * `x` with `decimals` decimals, or with more (up to 6) when that many would print it equal to
 * the `threshold` it was compared with, so a text never reads "0.50 < 0.50".
 */
export function fixedVs(x: number, threshold: number, decimals = 2): string {
  for (let d = decimals; d < 6; d++) {
    if (fixed(x, d) !== fixed(threshold, d)) return fixed(x, d);
  }
  return fixed(x, 6);
}

/** {@link percent} with the same rule as {@link fixedVs}: e.g. `10.04%` against a 10% threshold. */
export function percentVs(share: number, threshold: number): string {
  return `${fixedVs(share * 100, threshold * 100, 1)}%`;
}

export { plural };
