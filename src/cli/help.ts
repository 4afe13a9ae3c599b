/**
 * The `--help` and `--version` texts (contract section 9). Pure: every option, its values and
 * its default come from {@link OPTION_DOCS}, whose defaults are rendered from DEFAULT_OPTIONS.
 */
import { EXIT } from '../errors.ts';
import { OPTION_DOCS, OPTION_NAMES, type OptionGroup, type OptionName } from './args.ts';

/** Group titles, in the order `--help` prints them. */
export const GROUP_TITLES: { readonly [G in OptionGroup]: string } = {
  input: 'Input and output',
  simulation: 'Strategy and simulation',
  retry: 'Retry and circuit breaker',
  gates: 'Safety gates',
  control: 'Run control',
};

/** Lines of the exit-code table (contract section 9). */
export const EXIT_CODE_LINES: readonly string[] = [
  `${EXIT.ok}  the run finished`,
  `${EXIT.unhealthy}  the run finished, but run health is below --min-health`,
  `${EXIT.usage}  usage or input error: nothing was written`,
  `${EXIT.internal}  internal error: a bug; its stack trace is printed only with --debug`,
];

const WIDTH = 100;
const NAME_COLUMN = 28;

/** The left column of an option: `  -h, --help` or `  --waves N`. */
function optionLabel(name: OptionName): string {
  const doc = OPTION_DOCS[name];
  const short = doc.short === undefined ? '' : `-${doc.short}, `;
  const value = doc.placeholder === undefined ? '' : ` ${doc.placeholder}`;
  return `  ${short}--${name}${value}`;
}

/** The right column: description, accepted values and default. */
function optionText(name: OptionName): string {
  const doc = OPTION_DOCS[name];
  const parts = [doc.description];
  if (doc.choices) parts.push(`one of: ${doc.choices.join(', ')}`);
  // A DIR or FILE placeholder already says what a path option takes.
  else if (doc.accepts !== undefined && doc.placeholder !== 'DIR' && doc.placeholder !== 'FILE') parts.push(doc.accepts);
  const text = parts.join('; ');
  return doc.defaultText === undefined ? text : `${text} (default: ${doc.defaultText})`;
}

/** Greedy word wrap of `text` to `width` columns; the first line gets `first`, the rest `indent`. */
export function wrap(first: string, text: string, indent: string, width: number = WIDTH): string[] {
  const lines: string[] = [];
  let line: string;
  if (first.length > 0 && first.length >= indent.length - 1) {
    // The label leaves no room for a gap: the text starts on the next line.
    lines.push(first);
    line = indent;
  } else {
    line = first.padEnd(indent.length);
  }
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * The full `--help` text, ending in a newline: usage, what the tool does, every option by
 * group with its unit, accepted values and default, the exit codes and two examples.
 */
export function helpText(): string {
  const indent = ' '.repeat(NAME_COLUMN);
  const out: string[] = [
    'Usage: npm run phase -- [options]',
    '',
    ...wrap('', 'Runs Phase 20\'s predicted tasks wave by wave on a simulated clock (strategies, retries, circuit breakers, safety gates), measures how the predictions held, and writes outputs, feedback for Phases 16, 18 and 20, and a Markdown report.', ''),
    '',
    'Times are in simulated seconds, probabilities in [0, 1], health in [0, 100].',
  ];
  for (const group of Object.keys(GROUP_TITLES) as OptionGroup[]) {
    out.push('', `${GROUP_TITLES[group]}:`);
    for (const name of OPTION_NAMES) {
      if (OPTION_DOCS[name].group === group) out.push(...wrap(optionLabel(name), optionText(name), indent));
    }
  }
  out.push(
    '',
    'Values go as --option value or --option=value; a value starting with "-" (other than a',
    'negative number) needs the = form. A repeated option keeps its last value.',
    '',
    'Exit codes:',
    ...EXIT_CODE_LINES.map((line) => `  ${line}`),
    '',
    'Examples:',
    '  npm run phase -- --input data/phase20 --strategy priority --seed 7 --min-health 60',
    '  npm run phase -- --waves 2 --dry-run --json --out outputs/plan',
  );
  return `${out.join('\n')}\n`;
}

/** The `--version` text: the package version and a newline. */
export function versionText(version: string): string {
  return `${version}\n`;
}
