/**
 * Per-task and per-agent mutable bookkeeping of the engine. Private to `src/simulate/`: the
 * engine turns these into the immutable records of `types.ts` when a wave ends.
 */
import type { AgentProfile, Task } from '../plan/model.ts';
import type { BackoffState } from './backoff.ts';
import type { BreakerState } from './breaker.ts';
import { DoubleEndedHeap } from './heap.ts';
import type { AttemptRecord, GateRefusal, TaskStatus } from './types.ts';

/**
 * Per-task, per-agent figures of one wave, computed once when the wave starts (queue moves,
 * reroutes and steals read them millions of times at 10^6 rows), in flat arrays indexed by
 * `taskIndex * lanes + laneIndex`: one pair of arrays per wave, not per task (a typed array per
 * task cost about 500 bytes of heap each, 30 MB for a 62,500-task wave).
 */
export interface WaveTables {
  /** Agents of the run (the row width). */
  readonly lanes: number;
  /**
   * predicted_time(t, a), seconds: the agent's own prediction, or the candidates' mean for a
   * non-candidate (contract section 3).
   */
  readonly predictedTimesS: Float64Array;
  /** 1 when the agent is a capable candidate for the task (contract sections 1 and 10), else 0. */
  readonly capableCandidate: Uint8Array;
}

/** predicted_time(t, a) of `run`'s task on the agent of lane `lane`, seconds. */
export function predictedTimeOn(run: TaskRun, lane: number): number {
  return run.tables.predictedTimesS[run.index * run.tables.lanes + lane] as number;
}

/** Whether the agent of lane `lane` is a capable candidate for `run`'s task. */
export function isCapableOn(run: TaskRun, lane: number): boolean {
  return run.tables.capableCandidate[run.index * run.tables.lanes + lane] === 1;
}

/** A task while its wave runs. */
export interface TaskRun {
  readonly task: Task;
  /** `task.taskId`, kept here too: a reroute reads it without touching the task (issue 10). */
  readonly taskId: string;
  /** Position of the task in its wave's plan. */
  readonly index: number;
  /** The strategy's order of taking the task; breaks priority ties in queues. */
  readonly order: number;
  readonly assignedAgentId: string;
  /** The wave's per-task, per-agent tables (shared by every run of the wave). */
  readonly tables: WaveTables;
  /** Index (in the run's agent list) of the lane the task is on now. */
  lane: number;
  readonly attempts: AttemptRecord[];
  readonly retryDelaysS: number[];
  reroutes: number;
  /** Times another agent took the task from this one's queue (contract section 4.6). */
  steals: number;
  backoff: BackoffState;
  refusal: GateRefusal | null;
  status: TaskStatus | null;
  /** Lane of the first attempt or of the refusal; null until then. */
  firstLane: number | null;
  /** When every dependency had succeeded (the wave's start without dependencies), or the refusal time. */
  readyS: number;
  startS: number;
  endS: number;
}

/**
 * A place in an agent's queue: a fresh task, or a retry, which goes ahead of fresh tasks in
 * arrival order. `key` is the queue order ({@link freshItem}, {@link retryItem}), computed once:
 * a circuit's queue moves to other agents with its keys (issue 10: recomputing them read every
 * moved task's record again).
 */
export interface QueueItem {
  readonly run: TaskRun;
  readonly retry: boolean;
  /** Smallest first; unique within a wave. */
  readonly key: number;
}

/** Keys of fresh tasks start here: every retry (key = its arrival number, below 2^50) comes first. */
const FRESH_KEY_BASE = 2 ** 50;
/** Priorities are 1 to 3 and assignment orders below 2^45, so fresh keys stay below 2^53 (exact). */
const PRIORITY_KEY_STEP = 2 ** 45;

/**
 * `run`'s task as a fresh (not yet attempted) queue item. Queue order as one number, smallest
 * first: retries by arrival, then fresh tasks by priority (1 first), then assignment order
 * (contract section 4.2 and 4.4). Unique within a wave, since arrival numbers and orders are.
 */
export function freshItem(run: TaskRun): QueueItem {
  return { run, retry: false, key: FRESH_KEY_BASE + run.task.priority * PRIORITY_KEY_STEP + run.order };
}

/** `run`'s task as a retry, the `seq`-th of the wave to arrive in a queue (from 0, below 2^50): ahead of every fresh task. */
export function retryItem(run: TaskRun, seq: number): QueueItem {
  return { run, retry: true, key: seq };
}

/** The queue order of an item (see {@link freshItem}). */
function keyOf(item: QueueItem): number {
  return item.key;
}

/** predicted_time(t, a) x speed(a) of a queued task on this lane's agent, seconds. */
export type WorkOf = (run: TaskRun) => number;

/** One agent: its queue, what it runs, its breaker, and this wave's counters. */
export class Lane {
  readonly #queue = new DoubleEndedHeap<QueueItem>(keyOf);
  /** Predicted work of everything queued (ready, not started), seconds; see {@link queuedWorkPerSlot}. */
  #queuedWorkS = 0;
  #arrivals = 0;
  running = 0;
  breaker: BreakerState;
  // Counters of the current wave, reset by `resetWave`.
  tasks = 0;
  attempts = 0;
  successfulAttempts = 0;
  busyS = 0;
  openS = 0;
  circuitOpenings = 0;
  /** Tasks this agent took from another's queue in this wave. */
  steals = 0;
  #busySinceS = 0;

  constructor(
    readonly index: number,
    readonly profile: AgentProfile,
    breaker: BreakerState,
    /** The predicted work of a task on this lane's agent. */
    readonly workOf: WorkOf,
  ) {
    this.breaker = breaker;
  }

  /** Tasks queued (ready, not started). */
  get queued(): number {
    return this.#queue.size;
  }

  /** Queued predicted work divided by max_concurrency, seconds: the victim measure of stealing. */
  get queuedWorkPerSlot(): number {
    return this.#queuedWorkS / this.profile.maxConcurrency;
  }

  /** Items queued so far (it only grows): tells a pass over the queue whether it has news. */
  get arrivals(): number {
    return this.#arrivals;
  }

  enqueue(item: QueueItem): void {
    this.#arrivals++;
    this.#queue.push(item);
    this.#queuedWorkS += this.workOf(item.run);
  }

  /**
   * Queues every item of `items`, as `enqueue` one by one would (the queued work adds up in the
   * same order, so to the same floating-point sum).
   * @param workS - optional: the items' predicted work on this lane (what `workOf` gives), seconds,
   *   same order; a caller that has them at hand saves reading every item's run again
   */
  enqueueAll(items: readonly QueueItem[], workS?: readonly number[]): void {
    this.#arrivals += items.length;
    this.#queue.pushAll(items);
    if (workS === undefined) for (const item of items) this.#queuedWorkS += this.workOf(item.run);
    else for (const w of workS) this.#queuedWorkS += w;
  }

  /** Empties the queue and returns its items in the order `dequeue` would have given them. */
  drain(): QueueItem[] {
    this.#queuedWorkS = 0;
    return this.#queue.drain();
  }

  /** The next task to start (retries first, then priority, then assignment order). */
  dequeue(): QueueItem | undefined {
    return this.#taken(this.#queue.pop());
  }

  /** Removes the item this agent would start last among those `eligible` accepts. */
  dequeueLast(eligible: (item: QueueItem) => boolean): QueueItem | undefined {
    return this.#taken(this.#queue.removeLast(eligible));
  }

  /** Whether some queued item passes `test`. */
  holds(test: (item: QueueItem) => boolean): boolean {
    return this.#queue.some(test);
  }

  #taken(item: QueueItem | undefined): QueueItem | undefined {
    if (item === undefined) return undefined;
    // Reset on empty so rounding never leaves a phantom backlog.
    this.#queuedWorkS = this.#queue.size === 0 ? 0 : this.#queuedWorkS - this.workOf(item.run);
    return item;
  }

  resetWave(): void {
    this.tasks = 0;
    this.attempts = 0;
    this.successfulAttempts = 0;
    this.busyS = 0;
    this.openS = 0;
    this.circuitOpenings = 0;
    this.steals = 0;
  }

  /** An attempt starts at `nowS`: busy time runs while at least one attempt does. */
  attemptStarted(nowS: number): void {
    if (this.running === 0) this.#busySinceS = nowS;
    this.running++;
    this.attempts++;
  }

  attemptEnded(nowS: number, succeeded: boolean): void {
    this.running--;
    if (this.running === 0) this.busyS += nowS - this.#busySinceS;
    if (succeeded) this.successfulAttempts++;
  }

  /** Adds the part of a not-closed interval [downSinceS, untilS] that falls after `waveStartS`. */
  addOpenTime(downSinceS: number, untilS: number, waveStartS: number): void {
    this.openS += Math.max(0, untilS - Math.max(downSinceS, waveStartS));
  }
}
