/**
 * The whole run, stage by stage: load -> plan -> (assign -> simulate -> measure) per wave ->
 * signals -> write -> report. I/O happens only in the first and last stages.
 */
import type { RunOptions } from './options.ts';
import type { ProgressSink, WallClock } from './ports.ts';

/** Health grade (contract section 6). */
export type HealthGrade = 'EXCELLENT' | 'GOOD' | 'FAIR' | 'POOR';

/** What a finished command reports to the CLI for its closing line and `--json`. */
export interface RunResult {
  /** `completed` for a full run, `planned` for `--dry-run`. */
  readonly status: 'completed' | 'planned';
  readonly waves: number;
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly blocked: number;
  /** Lines left out and written to rejected.jsonl (quarantine mode). */
  readonly rejectedLines: number;
  /** succeeded / tasks over the run; null for a dry run. */
  readonly successRate: number | null;
  /** Run health in [0, 100]; null for a dry run. */
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
}

/**
 * Runs Phase 21 end to end.
 * @throws InputError when the input is invalid (nothing is written)
 */
export function runPhase21(_options: RunOptions, _env: RunEnvironment): Promise<RunResult> {
  return Promise.reject(new Error('runPhase21 is being built (see src/pipeline.ts)'));
}
