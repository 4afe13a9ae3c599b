/**
 * `npm run tournament` end to end (contract section 14): prepare the tournament folder, run
 * every replication as a child process (src/tournament/pool.ts), read each run's summary as it
 * ends, then build and write `tournament.json`, `tournament.md` and `tournament.svg`. The
 * files depend on the results only, sorted by strategy (as given) and seed, never on the order
 * the runs finished in or on `--jobs`; progress and timings go to the progress sink alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, ReplicationError, UsageError, type ExitCode } from '../errors.ts';
import { jsonDocument } from '../util/json.ts';
import { buildTournament, type ReplicationResult } from './aggregate.ts';
import { renderTournamentMarkdown, CHART_FILE } from './markdown.ts';
import { healthReadSchema, HEADLINE_MEASURE, measureValuesOf, summaryReadSchema } from './measures.ts';
import { planTournament, type Replication } from './plan.ts';
import { runPool, type ChildExit, type Launcher } from './pool.ts';
import type { TournamentDocument } from './schema.ts';
import { writeFileAtomically } from '../io/atomic.ts';

/** Files the tournament writes into its folder, besides `runs/`. */
export const TOURNAMENT_FILES = { json: 'tournament.json', markdown: 'tournament.md', chart: CHART_FILE } as const;

/** The file that marks a folder as a tournament's (so a rerun may empty it). */
export const TOURNAMENT_MARKER = '.phase21-tournament';

/** What to run. */
export interface TournamentRequest {
  /** Strategy names as given, without repeats (already checked against the registry). */
  readonly strategies: readonly string[];
  /** Replications per strategy (>= 1). */
  readonly replications: number;
  /** Runs at a time (>= 1). */
  readonly jobs: number;
  /** The tournament's folder. */
  readonly out: string;
  /** The `phase` arguments every replication shares (`--waves 2`, `--config F`, ...). */
  readonly runArgs: readonly string[];
  /** The shared run options for tournament.json (config names, no paths). */
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  /** Folders `--out` must not hold (the input, the agents file's). */
  readonly protectedPaths: readonly string[];
}

/** The world around the tournament. */
export interface TournamentEnv {
  readonly launch: Launcher;
  /** Told when the runs start and as each one finishes; the CLI prints it on stderr (not under --quiet). */
  readonly progress: (event: TournamentProgress) => void;
  readonly signal?: AbortSignal;
  /** The chart's SVG text from the document. */
  readonly renderChart: (doc: TournamentDocument) => Promise<string>;
}

/** What the progress is told. */
export type TournamentProgress =
  | { readonly kind: 'started'; readonly strategies: number; readonly replications: number; readonly runs: number; readonly jobs: number }
  /** A run finished: `done` of `total`, its headline figure (null: none). */
  | { readonly kind: 'run_finished'; readonly done: number; readonly total: number; readonly strategy: string; readonly seed: number; readonly headline: number | null };

/** How a tournament ended (a failed run throws instead). */
export type TournamentOutcome =
  | { readonly kind: 'completed'; readonly document: TournamentDocument; readonly files: readonly string[] }
  | { readonly kind: 'canceled' };

/**
 * Runs the tournament.
 * @throws UsageError (exit 2, nothing written) when `--out` cannot be the tournament's folder
 * @throws ReplicationError when a run failed: exit 2 when the run said input or usage error,
 *   4 when it was aborted, else 3; the message names the run and quotes the end of its stderr
 */
export async function runTournament(request: TournamentRequest, env: TournamentEnv): Promise<TournamentOutcome> {
  prepareFolder(request.out, request.protectedPaths);
  const plan = planTournament({ strategies: request.strategies, replications: request.replications, out: request.out, runArgs: request.runArgs });
  // Each run's parent folder exists before the runs start: a run that fails removes the folders
  // it created, which would otherwise race with a sibling creating its own inside them.
  for (const job of plan) fs.mkdirSync(path.dirname(job.dir), { recursive: true });
  const jobs = Math.min(request.jobs, plan.length);
  env.progress({ kind: 'started', strategies: request.strategies.length, replications: request.replications, runs: plan.length, jobs });
  const results: ReplicationResult[] = [];
  const outcome = await runPool(
    plan,
    jobs,
    env.launch,
    {
      onFinished: (job) => {
        const result = readReplication(job);
        results.push(result);
        env.progress({ kind: 'run_finished', done: results.length, total: plan.length, strategy: job.strategy, seed: job.seed, headline: result.values[HEADLINE_MEASURE] });
      },
    },
    env.signal,
  );
  if (outcome.kind === 'canceled') return { kind: 'canceled' };
  if (outcome.kind === 'failed') {
    const [first] = outcome.failures;
    if (first !== undefined) throw replicationError(first.job, first.exit, outcome.failures.length);
  }
  const document = buildTournament({ strategies: request.strategies, replications: request.replications, options: request.options, results });
  const files = [
    writeFileAtomically(request.out, TOURNAMENT_FILES.json, jsonDocument(document)),
    writeFileAtomically(request.out, TOURNAMENT_FILES.markdown, renderTournamentMarkdown(document)),
    writeFileAtomically(request.out, TOURNAMENT_FILES.chart, await env.renderChart(document)),
  ];
  return { kind: 'completed', document, files };
}

/**
 * Reads a finished replication's `phase21_execution_summary.json` (it must be a completed run
 * of the expected strategy and seed) and `phase21_system_health.json`.
 * @throws Error naming the file when one is missing, malformed or not the expected run
 */
export function readReplication(job: Replication): ReplicationResult {
  const summary = summaryReadSchema.parse(readJsonFile(path.join(job.dir, 'phase21_execution_summary.json')));
  if (summary.status !== 'completed' || summary.strategy !== job.strategy || summary.seed !== job.seed) {
    throw new Error(`${job.name}/phase21_execution_summary.json: expected a completed run of ${job.strategy} with seed ${job.seed}, found ${summary.status} ${summary.strategy} seed ${summary.seed}`);
  }
  const health = healthReadSchema.parse(readJsonFile(path.join(job.dir, 'phase21_system_health.json')));
  return { strategy: job.strategy, seed: job.seed, run: job.name, values: measureValuesOf(health) };
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error: unknown) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The error for a failed run: its exit code passes on when known (2, 4), else 3. */
export function replicationError(job: Replication, exit: ChildExit, failed: number): ReplicationError {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : exit.code === null ? 'did not start' : `exited with code ${exit.code}`;
  const code: ExitCode = exit.code === EXIT.usage ? EXIT.usage : exit.code === EXIT.aborted ? EXIT.aborted : EXIT.internal;
  const tail = exit.stderr.trimEnd().split('\n').slice(-20).map((line) => `  ${line}`).join('\n');
  const others = failed > 1 ? ` (and ${failed - 1} more run${failed === 2 ? '' : 's'} failed)` : '';
  const lines = [`tournament: replication ${job.name} (phase --strategy ${job.strategy} --seed ${job.seed}) ${how}${others}; the other runs were stopped`];
  if (tail.trim() !== '') lines.push(`its stderr:\n${tail}`);
  return new ReplicationError(lines.join('\n'), code);
}

/**
 * Makes `out` the tournament's folder, empty but for its marker: a missing folder is created,
 * an earlier tournament's (it holds the marker) or an empty one is emptied.
 * @throws UsageError when `out` is a file, a non-empty folder that is not a tournament's, the
 *   current folder or one of its parents, or holds a protected path
 */
export function prepareFolder(out: string, protectedPaths: readonly string[]): void {
  const target = path.resolve(out);
  const cwd = path.resolve('.');
  const holds = (inner: string): boolean => {
    const rel = path.relative(target, inner);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  };
  if (holds(cwd)) throw new UsageError(`--out: refusing ${JSON.stringify(out)}: the tournament folder is emptied on every run, and it is the current folder or one of its parents`);
  for (const p of protectedPaths) {
    if (holds(path.resolve(p))) throw new UsageError(`--out: refusing ${JSON.stringify(out)}: the tournament folder is emptied on every run, and it holds ${p}`);
  }
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new UsageError(`--out: ${out} exists and is not a folder`);
    const entries = fs.readdirSync(target);
    if (entries.length > 0 && !entries.includes(TOURNAMENT_MARKER)) {
      throw new UsageError(`--out: refusing ${JSON.stringify(out)}: it is not empty and not a tournament folder (no ${TOURNAMENT_MARKER}); the tournament folder is emptied on every run: choose a new folder`);
    }
    fs.rmSync(target, { recursive: true, force: true });
  }
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, TOURNAMENT_MARKER), 'This folder belongs to npm run tournament, which empties it on every run.\n');
}

