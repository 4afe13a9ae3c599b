/**
 * A binary min-heap over a strict "comes before" relation. O(log n) push and pop; used for the
 * event queue and for each agent's task queue.
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
    return this.#removeAt(0);
  }

  /**
   * Removes and returns the item that would pop LAST among those `eligible` accepts (the
   * greatest under `before`), or undefined when none does. O(n): a scan, then one sift.
   */
  removeLast(eligible: (item: T) => boolean): T | undefined {
    const items = this.#items;
    let at = -1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as T;
      if (eligible(item) && (at < 0 || this.before(items[at] as T, item))) at = i;
    }
    return at < 0 ? undefined : this.#removeAt(at);
  }

  /** Every item, in heap (not pop) order; for reading only. */
  items(): readonly T[] {
    return this.#items;
  }

  #removeAt(index: number): T | undefined {
    const items = this.#items;
    const removed = items[index];
    const last = items.pop();
    if (removed === undefined || last === undefined || index === items.length) return removed;
    items[index] = last;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as T, items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
    }
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < items.length && this.before(items[left] as T, items[first] as T)) first = left;
      if (right < items.length && this.before(items[right] as T, items[first] as T)) first = right;
      if (first === i) return removed;
      this.#swap(i, first);
      i = first;
    }
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
}
