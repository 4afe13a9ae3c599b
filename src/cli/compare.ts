/**
 * The compare command (contract section 13): `npm run compare -- A B [--json] [--out DIR]
 * [--max-health-drop P] [--max-success-drop R] [--alpha 0.05]`.
 *
 * {@link compareMain} does everything and touches the process only through its `io` argument;
 * the block at the bottom, run only when this file is the entry script, is the one place that
 * reads `process`. Exit codes: 0 no regression, 1 regression (the gate fired), 2 usage or input
 * error with nothing written, 3 internal error (a bug).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { compareRuns, COMPARISON_FILES, type CompareOutcome } from '../compare/run.ts';
import { DEFAULT_SETTINGS, pEquals, type CompareSettings } from '../compare/gate.ts';
import { EXIT, ExitError, formatDiagnostics, InputError, UsageError, type ExitCode } from '../errors.ts';

/** Where {@link compareMain} writes; tests pass collecting fakes. */
export interface CompareIo {
  /** Help and `--json` output. */
  readonly stdout: { write(text: string): unknown };
  /** Notes, the verdict, where the files are, and errors. */
  readonly stderr: { write(text: string): unknown };
}

/** The default `--out`: `comparison/` in the current folder. */
export const DEFAULT_COMPARE_OUT = 'comparison';
const USAGE_HINT = 'Run with --help for usage.';
const INTERNAL_ERROR_PREFIX = 'internal error (this is a bug, please report it): ';

/** The parsed command line. */
export interface CompareCommand {
  readonly a: string;
  readonly b: string;
  readonly out: string;
  readonly json: boolean;
  readonly debug: boolean;
  readonly settings: CompareSettings;
}

function program(io: CompareIo): Command {
  return new Command('compare')
    .usage('A B [options]')
    .description(
      'Compares run B (the candidate) with run A (the baseline): two Phase 21 output folders.\n' +
        'Writes comparison.md and comparison.json; exit 1 when B regressed (see --max-health-drop,\n' +
        '--max-success-drop and --alpha), 0 otherwise, 2 on a usage or input error.',
    )
    .argument('<A>', 'the baseline run: a Phase 21 output folder')
    .argument('<B>', 'the candidate run: a Phase 21 output folder')
    .option('--out <dir>', `folder for comparison.md and comparison.json (not inside A or B)`, DEFAULT_COMPARE_OUT)
    .option('--json', 'also print comparison.json on stdout', false)
    .option('--max-health-drop <points>', 'health points B may lose before the gate can fire', String(DEFAULT_SETTINGS.max_health_drop_points))
    .option('--max-success-drop <share>', 'relative success-rate drop (A - B) / A before the gate can fire', String(DEFAULT_SETTINGS.max_success_drop))
    .option('--alpha <p>', 'significance level of the McNemar tests', String(DEFAULT_SETTINGS.alpha))
    .option('--debug', 'print the stack of an internal error', false)
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are printed by compareMain in the project's `option: problem` form.
      outputError: () => undefined,
    });
}

const rawOptions = z.object({
  out: z.string().min(1, 'must not be empty'),
  json: z.boolean(),
  debug: z.boolean(),
  maxHealthDrop: z.string(),
  maxSuccessDrop: z.string(),
  alpha: z.string(),
});

/** A finite number from option text, or a UsageError naming the option. */
function numberOption(option: string, text: string, accepts: string, ok: (x: number) => boolean): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !ok(value)) throw new UsageError(`${option}: ${accepts} (got ${JSON.stringify(text)})`);
  return value;
}

/**
 * Parses the arguments after the script.
 * @returns the command, or `help` when help was printed
 * @throws UsageError for an unknown option, a missing or extra argument, or a bad value
 */
export function parseCompareArgs(argv: readonly string[], io: CompareIo): CompareCommand | 'help' {
  const command = program(io);
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return 'help';
      throw new UsageError(error.message.replace(/^error: /, ''));
    }
    throw error;
  }
  const [a, b] = command.args;
  const raw = rawOptions.parse(command.opts());
  if (a === undefined || b === undefined) throw new UsageError('A and B: two run folders are needed');
  return {
    a,
    b,
    out: raw.out,
    json: raw.json,
    debug: raw.debug,
    settings: {
      alpha: numberOption('--alpha', raw.alpha, 'must be a number above 0 and below 1', (x) => x > 0 && x < 1),
      max_health_drop_points: numberOption('--max-health-drop', raw.maxHealthDrop, 'must be a number of health points >= 0', (x) => x >= 0 && x <= 100),
      max_success_drop: numberOption('--max-success-drop', raw.maxSuccessDrop, 'must be a relative drop in [0, 1]', (x) => x >= 0 && x <= 1),
    },
  };
}

/**
 * Runs the compare command line `argv` and returns the exit code: 0 no regression, 1 the
 * regression gate fired, 2 usage or input error (nothing written), 3 internal error. Never
 * throws; prints a stack only for an internal error under `--debug`.
 */
export async function compareMain(argv: readonly string[], io: CompareIo): Promise<ExitCode> {
  let debug = argv.includes('--debug');
  try {
    const command = parseCompareArgs(argv, io);
    if (command === 'help') return EXIT.ok;
    debug = command.debug;
    const outcome = await compareRuns({ a: command.a, b: command.b, out: command.out, settings: command.settings });
    io.stderr.write(closingText(outcome, command.out));
    if (command.json) io.stdout.write(outcome.json);
    return outcome.exitCode;
  } catch (error: unknown) {
    return reportError(error, io.stderr, debug);
  }
}

/** The stderr text after a comparison: notes, the verdict with the rule that fired, the files. */
export function closingText(outcome: CompareOutcome, out: string): string {
  const { comparability, regression_gate: gate, flips, mcnemar } = outcome.comparison;
  const lines = comparability.notes.map((note) => `warning: ${note}`);
  const head = gate.regression ? `REGRESSION: exit ${gate.exit_code}` : `no regression: exit ${gate.exit_code}`;
  lines.push(`${head}: ${gate.reasons.join('; ')}`);
  lines.push(`${flips.total} task${flips.total === 1 ? '' : 's'} flipped; McNemar ${pEquals(mcnemar.task_outcome.p_value)} (b = ${mcnemar.task_outcome.b}, c = ${mcnemar.task_outcome.c})`);
  const dir = out.endsWith('/') ? out : `${out}/`;
  lines.push(`-> ${dir}${COMPARISON_FILES.markdown} and ${dir}${COMPARISON_FILES.json}`);
  return `${lines.join('\n')}\n`;
}

function reportError(error: unknown, stderr: CompareIo['stderr'], debug: boolean): ExitCode {
  if (error instanceof UsageError) {
    stderr.write(`${error.message}\n${USAGE_HINT}\n`);
    return EXIT.usage;
  }
  if (error instanceof InputError) {
    const lines = formatDiagnostics(error.diagnostics);
    lines.push(`compare: ${error.message}; nothing was written`);
    stderr.write(`${lines.join('\n')}\n`);
    return EXIT.usage;
  }
  if (error instanceof ExitError && error.exitCode !== EXIT.internal) {
    stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`${INTERNAL_ERROR_PREFIX}${message}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

/** True when `scriptPath` (process.argv[1]) is this module, following symlinks. */
function isEntryPoint(moduleUrl: string, scriptPath: string | undefined): boolean {
  if (scriptPath === undefined) return false;
  try {
    return realpathSync(scriptPath) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

// The only code that touches `process`.
if (isEntryPoint(import.meta.url, process.argv[1])) {
  process.exitCode = await compareMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}
