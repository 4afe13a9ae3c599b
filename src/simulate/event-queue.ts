/**
 * The queue of timed events at the heart of the discrete-event simulation.
 *
 * Events pop in order of time, then of the sequence number given when they were pushed, so
 * events at equal times run in the order they were scheduled (contract section 4).
 */
import { BinaryHeap } from './heap.ts';

/** One scheduled event. */
export interface TimedEvent<T> {
  /** When it fires, seconds on the simulated clock. */
  readonly timeS: number;
  /** Tie-breaker: the push order. */
  readonly seq: number;
  readonly payload: T;
}

/** A min-heap of events keyed by (timeS, seq). */
export class EventQueue<T> {
  readonly #heap = new BinaryHeap<TimedEvent<T>>((a, b) => a.timeS < b.timeS || (a.timeS === b.timeS && a.seq < b.seq));
  #nextSeq = 0;

  /** Number of pending events. */
  get size(): number {
    return this.#heap.size;
  }

  /**
   * Schedules `payload` at `timeS`.
   * @throws RangeError when `timeS` is not a finite number.
   */
  push(timeS: number, payload: T): void {
    if (!Number.isFinite(timeS)) throw new RangeError(`event time must be finite, got ${timeS}`);
    this.#heap.push({ timeS, seq: this.#nextSeq++, payload });
  }

  /** The earliest event without removing it, or undefined when empty. */
  peek(): TimedEvent<T> | undefined {
    return this.#heap.peek();
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): TimedEvent<T> | undefined {
    return this.#heap.pop();
  }
}
