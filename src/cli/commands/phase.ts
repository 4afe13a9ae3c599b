/**
 * `npm run phase -- [options]` (contract sections 9 and 12): the run. Reads the command line
 * and the config file into the run's options (flags win over the file, the file over the
 * defaults), runs the pipeline with progress on stderr and SIGINT/SIGTERM wired to cancel, and
 * ends with the exit code and lines of src/cli/render.ts.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { ExitCode } from '../../errors.ts';
import type { RunOptions } from '../../options.ts';
import type { WallClock } from '../../ports.ts';
import { flagOf, isOptionKey, OPTION_VALUES, optionsFromValues } from '../../schema/config.ts';
import type { OptionKey, OptionValues } from '../../schema/config.ts';
import type { ConfigFile } from '../config-file.ts';
import { PHASE_DESCRIPTION, phaseHelpFooter } from '../help.ts';
import type { CliCommand, CommandContext } from '../program.ts';
import { createProgress } from '../progress.ts';
import { endingOf, jsonResultLine, recordWaves } from '../render.ts';
import { exitCodeOfSignal, watchSignals } from '../signals.ts';
import { nearestName } from '../suggest.ts';
import { declarePhaseOptions, readCommandLine } from './phase-options.ts';
import type { CommandLineValues, PlacedError } from './phase-options.ts';
import { parseQueueUrl } from '../../worlds/queue/settings.ts';
import { startChartWorker } from '../../charts/renderer.ts';

const SYSTEM_CLOCK: WallClock = { now: () => new Date() };

/** The phase command. */
export const phaseCommand: CliCommand = {
  name: 'phase',
  summary: 'run Phase 20 predictions wave by wave and measure them (the default command)',
  usage: 'npm run phase -- [options]',
  configure(command: Command, ctx: CommandContext): void {
    command.description(PHASE_DESCRIPTION).allowExcessArguments(true);
    declarePhaseOptions(command, ctx.version);
    command.addHelpText('after', phaseHelpFooter());
  },
  accepts(flag: string): string | undefined {
    if (flag === '--config') return 'a path to a JSON file';
    const key = flag.slice(2).replaceAll('-', '_');
    return isOptionKey(key) ? OPTION_VALUES[key].accepts : undefined;
  },
  run: runPhaseCommand,
};

/** Where the run's options came from: each key given, on the command line or in the config file. */
export interface PhaseSettings {
  readonly options: RunOptions;
  readonly line: CommandLineValues;
  readonly config: ConfigFile | null;
}

/**
 * The run's options from what commander parsed and the config file it names.
 * @throws UsageError with every command-line problem at once (in command-line order), then
 *   every config-file problem, then the checks between options
 */
export async function resolvePhaseSettings(command: Command, ctx: Pick<CommandContext, 'argv' | 'commandNames'>): Promise<PhaseSettings> {
  const errors: PlacedError[] = command.args.map((word) => ({ at: ctx.argv.indexOf(word), message: strayWordMessage(word, ctx.commandNames) }));
  const read = readCommandLine(command, ctx.argv);
  if (!read.ok) errors.push(...read.errors);
  if (!read.ok || errors.length > 0) throw new UsageError(errors.sort((a, b) => a.at - b.at).map((e) => e.message).join('\n'));
  const { line } = read;
  // The config reader (and jsonc-parser) is loaded only when a config file is given.
  const config = line.config === null ? null : (await import('../config-file.ts')).loadConfigFile(line.config);
  const values: OptionValues = { ...config?.values, ...line.values };
  const options = optionsFromValues(values, config?.subprocess?.settings);
  const problems = crossCheck(options, { line, config });
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { options, line, config };
}

function strayWordMessage(word: string, commandNames: readonly string[]): string {
  const command = nearestName(word, commandNames);
  if (command !== null && command !== word) return `${JSON.stringify(word)}: unknown command (did you mean ${command}?)`;
  return `${JSON.stringify(word)}: unexpected argument; every value belongs to an option, e.g. --input ${word}`;
}

async function runPhaseCommand(command: Command, ctx: CommandContext): Promise<ExitCode> {
  const { options } = await resolvePhaseSettings(command, ctx);
  ctx.failure.debug = options.debug;
  const { io, deps } = ctx;
  const progress = await createProgress({ stream: io.stderr, isTTY: io.isTTY, env: io.env, quiet: options.quiet, now: io.now });
  const recorder = recordWaves(progress);
  const cancellation = watchSignals(io.signals, {
    onCancel: (signal) => {
      // A real-time world ends the wave under way at once (its processes included); the others finish it.
      const how = options.world === 'subprocess' ? 'canceling: ending the wave under way and its processes' : 'canceling after the wave under way';
      progress.note(`${signal}: ${how}; send it again to stop at once`);
    },
    onForce: (signal, first) => {
      progress.note(`${signal} again: stopping now (exit code ${exitCodeOfSignal(first)})`);
      progress.finish();
    },
  });
  // The chart worker starts loading vega now, while the pipeline's modules load: on a small
  // input its charts are the run's last work (docs/performance.md). A run that ends before
  // drawing (an input error, a finished run to resume) stops it below.
  const charts = deps.run === undefined && !options.dryRun ? startChartWorker() : null;
  let result;
  try {
    // The pipeline (and everything it imports) is loaded only when a run starts, not for --help.
    const run = deps.run ?? (await import('../../pipeline.ts')).runPhase21;
    result = await run(options, {
      clock: deps.wallClock ?? SYSTEM_CLOCK,
      progress: recorder.sink,
      version: ctx.version,
      signal: cancellation.signal,
      runId: randomUUID,
      ...(deps.outputFs === undefined ? {} : { outputFs: deps.outputFs }),
      ...(charts === null ? {} : { charts: () => charts }),
    });
  } finally {
    await charts?.close();
    await cancellation.close();
    progress.finish();
  }
  const ending = endingOf(result, {
    minHealth: options.minHealth,
    abortOnFailureRate: options.abortOnFailureRate,
    signal: cancellation.received(),
    waves: recorder.log(),
  });
  if (ending.reason !== null) io.stderr.write(`${ending.reason}\n`);
  if (!options.quiet && ending.closing !== null) io.stderr.write(`${ending.closing}\n`);
  if (options.json) io.stdout.write(jsonResultLine(result, ending.reason));
  return ending.exitCode;
}

/** Where each option came from, to name it in a message. */
interface Sources {
  readonly line: CommandLineValues;
  readonly config: ConfigFile | null;
}

/** `--backoff-cap` when typed, `nightly.json:4: backoff_cap` from the config file, else `--backoff-cap`. */
function labelOf(key: OptionKey, sources: Sources): string {
  const line = sources.config?.lines[key];
  if (sources.line.given.has(key) || sources.config === null || line === undefined) return flagOf(key);
  return `${sources.config.file}:${line}: ${key}`;
}

/** The value as the user wrote it: `"4"` typed, `4` in a config file. */
function shownOf(key: OptionKey, value: unknown, sources: Sources): string {
  const text = sources.line.given.get(key)?.text;
  return text === undefined || text === null ? JSON.stringify(value) : JSON.stringify(text);
}

const isGiven = (key: OptionKey, sources: Sources): boolean => sources.line.given.has(key) || sources.config?.lines[key] !== undefined;

/**
 * Checks between options: the backoff cap is at least the base; the sampling breaker's
 * minimum attempts fit in its window; `--resume` and `--dry-run`
 * exclude each other; rebuilding `--out` cannot delete the input, the agents file or the
 * current folder.
 */
function crossCheck(o: RunOptions, sources: Sources): string[] {
  const errors: string[] = [];
  if (o.retry.capS < o.retry.baseS) {
    errors.push(
      isGiven('backoff_cap', sources)
        ? `${labelOf('backoff_cap', sources)}: expected a number of seconds >= --backoff-base (${o.retry.baseS}), got ${shownOf('backoff_cap', o.retry.capS, sources)}`
        : `${labelOf('backoff_base', sources)}: expected a number of seconds <= --backoff-cap (${o.retry.capS}, its default), got ${shownOf('backoff_base', o.retry.baseS, sources)}`,
    );
  }
  if (o.breaker.minAttempts > o.breaker.window) {
    errors.push(
      isGiven('breaker_min_attempts', sources)
        ? `${labelOf('breaker_min_attempts', sources)}: expected an integer <= --breaker-window (${o.breaker.window}), got ${shownOf('breaker_min_attempts', o.breaker.minAttempts, sources)}`
        : `${labelOf('breaker_window', sources)}: expected an integer >= --breaker-min-attempts (${o.breaker.minAttempts}, its default), got ${shownOf('breaker_window', o.breaker.window, sources)}`,
    );
  }
  if (o.timeScale !== 1 && o.world !== 'subprocess') {
    errors.push(`${labelOf('time_scale', sources)}: only the subprocess world waits in real time; got --world ${o.world} (leave --time-scale out, or add --world subprocess)`);
  }
  errors.push(...queueProblems(o, labelOf('queue', sources)));
  if (o.resume && o.dryRun) errors.push(`${labelOf('resume', sources)}: cannot be combined with --dry-run (a dry run has nothing to resume)`);
  const out = path.resolve(o.out);
  const why =
    isWithin(path.resolve('.'), out) ? 'it is the current folder or one of its parents'
    : isWithin(path.resolve(o.input), out) ? 'it holds the --input folder'
    : o.agentsFile !== null && isWithin(path.resolve(o.agentsFile), out) ? 'it holds the --agents-file'
    : null;
  if (why !== null) {
    errors.push(`${labelOf('out', sources)}: refusing ${JSON.stringify(o.out)}: the output folder is deleted and rebuilt on every run, and ${why}; expected a folder of its own, e.g. outputs`);
  }
  return errors;
}

/** `--queue` only with `--world subprocess`, and a URL `npm run worker` would take too. */
function queueProblems(o: RunOptions, label: string): string[] {
  if (o.queue === null) return [];
  if (o.world !== 'subprocess') return [`${label}: only with --world subprocess (workers run commands; the ${o.world} world runs none)`];
  try {
    parseQueueUrl(o.queue, label);
    return [];
  } catch (error: unknown) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** True when `inner` is `outer` or lies below it (both absolute). */
function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
