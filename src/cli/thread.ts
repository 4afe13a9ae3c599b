/**
 * The command's own thread: `phase` runs in a `worker_threads` worker whose old generation is
 * capped, for a large input, by a heap budget (Node's `resourceLimits.maxOldGenerationSizeMb`;
 * {@link heapBudget}), so its peak memory follows what the run holds rather than how far V8 lets
 * an unbounded heap grow (docs/decisions.md, "`phase` runs in its own thread with a heap
 * budget"; docs/performance.md; BENCHMARKS.md).
 *
 * The process's main thread (src/cli/main.ts) keeps what only it has: the terminal, the
 * signals and the exit code. The command's thread gets a {@link CliIo} whose streams and
 * signals are messages to and from the main thread ({@link threadIo}); everything else runs
 * there exactly as it would on the main thread.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ExitCode } from '../errors.ts';
import { DEFAULT_OPTIONS } from '../options.ts';
import type { SelfCommand } from '../tournament/launcher.ts';
import type { CancelSignal, CliIo, TextStream } from './io.ts';

/** The environment variable that sets the heap budget, in MiB. */
export const HEAP_BUDGET_ENV = 'PHASE21_HEAP_MB';

/**
 * The default heap budget, MiB. V8 lets a heap whose limit is under 2 GiB grow to at most
 * 1.3-2.0 times what it held after its last full collection (`MaxGrowingFactor`,
 * src/heap/heap-controller.cc), against 4 times without a limit on a machine of this size;
 * 1,024 MiB keeps the factor near 1.6 and leaves room for a wave of about 150,000 to 250,000
 * tasks (a run holds about 3 to 5 KB per task of the wave under way; BENCHMARKS.md); a tree
 * with a larger wave gets more ({@link HEAP_MB_PER_WAVE_MB}).
 */
export const DEFAULT_HEAP_MB = 1024;

/** The smallest budget accepted, MiB: V8's own floor for the growing factor (`kMinSize`). */
export const MIN_HEAP_MB = 256;

/**
 * Input folders smaller than this, bytes, run without the budget (unless {@link HEAP_BUDGET_ENV}
 * is set): their runs stay small anyway, and V8's small-heap mode, which starts with a low
 * old-generation limit, costs them time (10^5 rows, a 43 MB tree: 4.47 s with the budget
 * against 3.82 s without; docs/performance.md). A 10^6-row tree is about 520 MB.
 */
export const BUDGET_MIN_INPUT_BYTES = 256 * 1024 * 1024;

/** The commands that run in their own thread under the heap budget. */
export const THREAD_COMMANDS: ReadonlySet<string> = new Set(['phase']);

/** What the command's thread starts with (its `workerData`). */
export interface ThreadData {
  readonly kind: 'phase21-command';
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
  readonly stdoutColumns?: number;
  readonly stderrColumns?: number;
  readonly self?: SelfCommand;
}

/** A message from the command's thread to the main thread. */
export type ThreadMessage =
  | { readonly type: 'write'; readonly stream: 'stdout' | 'stderr'; readonly chunk: string }
  /** The command's exit code, sent once, after its last write. */
  | { readonly type: 'done'; readonly code: ExitCode };

/** A message from the main thread to the command's thread. */
export type ParentMessage = { readonly type: 'signal'; readonly signal: CancelSignal };

/**
 * The heap budget's value (`mb`, or null for none: V8's own limits), or the problem with it
 * (`PHASE21_HEAP_MB: ...`).
 */
export type HeapBudget = { readonly type: 'ok'; readonly mb: number | null } | { readonly type: 'invalid'; readonly message: string };

/**
 * Heap budget per MiB of the largest wave's input files, MiB, for a tree whose largest wave
 * would not fit in {@link DEFAULT_HEAP_MB}. Measured: a one-wave tree of 150,000 tasks (271 MB,
 * 259 MiB) ran within 1,024 MiB at 918 MB peak RSS, and a run holds about 3 to 5 KB per task
 * of the wave under way (BENCHMARKS.md); 4 MiB per MiB gives that wave 1,036 MiB.
 */
export const HEAP_MB_PER_WAVE_MB = 4;

/** The sizes of an input folder ({@link inputFolderSizes}). */
export interface InputSizes {
  /** Every file under the folder, bytes. */
  readonly bytes: number;
  /**
   * The files under its largest `wave_<w>` folder, bytes (tree layout); null when it has none
   * (flat layout), where a wave's share of the files is not known before reading them.
   */
  readonly largestWaveBytes: number | null;
}

/**
 * The heap budget: {@link HEAP_BUDGET_ENV}'s value when set (an integer >= {@link MIN_HEAP_MB});
 * else none when the input's size is known and under {@link BUDGET_MIN_INPUT_BYTES}; else
 * {@link DEFAULT_HEAP_MB}, or {@link HEAP_MB_PER_WAVE_MB} per MiB of the largest wave when
 * that is more (a tree with one very large wave). V8's limits are the budget when none is set.
 * @param sizes - the input folder's sizes ({@link inputFolderSizes}), undefined when unknown
 */
export function heapBudget(env: Readonly<Record<string, string | undefined>>, sizes?: InputSizes): HeapBudget {
  const text = env[HEAP_BUDGET_ENV]?.trim() ?? '';
  if (text === '') return { type: 'ok', mb: defaultBudget(sizes) };
  const mb = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(mb) || mb < MIN_HEAP_MB) {
    return { type: 'invalid', message: `${HEAP_BUDGET_ENV}: the heap budget in MiB must be an integer >= ${MIN_HEAP_MB}, got ${JSON.stringify(text)}` };
  }
  return { type: 'ok', mb };
}

function defaultBudget(sizes: InputSizes | undefined): number | null {
  if (sizes === undefined) return DEFAULT_HEAP_MB;
  if (sizes.bytes < BUDGET_MIN_INPUT_BYTES) return null;
  const forWave = sizes.largestWaveBytes === null ? 0 : Math.ceil((HEAP_MB_PER_WAVE_MB * sizes.largestWaveBytes) / 2 ** 20);
  return Math.max(DEFAULT_HEAP_MB, forWave);
}

/**
 * The input folder a `phase` command line names: the value of its last `--input DIR` or
 * `--input=DIR`, else the default input (`data/phase20`) when it has no `--config` (which may name one); resolved
 * against `cwd`. Undefined when the command line leaves it to a config file.
 */
export function inputFolderOf(argv: readonly string[], cwd: string): string | undefined {
  let input: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--input' && i + 1 < argv.length) input = argv[++i];
    else if (arg.startsWith('--input=')) input = arg.slice('--input='.length);
  }
  if (input === undefined && argv.some((arg) => arg === '--config' || arg.startsWith('--config='))) return undefined;
  return path.resolve(cwd, input ?? DEFAULT_OPTIONS.input);
}

/** A tree's wave folder: `wave_<w>` (src/io/discover.ts accepts no other spelling). */
const WAVE_FOLDER = /^wave_[1-9][0-9]*$/;

/**
 * The sizes of the files under `folder` (following no links), in total and under its largest
 * `wave_<w>` folder; undefined when the folder cannot be read.
 */
export function inputFolderSizes(folder: string): InputSizes | undefined {
  try {
    let bytes = 0;
    const waves = new Map<string, number>();
    for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const size = fs.statSync(path.join(entry.parentPath, entry.name)).size;
      bytes += size;
      const top = path.relative(folder, entry.parentPath).split(path.sep)[0] ?? '';
      if (WAVE_FOLDER.test(top)) waves.set(top, (waves.get(top) ?? 0) + size);
    }
    return { bytes, largestWaveBytes: waves.size === 0 ? null : Math.max(...waves.values()) };
  } catch {
    return undefined;
  }
}

/**
 * Whether the command line runs in its own thread: its command (the first word when it names
 * one of `commandNames`, else `defaultCommand`) is in {@link THREAD_COMMANDS}, and it asks for
 * neither help nor the version (printed at once, without starting a thread).
 */
export function runsInThread(argv: readonly string[], commandNames: readonly string[], defaultCommand: string): boolean {
  const first = argv[0];
  const command = first !== undefined && commandNames.includes(first) ? first : defaultCommand;
  if (!THREAD_COMMANDS.has(command)) return false;
  return !argv.some((arg) => arg === '--help' || arg === '-h' || arg === '--version' || arg === '-V');
}

/** The message text of a thread that ran out of its heap budget (`mb`), or of V8's own limit (null). */
export function outOfHeapText(mb: number | null): string {
  const what = mb === null ? 'more heap than V8 gives it' : `more than its heap budget of ${mb} MiB`;
  const next = mb === null ? 4096 : mb * 2;
  return `error: the run needed ${what} and stopped; its finished waves are kept: run it again with ${HEAP_BUDGET_ENV}=${next} and the same options plus --resume`;
}

/** Whether a worker's `error` says it ran out of its heap (Node's `ERR_WORKER_OUT_OF_MEMORY`). */
function isOutOfHeap(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** The main thread's side: the process's streams and signals, and where the thread's code is. */
export interface ThreadHost {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly on: (signal: CancelSignal, listener: () => void) => unknown;
  readonly off: (signal: CancelSignal, listener: () => void) => unknown;
}

/**
 * Runs the command in `worker` (started with {@link ThreadData} as its workerData) and resolves
 * with its exit code: the code it sent; else, when the thread failed, 3 after writing
 * {@link outOfHeapText} (it ran out of heap) or what `reportFailure` returns (another error,
 * an internal one: src/cli/failure.ts); else the thread's own exit code (`exitNow`).
 * SIGINT and SIGTERM are passed on to the thread while it runs.
 */
export function hostThread(worker: Worker, host: ThreadHost, heapMb: number | null, reportFailure: (error: unknown) => ExitCode): Promise<ExitCode> {
  return new Promise((resolve) => {
    let code: ExitCode | undefined;
    let failure: unknown;
    const forward = (signal: CancelSignal) => () => {
      const message: ParentMessage = { type: 'signal', signal };
      worker.postMessage(message);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    host.on('SIGINT', onInt);
    host.on('SIGTERM', onTerm);
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'write') (message.stream === 'stdout' ? host.stdout : host.stderr).write(message.chunk);
      else code = message.code;
    });
    worker.on('error', (error: unknown) => {
      failure = error;
    });
    worker.on('exit', (exitCode: number) => {
      host.off('SIGINT', onInt);
      host.off('SIGTERM', onTerm);
      if (code !== undefined) resolve(code);
      else if (failure === undefined) resolve(exitCode as ExitCode);
      else if (isOutOfHeap(failure)) {
        host.stderr.write(`${outOfHeapText(heapMb)}\n`);
        resolve(3);
      } else resolve(reportFailure(failure));
    });
  });
}

/**
 * The {@link CliIo} of the command's thread: writes and the exit code go to `port` as
 * {@link ThreadMessage}s, signals come from it; `exitNow` ends the thread (its `exit` handlers
 * run) with `code`, which the main thread takes as the process's exit code. A signal that comes
 * while no listener is registered ends the thread at once with 130 or 143, as the signal would
 * end a process that has no handler for it.
 */
export function threadIo(port: MessagePort, data: ThreadData, now: () => number, exitThread: (code: ExitCode) => void): CliIo {
  const listeners: Record<CancelSignal, Set<() => void>> = { SIGINT: new Set(), SIGTERM: new Set() };
  port.on('message', (message: ParentMessage) => {
    const registered = listeners[message.signal];
    if (registered.size === 0) exitThread(message.signal === 'SIGINT' ? 130 : 143);
    for (const listener of [...registered]) listener();
  });
  // Signals are the only reason to listen: the port must not keep the thread alive.
  port.unref();
  const stream = (name: 'stdout' | 'stderr', columns: number | undefined): TextStream => ({
    write: (chunk: string) => {
      const message: ThreadMessage = { type: 'write', stream: name, chunk };
      port.postMessage(message);
      return true;
    },
    ...(columns === undefined ? {} : { columns }),
  });
  return {
    stdout: stream('stdout', data.stdoutColumns),
    stderr: stream('stderr', data.stderrColumns),
    env: data.env,
    isTTY: data.isTTY,
    now,
    exit: (code) => {
      const message: ThreadMessage = { type: 'done', code };
      port.postMessage(message);
    },
    signals: {
      on: (signal, listener) => listeners[signal].add(listener),
      off: (signal, listener) => listeners[signal].delete(listener),
      exitNow: exitThread,
    },
    ...(data.self === undefined ? {} : { self: data.self }),
  };
}
