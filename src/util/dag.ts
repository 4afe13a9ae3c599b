/**
 * Graph algorithms on dependency graphs of numbered tasks (pure, no allocation per edge).
 *
 * A graph is given in compressed sparse row form ({@link DependencyGraph}): task i depends on
 * `targets[offsets[i]]` .. `targets[offsets[i + 1] - 1]`. Typed arrays, not objects, because
 * a wave may hold 10^6 tasks: graphology 0.26 took 34.6 s and 1.9 GB to build such a graph
 * (1.5 x 10^6 edges) and 11 s more to test it for a cycle, where these functions take well
 * under a second (figures in BENCHMARKS.md, "Dependencies").
 *
 * - {@link topologicalOrder}: Kahn's algorithm (A. B. Kahn, "Topological sorting of large
 *   networks", CACM 5(11), 1962) with a binary min-heap, so among ready tasks the smallest
 *   number goes first: the order is deterministic and tasks without dependencies keep theirs.
 * - {@link cyclicComponents}: Tarjan's strongly connected components (R. Tarjan, "Depth-first
 *   search and linear graph algorithms", SIAM J. Comput. 1(2), 1972), with an explicit stack so
 *   a long chain cannot overflow the call stack.
 * - {@link shortestCycleThrough}: breadth-first search inside one component.
 */

/** Task i depends on `targets[offsets[i]] .. targets[offsets[i + 1] - 1]` (all in [0, n)). */
export interface DependencyGraph {
  /** Number of tasks. */
  readonly n: number;
  /** Length n + 1, non-decreasing, offsets[0] = 0, offsets[n] = targets.length. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** Builds a {@link DependencyGraph} from per-task lists of dependency numbers. */
export function graphFromLists(lists: readonly (readonly number[])[]): DependencyGraph {
  const n = lists.length;
  const offsets = new Int32Array(n + 1);
  let m = 0;
  for (let i = 0; i < n; i++) {
    m += lists[i]?.length ?? 0;
    offsets[i + 1] = m;
  }
  const targets = new Int32Array(m);
  let k = 0;
  for (const list of lists) for (const target of list) targets[k++] = target;
  return { n, offsets, targets };
}

/** The reverse graph: for each task, the tasks that depend on it (in ascending order). */
function dependents(graph: DependencyGraph): DependencyGraph {
  const { n, offsets, targets } = graph;
  const counts = new Int32Array(n + 1);
  for (const target of targets) counts[target + 1] = (counts[target + 1] ?? 0) + 1;
  for (let i = 0; i < n; i++) counts[i + 1] = (counts[i + 1] ?? 0) + (counts[i] ?? 0);
  const reverse = new Int32Array(targets.length);
  const fill = counts.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i] ?? 0; e < (offsets[i + 1] ?? 0); e++) {
      const target = targets[e] ?? 0;
      const at = fill[target] ?? 0;
      reverse[at] = i;
      fill[target] = at + 1;
    }
  }
  return { n, offsets: counts, targets: reverse };
}

/** A binary min-heap of small non-negative integers. */
class MinHeap {
  private readonly items: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(1, capacity));
  }
  push(value: number): void {
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] ?? 0;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }
  pop(): number {
    const items = this.items;
    const top = items[0] ?? 0;
    const last = items[--this.size] ?? 0;
    let i = 0;
    const size = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && (items[right] ?? 0) < (items[child] ?? 0)) child = right;
      const c = items[child] ?? 0;
      if (c >= last) break;
      items[i] = c;
      i = child;
    }
    if (size > 0) items[i] = last;
    return top;
  }
}

/**
 * A topological order of `graph`: every task after all tasks it depends on; among ready tasks
 * the smallest number first (Kahn's algorithm with a min-heap; O((n + m) log n)). A graph
 * without edges gives `[0, 1, ..., n - 1]` in O(n).
 * @returns the order, or null when the graph has a cycle (some task is never ready)
 */
export function topologicalOrder(graph: DependencyGraph): number[] | null {
  const { n, offsets, targets } = graph;
  const order: number[] = [];
  if (targets.length === 0) {
    for (let i = 0; i < n; i++) order.push(i);
    return order;
  }
  const waiting = new Int32Array(n);
  for (let i = 0; i < n; i++) waiting[i] = (offsets[i + 1] ?? 0) - (offsets[i] ?? 0);
  const reverse = dependents(graph);
  const ready = new MinHeap(n);
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  while (ready.size > 0) {
    const task = ready.pop();
    order.push(task);
    for (let e = reverse.offsets[task] ?? 0; e < (reverse.offsets[task + 1] ?? 0); e++) {
      const next = reverse.targets[e] ?? 0;
      const left = (waiting[next] ?? 0) - 1;
      waiting[next] = left;
      if (left === 0) ready.push(next);
    }
  }
  return order.length === n ? order : null;
}

/**
 * The strongly connected components that hold a cycle: more than one task, or one task that
 * depends on itself. Each as ascending task numbers; components listed by their smallest task.
 * O(n + m) (Tarjan, iterative).
 */
export function cyclicComponents(graph: DependencyGraph): number[][] {
  const { n, offsets, targets } = graph;
  const out: number[][] = [];
  if (targets.length === 0) return out;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const frameTask = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    frameTask[0] = root;
    frameEdge[0] = offsets[root] ?? 0;
    index[root] = low[root] = counter++;
    stack[top++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = frameTask[depth] ?? 0;
      const edge = frameEdge[depth] ?? 0;
      if (edge < (offsets[v + 1] ?? 0)) {
        frameEdge[depth] = edge + 1;
        const w = targets[edge] ?? 0;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[top++] = w;
          onStack[w] = 1;
          depth++;
          frameTask[depth] = w;
          frameEdge[depth] = offsets[w] ?? 0;
        } else if (onStack[w] === 1 && (index[w] ?? 0) < (low[v] ?? 0)) {
          low[v] = index[w] ?? 0;
        }
        continue;
      }
      depth--;
      if (depth >= 0) {
        const parent = frameTask[depth] ?? 0;
        if ((low[v] ?? 0) < (low[parent] ?? 0)) low[parent] = low[v] ?? 0;
      }
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      let w: number;
      do {
        w = stack[--top] ?? 0;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || dependsOnItself(graph, v)) out.push(component.sort((a, b) => a - b));
    }
  }
  return out.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

function dependsOnItself(graph: DependencyGraph, task: number): boolean {
  for (let e = graph.offsets[task] ?? 0; e < (graph.offsets[task + 1] ?? 0); e++) if (graph.targets[e] === task) return true;
  return false;
}

/**
 * A shortest cycle through `start` inside `component` (which must be a cyclic component
 * holding `start`), following dependencies: `[start, a, b, start]` means start depends on a, a
 * on b, b on start. Among shortest cycles, the one whose tasks' dependency lists come first
 * (breadth-first search in edge order), so the choice is deterministic. O(size of component's
 * edges).
 */
export function shortestCycleThrough(graph: DependencyGraph, component: readonly number[], start: number): number[] {
  const inside = new Set(component);
  const parent = new Map<number, number>();
  const queue: number[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] ?? 0;
    for (let e = graph.offsets[v] ?? 0; e < (graph.offsets[v + 1] ?? 0); e++) {
      const w = graph.targets[e] ?? 0;
      if (w === start) {
        // Walk back from v to start, then reverse in place: no spread, so a cycle of 10^5+
        // tasks cannot overflow the call stack.
        const back: number[] = [];
        for (let x: number | undefined = v; x !== undefined && x !== start; x = parent.get(x)) back.push(x);
        back.push(start);
        back.reverse();
        back.push(start);
        return back;
      }
      if (!inside.has(w) || parent.has(w) || w === start) continue;
      parent.set(w, v);
      queue.push(w);
    }
  }
  return [start, start];
}
