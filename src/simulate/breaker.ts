/**
 * The per-agent circuit breaker (contract section 4), as a discriminated union whose states
 * carry their own data, with pure transitions (the shape of cockatiel's ConsecutiveBreaker).
 *
 * closed --(threshold consecutive failures)--> open --(cooldown elapsed)--> half-open
 * half-open --(probe succeeds)--> closed;  half-open --(probe fails)--> open
 *
 * Results of attempts that started before the circuit opened do not move an open or half-open
 * circuit: only the half-open probe decides (docs/decisions.md).
 */
import type { BreakerOptions } from '../options.ts';

/** Breaker state of one agent. */
export type BreakerState =
  | { readonly kind: 'closed'; readonly consecutiveFailures: number }
  | { readonly kind: 'open'; readonly openedAtS: number; readonly halfOpenAtS: number }
  | { readonly kind: 'half-open'; readonly probeInFlight: boolean };

/** A new, closed breaker. */
export const CLOSED: BreakerState = { kind: 'closed', consecutiveFailures: 0 };

/** What the breaker lets an agent do now. */
export type Admission = 'start' | 'probe' | 'refuse';

/** Whether the agent may start an attempt: freely (closed), as the one probe (half-open), or not. */
export function admission(state: BreakerState): Admission {
  switch (state.kind) {
    case 'closed':
      return 'start';
    case 'half-open':
      return state.probeInFlight ? 'refuse' : 'probe';
    case 'open':
      return 'refuse';
  }
}

/** The state after the half-open probe starts. Other states are returned unchanged. */
export function probeStarted(state: BreakerState): BreakerState {
  return state.kind === 'half-open' ? { kind: 'half-open', probeInFlight: true } : state;
}

/** The result of feeding an attempt's outcome to the breaker. */
export interface BreakerTransition {
  readonly state: BreakerState;
  /** True when this outcome opened (or re-opened) the circuit. */
  readonly opened: boolean;
}

/**
 * Feeds one finished attempt to the breaker.
 * @param probe - whether the attempt was this circuit's half-open probe
 * @param nowS - the simulated time of the outcome, seconds
 */
export function recordOutcome(
  state: BreakerState,
  succeeded: boolean,
  probe: boolean,
  nowS: number,
  options: BreakerOptions,
): BreakerTransition {
  const open = (): BreakerTransition => ({
    state: { kind: 'open', openedAtS: nowS, halfOpenAtS: nowS + options.cooldownS },
    opened: true,
  });
  switch (state.kind) {
    case 'closed': {
      if (succeeded) return { state: CLOSED, opened: false };
      const consecutiveFailures = state.consecutiveFailures + 1;
      if (consecutiveFailures >= options.threshold) return open();
      return { state: { kind: 'closed', consecutiveFailures }, opened: false };
    }
    case 'half-open':
      if (!probe) return { state, opened: false };
      return succeeded ? { state: CLOSED, opened: false } : open();
    case 'open':
      return { state, opened: false };
  }
}

/**
 * The state once the cooldown has elapsed: an open circuit becomes half-open.
 * @throws RangeError when called before `halfOpenAtS` (a scheduling bug)
 */
export function cooldownElapsed(state: BreakerState, nowS: number): BreakerState {
  if (state.kind !== 'open') return state;
  if (nowS < state.halfOpenAtS) throw new RangeError(`cooldown ends at ${state.halfOpenAtS}, not ${nowS}`);
  return { kind: 'half-open', probeInFlight: false };
}
