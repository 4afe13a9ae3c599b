/**
 * `npm run compare -- A B [--json] [--out DIR] [--max-health-drop P] [--max-success-drop R]
 * [--alpha 0.05]` (contract section 13): compares run B (the candidate) with run A (the
 * baseline), writes comparison.md and comparison.json (src/compare/run.ts), and says the
 * verdict on stderr. Exit codes: 0 no regression, 1 regression (the gate fired), 2 usage or
 * input error with nothing written, 3 internal error (a bug). Parsing, help and error messages
 * come from src/cli/program.ts and src/cli/failure.ts.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_SETTINGS, pEquals, type CompareSettings } from '../../compare/gate.ts';
import type { CompareOutcome, COMPARISON_FILES as FILE_NAMES } from '../../compare/run.ts';

type ComparisonFiles = typeof FILE_NAMES;
import { InputError, UsageError, type ExitCode } from '../../errors.ts';
import type { CliCommand, CommandContext } from '../program.ts';

/** The default `--out`: `comparison/` in the current folder. */
export const DEFAULT_COMPARE_OUT = 'comparison';

const DESCRIPTION =
  'Compares run B (the candidate) with run A (the baseline): two Phase 21 output folders. ' +
  'Writes comparison.md and comparison.json; exit 1 when B regressed (see --max-health-drop, ' +
  '--max-success-drop and --alpha), 0 otherwise, 2 on a usage or input error.';

/** The number options: flag, what it accepts (for messages), and the check. */
const NUMBER_OPTIONS = {
  alpha: { flag: '--alpha', accepts: 'a number above 0 and below 1', ok: (x: number) => x > 0 && x < 1 },
  maxHealthDrop: { flag: '--max-health-drop', accepts: 'a number of health points >= 0', ok: (x: number) => x >= 0 && x <= 100 },
  maxSuccessDrop: { flag: '--max-success-drop', accepts: 'a relative drop in [0, 1]', ok: (x: number) => x >= 0 && x <= 1 },
} as const;

/** What each option with a value accepts, by flag. */
const ACCEPTS: Readonly<Record<string, string>> = {
  '--out': 'a folder for comparison.md and comparison.json',
  ...Object.fromEntries(Object.values(NUMBER_OPTIONS).map((o) => [o.flag, o.accepts])),
};

/** The parsed command line. */
export interface CompareCommandLine {
  readonly a: string;
  readonly b: string;
  readonly out: string;
  readonly json: boolean;
  readonly debug: boolean;
  readonly settings: CompareSettings;
}

/** The compare command. */
export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'compare two output folders, with a regression gate (npm run compare -- --help)',
  usage: 'npm run compare -- A B [options]',
  configure(command: Command): void {
    command
      .description(DESCRIPTION)
      .argument('<A>', 'the baseline run: a Phase 21 output folder')
      .argument('<B>', 'the candidate run: a Phase 21 output folder')
      .option('--out <dir>', `folder for comparison.md and comparison.json (not inside A or B)`, DEFAULT_COMPARE_OUT)
      .option('--json', 'also print comparison.json on stdout', false)
      .option('--max-health-drop <points>', 'health points B may lose before the gate can fire', String(DEFAULT_SETTINGS.max_health_drop_points))
      .option('--max-success-drop <share>', 'relative success-rate drop (A - B) / A before the gate can fire', String(DEFAULT_SETTINGS.max_success_drop))
      .option('--alpha <p>', 'significance level of the McNemar tests', String(DEFAULT_SETTINGS.alpha))
      .option('--debug', 'print the stack of an internal error', false);
  },
  accepts: (flag) => ACCEPTS[flag],
  run: runCompare,
};

const rawOptions = z.object({
  out: z.string(),
  json: z.boolean(),
  debug: z.boolean(),
  maxHealthDrop: z.string(),
  maxSuccessDrop: z.string(),
  alpha: z.string(),
});

/** A finite number from option text, or a UsageError naming the option. */
function numberOption(option: (typeof NUMBER_OPTIONS)[keyof typeof NUMBER_OPTIONS], text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !option.ok(value)) throw new UsageError(`${option.flag}: must be ${option.accepts} (got ${JSON.stringify(text)})`);
  return value;
}

/**
 * The command line commander parsed into `command`.
 * @throws UsageError for an empty `--out` or a bad number (`--alpha: must be ... (got "x")`)
 */
export function compareCommandLineOf(command: Command): CompareCommandLine {
  const [a, b] = command.args;
  const raw = rawOptions.parse(command.opts());
  if (a === undefined || b === undefined) throw new UsageError('A and B: two run folders are needed');
  if (raw.out === '') throw new UsageError('--out: must not be empty');
  return {
    a,
    b,
    out: raw.out,
    json: raw.json,
    debug: raw.debug,
    settings: {
      alpha: numberOption(NUMBER_OPTIONS.alpha, raw.alpha),
      max_health_drop_points: numberOption(NUMBER_OPTIONS.maxHealthDrop, raw.maxHealthDrop),
      max_success_drop: numberOption(NUMBER_OPTIONS.maxSuccessDrop, raw.maxSuccessDrop),
    },
  };
}

async function runCompare(command: Command, ctx: CommandContext): Promise<ExitCode> {
  const line = compareCommandLineOf(command);
  ctx.failure.debug = line.debug;
  // The comparison's modules are loaded only when it runs, not for --help.
  const { compareRuns, COMPARISON_FILES } = await import('../../compare/run.ts');
  let outcome: CompareOutcome;
  try {
    outcome = await compareRuns({ a: line.a, b: line.b, out: line.out, settings: line.settings });
  } catch (error: unknown) {
    // The problems are counted by compareRuns (its diagnostics are capped); say its count.
    if (error instanceof InputError) throw new InputError(error.message, error.diagnostics, `compare: ${error.message}`);
    throw error;
  }
  ctx.io.stderr.write(closingText(outcome, line.out, COMPARISON_FILES));
  if (line.json) ctx.io.stdout.write(outcome.json);
  return outcome.exitCode;
}

/** The stderr text after a comparison: notes, the verdict with the rule that fired, the files (`COMPARISON_FILES`). */
export function closingText(outcome: CompareOutcome, out: string, files: ComparisonFiles): string {
  const { comparability, regression_gate: gate, flips, mcnemar } = outcome.comparison;
  const lines = comparability.notes.map((note) => `warning: ${note}`);
  const head = gate.regression ? `REGRESSION: exit ${gate.exit_code}` : `no regression: exit ${gate.exit_code}`;
  lines.push(`${head}: ${gate.reasons.join('; ')}`);
  lines.push(`${flips.total} task${flips.total === 1 ? '' : 's'} flipped; McNemar ${pEquals(mcnemar.task_outcome.p_value)} (b = ${mcnemar.task_outcome.b}, c = ${mcnemar.task_outcome.c})`);
  const dir = out.endsWith('/') ? out : `${out}/`;
  lines.push(`-> ${dir}${files.markdown} and ${dir}${files.json}`);
  return `${lines.join('\n')}\n`;
}
