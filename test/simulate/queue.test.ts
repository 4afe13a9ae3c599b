/**
 * The heap, the event queue and the virtual scheduler: order properties over deterministic
 * pseudo-random inputs (an LCG; no Math.random in tests), and every error path.
 */
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/simulate/event-queue.ts';
import { BinaryHeap, DoubleEndedHeap } from '../../src/simulate/heap.ts';
import { StalledError, VirtualScheduler } from '../../src/simulate/scheduler.ts';

/** `count` integers in [0, range), deterministic in `seed`. */
function ints(count: number, range: number, seed: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(Math.floor((state / 2 ** 32) * range));
  }
  return out;
}

/** An item with ties broken by a unique id: a strict total order. */
interface Item {
  readonly key: number;
  readonly id: number;
}
const before = (a: Item, b: Item): boolean => a.key < b.key || (a.key === b.key && a.id < b.id);
/** The same order as one unique number (ids stay below 10^6 here), as DoubleEndedHeap takes it. */
const keyOf = (item: Item): number => item.key * 1e6 + item.id;
const sorted = (items: readonly Item[]): Item[] => [...items].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));

function drain(heap: BinaryHeap<Item>): Item[] {
  const out: Item[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
}

describe('BinaryHeap', () => {
  it('is empty at first: size 0, peek and pop give undefined', () => {
    const heap = new BinaryHeap<Item>(before);
    expect([heap.size, heap.peek(), heap.pop()]).toEqual([0, undefined, undefined]);
    expect(heap.items()).toEqual([]);
  });

  it('pops in order for any push order (sizes 1 to 64, keys with ties)', () => {
    for (let n = 1; n <= 64; n++) {
      const items = ints(n, 8, n).map((key, id) => ({ key, id }));
      const heap = new BinaryHeap<Item>(before);
      for (const item of items) heap.push(item);
      expect(heap.size).toBe(n);
      expect(heap.peek()).toEqual(sorted(items)[0]);
      expect(heap.items()).toHaveLength(n);
      expect(drain(heap)).toEqual(sorted(items));
      expect(heap.size).toBe(0);
    }
  });

  it('keeps its order through pops interleaved with pushes', () => {
    const heap = new BinaryHeap<Item>(before);
    const model: Item[] = [];
    ints(400, 10, 99).forEach((r, id) => {
      if (r < 4 && model.length > 0) {
        const expected = sorted(model)[0];
        expect(heap.pop()).toEqual(expected);
        model.splice(model.indexOf(expected as Item), 1);
      } else {
        const item = { key: ints(1, 50, id + 7)[0] ?? 0, id };
        heap.push(item);
        model.push(item);
      }
      expect(heap.size).toBe(model.length);
    });
    expect(drain(heap)).toEqual(sorted(model));
  });
});

describe('DoubleEndedHeap', () => {
  it('removeLast takes the greatest eligible item, and the rest still pops in order', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const items = ints(30, 12, seed).map((key, id) => ({ key, id }));
      const heap = new DoubleEndedHeap<Item>(keyOf);
      for (const item of items) heap.push(item);
      const model = [...items];
      // Remove the last odd-keyed item until none is left, checking each against the model.
      for (;;) {
        const odd = sorted(model).filter((i) => i.key % 2 === 1);
        const removed = heap.removeLast((i) => i.key % 2 === 1);
        expect(removed).toEqual(odd.at(-1));
        if (removed === undefined) break;
        model.splice(model.indexOf(removed), 1);
        expect(heap.size).toBe(model.length);
      }
      const out: Item[] = [];
      for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
      expect(out).toEqual(sorted(model));
    }
  });
});

describe('EventQueue', () => {
  it('pops by time, then by push order at equal times', () => {
    const queue = new EventQueue<string>();
    const times = ints(200, 20, 5);
    times.forEach((t, i) => {
      queue.push(t, `e${i}`);
    });
    expect(queue.size).toBe(200);
    const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map(({ t, i }) => [t, i, `e${i}`]);
    expect(queue.peek()).toEqual({ timeS: expected[0]?.[0], seq: expected[0]?.[1], payload: expected[0]?.[2] });
    const popped: (string | number)[][] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push([e.timeS, e.seq, e.payload]);
    expect(popped).toEqual(expected);
    expect(queue.size).toBe(0);
  });

  it('refuses a time that is not finite', () => {
    const queue = new EventQueue<number>();
    expect(() => { queue.push(Number.NaN, 1); }).toThrow(new RangeError('event time must be finite, got NaN'));
    expect(() => { queue.push(Number.POSITIVE_INFINITY, 1); }).toThrow(new RangeError('event time must be finite, got Infinity'));
    expect(queue.size).toBe(0);
  });
});

describe('VirtualScheduler', () => {
  it('starts at the given time (default 0), jumps to each event and runs equal times in scheduling order', async () => {
    expect(new VirtualScheduler().now()).toBe(0);
    const scheduler = new VirtualScheduler(5);
    const log: string[] = [];
    scheduler.at(9, () => log.push(`b@${scheduler.now()}`));
    scheduler.at(5, () => {
      log.push(`a@${scheduler.now()}`);
      scheduler.at(9, () => log.push(`c@${scheduler.now()}`));
    });
    scheduler.at(12, () => log.push(`d@${scheduler.now()}`));
    await scheduler.runUntil(() => log.length === 3);
    expect(log).toEqual(['a@5', 'b@9', 'c@9']);
    expect(scheduler.now()).toBe(9);
    // What is left runs on the next call; a done condition already true runs nothing.
    await scheduler.runUntil(() => true);
    expect(log).toHaveLength(3);
    await scheduler.runUntil(() => log.length === 4);
    expect(log.at(-1)).toBe('d@12');
  });

  it('refuses a time before now, and accepts now itself', () => {
    const scheduler = new VirtualScheduler(5);
    expect(() => { scheduler.at(4.5, () => undefined); }).toThrow(new RangeError('cannot schedule at 4.5 s, before now (5 s)'));
    expect(() => { scheduler.at(5, () => undefined); }).not.toThrow();
    expect(() => { scheduler.at(Number.NaN, () => undefined); }).toThrow(new RangeError('event time must be finite, got NaN'));
  });

  it('rejects with StalledError when nothing is left and the condition is still false', async () => {
    const scheduler = new VirtualScheduler(3);
    scheduler.at(4, () => undefined);
    const stalled = scheduler.runUntil(() => false);
    await expect(stalled).rejects.toThrow(new StalledError('no event left at 4 s, but the wave is not done'));
    await expect(stalled).rejects.toBeInstanceOf(StalledError);
    await expect(stalled).rejects.toHaveProperty('name', 'StalledError');
  });

  it('rejects with what an action throws, wrapping a non-Error in an Error', async () => {
    const scheduler = new VirtualScheduler();
    const boom = new TypeError('boom');
    scheduler.at(1, () => {
      throw boom;
    });
    await expect(scheduler.runUntil(() => false)).rejects.toBe(boom);
    scheduler.at(2, () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
      throw 'plain';
    });
    await expect(scheduler.runUntil(() => false)).rejects.toThrow(new Error('plain'));
  });
});
