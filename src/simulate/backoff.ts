/**
 * Retry backoff (contract section 4), cockatiel-style: a policy is an immutable step
 * `(state) => [delay, next]`, so a task's backoff is a value that can be stored, compared and
 * replayed, never a mutable counter.
 *
 * With k = the index of the retry (0 for the first retry), base b and cap c (seconds):
 * - `exponential`: min(c, b * 2^k)
 * - `linear`: min(c, b * (k + 1))
 * - `fixed`: b
 * - `none`: no retry at all (one attempt per task)
 *
 * Jitter (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015):
 * - `none`: the delay as computed
 * - `full`: uniform(0, delay)
 * - `equal`: delay / 2 + uniform(0, delay / 2)
 * The uniform comes from the keyed generator, so jitter is reproducible per (task, attempt).
 */
import type { JitterMode, RetryOptions } from '../options.ts';

/** The backoff state of one task: how many retries were scheduled already. */
export interface BackoffState {
  /** Index of the next retry, from 0. */
  readonly retry: number;
}

/** One immutable step: the delay before the next retry (seconds) and the state after it. */
export type BackoffStep = (state: BackoffState) => readonly [delayS: number, next: BackoffState];

/** The state of a task that has not been retried yet. */
export const INITIAL_BACKOFF: BackoffState = { retry: 0 };

/**
 * The backoff step of `options.policy`, or null for `none` (no retries).
 * Delays are before jitter; see {@link applyJitter}.
 */
export function backoffStep(options: Pick<RetryOptions, 'policy' | 'baseS' | 'capS'>): BackoffStep | null {
  const { baseS, capS } = options;
  const step = (delay: (k: number) => number): BackoffStep => (state) => [delay(state.retry), { retry: state.retry + 1 }];
  switch (options.policy) {
    case 'exponential':
      return step((k) => Math.min(capS, baseS * 2 ** k));
    case 'linear':
      return step((k) => Math.min(capS, baseS * (k + 1)));
    case 'fixed':
      return step(() => baseS);
    case 'none':
      return null;
  }
}

/**
 * Applies jitter to a delay.
 * @param delayS - the policy's delay, seconds, >= 0
 * @param u - a uniform draw in [0, 1) (keyed: purpose `jitter`)
 * @returns the jittered delay, seconds, in [0, delayS]
 */
export function applyJitter(delayS: number, mode: JitterMode, u: number): number {
  switch (mode) {
    case 'none':
      return delayS;
    case 'full':
      return u * delayS;
    case 'equal':
      return delayS / 2 + (u * delayS) / 2;
  }
}

/** Attempts a task may have under `options`: 1 for `none`, else `maxAttempts`. */
export function allowedAttempts(options: Pick<RetryOptions, 'policy' | 'maxAttempts'>): number {
  return options.policy === 'none' ? 1 : options.maxAttempts;
}
