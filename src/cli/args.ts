/**
 * The command line (contract section 9): argv -> {@link RunOptions}.
 *
 * Tokenising is Node's `util.parseArgs`; the strict checks (unknown option, missing value,
 * positional argument, value given to a flag) are made here over its tokens rather than by
 * `strict: true`, so that every bad option is reported at once instead of only the first.
 * Values are validated and converted with zod, starting from {@link DEFAULT_OPTIONS}.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_OPTIONS, FALLBACK_EPOCH, JITTER_MODES, ON_INVALID, RETRY_POLICIES, STRATEGY_NAMES } from '../options.ts';
import type { RunOptions } from '../options.ts';
import { UsageError } from '../errors.ts';

/** What the command line asks for. */
export type CommandLine = { readonly kind: 'run'; readonly options: RunOptions } | { readonly kind: 'help' } | { readonly kind: 'version' };

/** The groups `--help` lists options under, in this order. */
export type OptionGroup = 'input' | 'simulation' | 'retry' | 'gates' | 'control';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A separated value that starts with `-` is taken as a value only when it is a negative number. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;

const integerAtLeast = (min: number) =>
  z.string().regex(INTEGER).transform(Number).pipe(z.number().int().min(min).max(Number.MAX_SAFE_INTEGER));
const numberWhere = (ok: (x: number) => boolean) =>
  z.string().regex(DECIMAL).transform(Number).pipe(z.number().refine(ok));
const pathValue = z.string().min(1);
const instant = z.string().transform((text, ctx) => {
  const iso = normaliseInstant(text);
  if (iso === null) {
    ctx.issues.push({ code: 'custom', message: 'not an ISO-8601 instant', input: text });
    return z.NEVER;
  }
  return iso;
});

/** Schemas of the options that take a value, keyed by option name (kebab-case, no dashes). */
const VALUE_SCHEMAS = {
  input: pathValue,
  out: pathValue,
  'report-dir': pathValue,
  'agents-file': pathValue,
  'on-invalid': z.enum(ON_INVALID),
  waves: integerAtLeast(1),
  strategy: z.enum(STRATEGY_NAMES),
  seed: integerAtLeast(-Number.MAX_SAFE_INTEGER),
  'duration-noise': numberWhere((x) => x >= 0),
  epoch: instant,
  retry: z.enum(RETRY_POLICIES),
  jitter: z.enum(JITTER_MODES),
  'max-attempts': integerAtLeast(1),
  'backoff-base': numberWhere((x) => x >= 0),
  'backoff-cap': numberWhere((x) => x >= 0),
  'breaker-threshold': integerAtLeast(1),
  'breaker-cooldown': numberWhere((x) => x > 0),
  'min-probability': numberWhere((x) => x >= 0 && x <= 1),
  'high-risk-floor': numberWhere((x) => x >= 0 && x <= 1),
  'wave-deadline': numberWhere((x) => x > 0),
  'min-health': numberWhere((x) => x >= 0 && x <= 100),
  'abort-on-failure-rate': numberWhere((x) => x >= 0 && x <= 1),
} as const;

const VALUES = z.object(VALUE_SCHEMAS).partial();

/** Options that take a value. */
export type ValueOptionName = keyof typeof VALUE_SCHEMAS;
/** Options that are flags (no value). */
export const FLAG_NAMES = ['allow-high-risk', 'dry-run', 'resume', 'quiet', 'json', 'debug', 'help', 'version'] as const;
export type FlagName = (typeof FLAG_NAMES)[number];
/** Every option, by its long name without the leading `--`. */
export type OptionName = ValueOptionName | FlagName;

/** How `--help` and the error messages describe one option. */
export interface OptionDoc {
  readonly group: OptionGroup;
  /** One-letter alias (`-h`), if any. */
  readonly short?: string;
  /** Placeholder of the value in `--help` (`N`, `S`, `DIR`); absent for flags. */
  readonly placeholder?: string;
  /** What the option does, with its unit. */
  readonly description: string;
  /** What values it accepts, as a phrase ("an integer >= 1"); absent for flags and enums. */
  readonly accepts?: string;
  /** The accepted values of an enum option. */
  readonly choices?: readonly string[];
  /** The default, rendered from {@link DEFAULT_OPTIONS}; absent for --help/--version. */
  readonly defaultText?: string;
}

const D = DEFAULT_OPTIONS;
const SECONDS_GE_0 = 'a number of seconds >= 0';
const SECONDS_GT_0 = 'a number of seconds > 0';
const PROBABILITY = 'a number in [0, 1]';
const INTEGER_GE_1 = 'an integer >= 1';
const PATH = 'a non-empty path';
const OFF = 'off';

/** Every option, in `--help` order within its group. The record type makes a missing entry a compile error. */
export const OPTION_DOCS: { readonly [K in OptionName]: OptionDoc } = {
  input: { group: 'input', placeholder: 'DIR', accepts: PATH, defaultText: D.input,
    description: 'Phase 20 output to run: a wave_<w>/agent_<a>/ tree or a flat folder with predicted_tasks.jsonl' },
  out: { group: 'input', placeholder: 'DIR', accepts: PATH, defaultText: D.out,
    description: 'output folder; deleted and rebuilt whole on every run' },
  'report-dir': { group: 'input', placeholder: 'DIR', accepts: PATH, defaultText: D.reportDir,
    description: 'folder of the Markdown report PHASE_21_AUTONOMOUS_EXECUTION.md' },
  'agents-file': { group: 'input', placeholder: 'FILE', accepts: PATH, defaultText: D.agentsFile ?? 'data/agents.json, when --input is left at its default and the file exists; else none',
    description: 'agent profiles JSON (max_concurrency, speed, reliability_offset)' },
  'on-invalid': { group: 'input', placeholder: 'MODE', choices: ON_INVALID, defaultText: D.onInvalid,
    description: 'bad input lines: fail = stop with exit 2; quarantine = leave them out and write them to <out>/rejected.jsonl' },
  waves: { group: 'simulation', placeholder: 'N', accepts: INTEGER_GE_1, defaultText: D.waves === null ? 'all' : String(D.waves),
    description: 'run only the N lowest waves present; more than exist is an error' },
  strategy: { group: 'simulation', placeholder: 'NAME', choices: STRATEGY_NAMES, defaultText: D.strategy,
    description: 'how tasks are assigned to agents' },
  seed: { group: 'simulation', placeholder: 'N', accepts: 'a safe integer (|N| <= 9007199254740991)', defaultText: String(D.seed),
    description: 'seed of every random draw of the simulated world' },
  'duration-noise': { group: 'simulation', placeholder: 'S', accepts: 'a number >= 0', defaultText: String(D.durationNoise),
    description: 'log-normal spread s of simulated durations (0 = durations exactly as predicted x speed)' },
  epoch: { group: 'simulation', placeholder: 'TIME', accepts: 'an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z',
    defaultText: D.epoch ?? `latest input timestamp, else ${FALLBACK_EPOCH}`,
    description: 'simulated time zero; artifact times are this plus simulated seconds (a date alone means 00:00Z)' },
  retry: { group: 'retry', placeholder: 'POLICY', choices: RETRY_POLICIES, defaultText: D.retry.policy,
    description: 'backoff between attempts; none = one attempt per task, whatever --max-attempts says' },
  jitter: { group: 'retry', placeholder: 'MODE', choices: JITTER_MODES, defaultText: D.retry.jitter,
    description: 'randomisation of each delay: full = uniform(0, d); equal = d/2 + uniform(0, d/2)' },
  'max-attempts': { group: 'retry', placeholder: 'N', accepts: INTEGER_GE_1, defaultText: String(D.retry.maxAttempts),
    description: 'attempts per task, the first included' },
  'backoff-base': { group: 'retry', placeholder: 'S', accepts: SECONDS_GE_0, defaultText: `${D.retry.baseS} s`,
    description: 'base retry delay' },
  'backoff-cap': { group: 'retry', placeholder: 'S', accepts: `${SECONDS_GE_0}, and >= --backoff-base`, defaultText: `${D.retry.capS} s`,
    description: 'longest retry delay' },
  'breaker-threshold': { group: 'retry', placeholder: 'N', accepts: INTEGER_GE_1, defaultText: String(D.breaker.threshold),
    description: "consecutive failed attempts that open an agent's circuit" },
  'breaker-cooldown': { group: 'retry', placeholder: 'S', accepts: SECONDS_GT_0, defaultText: `${D.breaker.cooldownS} s`,
    description: 'time a circuit stays open before one probe attempt' },
  'min-probability': { group: 'gates', placeholder: 'P', accepts: PROBABILITY, defaultText: String(D.gates.minProbability),
    description: 'min_probability gate: block a task whose predicted success probability is below P' },
  'high-risk-floor': { group: 'gates', placeholder: 'P', accepts: PROBABILITY, defaultText: String(D.gates.highRiskFloor),
    description: 'high_risk gate: block a HIGH-risk task whose predicted success probability is below P' },
  'allow-high-risk': { group: 'gates', defaultText: D.gates.allowHighRisk ? 'on' : OFF,
    description: 'turn the high_risk gate off' },
  'wave-deadline': { group: 'gates', placeholder: 'S', accepts: SECONDS_GT_0,
    defaultText: D.gates.waveDeadlineS === null ? 'none' : `${D.gates.waveDeadlineS} s`,
    description: 'wave_deadline gate: start no attempt later than S seconds after its wave began' },
  'dry-run': { group: 'control', defaultText: D.dryRun ? 'on' : OFF,
    description: 'plan only: load, validate, assign and gate first attempts; write assignments, gate decisions and a plan report' },
  'min-health': { group: 'control', placeholder: 'H', accepts: 'a number in [0, 100]', defaultText: D.minHealth === null ? 'none' : String(D.minHealth),
    description: 'exit 1 when run health is below H (ignored by --dry-run, which has no health)' },
  resume: { group: 'control', defaultText: D.resume ? 'on' : OFF,
    description: 'continue the interrupted run in --out from its last checkpoint (same input and options)' },
  'abort-on-failure-rate': { group: 'control', placeholder: 'R', accepts: PROBABILITY, defaultText: 'none',
    description: 'start no further wave after one whose (failed + blocked) / tasks exceeds R; exit 4' },
  quiet: { group: 'control', defaultText: D.quiet ? 'on' : OFF,
    description: 'no progress, warnings or closing line on stderr (errors still print)' },
  json: { group: 'control', defaultText: D.json ? 'on' : OFF,
    description: 'also print the run summary as one JSON line on stdout' },
  debug: { group: 'control', defaultText: D.debug ? 'on' : OFF,
    description: 'print the stack trace of an internal error' },
  help: { group: 'control', short: 'h', description: 'print this help and exit' },
  version: { group: 'control', short: 'V', description: 'print the version and exit' },
};

/** Every option name, in {@link OPTION_DOCS} order. */
export const OPTION_NAMES = Object.keys(OPTION_DOCS) as OptionName[];

const isFlag = (name: string): name is FlagName => (FLAG_NAMES as readonly string[]).includes(name);
const isOption = (name: string): name is OptionName => Object.hasOwn(OPTION_DOCS, name);

/** What the option accepts, as used in error messages. */
export function acceptsText(name: OptionName): string {
  const doc = OPTION_DOCS[name];
  if (doc.choices) return `one of ${doc.choices.join(', ')}`;
  return doc.accepts ?? 'no value';
}

/**
 * Parses the arguments after the script name into what to do.
 *
 * Accepts `--opt value` and `--opt=value`; a value that begins with `-` must use the `=` form
 * unless it is a negative number. A repeated option takes its last value. `--help` wins over
 * everything else, then `--version`. `--retry none` forces `retry.maxAttempts` to 1.
 *
 * @param argv - e.g. `process.argv.slice(2)`.
 * @throws UsageError naming every bad option (one per line) and what it accepts: unknown
 *   option, missing value, flag given a value, positional argument, bad value, `--backoff-cap`
 *   below `--backoff-base`, or an `--out` folder whose rebuild would delete the input.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const name of OPTION_NAMES) {
    const short = OPTION_DOCS[name].short;
    config[name] = short === undefined ? { type: isFlag(name) ? 'boolean' : 'string' } : { type: 'boolean', short };
  }
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });

  // Errors carry the argv index they arose at, so they print in the order the user wrote them.
  const errors: { readonly at: number; readonly message: string }[] = [];
  const raw: Partial<Record<ValueOptionName, string>> = {};
  const at: Partial<Record<ValueOptionName, number>> = {};
  const flags = new Set<FlagName>();
  let unknownAt = -1;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      // A word right after an unknown option is most likely its value: the option's error covers it.
      if (token.index !== unknownAt + 1 || unknownAt < 0) {
        errors.push({ at: token.index, message: `${JSON.stringify(token.value)}: unexpected argument; every value belongs to an option, e.g. --input ${token.value}` });
      }
      continue;
    }
    const { name, rawName, value, inlineValue, index } = token;
    unknownAt = -1;
    if (!isOption(name)) {
      errors.push({ at: index, message: `${rawName}: unknown option${suggestion(name)}` });
      if (!inlineValue) unknownAt = index;
    } else if (isFlag(name)) {
      if (value === undefined) flags.add(name);
      else errors.push({ at: index, message: `${rawName}: takes no value, got ${JSON.stringify(value)}` });
    } else if (value === undefined || (!inlineValue && value.startsWith('-') && !NEGATIVE_NUMBER.test(value))) {
      const found = value === undefined ? '' : ` (found ${JSON.stringify(value)}; write ${rawName}=VALUE for a value starting with "-")`;
      errors.push({ at: index, message: `${rawName}: missing value; expected ${acceptsText(name)}${found}` });
    } else {
      raw[name] = value;
      at[name] = index;
    }
  }
  if (flags.has('help')) return { kind: 'help' };
  if (flags.has('version')) return { kind: 'version' };

  const parsed = VALUES.safeParse(raw);
  if (!parsed.success) {
    const seen = new Set<ValueOptionName>();
    for (const issue of parsed.error.issues) {
      const name = issue.path[0];
      if (typeof name !== 'string' || !Object.hasOwn(VALUE_SCHEMAS, name)) continue;
      const option = name as ValueOptionName;
      if (seen.has(option)) continue;
      seen.add(option);
      errors.push({ at: at[option] ?? argv.length, message: valueError(option, raw[option] ?? '') });
    }
    if (seen.size === 0) errors.push({ at: argv.length, message: parsed.error.message });
  }
  if (errors.length > 0 || !parsed.success) {
    throw new UsageError(errors.sort((a, b) => a.at - b.at).map((e) => e.message).join('\n'));
  }

  const options = buildOptions(parsed.data, flags);
  const crossErrors = crossCheck(options, raw);
  if (crossErrors.length > 0) throw new UsageError(crossErrors.join('\n'));
  return { kind: 'run', options };
}

function valueError(name: ValueOptionName, rawValue: string): string {
  const choices = OPTION_DOCS[name].choices;
  if (choices) return `--${name}: unknown value ${JSON.stringify(rawValue)}; expected one of ${choices.join(', ')}`;
  return `--${name}: expected ${acceptsText(name)}, got ${JSON.stringify(rawValue)}`;
}

type Values = z.output<typeof VALUES>;

function buildOptions(v: Values, flags: ReadonlySet<FlagName>): RunOptions {
  const policy = v.retry ?? D.retry.policy;
  return {
    input: v.input ?? D.input,
    out: v.out ?? D.out,
    reportDir: v['report-dir'] ?? D.reportDir,
    waves: v.waves ?? D.waves,
    strategy: v.strategy ?? D.strategy,
    retry: {
      policy,
      jitter: v.jitter ?? D.retry.jitter,
      maxAttempts: policy === 'none' ? 1 : (v['max-attempts'] ?? D.retry.maxAttempts),
      baseS: v['backoff-base'] ?? D.retry.baseS,
      capS: v['backoff-cap'] ?? D.retry.capS,
    },
    breaker: {
      threshold: v['breaker-threshold'] ?? D.breaker.threshold,
      cooldownS: v['breaker-cooldown'] ?? D.breaker.cooldownS,
    },
    gates: {
      minProbability: v['min-probability'] ?? D.gates.minProbability,
      highRiskFloor: v['high-risk-floor'] ?? D.gates.highRiskFloor,
      allowHighRisk: flags.has('allow-high-risk') || D.gates.allowHighRisk,
      waveDeadlineS: v['wave-deadline'] ?? D.gates.waveDeadlineS,
    },
    durationNoise: v['duration-noise'] ?? D.durationNoise,
    seed: v.seed ?? D.seed,
    epoch: v.epoch ?? D.epoch,
    agentsFile: v['agents-file'] ?? D.agentsFile,
    onInvalid: v['on-invalid'] ?? D.onInvalid,
    dryRun: flags.has('dry-run') || D.dryRun,
    minHealth: v['min-health'] ?? D.minHealth,
    quiet: flags.has('quiet') || D.quiet,
    json: flags.has('json') || D.json,
    debug: flags.has('debug') || D.debug,
    // Until the commander CLI (issue 6) takes these over.
    resume: flags.has('resume') || D.resume,
    abortOnFailureRate: v['abort-on-failure-rate'] ?? D.abortOnFailureRate,
  };
}

/** Checks between options: backoff cap vs base, and that rebuilding `--out` cannot delete input. */
function crossCheck(o: RunOptions, raw: Partial<Record<ValueOptionName, string>>): string[] {
  const errors: string[] = [];
  if (o.retry.capS < o.retry.baseS) {
    errors.push(
      raw['backoff-cap'] === undefined
        ? `--backoff-base: expected a number of seconds <= --backoff-cap (${o.retry.capS}, its default), got ${JSON.stringify(raw['backoff-base'])}`
        : `--backoff-cap: expected a number of seconds >= --backoff-base (${o.retry.baseS}), got ${JSON.stringify(raw['backoff-cap'])}`,
    );
  }
  const out = path.resolve(o.out);
  const cwd = path.resolve('.');
  const why =
    isWithin(cwd, out) ? 'it is the current folder or one of its parents'
    : isWithin(path.resolve(o.input), out) ? 'it holds the --input folder'
    : o.agentsFile !== null && isWithin(path.resolve(o.agentsFile), out) ? 'it holds the --agents-file'
    : null;
  if (why !== null) {
    errors.push(`--out: refusing ${JSON.stringify(o.out)}: the output folder is deleted and rebuilt on every run, and ${why}; expected a folder of its own, e.g. outputs`);
  }
  return errors;
}

/** True when `inner` is `outer` or lies below it (both absolute). */
function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** ` (did you mean --x?)` for the closest known option within edit distance 2, else ``. */
function suggestion(name: string): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of OPTION_NAMES) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === null ? '' : ` (did you mean --${best}?)`;
}

/** Levenshtein distance; inputs are option names (short), so O(n m) is fine. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?))?$/;

/**
 * Parses an ISO-8601 / RFC 3339 instant into `Date.toISOString()` form (UTC, milliseconds).
 *
 * Accepted: `YYYY-MM-DD` (midnight UTC), or `YYYY-MM-DDThh:mm[:ss[.fff...]]` followed by `Z`
 * or an offset `+hh`, `+hhmm`, `+hh:mm`. A time without a zone is refused: it would depend
 * on the machine's time zone (contract section 8). Fractions beyond milliseconds are
 * truncated. Field ranges are checked (no 2024-02-30, no 24:00, no leap second).
 *
 * @returns the normalised string, or null when `text` is not such an instant or falls
 *   outside years 0000-9999 once converted to UTC.
 */
export function normaliseInstant(text: string): string | null {
  const m = INSTANT.exec(text);
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const hasTime = m[4] !== undefined;
  const hasZone = m[8] !== undefined || m[9] !== undefined;
  if (hasTime !== hasZone) return null;
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
  if (Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return null; // day past the end of the month
  date.setUTCHours(hour, minute, second, ms);
  const utc = new Date(date.getTime() - offsetMinutes * 60_000);
  const utcYear = utc.getUTCFullYear();
  return utcYear < 0 || utcYear > 9999 ? null : utc.toISOString();
}
