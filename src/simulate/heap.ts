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
  live: boolean;
}

/** Stale entries a heap may hold beyond its live ones before it is rebuilt. */
const STALE_SLACK = 64;

/**
 * A double-ended priority queue over a strict total "comes before" order: `pop` takes the first
 * item, `removeLast(eligible)` the last one `eligible` accepts. An agent's task queue is one
 * (work stealing takes from its end). Issue 10: scanning the whole queue for each steal made
 * stealing quadratic, 65% of a 62,500-task wave.
 *
 * A min-heap and a max-heap hold the same entries; an entry removed through one is marked dead
 * and left in the other until it reaches that heap's top or the heap is rebuilt (once it holds
 * more dead entries than {@link STALE_SLACK} plus its live ones), so `push` and `pop` stay
 * O(log n) amortised and cost no bookkeeping per swap. `removeLast` walks the max-heap best-first
 * (children never come before their parent): O(k log k) for the k dead or refused entries after
 * the answer.
 */
export class DoubleEndedHeap<T> {
  #first: BinaryHeap<Entry<T>>;
  #last: BinaryHeap<Entry<T>>;
  #live = 0;
  readonly #firstBefore: (a: Entry<T>, b: Entry<T>) => boolean;
  readonly #lastBefore: (a: Entry<T>, b: Entry<T>) => boolean;

  /** @param before - true when `a` must pop before `b`; a strict total order. */
  constructor(before: (a: T, b: T) => boolean) {
    this.#firstBefore = (a, b) => before(a.item, b.item);
    this.#lastBefore = (a, b) => before(b.item, a.item);
    this.#first = new BinaryHeap(this.#firstBefore);
    this.#last = new BinaryHeap(this.#lastBefore);
  }

  /** Items held. */
  get size(): number {
    return this.#live;
  }

  push(item: T): void {
    const entry: Entry<T> = { item, live: true };
    this.#first.push(entry);
    this.#last.push(entry);
    this.#live++;
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

  /** Removes and returns the last item among those `eligible` accepts, or undefined when none does. */
  removeLast(eligible: (item: T) => boolean): T | undefined {
    const entries = this.#last.items();
    if (this.#live === 0) return undefined;
    const frontier = new BinaryHeap<number>((i, j) => this.#lastBefore(entries[i] as Entry<T>, entries[j] as Entry<T>));
    frontier.push(0);
    for (let i = frontier.pop(); i !== undefined; i = frontier.pop()) {
      const entry = entries[i] as Entry<T>;
      if (entry.live && eligible(entry.item)) {
        entry.live = false;
        this.#live--;
        this.#tidy();
        return entry.item;
      }
      if (2 * i + 1 < entries.length) frontier.push(2 * i + 1);
      if (2 * i + 2 < entries.length) frontier.push(2 * i + 2);
    }
    return undefined;
  }

  /** Whether some item passes `test`. */
  some(test: (item: T) => boolean): boolean {
    for (const entry of this.#first.items()) if (entry.live && test(entry.item)) return true;
    return false;
  }

  /** Drops dead entries from both tops, and rebuilds a heap that holds too many. */
  #tidy(): void {
    for (const heap of [this.#first, this.#last]) {
      for (let top = heap.peek(); top !== undefined && !top.live; top = heap.peek()) heap.pop();
    }
    if (this.#first.size > 2 * this.#live + STALE_SLACK) this.#first = this.#rebuilt(this.#first, this.#firstBefore);
    if (this.#last.size > 2 * this.#live + STALE_SLACK) this.#last = this.#rebuilt(this.#last, this.#lastBefore);
  }

  #rebuilt(heap: BinaryHeap<Entry<T>>, before: (a: Entry<T>, b: Entry<T>) => boolean): BinaryHeap<Entry<T>> {
    const fresh = new BinaryHeap(before);
    for (const entry of heap.items()) if (entry.live) fresh.push(entry);
    return fresh;
  }
}
