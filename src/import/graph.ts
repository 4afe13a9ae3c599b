/**
 * Cycle finding on a workflow's task graph (pure). Tasks are numbered 0..n-1 in instance
 * order; `children[i]` lists the tasks that depend on task i (edges point from a parent to
 * the child that runs after it).
 *
 * Strongly connected components come from Tarjan's algorithm (R. Tarjan, "Depth-first search
 * and linear graph algorithms", SIAM J. Comput. 1(2), 1972), written with an explicit stack so
 * a long chain cannot overflow the call stack. Every component with more than one task, or one
 * task that is its own parent, holds at least one cycle; {@link findCycles} names the shortest
 * cycle through the component's first task (breadth-first search inside the component).
 */

/** A cycle as task indices in edge order, first task repeated at the end: `[a, b, c, a]`. */
export type Cycle = readonly number[];

/**
 * The strongly connected components of the graph, each as ascending task indices, listed by
 * their first task. Runs in O(tasks + edges).
 */
export function stronglyConnectedComponents(children: readonly (readonly number[])[]): number[][] {
  const n = children.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  // Explicit DFS frames: the task and the position of the next child to visit.
  const frames: { task: number; next: number }[] = [];

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    frames.push({ task: root, next: 0 });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) break;
      const v = frame.task;
      const kids = children[v] ?? [];
      if (frame.next < kids.length) {
        const w = kids[frame.next++] ?? 0;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ task: w, next: 0 });
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v] ?? 0, index[w] ?? 0);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent.task] = Math.min(low[parent.task] ?? 0, low[v] ?? 0);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number | undefined;
        do {
          w = stack.pop();
          if (w === undefined) break;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/**
 * One cycle per strongly connected component that has one: the shortest cycle through the
 * component's first task (lowest index), children visited in their listed order, so the answer
 * is deterministic. A task that lists itself as a child gives `[t, t]`. Cycles are listed by
 * their first task; an acyclic graph gives `[]`.
 */
export function findCycles(children: readonly (readonly number[])[]): Cycle[] {
  const cycles: Cycle[] = [];
  for (const component of stronglyConnectedComponents(children)) {
    const start = component[0];
    if (start === undefined) continue;
    if (component.length === 1 && !(children[start] ?? []).includes(start)) continue;
    cycles.push(shortestCycleThrough(start, new Set(component), children));
  }
  return cycles;
}

/** Breadth-first search from `start` inside `members` back to `start`. */
function shortestCycleThrough(start: number, members: ReadonlySet<number>, children: readonly (readonly number[])[]): Cycle {
  const previous = new Map<number, number>();
  const queue: number[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] ?? start;
    for (const w of children[v] ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u) ?? start) path.push(u);
        path.push(start);
        // path is start, v, ..., reversed except its first element.
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  // Unreachable for a strongly connected component: every member reaches every other.
  throw new RangeError(`no cycle through task ${start}`);
}
