import { mean, quantile } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { quantileCapacity, WaitingTimes } from '../../src/measure/waiting.ts';
import { waitingStateSchema } from '../../src/schema/checkpoint.ts';

/** Deterministic values with ties and a long tail (an LCG; no Math.random in tests either). */
function values(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32;
    out.push(u < 0.3 ? 0 : u < 0.35 ? 12.5 : -Math.log(1 - u) * 40);
  }
  return out;
}

describe('WaitingTimes', () => {
  it('gives bit for bit simple-statistics mean and 0.95 quantile of all values, keeping only the largest', () => {
    for (const [count, seed] of [[1, 1], [2, 2], [19, 3], [20, 4], [21, 5], [1000, 6], [25_013, 7]] as const) {
      const xs = values(count, seed);
      const times = new WaitingTimes(quantileCapacity(count, 0.95));
      for (const x of xs) times.add(x);
      expect(times.mean()).toBe(mean(xs));
      expect(times.quantile(0.95)).toBe(quantile(xs, 0.95));
      expect(times.snapshot().top_s.length).toBeLessThanOrEqual(quantileCapacity(count, 0.95));
    }
  });

  it('is exact for every prefix up to the count it was sized for, and across snapshot and restore', () => {
    const xs = values(3000, 11);
    let times = new WaitingTimes(quantileCapacity(xs.length, 0.95));
    for (const [i, x] of xs.entries()) {
      times.add(x);
      if (i % 499 === 0) times = WaitingTimes.restore(waitingStateSchema.parse(JSON.parse(JSON.stringify(times.snapshot()))));
      if (i % 97 === 0 || i === xs.length - 1) {
        const prefix = xs.slice(0, i + 1);
        expect(times.quantile(0.95), `after ${i + 1}`).toBe(quantile(prefix, 0.95));
        expect(times.mean(), `after ${i + 1}`).toBe(mean(prefix));
      }
    }
  });

  it('keeps every value when asked to (capacity Infinity), and is empty-safe', () => {
    const times = new WaitingTimes(Infinity);
    expect(times.mean()).toBeNull();
    expect(times.quantile(0.95)).toBeNull();
    for (const x of [3, 1, 2]) times.add(x);
    expect(times.quantile(0.95)).toBe(quantile([3, 1, 2], 0.95));
  });

  it('says so when the kept values cannot answer (a capacity too small is a bug)', () => {
    const times = new WaitingTimes(2);
    for (const x of values(100, 3)) times.add(x);
    expect(() => times.quantile(0.5)).toThrow(RangeError);
    const small = new WaitingTimes(2);
    for (let i = 0; i < 100; i++) small.add((i * 37) % 101); // 0..100 but 63, each once
    expect(() => small.quantile(0.5)).toThrow(new RangeError('rank 49 of 100 is below the 2 largest values kept'));
    expect(small.quantile(0.995)).toBe(99.505); // rank 98.505: 99 + 0.505 x (100 - 99)
    expect(small.snapshot()).toEqual({ n: 100, sum_s: 4986, correction_s: 0, capacity: 2, top_s: [99, 100] });
  });

  it('snapshots in a canonical form: the capacity largest values, ascending', () => {
    const times = new WaitingTimes(3);
    for (const x of [5, 1, 9, 7, 3, 8]) times.add(x);
    expect(times.snapshot()).toEqual({ n: 6, sum_s: 33, correction_s: 0, capacity: 3, top_s: [7, 8, 9] });
  });
});
