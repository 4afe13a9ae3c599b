/**
 * The tournament's plan (contract section 14): every (strategy, seed) replication, in the
 * order every file lists them (strategies as given, then seeds 1..N), each with its run folder
 * and the `phase` command line that runs it. Replication i of strategy s is the plain run
 * `phase <the tournament's run options> --strategy s --seed i` (common random numbers: seed i
 * for every strategy), written to `<out>/runs/<s>/seed_<i>/` with its report in `reports/`.
 * Pure.
 */
import path from 'node:path';

/** The folder of the run folders inside the tournament's `--out`. */
export const RUNS_DIR = 'runs';
/** The report folder inside each run folder. */
export const RUN_REPORT_DIR = 'reports';

/** One run of the tournament. */
export interface Replication {
  /** Position in the plan: strategies as given, then seeds ascending. */
  readonly index: number;
  readonly strategy: string;
  /** 1..N. */
  readonly seed: number;
  /** `runs/<strategy>/seed_<i>`, relative to the tournament's folder, with `/`. */
  readonly name: string;
  /** The run's `--out`: the tournament's folder joined with {@link Replication.name}. */
  readonly dir: string;
  /** The arguments after the CLI script: `phase ... --strategy s --seed i --out DIR ...`. */
  readonly args: readonly string[];
}

/** What a plan is made from. */
export interface PlanRequest {
  /** Strategy names, in the order given, without repeats. */
  readonly strategies: readonly string[];
  /** Replications per strategy, N >= 1: seeds 1..N. */
  readonly replications: number;
  /** The tournament's folder. */
  readonly out: string;
  /**
   * The run options every replication shares, as `phase` arguments (`--waves 2`,
   * `--config FILE`, ...), never `--strategy`, `--seed`, `--out` or `--report-dir`.
   */
  readonly runArgs: readonly string[];
}

/**
 * Every replication, strategy-major. Each run gets the shared arguments, then `--no-dry-run
 * --no-resume` (so a config file cannot turn a replication into a dry run or a resume), its
 * strategy and seed, its folders and `--quiet` (the tournament prints the progress).
 */
export function planTournament(request: PlanRequest): Replication[] {
  const plan: Replication[] = [];
  for (const strategy of request.strategies) {
    for (let seed = 1; seed <= request.replications; seed++) {
      const name = `${RUNS_DIR}/${strategy}/seed_${seed}`;
      const dir = path.join(request.out, RUNS_DIR, strategy, `seed_${seed}`);
      plan.push({
        index: plan.length,
        strategy,
        seed,
        name,
        dir,
        args: ['phase', ...request.runArgs, '--no-dry-run', '--no-resume', '--strategy', strategy, '--seed', String(seed), '--out', dir, '--report-dir', path.join(dir, RUN_REPORT_DIR), '--quiet'],
      });
    }
  }
  return plan;
}
