/** An agent's lane on its own: queue order, queued work, counters, busy and open time. */
import { describe, expect, it } from 'vitest';
import { INITIAL_BACKOFF } from '../../src/simulate/backoff.ts';
import { closedBreaker } from '../../src/simulate/breaker.ts';
import { freshItem, Lane, retryItem, type QueueItem, type TaskRun } from '../../src/simulate/lane.ts';
import type { Priority } from '../../src/plan/model.ts';
import { pred, profile, task } from '../helpers/builders.ts';

/** Wave tables are the engine's (these lanes read work through `workOf` below). */
const NO_TABLES = { lanes: 1, predictedTimesS: new Float64Array(0), capableCandidate: new Uint8Array(0) };

/** A run of task `id` (priority, assignment order) whose predicted work is `workS`. */
function run(id: string, order: number, workS: number, priority: Priority = 2): TaskRun {
  return {
    task: task(id, [pred('A', 0.8, workS)], { priority }),
    taskId: id,
    index: order, order, assignedAgentId: 'A', tables: NO_TABLES, lane: 0, attempts: [], retryDelaysS: [], reroutes: 0, steals: 0,
    backoff: INITIAL_BACKOFF, refusal: null, status: null, firstLane: null, readyS: 0, startS: 0, endS: 0,
  };
}
const workOf = (r: TaskRun): number => r.task.predictions[0]?.predictedTimeS ?? 0;
const lane = (maxConcurrency = 2) => new Lane(0, profile('A', { maxConcurrency }), closedBreaker({ policy: 'consecutive' }), workOf);
const ids = (items: readonly (QueueItem | undefined)[]) => items.map((i) => (i === undefined ? null : `${i.run.task.taskId}${i.retry ? '*' : ''}`));

describe('Lane queue', () => {
  it('gives retries first by arrival, then fresh tasks by priority, then assignment order', () => {
    const l = lane();
    const items: QueueItem[] = [
      freshItem(run('p2-late', 5, 1)),
      freshItem(run('p3', 0, 1, 3)),
      retryItem(run('r-late', 9, 1), 7),
      freshItem(run('p1', 8, 1, 1)),
      retryItem(run('r-early', 1, 1), 3),
      freshItem(run('p2-early', 2, 1)),
    ];
    for (const item of items) l.enqueue(item);
    expect(l.queued).toBe(6);
    expect(ids([l.dequeue(), l.dequeue(), l.dequeue(), l.dequeue(), l.dequeue(), l.dequeue(), l.dequeue()])).toEqual(['r-early*', 'r-late*', 'p1', 'p2-early', 'p2-late', 'p3', null]);
    expect(l.queued).toBe(0);
  });

  it('keeps queued work per slot, exactly 0 once empty (no rounding residue)', () => {
    const l = lane(2);
    expect(l.queuedWorkPerSlot).toBe(0);
    l.enqueue(freshItem(run('a', 0, 0.1)));
    l.enqueue(freshItem(run('b', 1, 0.2)));
    l.enqueue(freshItem(run('c', 2, 3)));
    expect(l.queuedWorkPerSlot).toBeCloseTo(1.65, 12); // 3.3 / 2
    l.dequeue();
    expect(l.queuedWorkPerSlot).toBeCloseTo(1.6, 12); // 3.2 / 2
    l.dequeueLast(() => true); // c, started last
    expect(l.queuedWorkPerSlot).toBeCloseTo(0.1, 12);
    l.dequeue();
    expect(l.queuedWorkPerSlot).toBe(0);
    expect(l.dequeueLast(() => true)).toBeUndefined();
    expect(l.queuedWorkPerSlot).toBe(0);
  });

  it('dequeueLast takes the item started last among the eligible; holds tells whether one is there', () => {
    const l = lane();
    l.enqueue(freshItem(run('a', 0, 1)));
    l.enqueue(freshItem(run('b', 1, 1)));
    l.enqueue(retryItem(run('r', 2, 1), 2));
    const fresh = (i: QueueItem) => !i.retry;
    expect(l.holds(fresh)).toBe(true);
    expect(l.holds((i) => i.run.task.taskId === 'zz')).toBe(false);
    expect(ids([l.dequeueLast(fresh), l.dequeueLast(fresh), l.dequeueLast(fresh)])).toEqual(['b', 'a', null]);
    expect(l.holds(fresh)).toBe(false);
    expect(ids([l.dequeue()])).toEqual(['r*']);
  });
});

const keyOf = (item: QueueItem): number => item.key;

describe('Lane batches', () => {
  it('queue keys order as the contract says: retries by arrival, then priority, then assignment order', () => {
    const keys = [
      keyOf(retryItem(run('r0', 900, 1), 0)),
      keyOf(retryItem(run('r1', 0, 1), 2 ** 49)),
      keyOf(freshItem(run('p1', 2 ** 44, 1, 1))),
      keyOf(freshItem(run('p2-a', 0, 1, 2))),
      keyOf(freshItem(run('p2-b', 1, 1, 2))),
      keyOf(freshItem(run('p3', 0, 1, 3))),
    ];
    expect([...keys].sort((a, b) => a - b)).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((key) => Number.isSafeInteger(key))).toBe(true);
  });

  it('drain gives the dequeue order and empties the lane; enqueueAll queues in one step', () => {
    const l = lane(1);
    const items: QueueItem[] = [
      freshItem(run('b', 1, 0.2)),
      retryItem(run('r', 7, 0.5), 4),
      freshItem(run('a', 0, 0.1)),
    ];
    l.enqueueAll(items);
    expect([l.queued, l.arrivals]).toEqual([3, 3]);
    expect(l.queuedWorkPerSlot).toBeCloseTo(0.8, 12);
    const drained = l.drain();
    expect(ids(drained)).toEqual(['r*', 'a', 'b']);
    expect([l.queued, l.queuedWorkPerSlot, l.arrivals]).toEqual([0, 0, 3]);
    l.enqueue(drained[2] as QueueItem);
    expect([l.queued, l.arrivals, l.queuedWorkPerSlot]).toEqual([1, 4, 0.2]);
  });
});

describe('Lane.enqueueAll with the items\' work given', () => {
  it('adds the given work in order: the same sum, bit for bit, as reading each item\'s work', () => {
    const works = [0.1, 0.7, 1e-9, 3.3, 0.2, 1e6, 0.3];
    const items = works.map((w, i) => freshItem(run(`t${String(i)}`, i, w)));
    const read = lane(3);
    const given = lane(3);
    read.enqueue(freshItem(run('first', 99, 0.45)));
    given.enqueue(freshItem(run('first', 99, 0.45)));
    read.enqueueAll(items);
    given.enqueueAll(items, works);
    expect(given.queuedWorkPerSlot).toBe(read.queuedWorkPerSlot);
    expect([given.queued, given.arrivals]).toEqual([8, 8]);
    // Not the sum taken in another order.
    expect(given.queuedWorkPerSlot).toBe(works.reduce((sum, w) => sum + w, 0.45) / 3);
  });
});

describe('Lane counters', () => {
  it('busy time runs while at least one attempt does; attempts and successes are counted', () => {
    const l = lane(2);
    l.attemptStarted(0);
    l.attemptStarted(2);
    expect(l.running).toBe(2);
    l.attemptEnded(5, true);
    l.attemptEnded(7, false);
    expect([l.running, l.busyS, l.attempts, l.successfulAttempts]).toEqual([0, 7, 2, 1]);
    l.attemptStarted(10);
    l.attemptEnded(12, true);
    expect([l.busyS, l.attempts, l.successfulAttempts]).toEqual([9, 3, 2]);
  });

  it('open time counts only the part after the wave start, never negative', () => {
    const l = lane();
    l.addOpenTime(5, 20, 10); // down since before the wave: from 10
    expect(l.openS).toBe(10);
    l.addOpenTime(12, 20, 10); // down within the wave: from 12
    expect(l.openS).toBe(18);
    l.addOpenTime(25, 20, 10); // nothing
    expect(l.openS).toBe(18);
  });

  it('resetWave zeroes every per-wave counter', () => {
    const l = lane();
    l.attemptStarted(0);
    l.attemptEnded(4, true);
    l.addOpenTime(0, 3, 0);
    l.tasks = 2;
    l.circuitOpenings = 1;
    l.steals = 3;
    l.resetWave();
    expect([l.tasks, l.attempts, l.successfulAttempts, l.busyS, l.openS, l.circuitOpenings, l.steals]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
