import { describe, expect, it } from 'vitest';
import { cyclicComponents, graphFromLists, shortestCycleThrough, topologicalOrder } from '../src/util/dag.ts';
import { isCapable, missingCapabilities } from '../src/plan/model.ts';

describe('topologicalOrder (Kahn, smallest ready index first)', () => {
  it('keeps natural order without edges', () => {
    expect(topologicalOrder(graphFromLists([[], [], []]))).toEqual([0, 1, 2]);
  });

  it('orders a diamond: 0 depends on 1 and 2, both on 3 -> 3, 1, 2, 0', () => {
    expect(topologicalOrder(graphFromLists([[1, 2], [3], [3], []]))).toEqual([3, 1, 2, 0]);
  });

  it('takes the smallest ready task first: 0 waits on 2; 1 and 2 ready -> 1, 2, 0', () => {
    expect(topologicalOrder(graphFromLists([[2], [], []]))).toEqual([1, 2, 0]);
  });

  it('returns null on a cycle', () => {
    expect(topologicalOrder(graphFromLists([[1], [0], []]))).toBeNull();
  });

  it('handles a chain of 200,000 tasks (no recursion)', () => {
    const lists = Array.from({ length: 200_000 }, (_, i) => (i === 0 ? [] : [i - 1]));
    const order = topologicalOrder(graphFromLists(lists));
    expect(order?.length).toBe(200_000);
    expect(order?.slice(0, 3)).toEqual([0, 1, 2]);
  });
});

describe('cyclicComponents (Tarjan) and shortestCycleThrough', () => {
  it('finds a 3-cycle and names it from its first task', () => {
    // 0 -> 1 -> 2 -> 0 (0 depends on 1, ...); 3 depends on 0 but is not in the cycle.
    const graph = graphFromLists([[1], [2], [0], [0]]);
    expect(cyclicComponents(graph)).toEqual([[0, 1, 2]]);
    expect(shortestCycleThrough(graph, [0, 1, 2], 0)).toEqual([0, 1, 2, 0]);
  });

  it('finds two disjoint cycles, listed by their first task, and a self-loop', () => {
    const graph = graphFromLists([[], [4], [2], [1], [3], [6], [5]]);
    expect(cyclicComponents(graph)).toEqual([[1, 3, 4], [2], [5, 6]]);
    expect(shortestCycleThrough(graph, [1, 3, 4], 1)).toEqual([1, 4, 3, 1]);
    expect(shortestCycleThrough(graph, [2], 2)).toEqual([2, 2]);
    expect(shortestCycleThrough(graph, [5, 6], 5)).toEqual([5, 6, 5]);
  });

  it('names the shortest cycle through the first task when the component holds several', () => {
    // 0 -> 1 -> 2 -> 3 -> 0, and 0 also depends on 3 directly: the shortest cycle is 0 -> 3 -> 0.
    const graph = graphFromLists([[1, 3], [2], [3], [0]]);
    expect(cyclicComponents(graph)).toEqual([[0, 1, 2, 3]]);
    expect(shortestCycleThrough(graph, [0, 1, 2, 3], 0)).toEqual([0, 3, 0]);
  });

  it('finds no component in a DAG, even a deep one', () => {
    const lists = Array.from({ length: 100_000 }, (_, i) => (i === 0 ? [] : [i - 1]));
    expect(cyclicComponents(graphFromLists(lists))).toEqual([]);
    lists[0] = [99_999];
    expect(cyclicComponents(graphFromLists(lists))[0]?.length).toBe(100_000);
  });

  it('names a cycle of 200,000 tasks without overflowing the call stack (a hostile input, not a crash)', () => {
    // i depends on i - 1, and 0 on the last: 0 -> 199999 -> 199998 -> ... -> 1 -> 0.
    const n = 200_000;
    const graph = graphFromLists(Array.from({ length: n }, (_, i) => [i === 0 ? n - 1 : i - 1]));
    const [component] = cyclicComponents(graph);
    const cycle = shortestCycleThrough(graph, component ?? [], 0);
    expect(cycle).toHaveLength(n + 1);
    expect(cycle.slice(0, 3)).toEqual([0, n - 1, n - 2]);
    expect(cycle.slice(-2)).toEqual([1, 0]);
  });
});

describe('isCapable and missingCapabilities', () => {
  it('needs every required capability', () => {
    const agent = { capabilities: ['data', 'gpu', 'python'] };
    expect(isCapable(agent, { requiredCapabilities: [] })).toBe(true);
    expect(isCapable(agent, { requiredCapabilities: ['gpu', 'python'] })).toBe(true);
    expect(isCapable(agent, { requiredCapabilities: ['docs', 'gpu'] })).toBe(false);
    expect(isCapable({ capabilities: [] }, { requiredCapabilities: ['gpu'] })).toBe(false);
    expect(isCapable({ capabilities: ['python', 'gpu'] }, { requiredCapabilities: ['gpu', 'python'] })).toBe(true);
    expect(missingCapabilities(agent, { requiredCapabilities: ['docs', 'gpu', 'rust'] })).toEqual(['docs', 'rust']);
  });
});
