/**
 * Cycle finding on a workflow's task graph (pure). Tasks are numbered 0..n-1 in instance
 * order; `children[i]` lists the tasks that depend on task i (edges point from a parent to
 * the child that runs after it).
 *
 * The graph algorithms are the harness's own (`src/util/dag.ts`: Tarjan's strongly connected
 * components without recursion, then a breadth-first shortest cycle), run here over the
 * parent-to-child edges, so a cycle reads in the order its tasks would run.
 */
import { cyclicComponents, graphFromLists, shortestCycleThrough } from '../util/dag.ts';

/** A cycle as task indices in edge order, first task repeated at the end: `[a, b, c, a]`. */
export type Cycle = readonly number[];

/**
 * One cycle per strongly connected component that has one: the shortest cycle through the
 * component's first task (lowest index), children visited in their listed order, so the answer
 * is deterministic. A task that lists itself as a child gives `[t, t]`. Cycles are listed by
 * their first task; an acyclic graph gives `[]`. O(tasks + edges).
 */
export function findCycles(children: readonly (readonly number[])[]): Cycle[] {
  const graph = graphFromLists(children);
  return cyclicComponents(graph).map((component) => shortestCycleThrough(graph, component, component[0] ?? 0));
}
