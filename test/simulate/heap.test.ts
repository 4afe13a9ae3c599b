/**
 * The heaps of src/simulate/heap.ts against a sorted-list model: the same pops and the same
 * steals (the last eligible item) over long random sequences of pushes, pops and removals.
 */
import { describe, expect, it } from 'vitest';
import { BinaryHeap, DoubleEndedHeap } from '../../src/simulate/heap.ts';
import { mulberry32 } from '../helpers/random.ts';

interface Item {
  readonly key: number;
  readonly seq: number;
  readonly tag: number;
}

/** Key first, then seq: a strict total order with many equal keys. */
const before = (a: Item, b: Item): boolean => a.key < b.key || (a.key === b.key && a.seq < b.seq);
/** The same order as one unique number (seq stays below 10^6 here), as the queue takes it. */
const keyOf = (item: Item): number => item.key * 1e6 + item.seq;

const random = mulberry32;

describe('DoubleEndedHeap', () => {
  it('pops in order and takes the last eligible item, as a sorted list does', () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const heap = new DoubleEndedHeap<Item>(keyOf);
      const model: Item[] = [];
      let seq = 0;
      let steals = 0;
      let refused = 0;
      for (let step = 0; step < 20_000; step++) {
        const roll = next();
        if (roll < 0.4) {
          const item = { key: Math.floor(next() * 20), seq: seq++, tag: Math.floor(next() * 4) };
          heap.push(item);
          model.push(item);
          model.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
        } else if (roll < 0.7) {
          expect(heap.pop()).toBe(model.shift());
        } else {
          const tag = Math.floor(next() * 4);
          const eligible = (item: Item): boolean => item.tag === tag;
          let at = -1;
          for (let i = model.length - 1; i >= 0; i--) {
            if (eligible(model[i] as Item)) {
              at = i;
              break;
            }
          }
          const expected = at < 0 ? undefined : model.splice(at, 1)[0];
          if (expected === undefined) refused++;
          else steals++;
          expect(heap.removeLast(eligible)).toBe(expected);
        }
        expect(heap.size).toBe(model.length);
      }
      for (const item of model) expect(heap.some((x) => x === item)).toBe(true);
      expect(heap.some((x) => !model.includes(x))).toBe(false);
      expect(steals).toBeGreaterThan(1000);
      expect(refused).toBeGreaterThan(100);
    }
  });

  it('keeps its order through many steals from a large queue (its heaps are rebuilt)', () => {
    const next = random(4);
    const heap = new DoubleEndedHeap<Item>(keyOf);
    const items = Array.from({ length: 3000 }, (_, seq) => ({ key: Math.floor(next() * 100), seq, tag: seq % 3 }));
    for (const item of items) heap.push(item);
    const sorted = [...items].sort((a, b) => a.key - b.key || a.seq - b.seq);
    // Steal 1800 items not tagged 0: always the last such item left.
    const fresh = sorted.filter((item) => item.tag !== 0);
    for (let i = 0; i < 1800; i++) expect(heap.removeLast((item) => item.tag !== 0)).toBe(fresh[fresh.length - 1 - i]);
    const left = sorted.filter((item) => item.tag === 0 || fresh.indexOf(item) < fresh.length - 1800);
    expect(heap.size).toBe(left.length);
    const popped: Item[] = [];
    for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item);
    expect(popped).toEqual(left);
  });

  it('returns undefined on an empty heap and when nothing is eligible', () => {
    const heap = new DoubleEndedHeap<Item>(keyOf);
    expect(heap.pop()).toBeUndefined();
    expect(heap.removeLast(() => true)).toBeUndefined();
    const a = { key: 1, seq: 0, tag: 0 };
    const b = { key: 2, seq: 1, tag: 0 };
    heap.push(b);
    heap.push(a);
    expect(heap.removeLast(() => false)).toBeUndefined();
    expect(heap.removeLast(() => true)).toBe(b);
    expect(heap.pop()).toBe(a);
    expect(heap.size).toBe(0);
  });
});

describe('DoubleEndedHeap batches', () => {
  it('pushAll (small and large batches) and drain agree with pushing and popping one by one', () => {
    for (const seed of [5, 6, 7]) {
      const next = random(seed);
      const batched = new DoubleEndedHeap<Item>(keyOf);
      const single = new DoubleEndedHeap<Item>(keyOf);
      let seq = 0;
      for (let round = 0; round < 60; round++) {
        // Batch sizes from 0 to 300: below 16 items pushes one by one, larger ones heapify.
        const size = Math.floor(next() ** 2 * 300);
        const batch = Array.from({ length: size }, () => ({ key: Math.floor(next() * 30), seq: seq++, tag: Math.floor(next() * 3) }));
        batched.pushAll(batch);
        for (const item of batch) single.push(item);
        expect(batched.size).toBe(single.size);
        const action = next();
        if (action < 0.3) {
          for (let i = 0; i < 20; i++) expect(batched.pop()).toBe(single.pop());
        } else if (action < 0.6) {
          for (let i = 0; i < 20; i++) expect(batched.removeLast((item) => item.tag === 1)).toBe(single.removeLast((item) => item.tag === 1));
        } else if (action < 0.7) {
          const expected: Item[] = [];
          for (let item = single.pop(); item !== undefined; item = single.pop()) expected.push(item);
          expect(batched.drain()).toEqual(expected);
          expect(batched.size).toBe(0);
          expect(batched.pop()).toBeUndefined();
        }
      }
      const rest: Item[] = [];
      for (let item = single.pop(); item !== undefined; item = single.pop()) rest.push(item);
      expect(batched.drain()).toEqual(rest);
    }
  });

  it('drain leaves out removed items and the heap works again afterwards', () => {
    const heap = new DoubleEndedHeap<Item>(keyOf);
    const items = [3, 1, 4, 1, 5, 9, 2, 6].map((key, seq) => ({ key, seq, tag: seq % 2 }));
    heap.pushAll(items);
    expect(heap.pop()).toBe(items[1]); // key 1, seq 1
    // Tag 0 holds seq 0, 2, 4, 6 with keys 3, 4, 5, 2: the last of them in order is key 5.
    expect(heap.removeLast((item) => item.tag === 0)).toBe(items[4]);
    // Left, by key: 1 (seq 3), 2 (seq 6), 3 (seq 0), 4 (seq 2), 6 (seq 7), 9 (seq 5).
    expect(heap.drain().map((item) => item.seq)).toEqual([3, 6, 0, 2, 7, 5]);
    heap.push(items[0] as Item);
    expect([heap.size, heap.pop()]).toEqual([1, items[0]]);
  });
});

describe('BinaryHeap', () => {
  it('pops in order', () => {
    const next = random(9);
    const heap = new BinaryHeap<Item>(before);
    const items = Array.from({ length: 5000 }, (_, seq) => ({ key: Math.floor(next() * 50), seq, tag: 0 }));
    for (const item of items) heap.push(item);
    const popped: Item[] = [];
    for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item);
    expect(popped).toEqual([...items].sort((a, b) => a.key - b.key || a.seq - b.seq));
  });
});
