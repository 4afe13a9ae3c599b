/**
 * The ports through which the pipeline touches the world outside its pure middle. The CLI
 * supplies real implementations; tests supply fakes. Domain code never reads `Date.now()` or
 * `process.stderr` directly.
 */

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
