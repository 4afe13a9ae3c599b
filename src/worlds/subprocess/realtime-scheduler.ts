/**
 * A real-time {@link Scheduler} for worlds whose attempts take real time (contract section 11,
 * the subprocess world): the clock is a monotonic clock in seconds, timers are real timers, and
 * the completion of outside work (a process exiting) enters the event queue through
 * {@link RealTimeScheduler.track}, so every change of the engine's state still happens inside
 * one scheduled action, in (time, sequence) order, as in the virtual scheduler.
 *
 * How the clock reads (docs/decisions.md): inside an action `now()` is the action's own time
 * (the time it was scheduled at), so a retry scheduled `d` seconds after a failure starts
 * exactly `d` seconds after it in every artifact, and an attempt's end is its start plus the
 * measured duration of its process. Outside actions (a wave starting) `now()` is the monotonic
 * clock. The clock never goes back: an event that arrives after a later one ran takes the later
 * one's time.
 */
import { EventQueue } from '../../simulate/event-queue.ts';
import { StalledError } from '../../simulate/scheduler.ts';
import type { Scheduler } from '../../ports.ts';

/** Real timers (the CLI passes `setTimeout`/`clearTimeout`; tests may pass fakes). */
export interface TimerPort {
  set(action: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/** What the real-time scheduler reads from its surroundings. */
export interface RealTimeDeps {
  /** A monotonic clock, milliseconds (e.g. `performance.now`). */
  readonly nowMs: () => number;
  readonly timers: TimerPort;
  /** The clock's reading at construction, seconds; default 0 (a resumed run passes its checkpoint's clock). */
  readonly startS?: number;
  /** Aborting it makes {@link RealTimeScheduler.runUntil} reject with {@link WaveCanceledError}. */
  readonly signal?: AbortSignal;
}

/** The wave was canceled (SIGINT/SIGTERM) while it ran; `reason` is the signal's reason. */
export class WaveCanceledError extends Error {
  override readonly name = 'WaveCanceledError';
  constructor(readonly reason: unknown) {
    super(`wave canceled (${String(reason)})`);
  }
}

/** The node timers. */
export const NODE_TIMERS: TimerPort = {
  set: (action, delayMs) => setTimeout(action, delayMs),
  clear: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Real time, seconds, with outside work joining the event order. */
export class RealTimeScheduler implements Scheduler {
  readonly #queue = new EventQueue<() => void>();
  readonly #deps: RealTimeDeps;
  readonly #originMs: number;
  readonly #startS: number;
  #now: number;
  #inAction = false;
  #pending = 0;
  #failure: { error: unknown } | null = null;
  #wake: (() => void) | null = null;

  constructor(deps: RealTimeDeps) {
    this.#deps = deps;
    this.#originMs = deps.nowMs();
    this.#startS = deps.startS ?? 0;
    this.#now = this.#startS;
  }

  /** The monotonic clock, seconds since construction plus `startS`. */
  #real(): number {
    return this.#startS + (this.#deps.nowMs() - this.#originMs) / 1000;
  }

  /** Inside an action, its time; elsewhere the clock (never less than an earlier reading). */
  now(): number {
    if (!this.#inAction) this.#now = Math.max(this.#now, this.#real());
    return this.#now;
  }

  /**
   * Runs `action` once the clock reaches `timeS` (in order of time, then of scheduling).
   * @throws RangeError when `timeS` is earlier than `now()` or not finite
   */
  at(timeS: number, action: () => void): void {
    if (timeS < this.now()) throw new RangeError(`cannot schedule at ${timeS} s, before now (${this.#now} s)`);
    this.#queue.push(timeS, action);
    this.#wake?.();
  }

  /** Outside work not yet finished (processes running). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Waits for `work` without blocking the event order: when it resolves, `then(value)` runs
   * with `now()` reading the time of the last action (so it may schedule what follows with
   * {@link at} at any time from there, e.g. a process's measured end); when it rejects,
   * {@link runUntil} rejects with its error. Until it settles, `runUntil` does not report a stall.
   */
  track<T>(work: Promise<T>, then: (value: T) => void): void {
    this.#pending++;
    work.then(
      (value) => {
        this.#pending--;
        const outer = this.#inAction;
        this.#inAction = true;
        try {
          then(value);
        } catch (error: unknown) {
          this.#failure ??= { error };
        } finally {
          this.#inAction = outer;
        }
        this.#wake?.();
      },
      (error: unknown) => {
        this.#pending--;
        this.#failure ??= { error };
        this.#wake?.();
      },
    );
  }

  /**
   * Runs due actions in time order, waiting for timers and tracked work, until `done()` holds.
   * Rejects with {@link WaveCanceledError} when the signal aborts, with the error of failed
   * tracked work, and with {@link StalledError} when nothing is queued or pending and `done()`
   * is still false.
   */
  async runUntil(done: () => boolean): Promise<void> {
    const { signal, timers } = this.#deps;
    while (!done()) {
      if (signal?.aborted === true) throw new WaveCanceledError(signal.reason);
      if (this.#failure !== null) throw this.#failure.error instanceof Error ? this.#failure.error : new Error(String(this.#failure.error));
      const next = this.#queue.peek();
      const real = this.#real();
      if (next !== undefined && next.timeS <= real) {
        this.#queue.pop();
        this.#now = Math.max(this.#now, next.timeS);
        this.#inAction = true;
        try {
          next.payload();
        } finally {
          this.#inAction = false;
        }
        continue;
      }
      if (next === undefined && this.#pending === 0) throw new StalledError(`no event or process left at ${this.#now} s, but the wave is not done`);
      await new Promise<void>((resolve) => {
        let handle: unknown = null;
        const wake = (): void => {
          if (handle !== null) timers.clear(handle);
          signal?.removeEventListener('abort', wake);
          this.#wake = null;
          resolve();
        };
        if (next !== undefined) handle = timers.set(wake, Math.max(0, (next.timeS - real) * 1000));
        this.#wake = wake;
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }
}
