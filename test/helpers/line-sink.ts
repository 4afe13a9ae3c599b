import type { LineSink } from '../../src/io/atomic.ts';

/**
 * A {@link LineSink} that keeps every line as a string: text as appended, bytes decoded as UTF-8
 * when `wrote` is called. Its buffer's `end` moves (0 to 6) from line to line, so a writer that
 * ignores `end` writes in the wrong place and the decoded line shows it.
 */
export class MemoryLineSink implements LineSink {
  readonly lines: string[] = [];
  #bytes = new Uint8Array(0);
  #end = 0;

  append(text: string): void {
    this.lines.push(text);
    this.#next();
  }

  reserve(bytes: number): Uint8Array {
    if (this.#end + bytes > this.#bytes.length) this.#bytes = new Uint8Array(this.#end + bytes);
    // Stale bytes where the caller must write.
    this.#bytes.fill(0x3f, this.#end);
    return this.#bytes;
  }

  get end(): number {
    return this.#end;
  }

  wrote(bytes: number): void {
    this.lines.push(Buffer.from(this.#bytes.subarray(this.#end, this.#end + bytes)).toString('utf8'));
    this.#next();
  }

  #next(): void {
    this.#end = this.lines.length % 7;
  }
}
