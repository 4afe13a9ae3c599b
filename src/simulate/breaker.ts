/**
 * The per-agent circuit breaker (contract section 4.5), as a discriminated union whose states
 * carry their own data, with pure transitions.
 *
 * closed --(policy trips)--> open --(cooldown elapsed)--> half-open
 * half-open --(probe succeeds)--> closed (fresh window);  half-open --(probe fails)--> open
 *
 * Two policies decide when a closed circuit trips (`--breaker`):
 * - `sampling` (default; the count-based sliding window of resilience4j and opossum): the
 *   closed state keeps the outcomes of the agent's last `window` finished attempts (an
 *   immutable array, oldest first); it opens once at least `minAttempts` are in and their
 *   failure rate is >= `failureRate`;
 * - `consecutive` (cockatiel's ConsecutiveBreaker): it opens after `threshold` consecutive
 *   failures.
 *
 * Results of attempts that started before the circuit opened do not move an open or half-open
 * circuit: only the half-open probe decides (docs/decisions.md). `downSinceS` (open and
 * half-open) is when the circuit last left `closed`: availability counts the whole time the
 * circuit is not closed (docs/decisions.md).
 */
import type { BreakerOptions } from '../options.ts';

/** What a closed circuit remembers, by policy. */
export type FailureCount =
  | { readonly policy: 'consecutive'; readonly consecutiveFailures: number }
  /** Outcomes of the last finished attempts, oldest first, `true` = failed; at most `window`. */
  | { readonly policy: 'sampling'; readonly outcomes: readonly boolean[] };

/** Breaker state of one agent. */
export type BreakerState =
  | { readonly kind: 'closed'; readonly count: FailureCount }
  | { readonly kind: 'open'; readonly openedAtS: number; readonly halfOpenAtS: number; readonly downSinceS: number }
  | { readonly kind: 'half-open'; readonly probeInFlight: boolean; readonly downSinceS: number };

/** A new, closed breaker of the policy `options.policy`, with nothing counted. */
export function closedBreaker(options: Pick<BreakerOptions, 'policy'>): BreakerState {
  return options.policy === 'sampling'
    ? { kind: 'closed', count: { policy: 'sampling', outcomes: [] } }
    : { kind: 'closed', count: { policy: 'consecutive', consecutiveFailures: 0 } };
}

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
  return state.kind === 'half-open' ? { ...state, probeInFlight: true } : state;
}

/** An open circuit's state. */
export type OpenBreaker = Extract<BreakerState, { readonly kind: 'open' }>;

/** The result of feeding an attempt's outcome to the breaker; `opened` when it opened (or re-opened) the circuit. */
export type BreakerTransition = { readonly state: OpenBreaker; readonly opened: true } | { readonly state: BreakerState; readonly opened: false };

/** Failed share of a sampling window; null when it holds fewer than `minAttempts` outcomes. */
export function windowFailureRate(outcomes: readonly boolean[], minAttempts: number): number | null {
  if (outcomes.length === 0 || outcomes.length < minAttempts) return null;
  let failed = 0;
  for (const outcome of outcomes) if (outcome) failed++;
  return failed / outcomes.length;
}

/** The count after one more closed-state outcome, and whether it trips the circuit. */
function counted(count: FailureCount, failed: boolean, options: BreakerOptions): { readonly count: FailureCount; readonly trips: boolean } {
  if (count.policy === 'consecutive') {
    const consecutiveFailures = failed ? count.consecutiveFailures + 1 : 0;
    return { count: { policy: 'consecutive', consecutiveFailures }, trips: consecutiveFailures >= options.threshold };
  }
  const kept = count.outcomes.length >= options.window ? count.outcomes.slice(count.outcomes.length - options.window + 1) : count.outcomes;
  const outcomes = [...kept, failed];
  const rate = windowFailureRate(outcomes, options.minAttempts);
  return { count: { policy: 'sampling', outcomes }, trips: rate !== null && rate >= options.failureRate };
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
  const open = (downSinceS: number): BreakerTransition => ({
    state: { kind: 'open', openedAtS: nowS, halfOpenAtS: nowS + options.cooldownS, downSinceS },
    opened: true,
  });
  switch (state.kind) {
    case 'closed': {
      const next = counted(state.count, !succeeded, options);
      return next.trips ? open(nowS) : { state: { kind: 'closed', count: next.count }, opened: false };
    }
    case 'half-open':
      if (!probe) return { state, opened: false };
      return succeeded ? { state: closedBreaker(options), opened: false } : open(state.downSinceS);
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
  return { kind: 'half-open', probeInFlight: false, downSinceS: state.downSinceS };
}
