/**
 * The options of `npm run phase` (contract section 9) as commander sees them: how `--help`
 * groups and describes each, and how the typed text becomes a value. What each option accepts
 * and means comes from src/schema/config.ts, shared with the config file.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { FALLBACK_EPOCH } from '../../options.ts';
import { flagOf, OPTION_DEFAULTS, OPTION_KEYS, OPTION_VALUES } from '../../schema/config.ts';
import type { OptionKey, OptionValue, OptionValues } from '../../schema/config.ts';

/** The groups `--help` lists options under, in this order, with their titles. */
export const GROUP_TITLES = {
  input: 'Input and output:',
  simulation: 'Strategy and simulation:',
  retry: 'Retry and circuit breaker:',
  gates: 'Safety gates:',
  control: 'Run control:',
} as const;
export type OptionGroup = keyof typeof GROUP_TITLES;

/** How `--help` shows one option. */
export interface OptionHelp {
  readonly group: OptionGroup;
  /** Placeholder of the value (`N`, `S`, `DIR`); absent for flags. */
  readonly placeholder?: string;
  /** The default as shown; from src/schema/config.ts's OPTION_DEFAULTS unless it needs words. */
  readonly defaultText: string;
}

const OFF = 'off';
const seconds = (value: number | null, none: string): string => (value === null ? none : `${value} s`);
const plain = (value: string | number | boolean | null, none: string): string => {
  if (value === null) return none;
  if (typeof value === 'boolean') return value ? 'on' : OFF;
  return String(value);
};
const V = OPTION_DEFAULTS;

/** Every option's help entry; the record type makes a missing entry a compile error. */
export const OPTION_HELP: { readonly [K in OptionKey]: OptionHelp } = {
  input: { group: 'input', placeholder: 'DIR', defaultText: plain(V.input, '') },
  out: { group: 'input', placeholder: 'DIR', defaultText: plain(V.out, '') },
  report_dir: { group: 'input', placeholder: 'DIR', defaultText: plain(V.report_dir, '') },
  agents_file: { group: 'input', placeholder: 'FILE', defaultText: plain(V.agents_file, 'data/agents.json, when --input is left at its default and the file exists; else none') },
  on_invalid: { group: 'input', placeholder: 'MODE', defaultText: plain(V.on_invalid, '') },
  waves: { group: 'simulation', placeholder: 'N', defaultText: plain(V.waves, 'all') },
  strategy: { group: 'simulation', placeholder: 'NAME', defaultText: plain(V.strategy, '') },
  seed: { group: 'simulation', placeholder: 'N', defaultText: plain(V.seed, '') },
  duration_noise: { group: 'simulation', placeholder: 'S', defaultText: plain(V.duration_noise, '') },
  world: { group: 'simulation', placeholder: 'NAME', defaultText: plain(V.world, '') },
  outcomes: { group: 'simulation', placeholder: 'FILE', defaultText: plain(V.outcomes, 'none') },
  epoch: { group: 'simulation', placeholder: 'TIME', defaultText: plain(V.epoch, `latest input timestamp, else ${FALLBACK_EPOCH}`) },
  retry: { group: 'retry', placeholder: 'POLICY', defaultText: plain(V.retry, '') },
  jitter: { group: 'retry', placeholder: 'MODE', defaultText: plain(V.jitter, '') },
  max_attempts: { group: 'retry', placeholder: 'N', defaultText: plain(V.max_attempts, '') },
  backoff_base: { group: 'retry', placeholder: 'S', defaultText: seconds(V.backoff_base, '') },
  backoff_cap: { group: 'retry', placeholder: 'S', defaultText: seconds(V.backoff_cap, '') },
  breaker: { group: 'retry', placeholder: 'POLICY', defaultText: plain(V.breaker, '') },
  breaker_window: { group: 'retry', placeholder: 'N', defaultText: plain(V.breaker_window, '') },
  breaker_min_attempts: { group: 'retry', placeholder: 'N', defaultText: plain(V.breaker_min_attempts, '') },
  breaker_failure_rate: { group: 'retry', placeholder: 'R', defaultText: plain(V.breaker_failure_rate, '') },
  breaker_threshold: { group: 'retry', placeholder: 'N', defaultText: plain(V.breaker_threshold, '') },
  breaker_cooldown: { group: 'retry', placeholder: 'S', defaultText: seconds(V.breaker_cooldown, '') },
  min_probability: { group: 'gates', placeholder: 'P', defaultText: plain(V.min_probability, '') },
  high_risk_floor: { group: 'gates', placeholder: 'P', defaultText: plain(V.high_risk_floor, '') },
  allow_high_risk: { group: 'gates', defaultText: plain(V.allow_high_risk, '') },
  wave_deadline: { group: 'gates', placeholder: 'S', defaultText: seconds(V.wave_deadline, 'none') },
  steal: { group: 'simulation', defaultText: plain(V.steal, '') },
  dry_run: { group: 'control', defaultText: plain(V.dry_run, '') },
  resume: { group: 'control', defaultText: plain(V.resume, '') },
  time_scale: { group: 'simulation', placeholder: 'F', defaultText: plain(V.time_scale, '') },
  abort_on_failure_rate: { group: 'control', placeholder: 'R', defaultText: plain(V.abort_on_failure_rate, 'none') },
  min_health: { group: 'control', placeholder: 'H', defaultText: plain(V.min_health, 'none') },
  quiet: { group: 'control', defaultText: plain(V.quiet, '') },
  json: { group: 'control', defaultText: plain(V.json, '') },
  debug: { group: 'control', defaultText: plain(V.debug, '') },
};

/** The `--config FILE` option's description. */
const CONFIG_DESCRIPTION = 'read options from a JSON file, keys in snake_case ("max_attempts": 3); options given here win; its relative paths are relative to its folder';

/** The right column of `--help` for an option: what it does; accepted values; default. */
export function optionDescription(key: OptionKey): string {
  const spec = OPTION_VALUES[key];
  const help = OPTION_HELP[key];
  const parts: string[] = [spec.description];
  // A DIR or FILE placeholder already says what a path option takes; a flag takes nothing.
  if (spec.kind !== 'boolean' && help.placeholder !== 'DIR' && help.placeholder !== 'FILE') {
    parts.push(spec.choices ? `one of: ${spec.choices.join(', ')}` : spec.accepts);
  }
  return `${parts.join('; ')} (default: ${help.defaultText})`;
}

/**
 * Declares every option of the phase command on `command`, grouped for `--help`: each value
 * option as `--name <PLACEHOLDER>` (its text is validated later, all at once, by
 * {@link readOptionText}), each flag as `--name` with a hidden `--no-name` that turns it off
 * (to override a config file), `--config FILE`, and `-h, --help` and `-V, --version` last.
 * `include` picks the options another command shares (`tournament`); default all.
 */
export function declarePhaseOptions(command: Command, version: string, include: (key: OptionKey) => boolean = () => true): void {
  for (const group of Object.keys(GROUP_TITLES) as OptionGroup[]) {
    for (const key of OPTION_KEYS) {
      const help = OPTION_HELP[key];
      if (help.group !== group || !include(key)) continue;
      const flag = flagOf(key);
      const term = help.placeholder === undefined ? flag : `${flag} <${help.placeholder}>`;
      if (help.placeholder === undefined && OPTION_DEFAULTS[key] === true) {
        // A flag that is on by default shows its `--no-` form; `--name` (hidden) turns it back on.
        command.addOption(new Option(flag).hideHelp());
        command.addOption(new Option(`--no-${flag.slice(2)}`, optionDescription(key)).helpGroup(GROUP_TITLES[group]));
        continue;
      }
      command.addOption(new Option(term, optionDescription(key)).helpGroup(GROUP_TITLES[group]));
      if (help.placeholder === undefined) command.addOption(new Option(`--no-${flag.slice(2)}`).hideHelp());
      if (key === 'on_invalid') command.addOption(new Option('--config <FILE>', `${CONFIG_DESCRIPTION} (default: none)`).helpGroup(GROUP_TITLES.input));
    }
  }
  command.optionsGroup(GROUP_TITLES.control);
  command.version(version, '-V, --version', 'print the version and exit');
  command.addHelpOption(new Option('-h, --help', 'print this help and exit').helpGroup(GROUP_TITLES.control));
}

/** An option given on the command line: its value and the text it was read from. */
export interface GivenOption {
  readonly key: OptionKey;
  /** What was typed (`"4"`), or null for a flag. */
  readonly text: string | null;
}

/** What the command line gave, before the config file is merged in. */
export interface CommandLineValues {
  readonly values: OptionValues;
  readonly given: ReadonlyMap<OptionKey, GivenOption>;
  /** `--config FILE`, or null. */
  readonly config: string | null;
}

/** A message about the command line, with the index in argv it arose at (to sort messages). */
export interface PlacedError {
  readonly at: number;
  readonly message: string;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A separated value that starts with `-` is taken as a value only when it is a negative number. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;

/** The value of `key` read from `text`, or why not (a message without the option name). */
export function readOptionText<K extends OptionKey>(key: K, text: string): { ok: true; value: OptionValue<K> } | { ok: false; problem: string } {
  const spec = OPTION_VALUES[key];
  const bad = { ok: false as const, problem: spec.choices ? `unknown value ${JSON.stringify(text)}; expected ${spec.accepts}` : `expected ${spec.accepts}, got ${JSON.stringify(text)}` };
  let input: unknown = text;
  if (spec.kind === 'integer') {
    if (!INTEGER.test(text)) return bad;
    input = Number(text);
  } else if (spec.kind === 'number') {
    if (!DECIMAL.test(text)) return bad;
    input = Number(text);
  }
  const parsed = spec.schema.safeParse(input);
  // The schema of `key` parsed it, so the value has `key`'s type.
  return parsed.success ? { ok: true, value: parsed.data as OptionValue<K> } : bad;
}

/**
 * Reads the options commander collected on `command` into values, validating every one, and
 * reports every problem at once in command-line order: a bad value (`--waves: expected an
 * integer >= 1, got "0"`), a value starting with `-` given as a separate word (most likely a
 * forgotten value), an empty `--config`.
 *
 * @param argv - the command line as typed, to order messages and to tell `--x=-v` from `--x -v`
 * @returns the values, or the messages (one per problem) with their places in `argv`
 */
export function readCommandLine(command: Command, argv: readonly string[]): { ok: true; line: CommandLineValues } | { ok: false; errors: PlacedError[] } {
  const errors: PlacedError[] = [];
  const values: Record<string, unknown> = {};
  const given = new Map<OptionKey, GivenOption>();
  const positionOf = (flag: string): number => argv.findLastIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
  for (const key of OPTION_KEYS) {
    const flag = flagOf(key);
    const raw: unknown = command.getOptionValue(attributeOf(flag));
    if (raw === undefined) continue;
    if (typeof raw === 'boolean') {
      values[key] = raw;
      given.set(key, { key, text: null });
      continue;
    }
    if (typeof raw !== 'string') continue; // commander stores the typed text of a value option
    const text = raw;
    const at = positionOf(flag);
    if (text.startsWith('-') && !NEGATIVE_NUMBER.test(text) && !argv.includes(`${flag}=${text}`)) {
      errors.push({ at, message: `${flag}: missing value; expected ${OPTION_VALUES[key].accepts} (found ${JSON.stringify(text)}; write ${flag}=VALUE for a value starting with "-")` });
      continue;
    }
    const read = readOptionText(key, text);
    if (read.ok) {
      values[key] = read.value;
      given.set(key, { key, text });
    } else {
      errors.push({ at, message: `${flag}: ${read.problem}` });
    }
  }
  const configRaw: unknown = command.getOptionValue('config');
  const config = typeof configRaw === 'string' ? configRaw : null;
  if (config === '') errors.push({ at: positionOf('--config'), message: '--config: expected a path to a JSON file, got ""' });
  if (errors.length > 0) return { ok: false, errors };
  // Every value passed its key's schema above.
  return { ok: true, line: { values, given, config } };
}

/** commander's attribute name of a long flag: `--max-attempts` -> `maxAttempts`. */
function attributeOf(flag: string): string {
  return flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
