/**
 * The growing files of a run ({@link StreamFile}): `task_outcomes.jsonl`, `events.jsonl` and
 * the other streams that grow wave by wave, written at their temporary names and hashed as they
 * are written. {@link OutputFolder} (src/io/atomic.ts) opens, commits and renames them; this
 * module is how their bytes get to the file.
 */
import type { Hash } from 'node:crypto';
import type { FileDigest, OutputFolder } from './atomic.ts';
import { asOutputError, asOutputErrorAsync } from './output-errors.ts';
import { tempPathOf } from './read-back.ts';

/** Bytes (as UTF-16 length, approximately) buffered before a write. */
export const FLUSH_THRESHOLD = 1 << 20;

/** Bytes a stream's buffer starts with; it doubles as needed (to a little over {@link FLUSH_THRESHOLD} for lines). */
const INITIAL_BUFFER_BYTES = 1 << 14;

/**
 * Where text lines go: a {@link StreamFile}. Besides {@link append}, a writer that encodes its own
 * bytes (events.jsonl's task lines, issue 10) may write straight into the buffer: `reserve(n)`,
 * then bytes from `end`, then `wrote(k)` with k at most n.
 */
export interface LineSink {
  /** Appends text (UTF-8). */
  append(text: string): void;
  /** The buffer, with room for at least `bytes` more bytes from {@link end}; valid until the next call. */
  reserve(bytes: number): Uint8Array;
  /** Where the next byte goes in the buffer {@link reserve} returned. */
  readonly end: number;
  /** The next `bytes` bytes from {@link end} are written (at most what was reserved); as {@link append} of them. */
  wrote(bytes: number): void;
}

/**
 * A file being written at its temporary name; see {@link OutputFolder.openStream}.
 *
 * Appended text is encoded into one reused buffer as it comes and written (and hashed) from it
 * in batches of about {@link FLUSH_THRESHOLD}: no joined string or new buffer per batch (issue 10:
 * at 10^6 rows the streams take 1.3 GB of lines).
 */
export class StreamFile implements LineSink {
  #bytes: Buffer = Buffer.allocUnsafe(0);
  /** Bytes buffered. */
  #used = 0;
  /** UTF-16 units buffered (ASCII bytes written through {@link wrote} count one each): what the flush threshold counts. */
  #buffered = 0;
  /** Whether anything was appended since the last flush (an empty text too: it still makes a write). */
  #pending = false;
  #open = true;

  /** @internal use {@link OutputFolder.openStream} or {@link OutputFolder.reopenStream} */
  constructor(
    private readonly folder: OutputFolder,
    /** Final path, relative to the folder. */
    readonly path: string,
    private readonly fd: number,
    private position: number,
    private readonly hash: Hash,
  ) {}

  /**
   * Appends text, UTF-8 encoded (each text on its own: a lone surrogate becomes U+FFFD, as with
   * `Buffer.from`); buffered, and written once about {@link FLUSH_THRESHOLD} UTF-16 units wait.
   */
  append(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (4 per surrogate pair).
    this.reserve(3 * text.length);
    this.#used += this.#bytes.write(text, this.#used);
    this.#buffered += text.length;
    this.#pending = true;
    if (this.#buffered >= FLUSH_THRESHOLD) this.flush();
  }

  reserve(bytes: number): Uint8Array {
    if (this.#used + bytes > this.#bytes.length) {
      const larger = Buffer.allocUnsafe(Math.max(2 * this.#bytes.length, INITIAL_BUFFER_BYTES, this.#used + bytes));
      this.#bytes.copy(larger, 0, 0, this.#used);
      this.#bytes = larger;
    }
    return this.#bytes;
  }

  get end(): number {
    return this.#used;
  }

  wrote(bytes: number): void {
    this.#used += bytes;
    this.#buffered += bytes;
    this.#pending = true;
    if (this.#buffered >= FLUSH_THRESHOLD) this.flush();
  }

  /** Appends bytes: the buffered text first, then these, written at once. @throws OutputError on a fault of the environment */
  appendBytes(data: Uint8Array): void {
    this.flush();
    this.#write(data);
  }

  /** Writes the buffered text. @throws OutputError on a fault of the environment */
  flush(): void {
    if (!this.#pending) return;
    // write(2) and the hash are done with the bytes when they return: the buffer is reused.
    const data = this.#bytes.subarray(0, this.#used);
    this.#used = 0;
    this.#buffered = 0;
    this.#pending = false;
    this.#write(data);
  }

  #write(data: Uint8Array): void {
    const at = this.position;
    asOutputError(this.folder.label, `write ${tempPathOf(this.path)}`, () => {
      this.folder.fs.write(this.fd, data, at);
    });
    this.hash.update(data);
    this.position += data.length;
  }

  /** Flushes and fsyncs; the bytes and SHA-256 of everything appended so far. */
  checkpoint(): FileDigest {
    const digest = this.flushed();
    asOutputError(this.folder.label, `sync ${tempPathOf(this.path)}`, () => {
      this.folder.fs.fsync(this.fd);
    });
    return digest;
  }

  /** Flushes (no fsync); the bytes and SHA-256 of everything appended so far. @throws OutputError on a fault of the environment */
  flushed(): FileDigest {
    this.flush();
    return { path: this.path, bytes: this.position, sha256: this.hash.copy().digest('hex') };
  }

  /** fsyncs the bytes written so far on libuv's thread pool ({@link OutputFs.fsyncAsync}). @throws OutputError on a fault of the environment */
  syncAsync(): Promise<void> {
    return asOutputErrorAsync(this.folder.label, `sync ${tempPathOf(this.path)}`, () => this.folder.fs.fsyncAsync(this.fd));
  }

  /** Flushes, fsyncs, closes and renames the file to its final name. */
  finish(): FileDigest {
    const digest = this.checkpoint();
    this.closeAndRename();
    return digest;
  }

  /** Closes the file and renames it to its final name (written and synced already). @throws OutputError on a fault of the environment */
  closeAndRename(): void {
    this.#open = false;
    asOutputError(this.folder.label, `close ${tempPathOf(this.path)}`, () => {
      this.folder.fs.close(this.fd);
    });
    this.folder.rename(tempPathOf(this.path), this.path);
  }

  /** Closes the file without renaming it (a failed or canceled run); errors are ignored. */
  abandon(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.folder.fs.close(this.fd);
    } catch {
      // The run is failing already; its first error is the one to report.
    }
  }
}
