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

const random = mulberry32;

describe('DoubleEndedHeap', () => {
  it('pops in order and takes the last eligible item, as a sorted list does', () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const heap = new DoubleEndedHeap<Item>(before);
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
    const heap = new DoubleEndedHeap<Item>(before);
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
    const heap = new DoubleEndedHeap<Item>(before);
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
