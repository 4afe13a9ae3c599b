/**
 * The simulated worlds' clock: {@link VirtualScheduler} implements the `Scheduler` port
 * (src/ports.ts) in virtual time that jumps from event to event, so a day of simulated work
 * runs in milliseconds. A real world (subprocess agents) implements the same port over the wall
 * clock and `setTimeout`; the engine does not change (docs/architecture.md).
 */
import type { Scheduler } from '../ports.ts';
import { EventQueue } from './event-queue.ts';

/** The engine waited for an event that can never come: a bug, reported as an internal error. */
export class StalledError extends Error {
  override readonly name = 'StalledError';
}

/** Discrete-event virtual time: `now()` is the time of the event being run. */
export class VirtualScheduler implements Scheduler {
  readonly #queue = new EventQueue<() => void>();
  #now: number;

  /** @param startS - the initial time, seconds; default 0. */
  constructor(startS = 0) {
    this.#now = startS;
  }

  now(): number {
    return this.#now;
  }

  at(timeS: number, action: () => void): void {
    if (timeS < this.#now) throw new RangeError(`cannot schedule at ${timeS} s, before now (${this.#now} s)`);
    this.#queue.push(timeS, action);
  }

  runUntil(done: () => boolean): Promise<void> {
    try {
      while (!done()) {
        const event = this.#queue.pop();
        if (event === undefined) throw new StalledError(`no event left at ${this.#now} s, but the wave is not done`);
        this.#now = event.timeS;
        event.payload();
      }
      return Promise.resolve();
    } catch (error: unknown) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
