/**
 * A byte-capped capture of one output stream of a command (contract section 11: stdout and
 * stderr are kept up to a byte limit). Bytes past the cap are read and dropped, so a chatty
 * command never blocks on a full pipe and never grows the harness's memory.
 */

/** Keeps the first `maxBytes` bytes written to it. */
export class ByteCap {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #dropped = 0;

  /** @param maxBytes - bytes kept, an integer >= 0. */
  constructor(private readonly maxBytes: number) {}

  /** Adds a chunk; what does not fit under the cap is counted and dropped. */
  push(chunk: Uint8Array): void {
    const room = this.maxBytes - this.#kept;
    if (room >= chunk.length) {
      this.#chunks.push(Buffer.from(chunk));
      this.#kept += chunk.length;
      return;
    }
    if (room > 0) {
      this.#chunks.push(Buffer.from(chunk.subarray(0, room)));
      this.#kept += room;
    }
    this.#dropped += chunk.length - Math.max(0, room);
  }

  /** True when bytes were dropped. */
  get truncated(): boolean {
    return this.#dropped > 0;
  }

  /**
   * The kept bytes as UTF-8 text. When bytes were dropped, an incomplete character at the cut
   * is left out, so the text never ends in half a character; invalid UTF-8 elsewhere becomes
   * U+FFFD (WHATWG decoding).
   */
  text(): string {
    const bytes = Buffer.concat(this.#chunks, this.#kept);
    const end = this.truncated ? utf8Boundary(bytes) : bytes.length;
    return new TextDecoder('utf-8').decode(bytes.subarray(0, end));
  }
}

/**
 * The length of `bytes` without a trailing incomplete UTF-8 sequence: walks back over at most 3
 * continuation bytes (10xxxxxx) to the lead byte, and cuts before it when its sequence
 * (2 bytes for 110xxxxx, 3 for 1110xxxx, 4 for 11110xxx; RFC 3629) runs past the end.
 */
export function utf8Boundary(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = n - 1;
  while (i >= 0 && i >= n - 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = bytes[i] ?? 0;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > n ? i : n;
}
