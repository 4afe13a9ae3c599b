/**
 * A binary min-heap over a strict "comes before" relation. O(log n) push and pop; used for the
 * event queue; an agent's task queue is a {@link DoubleEndedHeap}.
 */
export class BinaryHeap<T> {
  readonly #items: T[] = [];

  /** @param before - true when `a` must pop before `b`; must be a strict total order for determinism. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.#items.length;
  }

  /** The first item without removing it, or undefined when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as T, items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the first item, or undefined when empty. */
  pop(): T | undefined {
    const items = this.#items;
    const first = items[0];
    const last = items.pop();
    if (first === undefined || last === undefined || items.length === 0) return first;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let next = i;
      if (left < items.length && this.before(items[left] as T, items[next] as T)) next = left;
      if (right < items.length && this.before(items[right] as T, items[next] as T)) next = right;
      if (next === i) return first;
      this.#swap(i, next);
      i = next;
    }
  }

  /** Every item, in heap (not pop) order; for reading only. */
  items(): readonly T[] {
    return this.#items;
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
}

/** One item of a {@link DoubleEndedHeap}, in both of its heaps; `live` until removed from either. */
interface Entry<T> {
  readonly item: T;
  readonly key: number;
  live: boolean;
}

/**
 * A binary heap of entries ordered by their numeric key: the smallest on top (`max` false) or
 * the largest (`max` true). Keys compare as numbers, with no callback: the queues of a wave
 * see millions of pushes and pops at 10^6 rows (issue 10).
 */
class KeyedHeap<T> {
  items: Entry<T>[] = [];

  constructor(private readonly max: boolean) {}

  /** Whether `a` sits above `b`. */
  #above(a: Entry<T>, b: Entry<T>): boolean {
    return this.max ? a.key > b.key : a.key < b.key;
  }

  push(entry: Entry<T>): void {
    const items = this.items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent] as Entry<T>;
      if (!this.#above(entry, above)) break;
      items[i] = above;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): Entry<T> | undefined {
    const items = this.items;
    const first = items[0];
    const last = items.pop();
    if (first === undefined || last === undefined || items.length === 0) return first;
    this.#siftDown(0, last);
    return first;
  }

  /** Restores the heap property over the whole array in O(n) (Floyd's bottom-up construction). */
  heapify(): void {
    const items = this.items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i, items[i] as Entry<T>);
  }

  /** Places `entry` at `i` or below, moving smaller-ranked children up. */
  #siftDown(start: number, entry: Entry<T>): void {
    const items = this.items;
    const n = items.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.#above(items[right] as Entry<T>, items[left] as Entry<T>)) child = right;
      const candidate = items[child] as Entry<T>;
      if (!this.#above(candidate, entry)) break;
      items[i] = candidate;
      i = child;
    }
    items[i] = entry;
  }
}

/** Stale entries a heap may hold beyond its live ones before it is rebuilt. */
const STALE_SLACK = 64;

/**
 * A double-ended priority queue over unique numeric keys (smallest first): `pop` takes the
 * first item, `removeLast(eligible)` the last one `eligible` accepts, `drain` all of them in
 * order. An agent's task queue is one (work stealing takes from its end, a circuit opening
 * drains it). Issue 10: scanning the whole queue for each steal made stealing quadratic (65% of
 * a 62,500-task wave), and comparing items through callbacks was half of what remained.
 *
 * A min-heap and a max-heap hold the same entries; an entry removed through one is marked dead
 * and left in the other until it reaches that heap's top or the heap is rebuilt (once it holds
 * more dead entries than {@link STALE_SLACK} plus its live ones), so `push` and `pop` stay
 * O(log n) amortised and cost no bookkeeping per swap. `removeLast` walks the max-heap best-first
 * (children never come before their parent): O(k log k) for the k dead or refused entries after
 * the answer. Keys must be unique (a strict total order), so the order never depends on how the
 * heaps happen to be arranged.
 */
export class DoubleEndedHeap<T> {
  #first = new KeyedHeap<T>(false);
  #last = new KeyedHeap<T>(true);
  #live = 0;

  /** @param keyOf - the item's rank, smallest first; unique among the items held at once. */
  constructor(private readonly keyOf: (item: T) => number) {}

  /** Items held. */
  get size(): number {
    return this.#live;
  }

  push(item: T): void {
    const entry: Entry<T> = { item, key: this.keyOf(item), live: true };
    this.#first.push(entry);
    this.#last.push(entry);
    this.#live++;
  }

  /**
   * Adds every item of `items`; the same as pushing them one by one, but a large batch is
   * appended and the heaps rebuilt in O(n) instead of O(k log n).
   */
  pushAll(items: readonly T[]): void {
    const k = items.length;
    if (k < 16 || 4 * k < this.#first.items.length) {
      for (const item of items) this.push(item);
      return;
    }
    for (const item of items) {
      const entry: Entry<T> = { item, key: this.keyOf(item), live: true };
      this.#first.items.push(entry);
      this.#last.items.push(entry);
    }
    this.#live += k;
    this.#first.heapify();
    this.#last.heapify();
  }

  /** Removes and returns the first item, or undefined when empty. */
  pop(): T | undefined {
    for (let entry = this.#first.pop(); entry !== undefined; entry = this.#first.pop()) {
      if (!entry.live) continue;
      entry.live = false;
      this.#live--;
      this.#tidy();
      return entry.item;
    }
    return undefined;
  }

  /** Removes every item and returns them in pop order: O(n log n) with one sort, not n pops. */
  drain(): T[] {
    // The old heaps and their entries are dropped whole: no entry needs marking dead.
    const live = this.#first.items.filter((entry) => entry.live);
    live.sort((a, b) => a.key - b.key);
    this.#first = new KeyedHeap<T>(false);
    this.#last = new KeyedHeap<T>(true);
    this.#live = 0;
    return live.map((entry) => entry.item);
  }

  /** Removes and returns the last item among those `eligible` accepts, or undefined when none does. */
  removeLast(eligible: (item: T) => boolean): T | undefined {
    const entries = this.#last.items;
    if (this.#live === 0) return undefined;
    // The usual case: the last item itself is eligible (no frontier to allocate).
    const top = entries[0] as Entry<T>;
    if (top.live && eligible(top.item)) return this.#takeLast(top);
    const frontier = new BinaryHeap<number>((i, j) => (entries[i] as Entry<T>).key > (entries[j] as Entry<T>).key);
    frontier.push(0);
    for (let i = frontier.pop(); i !== undefined; i = frontier.pop()) {
      const entry = entries[i] as Entry<T>;
      if (entry.live && eligible(entry.item)) return this.#takeLast(entry);
      if (2 * i + 1 < entries.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < entries.length) frontier.push(2 * i + 2);
    }
    return undefined;
  }

  /** Removes `entry` (live, found through the max-heap) and returns its item. */
  #takeLast(entry: Entry<T>): T {
    entry.live = false;
    this.#live--;
    this.#tidy();
    return entry.item;
  }

  /** Whether some item passes `test`. */
  some(test: (item: T) => boolean): boolean {
    // The last item first: the one a steal (removeLast) usually takes.
    const top = this.#last.items[0];
    if (top !== undefined && top.live && test(top.item)) return true;
    for (const entry of this.#first.items) if (entry.live && test(entry.item)) return true;
    return false;
  }

  /** Drops dead entries from both tops, and rebuilds a heap that holds too many. */
  #tidy(): void {
    for (const heap of [this.#first, this.#last]) {
      for (let top = heap.items[0]; top !== undefined && !top.live; top = heap.items[0]) heap.pop();
      if (heap.items.length > 2 * this.#live + STALE_SLACK) {
        heap.items = heap.items.filter((entry) => entry.live);
        heap.heapify();
      }
    }
  }
}
