/**
 * task_outcomes.parquet written off the run's thread (docs/performance.md, "Parquet off the
 * main thread"): {@link OutcomesParquetThread} sends the JSONL lines of task_outcomes.jsonl to
 * a worker (src/report/parquet-worker.ts), which parses and encodes them while the run goes on
 * and sends the encoded bytes back. The file's bytes are those of {@link OutcomesParquetWriter}
 * fed the same rows wave by wave.
 *
 * The bytes are written at fixed points of the run, so the sequence of file-system calls does
 * not depend on how fast the worker is (the crash and full-disk tests count them): they are
 * queued as they arrive and written by {@link OutcomesParquetThread.settle}, which waits until
 * the worker has encoded everything sent so far. The run settles before it writes each wave
 * (the worker has had the whole simulation of the wave to encode the previous one) and before
 * it finishes the stream. task_outcomes.parquet is not checkpointed (`--resume` rebuilds it
 * from the JSONL), so no checkpoint waits on the worker.
 */
import type { StreamFile } from '../io/atomic.ts';
import { spawnWorker, workerUrl } from '../util/worker.ts';

/** A message to the worker; `wave`, `replay` and `finish` are answered with `done`, after their bytes. */
export type ParquetRequest =
  /** JSONL lines (each ending in a newline) of the current wave. */
  | { readonly kind: 'lines'; readonly text: string }
  /** The current wave has ended. */
  | { readonly kind: 'wave' }
  /** Feed the first `bytes` bytes of the JSONL file `file` (an interrupted run's finished waves). */
  | { readonly kind: 'replay'; readonly file: string; readonly bytes: number }
  /** Write the footer. */
  | { readonly kind: 'finish' };

/** A message from the worker. */
export type ParquetReply = { readonly kind: 'bytes'; readonly data: Uint8Array } | { readonly kind: 'done' } | { readonly kind: 'error'; readonly message: string };

/**
 * The worker's heap budget, MiB (Node's `resourceLimits.maxOldGenerationSizeMb`): under 2 GiB,
 * V8 lets the heap grow to 1.3-2.0 times what it holds instead of 4 times (docs/decisions.md,
 * "`phase` runs in its own thread with a heap budget"). The worker holds one wave's rows, about
 * 1 KB per task, so 512 MiB leave room for a wave of about 400,000 tasks.
 */
export const PARQUET_HEAP_MB = 512;

/** Lines sent to the worker in one message. */
const LINES_PER_MESSAGE = 8192;

/** The Parquet stream of a run, encoded by a worker thread; see the module comment. */
export class OutcomesParquetThread {
  readonly #worker = spawnWorker(workerUrl(import.meta.url, './parquet-worker.ts', 'parquet-worker.js'), {
    resourceLimits: { maxOldGenerationSizeMb: PARQUET_HEAP_MB },
  });
  #lines: string[] = [];
  /** Encoded bytes not yet written, in order. */
  #queue: Uint8Array[] = [];
  /** Requests answered with `done`: sent, and answered so far. */
  #sent = 0;
  #done = 0;
  /** Called on each answer and failure while {@link settle} waits. */
  #wake: (() => void) | null = null;
  /** The first failure of the worker. */
  #failure: Error | null = null;
  #closing: Promise<void> | null = null;

  /** Starts the worker; its bytes go to `stream`. */
  constructor(readonly stream: StreamFile) {
    this.#worker.on('message', (reply: ParquetReply) => {
      if (reply.kind === 'bytes') this.#queue.push(reply.data);
      else if (reply.kind === 'done') this.#done++;
      else this.#fail(new Error(`parquet worker: ${reply.message}`));
      this.#wake?.();
    });
    this.#worker.on('error', (error: Error) => {
      this.#fail(new Error(`parquet worker: ${error.message}`, { cause: error }));
    });
    this.#worker.on('exit', (code) => {
      if (this.#closing === null) this.#fail(new Error(`parquet worker: stopped (exit code ${code})`));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  #check(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  #post(request: ParquetRequest): void {
    this.#check();
    if (request.kind !== 'lines') this.#sent++;
    this.#worker.postMessage(request);
  }

  #sendLines(): void {
    if (this.#lines.length === 0) return;
    this.#post({ kind: 'lines', text: this.#lines.join('') });
    this.#lines = [];
  }

  /**
   * Adds one row, as its JSONL line (`{...}\n`, src/util/json.ts) of the current wave.
   * @throws the first failure of the worker
   */
  addLine(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= LINES_PER_MESSAGE) this.#sendLines();
  }

  /** Ends the current wave (its last rows form the wave's last row group). @throws the first failure of the worker */
  endWave(): void {
    this.#sendLines();
    this.#post({ kind: 'wave' });
  }

  /**
   * Rebuilds the rows of an interrupted run's finished waves from the first `bytes` bytes of the
   * JSONL `file`, in the worker: `file` must stay at its name until the next {@link settle}.
   */
  replay(file: string, bytes: number): void {
    this.#post({ kind: 'replay', file, bytes });
  }

  /**
   * Waits until the worker has encoded everything sent so far, writing its bytes to the stream
   * as they come.
   * @throws the first failure of the worker; the stream's OutputError on a fault of the environment
   */
  async settle(): Promise<void> {
    this.#write();
    while (this.#done < this.#sent) {
      this.#check();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
      this.#write();
    }
    this.#check();
  }

  #write(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const bytes of queue) this.stream.appendBytes(bytes);
  }

  /**
   * Has the worker write the footer, writes every byte to the stream, then stops the worker.
   * The caller then finishes the stream.
   * @throws as {@link settle}
   */
  async finish(): Promise<void> {
    try {
      this.#sendLines();
      this.#post({ kind: 'finish' });
      await this.settle();
    } finally {
      await this.close();
    }
  }

  /** Terminates the worker (resolves once its thread has stopped). Idempotent; never throws. */
  close(): Promise<void> {
    this.#closing ??= this.#worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return this.#closing;
  }
}
