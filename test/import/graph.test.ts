import { describe, expect, it } from 'vitest';
import { findCycles } from '../../src/import/graph.ts';

describe('findCycles', () => {
  it('finds none in a DAG', () => {
    expect(findCycles([[1, 2], [3], [3], []])).toEqual([]);
  });

  it('names a three-task cycle from its first task, in edge order', () => {
    // 1 -> 2 -> 0 -> 1: the cycle starts at task 0
    expect(findCycles([[1], [2], [0]])).toEqual([[0, 1, 2, 0]]);
  });

  it('names a self-loop', () => {
    expect(findCycles([[], [1]])).toEqual([[1, 1]]);
  });

  it('takes the shortest cycle through the first task when the component has several', () => {
    // 0 -> 1 -> 2 -> 3 -> 0 and the shortcut 1 -> 3
    expect(findCycles([[1], [2, 3], [3], [0]])).toEqual([[0, 1, 3, 0]]);
  });

  it('names one cycle per component, listed by first task', () => {
    // 3 <-> 4 and 1 <-> 2, joined by 2 -> 3 (two components)
    expect(findCycles([[1], [2], [1, 3], [4], [3]])).toEqual([
      [1, 2, 1],
      [3, 4, 3],
    ]);
  });

  it('walks a chain of 200,000 tasks without overflowing the call stack', () => {
    const n = 200_000;
    const children = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [0]));
    const cycles = findCycles(children);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(n + 1);
    expect(cycles[0]?.slice(0, 3)).toEqual([0, 1, 2]);
    expect(cycles[0]?.at(-1)).toBe(0);
  });
});
