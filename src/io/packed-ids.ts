/**
 * A frozen set of strings packed into one string and an array of offsets, for the task ids
 * pass 1 keeps of every wave (contract section 15: a later wave may depend on any of them, and
 * the replay world asks whether a task is part of the run). About (length + 4) bytes per id,
 * where a `Set` of the parsed strings takes about 60: at 2.5 million tasks, 40 MB instead of
 * 150, which matters because V8 lets the heap grow to several times what is live.
 *
 * Look-ups are a binary search over the ids sorted by UTF-16 code units (the order of
 * `Array.prototype.sort` and `<`), comparing in place: O(log n) character comparisons, no
 * allocation. Dependencies across waves are rare next to the rows, so this is not a hot path.
 */
export class PackedIds {
  readonly #text: string;
  /** `#ends[i]` is where id i ends in `#text`; id i starts at `#ends[i - 1]` (0 for the first). */
  readonly #ends: Int32Array;

  private constructor(text: string, ends: Int32Array) {
    this.#text = text;
    this.#ends = ends;
  }

  /** The distinct strings of `ids` (repeats count once). */
  static from(ids: Iterable<string>): PackedIds {
    const sorted = [...new Set(ids)].sort();
    const ends = new Int32Array(sorted.length);
    let at = 0;
    sorted.forEach((id, i) => {
      at += id.length;
      ends[i] = at;
    });
    return new PackedIds(sorted.join(''), ends);
  }

  /** Distinct ids held. */
  get size(): number {
    return this.#ends.length;
  }

  has(id: string): boolean {
    let lo = 0;
    let hi = this.#ends.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const order = this.#compare(id, mid === 0 ? 0 : (this.#ends[mid - 1] ?? 0), this.#ends[mid] ?? 0);
      if (order === 0) return true;
      if (order < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return false;
  }

  /** `id` against the held id at [start, end) of the text: negative, 0 or positive, by UTF-16 code units. */
  #compare(id: string, start: number, end: number): number {
    const length = end - start;
    const common = Math.min(id.length, length);
    for (let i = 0; i < common; i++) {
      const d = id.charCodeAt(i) - this.#text.charCodeAt(start + i);
      if (d !== 0) return d;
    }
    return id.length - length;
  }
}
