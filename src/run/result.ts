/**
 * What a run hands back to the command line, and the effects it is given (re-exported by
 * src/pipeline.ts, the public entry).
 */
import type { ChartRenderer } from '../charts/renderer.ts';
import type { OutputFs } from '../io/output-fs.ts';
import type { ProgressSink, WallClock } from '../ports.ts';
import type { HealthGrade } from '../schema/measures.ts';

/** What a finished command reports to the CLI for its closing line and `--json`. */
export interface RunResult {
  /**
   * `completed` for a full run, `planned` for `--dry-run`, `aborted` when
   * `--abort-on-failure-rate` stopped it, `canceled` when {@link RunEnvironment.signal} fired
   * (contract section 12).
   */
  readonly status: 'completed' | 'planned' | 'aborted' | 'canceled';
  /** Waves finished (in a dry run: planned). */
  readonly waves: number;
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Tasks refused by a gate (in a dry run: first attempts the gates would refuse). */
  readonly blocked: number;
  /** Lines left out and written to rejected.jsonl (quarantine mode). */
  readonly rejectedLines: number;
  /** succeeded / tasks over the waves that ran; null for a dry run or before any wave. */
  readonly successRate: number | null;
  /** Run health in [0, 100] over the waves that ran; null for a dry run or before any wave. */
  readonly health: number | null;
  readonly grade: HealthGrade | null;
  /** The output folder and the report file, as given/derived from the options. */
  readonly outDir: string;
  readonly reportPath: string;
}

/** Injected effects of a run. */
export interface RunEnvironment {
  readonly clock: WallClock;
  readonly progress: ProgressSink;
  /** Version string recorded in run.json (the package version). */
  readonly version: string;
  /**
   * Cancels the run (SIGINT or SIGTERM in the CLI): the run stops after the checkpoint of the
   * last finished wave and resolves with status `canceled`; the signal's `reason`
   * (`'SIGINT'`, `'SIGTERM'`) is recorded. Optional; tests omit it.
   */
  readonly signal?: AbortSignal;
  /**
   * The mutating file-system calls of the writing layer; default `node:fs`. The CLI entry
   * wraps it for the crash test (`PHASE21_CRASH_AT`), tests to simulate a full disk.
   */
  readonly outputFs?: OutputFs;
  /**
   * A fresh id for this invocation (`crypto.randomUUID` in the CLI), for the jobs of
   * `--world subprocess --queue`; default `run-` and the start time in epoch milliseconds.
   */
  readonly runId?: () => string;
  /**
   * Starts the run's chart renderer (src/charts/renderer.ts); default `startChartWorker`, a
   * worker thread started before the input loads and terminated when the run ends, however it ends.
   */
  readonly charts?: () => ChartRenderer;
}
