/**
 * `npm run tournament -- --input DIR --strategies a,b,... --replications N [--jobs J]
 * [--out DIR] [run options]` (contract section 14): every strategy on seeds 1..N, each
 * replication the plain `phase` run with `--strategy s --seed i` in its own process, at most J
 * at a time; then per strategy and measure the mean with a 95% interval, per pair the paired
 * difference with its interval and a Wilcoxon p-value, in tournament.json, tournament.md and
 * tournament.svg (src/tournament/). The run options are phase's own definitions
 * (src/cli/commands/phase-options.ts), less those the tournament sets per run or that make no
 * sense for it ({@link NOT_SHARED}). Exit codes: 0 done, 2 usage or input error (a run's
 * included), 3 a run failed otherwise, 4 a run was aborted, 130/143 canceled.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { STRATEGIES } from '../../assign/registry.ts';
import { UsageError, type ExitCode } from '../../errors.ts';
import { flagOf, isOptionKey, OPTION_KEYS, OPTION_VALUES, PATH_KEYS } from '../../schema/config.ts';
import type { OptionKey } from '../../schema/config.ts';
import type { ChildHandle, Launcher } from '../../tournament/pool.ts';
import type { TournamentProgress } from '../../tournament/run.ts';
import { formatDuration, formatEta, paceOf } from '../pace.ts';
import type { CliCommand, CommandContext } from '../program.ts';
import { exitCodeOfSignal, watchSignals } from '../signals.ts';
import { nearestName } from '../suggest.ts';
import { resolvePhaseSettings } from './phase.ts';
import { declarePhaseOptions } from './phase-options.ts';

/** The default `--out`. */
export const DEFAULT_TOURNAMENT_OUT = 'outputs/tournament';
/** The default `--replications`. */
export const DEFAULT_REPLICATIONS = 10;

/**
 * Phase options a tournament does not take: set per replication (`strategy`, `seed`, `out`,
 * `report_dir`), meaningless for it (`dry_run`, `resume`, `json`), or turning a finished run
 * into an exit code the tournament would have to read as failure (`min_health`,
 * `abort_on_failure_rate`). A config file may still hold them: its strategy, seed and folders
 * are overridden per run, and dry_run and resume are turned off.
 */
export const NOT_SHARED: ReadonlySet<OptionKey> = new Set<OptionKey>(['out', 'report_dir', 'strategy', 'seed', 'dry_run', 'resume', 'json', 'min_health', 'abort_on_failure_rate']);

/** Shared options the tournament keeps for itself rather than passing on (each run is --quiet). */
const OWN: ReadonlySet<OptionKey> = new Set<OptionKey>(['quiet']);

const ACCEPTS: Readonly<Record<string, string>> = {
  '--strategies': `a comma-separated list of ${[...STRATEGIES.keys()].join(', ')}`,
  '--replications': 'an integer >= 1',
  '--jobs': 'an integer >= 1',
  '--out': 'a folder for the tournament',
  '--config': 'a path to a JSON file',
};

const DESCRIPTION = [
  'Runs every strategy on seeds 1..N (common random numbers: replication i of every strategy is the plain `npm run phase -- --strategy s --seed i` with the same run options), each run in its own process, at most --jobs at a time, into <out>/runs/<strategy>/seed_<i>/.',
  'Writes tournament.json, tournament.md and tournament.svg: per strategy and measure the mean with a 95% t-interval; per pair of strategies the paired difference with its 95% interval and a Wilcoxon signed-rank p-value. The same bytes whatever --jobs is.',
  'Exit codes: 0 done; 2 usage or input error (a run\'s included); 3 a run failed otherwise; 4 a run was aborted (a config file\'s abort_on_failure_rate); 130/143 canceled (the runs are stopped).',
].join('\n\n');

/** The tournament command. */
export const tournamentCommand: CliCommand = {
  name: 'tournament',
  summary: 'compare strategies over replications with common random numbers (npm run tournament -- --help)',
  usage: 'npm run tournament -- --strategies a,b,... --replications N [--jobs J] [--out DIR] [run options]',
  configure(command: Command, ctx: CommandContext): void {
    command
      .description(DESCRIPTION)
      .allowExcessArguments(true)
      .addOption(new Option('--strategies <LIST>', `strategies to compare, comma-separated (default: all: ${[...STRATEGIES.keys()].join(',')})`).helpGroup('Tournament:'))
      .addOption(new Option('--replications <N>', `replications per strategy: seeds 1..N (default: ${DEFAULT_REPLICATIONS})`).helpGroup('Tournament:'))
      .addOption(new Option('--jobs <J>', 'runs at a time, each its own process (default: the number of cores)').helpGroup('Tournament:'))
      .addOption(new Option('--out <DIR>', `the tournament folder, emptied on every run (default: ${DEFAULT_TOURNAMENT_OUT})`).helpGroup('Tournament:'));
    declarePhaseOptions(command, ctx.version, (key) => !NOT_SHARED.has(key));
  },
  accepts(flag: string): string | undefined {
    const own = ACCEPTS[flag];
    if (own !== undefined) return own;
    const key = flag.slice(2).replaceAll('-', '_');
    return isOptionKey(key) && !NOT_SHARED.has(key) ? OPTION_VALUES[key].accepts : undefined;
  },
  run: runTournamentCommand,
};

const rawOptions = z.object({
  strategies: z.string().optional(),
  replications: z.string().optional(),
  jobs: z.string().optional(),
  out: z.string().optional(),
});

/** The tournament's own options, parsed. */
export interface TournamentLine {
  readonly strategies: readonly string[];
  readonly replications: number;
  readonly jobs: number;
  readonly out: string;
}

/** A whole number >= 1 from option text, or a UsageError naming the option. */
function countOption(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new UsageError(`${flag}: expected an integer >= 1, got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * The strategies of `--strategies`: names from the registry, comma-separated, each once.
 * @throws UsageError naming an unknown name and the nearest known one, an empty list, or a repeat
 */
export function parseStrategies(text: string | undefined): string[] {
  const known = [...STRATEGIES.keys()];
  if (text === undefined) return known;
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--strategies: expected ${ACCEPTS['--strategies']}, got ${JSON.stringify(text)}`);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!STRATEGIES.has(name as never)) {
      const near = nearestName(name, known);
      problems.push(`--strategies: unknown strategy ${JSON.stringify(name)}${near === null ? '' : ` (did you mean ${near}?)`}; known: ${known.join(', ')}`);
    } else if (seen.has(name)) {
      problems.push(`--strategies: ${name} is listed twice`);
    }
    seen.add(name);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return names;
}

/**
 * The tournament's own options from what commander parsed.
 * @throws UsageError for a bad or unknown strategy, a count below 1, an empty --out
 */
export function tournamentLineOf(command: Command, cores: number): TournamentLine {
  const raw = rawOptions.parse(command.opts());
  if (raw.out === '') throw new UsageError('--out: must not be empty');
  return {
    strategies: parseStrategies(raw.strategies),
    replications: countOption('--replications', raw.replications, DEFAULT_REPLICATIONS),
    jobs: countOption('--jobs', raw.jobs, Math.max(1, cores)),
    out: raw.out ?? DEFAULT_TOURNAMENT_OUT,
  };
}

async function runTournamentCommand(command: Command, ctx: CommandContext): Promise<ExitCode> {
  const own = tournamentLineOf(command, os.availableParallelism());
  const { options, line, config } = await resolvePhaseSettings(command, ctx);
  ctx.failure.debug = options.debug;
  const { io } = ctx;
  if (io.self === undefined) throw new Error('tournament: the entry did not say how to start the CLI again (CliIo.self)');

  // What every run gets: the config file, then each option typed here, as typed.
  const runArgs: string[] = line.config === null ? [] : ['--config', line.config];
  for (const key of OPTION_KEYS) {
    const given = line.given.get(key);
    if (given === undefined || OWN.has(key) || NOT_SHARED.has(key)) continue;
    runArgs.push(given.text === null ? (line.values[key] === true ? flagOf(key) : `--no-${flagOf(key).slice(2)}`) : `${flagOf(key)}=${given.text}`);
  }
  const merged: Record<string, unknown> = { ...config?.values, ...line.values };
  const shared = Object.fromEntries(
    OPTION_KEYS.filter((key) => merged[key] !== undefined && !NOT_SHARED.has(key) && !OWN.has(key) && key !== 'debug' && !(PATH_KEYS as readonly string[]).includes(key)).map((key) => [key, merged[key] as string | number | boolean | null]),
  );

  // The tournament's work (statistics libraries, the renderer) loads only when it runs, so
  // `--help` stays fast (test/build/build.test.ts).
  const [{ processLauncher }, { renderTournamentChart }, { runTournament, TOURNAMENT_FILES }] = await Promise.all([
    import('../../tournament/launcher.ts'),
    import('../../tournament/chart.ts'),
    import('../../tournament/run.ts'),
  ]);
  const live = new Set<ChildHandle>();
  const base = processLauncher(io.self, io.env);
  const launch: Launcher = (args) => {
    const child = base(args);
    live.add(child);
    void child.exited.then(() => live.delete(child));
    return child;
  };
  const say = (text: string): void => {
    if (!options.quiet) io.stderr.write(`${text}\n`);
  };
  const cancellation = watchSignals(io.signals, {
    onCancel: (signal) => {
      io.stderr.write(`${signal}: stopping the runs under way (each stops after its wave); send it again to stop at once\n`);
    },
    onForce: (signal, first) => {
      for (const child of live) child.kill('SIGKILL');
      io.stderr.write(`${signal} again: stopping now (exit code ${exitCodeOfSignal(first)})\n`);
    },
  });
  const started = io.now();
  let outcome;
  try {
    outcome = await runTournament(
      {
        strategies: own.strategies,
        replications: own.replications,
        jobs: own.jobs,
        out: own.out,
        runArgs,
        options: shared,
        protectedPaths: [options.input, ...(options.agentsFile === null ? [] : [options.agentsFile]), ...(line.config === null ? [] : [line.config])],
      },
      {
        launch,
        progress: (event) => {
          say(progressLine(event, own.out, io.now() - started));
        },
        signal: cancellation.signal,
        renderChart: renderTournamentChart,
      },
    );
  } finally {
    await cancellation.close();
  }
  if (outcome.kind === 'canceled') {
    const signal = cancellation.received() ?? 'SIGINT';
    io.stderr.write(`tournament canceled by ${signal}: no tournament files written\n`);
    return exitCodeOfSignal(signal);
  }
  const dir = own.out.endsWith('/') ? own.out : `${own.out}/`;
  say(`tournament done in ${formatDuration((io.now() - started) / 1000)} -> ${dir}${TOURNAMENT_FILES.markdown}, ${TOURNAMENT_FILES.json}, ${TOURNAMENT_FILES.chart}`);
  return 0;
}

/** One progress line on stderr: the start, then each finished run with the count, elapsed time and ETA. */
export function progressLine(event: TournamentProgress, out: string, elapsedMs: number): string {
  if (event.kind === 'started') {
    return `tournament: ${event.strategies} ${event.strategies === 1 ? 'strategy' : 'strategies'} x ${event.replications} replications = ${event.runs} runs, ${event.jobs} at a time -> ${out}`;
  }
  const pace = paceOf(event.done, event.total, elapsedMs);
  const headline = event.headline === null ? 'n/a' : event.headline.toFixed(2);
  return `[${event.done}/${event.total}] ${event.strategy} seed ${event.seed}: health ${headline} | ${formatDuration(elapsedMs / 1000)} elapsed, ${formatEta(pace.etaS)}`;
}
