/**
 * The validator's task index (src/io/task-index.ts): its look-ups guess the slot after the
 * last one found before they ask the map; whatever the order of the questions, the answers are
 * the map's.
 */
import { describe, expect, it } from 'vitest';
import { TaskIndex } from '../../src/io/task-index.ts';
import { mulberry32 } from '../helpers/random.ts';

describe('TaskIndex', () => {
  it('creates one slot per (wave, task_id), ordinals in creation order per wave', () => {
    const index = new TaskIndex();
    const a = index.getOrCreate(1, 'a');
    const b = index.getOrCreate(1, 'b');
    const c = index.getOrCreate(2, 'a');
    expect([a.ordinal, b.ordinal, c.ordinal]).toEqual([0, 1, 0]);
    expect(index.getOrCreate(1, 'a')).toBe(a);
    expect(index.get(2, 'a')).toBe(c);
    expect(index.get(1, 'c')).toBeUndefined();
    expect(index.get(3, 'a')).toBeUndefined();
    expect([...(index.byWave.get(1)?.keys() ?? [])]).toEqual(['a', 'b']);
  });

  it('answers as a map does, in file order, shuffled order and across waves', () => {
    const random = mulberry32(7);
    const index = new TaskIndex();
    const reference = new Map<string, unknown>();
    const ids = Array.from({ length: 300 }, (_, i) => `task_${i}`);
    // Four "files" of the same order, one shuffled, one missing every third task, two waves interleaved.
    const shuffled = [...ids].sort(() => random() - 0.5);
    const orders = [ids, ids, shuffled, ids.filter((_, i) => i % 3 !== 0), ids];
    for (const [n, order] of orders.entries()) {
      for (const id of order) {
        const wave = n === 4 && random() < 0.5 ? 2 : 1;
        const key = `${wave}/${id}`;
        const known = reference.get(key);
        const slot = index.get(wave, id);
        expect(slot).toBe(known);
        if (slot === undefined) reference.set(key, index.getOrCreate(wave, id));
        expect(index.get(wave, id)?.taskId).toBe(id);
        if (random() < 0.1) expect(index.get(wave, `missing_${id}`)).toBeUndefined();
      }
    }
    expect(index.byWave.get(1)?.size).toBe(300);
  });
});
