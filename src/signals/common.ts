/**
 * Helpers shared by the signal builders: target phases, confidence tiers and deterministic ids
 * (contract section 7). Number formatting for their text is src/util/format.ts.
 */
import type { SignalConfidence, SignalType } from '../schema/signals.ts';

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
