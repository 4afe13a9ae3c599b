/**
 * The ports through which the pipeline touches the world outside its pure middle. The CLI
 * supplies real implementations; tests supply fakes. Domain code never reads `Date.now()` or
 * `process.stderr` directly.
 */
import type { AgentProfile, Task } from './plan/model.ts';

/** Wall-clock time, read only for `run.json`'s start and end stamps. */
export interface WallClock {
  now(): Date;
}

/** What the pipeline reports while it runs; the CLI renders it (bar on a TTY, lines otherwise). */
export interface ProgressSink {
  /** A stage began (`load`, `plan`, `write`, ...), with a one-line description. */
  stage(name: string, detail: string): void;
  /**
   * Input reading progress: bytes read so far (approximate within a file), the input's total
   * bytes, and lines read. Called every few tens of thousands of lines and after each file.
   */
  loadProgress(readBytes: number, totalBytes: number, lines: number): void;
  /** A wave began: its number, its index among the waves to run (from 1), how many, its task count. */
  waveStarted(wave: number, index: number, total: number, tasks: number): void;
  /** Tasks of the current wave finished so far. Called at most a few hundred times per wave. */
  waveProgress(done: number, tasks: number): void;
  /** A wave finished, with its headline figures. */
  waveFinished(wave: number, summary: { readonly successRate: number; readonly health: number; readonly makespanS: number }): void;
  /** A warning for the user (non-fatal input problems, ignored fields). */
  warn(message: string): void;
}

/** A sink that drops everything (`--quiet`, tests). */
export const SILENT_PROGRESS: ProgressSink = {
  stage: () => undefined,
  loadProgress: () => undefined,
  waveStarted: () => undefined,
  waveProgress: () => undefined,
  waveFinished: () => undefined,
  warn: () => undefined,
};

/*
 * The executor port (contract section 11): how one attempt runs, and the clock it runs on.
 * The engine (src/simulate/engine.ts) hands an executor a request and a completion callback;
 * each world (src/worlds/registry.ts) supplies an executor and the scheduler it completes on.
 * Every implementation passes the conformance suite in test/worlds/executor-conformance.ts.
 */

/** One attempt to run. */
export interface AttemptRequest {
  readonly wave: number;
  readonly task: Task;
  readonly agent: AgentProfile;
  /** 0 for the first attempt of the task (counted across agents). */
  readonly attempt: number;
  /** p(t, a), or the task's mean p when the agent is no candidate (contract section 3). */
  readonly p: number;
  /** predicted_execution_time(t, a), or the task's mean, seconds. */
  readonly predictedTimeS: number;
}

/**
 * Where an attempt's outcome came from: drawn from the world model (contract section 3), read
 * from a recorded outcomes file (`--world replay`), or the exit of a real command
 * (`--world subprocess`).
 */
export type AttemptSource = 'simulated' | 'recorded' | 'subprocess';

/** Every attempt source, in the order summaries list them. */
export const ATTEMPT_SOURCES: readonly AttemptSource[] = ['simulated', 'recorded', 'subprocess'];

/** Attempts by where their outcome came from. */
export type AttemptSourceCounts = Readonly<Record<AttemptSource, number>>;

/** What a real command did during one attempt (`--world subprocess`). */
export interface AttemptProcess {
  /** The exit code; null when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process (`SIGTERM`, `SIGKILL`), or null. */
  readonly signal: string | null;
  /** True when the attempt ran past its timeout and was killed. */
  readonly timedOut: boolean;
  /** Standard output, UTF-8, cut to the byte limit. */
  readonly stdout: string;
  /** Standard error, UTF-8, cut to the byte limit. */
  readonly stderr: string;
  /** True when stdout or stderr was cut to the byte limit. */
  readonly outputTruncated: boolean;
}

/** How an attempt ended. */
export interface AttemptResult {
  readonly succeeded: boolean;
  /** Time the attempt took, seconds, > 0. */
  readonly durationS: number;
  /** Where the outcome came from. */
  readonly source: AttemptSource;
  /** The command's exit, output and timeout; only for `source: 'subprocess'`. */
  readonly process?: AttemptProcess;
}

/** Runs attempts. */
export interface Executor {
  /** Backend name (the world's name, e.g. `simulated`). */
  readonly name: string;
  /**
   * Starts `request` now. Must call `done` exactly once, later (never synchronously), at the
   * scheduler time the attempt ends (start + `durationS`, within the world's tolerance).
   */
  start(request: AttemptRequest, done: (result: AttemptResult) => void): void;
}

/** Time and timers for the engine. Times are seconds. */
export interface Scheduler {
  /** The current time, seconds. */
  now(): number;
  /**
   * Runs `action` at `timeS`. Actions at equal times run in the order they were scheduled.
   * @throws RangeError when `timeS` is earlier than `now()` or not finite.
   */
  at(timeS: number, action: () => void): void;
  /**
   * Runs due actions in time order until `done()` holds.
   * Rejects with a `StalledError` (src/simulate/scheduler.ts) when nothing is left to run and
   * `done()` is still false.
   */
  runUntil(done: () => boolean): Promise<void>;
}
