/**
 * The texts around commander's option list in `--help` (contract section 9): what the command
 * does, how values are written, the config file, the exit codes and examples. Pure.
 */
import { EXIT } from '../errors.ts';
import { BUDGET_MIN_INPUT_BYTES, DEFAULT_HEAP_MB, HEAP_BUDGET_ENV, HEAP_MB_PER_WAVE_MB } from './thread.ts';

/** Lines of the exit-code table (contract sections 9 and 12). */
export const EXIT_CODE_LINES: readonly string[] = [
  `${EXIT.ok}    the run finished`,
  `${EXIT.unhealthy}    the run finished, but run health is below --min-health`,
  `${EXIT.usage}    usage, config or input error: nothing was written`,
  `${EXIT.internal}    internal error: a bug; its stack trace is printed only with --debug`,
  `${EXIT.aborted}    aborted by --abort-on-failure-rate: the waves that ran are summarised`,
  `${EXIT.sigint}  canceled by SIGINT (Ctrl-C) after the wave under way; --resume continues`,
  `${EXIT.sigterm}  canceled by SIGTERM, likewise; a second signal stops at once`,
];

/** What `npm run phase -- --help` says before the options (commander wraps each paragraph). */
export const PHASE_DESCRIPTION = [
  "Runs Phase 20's predicted tasks wave by wave on a simulated clock (strategies, retries, circuit breakers, safety gates), measures how the predictions held, and writes outputs, feedback for Phases 16, 18 and 20, and a Markdown report.",
  'Times are in simulated seconds, probabilities in [0, 1], health in [0, 100].',
].join('\n\n');

/** What `npm run phase -- --help` says after the options; lines fit in 80 columns. */
export function phaseHelpFooter(): string {
  return [
    '',
    'Values go as --option value or --option=value; a value starting with "-"',
    '(other than a negative number) needs the = form. A repeated option keeps its',
    'last value. Each flag has a --no- form (--no-quiet) that turns it off, to',
    'override a config file.',
    '',
    'Config file (--config FILE, JSON): every option above under its name in',
    'snake_case, e.g. {"strategy": "confidence", "max_attempts": 3}. Options on',
    'the command line win. Schema: schemas/config.schema.json; an example:',
    'examples/nightly.json.',
    '',
    'Progress goes to stderr: a bar per wave on a terminal, one line per wave',
    'otherwise (and when CI is set); colour follows NO_COLOR and FORCE_COLOR.',
    '',
    `Memory: an input folder of ${BUDGET_MIN_INPUT_BYTES / 2 ** 20} MiB or more runs with a heap budget of ${DEFAULT_HEAP_MB}`,
    `MiB (${HEAP_MB_PER_WAVE_MB} MiB per MiB of its largest wave_<w> folder when that is more);`,
    `${HEAP_BUDGET_ENV}=N sets another for any input (README, "Memory").`,
    '',
    'Exit codes:',
    ...EXIT_CODE_LINES.map((line) => `  ${line}`),
    '',
    'Examples:',
    '  npm run phase -- --strategy priority --seed 7 --min-health 60',
    '  npm run phase -- --waves 2 --dry-run --json --out outputs/plan',
    '  npm run phase -- --config examples/nightly.json',
    '  npm run phase -- --config examples/nightly.json --resume',
    '',
  ].join('\n');
}
