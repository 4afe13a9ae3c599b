/**
 * The run's options as values (contract sections 9 and 12): one table, keyed by the config
 * file's snake_case names, that gives each option's JSON type, its zod schema, what it accepts
 * and what it does. The command line (`--max-attempts 3`, a string converted by kind) and the
 * config file (`"max_attempts": 3`, a JSON value) are both validated by these schemas, so a
 * config gives exactly the options the same flags give; `npm run schemas` publishes the config
 * file's JSON Schema from {@link configSchema}.
 *
 * The subprocess world's `"subprocess": {...}` object (contract 12) is one more key of
 * {@link configSchema}, with its own strict object schema (src/schema/subprocess.ts), validated
 * key by key by src/cli/config-subprocess.ts.
 */
import { z } from 'zod';
import { BREAKER_POLICIES, DEFAULT_OPTIONS, JITTER_MODES, ON_INVALID, RETRY_POLICIES, STRATEGY_NAMES, WORLD_NAMES } from '../options.ts';
import type { RunOptions } from '../options.ts';
import { INSTANT_PATTERN, normaliseInstant } from '../util/instant.ts';
import { SubprocessConfigSchema } from './subprocess.ts';

/** The JSON type of an option's value; on the command line, how its text is read. */
export type ValueKind = 'integer' | 'number' | 'string' | 'boolean';

/** One option's value rules. */
export interface OptionValueSpec<S extends z.ZodType = z.ZodType> {
  readonly kind: ValueKind;
  /** Validates (and for `epoch` normalises) the JSON value. */
  readonly schema: S;
  /** What the option accepts, as a phrase for messages ("an integer >= 1", "one of a, b"). */
  readonly accepts: string;
  /** The accepted values of an enum option. */
  readonly choices?: readonly string[];
  /** What the option does, with its unit (the help text and the JSON Schema description). */
  readonly description: string;
}

const spec = <S extends z.ZodType>(kind: ValueKind, schema: S, accepts: string, description: string): OptionValueSpec<S> => ({ kind, schema, accepts, description });
const choice = <const T extends readonly [string, ...string[]]>(values: T, description: string) => ({
  kind: 'string' as const,
  schema: z.enum(values),
  accepts: `one of ${values.join(', ')}`,
  choices: values,
  description,
});
const flag = (description: string): OptionValueSpec<z.ZodBoolean> => spec('boolean', z.boolean(), 'true or false', description);

const integerAtLeast = (min: number) => z.number().int().min(min).max(Number.MAX_SAFE_INTEGER);
const PATH = z.string().min(1);
const PATH_TEXT = 'a non-empty path';
const SECONDS_GE_0 = 'a number of seconds >= 0';
const SECONDS_GT_0 = 'a number of seconds > 0';
const PROBABILITY = 'a number in [0, 1]';
const INTEGER_GE_1 = 'an integer >= 1';
const INSTANT = z
  .string()
  .regex(INSTANT_PATTERN)
  .transform((text, ctx) => {
    const iso = normaliseInstant(text);
    if (iso === null) {
      ctx.issues.push({ code: 'custom', message: 'not an ISO-8601 instant', input: text });
      return z.NEVER;
    }
    return iso;
  });

/**
 * Every option that has a value in a config file, in `--help` order, keyed by its config name
 * (the long option name in snake_case). `help`, `version` and `config` itself are not here.
 */
export const OPTION_VALUES = {
  input: spec('string', PATH, PATH_TEXT, 'Phase 20 output to run: a wave_<w>/agent_<a>/ tree or a flat folder with predicted_tasks.jsonl'),
  out: spec('string', PATH, PATH_TEXT, 'output folder; deleted and rebuilt whole on every run'),
  report_dir: spec('string', PATH, PATH_TEXT, 'folder of the Markdown report PHASE_21_AUTONOMOUS_EXECUTION.md'),
  agents_file: spec('string', PATH, PATH_TEXT, 'agent profiles JSON (max_concurrency, speed, reliability_offset)'),
  on_invalid: choice(ON_INVALID, 'bad input lines: fail = stop with exit 2; quarantine = leave them out and write them to <out>/rejected.jsonl'),
  waves: spec('integer', integerAtLeast(1), INTEGER_GE_1, 'run only the N lowest waves present; more than exist is an error'),
  strategy: choice(STRATEGY_NAMES, 'how tasks are assigned to agents'),
  seed: spec('integer', integerAtLeast(-Number.MAX_SAFE_INTEGER), 'a safe integer (|N| <= 9007199254740991)', 'seed of every random draw of the simulated world'),
  duration_noise: spec('number', z.number().min(0), 'a number >= 0', 'log-normal spread s of simulated durations (0 = durations exactly as predicted x speed)'),
  world: choice(WORLD_NAMES, 'where attempts run: simulated = drawn from the world model; replay = recorded outcomes from --outcomes, drawn where none is recorded; subprocess = a real command per attempt'),
  outcomes: spec('string', PATH, PATH_TEXT, '--world replay: recorded outcomes, JSONL rows {wave, task_id, agent_id, attempt?, success, duration_s}'),
  epoch: spec('string', INSTANT, 'an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z', 'simulated time zero; artifact times are this plus simulated seconds (a date alone means 00:00Z)'),
  retry: choice(RETRY_POLICIES, 'backoff between attempts; none = one attempt per task, whatever --max-attempts says'),
  jitter: choice(JITTER_MODES, 'randomisation of each delay: full = uniform(0, d); equal = d/2 + uniform(0, d/2)'),
  max_attempts: spec('integer', integerAtLeast(1), INTEGER_GE_1, 'attempts per task, the first included'),
  backoff_base: spec('number', z.number().min(0), SECONDS_GE_0, 'base retry delay'),
  backoff_cap: spec('number', z.number().min(0), `${SECONDS_GE_0}, and >= --backoff-base`, 'longest retry delay'),
  breaker: choice(BREAKER_POLICIES, "when an agent's circuit opens: sampling = a failure rate >= --breaker-failure-rate over its last --breaker-window attempts (at least --breaker-min-attempts in); consecutive = --breaker-threshold failures in a row"),
  breaker_window: spec('integer', integerAtLeast(1), INTEGER_GE_1, 'sampling breaker: finished attempts per agent the failure rate is taken over'),
  breaker_min_attempts: spec('integer', integerAtLeast(1), `${INTEGER_GE_1}, and <= --breaker-window`, 'sampling breaker: attempts the window needs before the circuit can open'),
  breaker_failure_rate: spec('number', z.number().gt(0).max(1), 'a number in (0, 1]', 'sampling breaker: the circuit opens at a window failure rate at or above R'),
  breaker_threshold: spec('integer', integerAtLeast(1), INTEGER_GE_1, "consecutive breaker: consecutive failed attempts that open an agent's circuit"),
  breaker_cooldown: spec('number', z.number().gt(0), SECONDS_GT_0, 'time a circuit stays open before one probe attempt'),
  min_probability: spec('number', z.number().min(0).max(1), PROBABILITY, 'min_probability gate: block a task whose predicted success probability is below P'),
  high_risk_floor: spec('number', z.number().min(0).max(1), PROBABILITY, 'high_risk gate: block a HIGH-risk task whose predicted success probability is below P'),
  allow_high_risk: flag('turn the high_risk gate off'),
  wave_deadline: spec('number', z.number().gt(0), SECONDS_GT_0, 'wave_deadline gate: start no attempt later than S seconds after its wave began'),
  steal: flag('work stealing: an idle agent takes a ready task from the agent with the most queued work per slot (--no-steal turns it off)'),
  dry_run: flag('plan only: load, validate, assign and gate first attempts; write assignments, gate decisions and a plan report'),
  resume: flag('continue the interrupted run in --out from its last checkpoint; refused when the input, options or version differ'),
  abort_on_failure_rate: spec('number', z.number().min(0).max(1), PROBABILITY, 'start no further wave after one whose (failed + blocked) / tasks exceeds R; exit 4'),
  time_scale: spec('number', z.number().gt(0).max(1e6), 'a number > 0', 'subprocess world: multiplies every delay waited in real time (backoff, circuit cooldown); 0.01 = a hundred times shorter, for tests'),
  min_health: spec('number', z.number().min(0).max(100), 'a number in [0, 100]', 'exit 1 when run health is below H (ignored by --dry-run, which has no health)'),
  quiet: flag('no progress, warnings or closing line on stderr (errors still print)'),
  json: flag('also print the run summary as one JSON line on stdout'),
  debug: flag('print the stack trace of an internal error'),
} as const;

/** The options whose value is a path (a config file's relative paths are relative to its folder). */
export const PATH_KEYS = ['input', 'out', 'report_dir', 'agents_file', 'outcomes'] as const satisfies readonly (keyof typeof OPTION_VALUES)[];

/** A config name: `max_attempts`. */
export type OptionKey = keyof typeof OPTION_VALUES;
/** Every config name, in {@link OPTION_VALUES} order. */
export const OPTION_KEYS = Object.keys(OPTION_VALUES) as OptionKey[];

/** The validated value of option `K`. */
export type OptionValue<K extends OptionKey> = z.output<(typeof OPTION_VALUES)[K]['schema']>;
/** Options given (on the command line, in a config file, or both merged): absent = default. */
export type OptionValues = { -readonly [K in OptionKey]?: OptionValue<K> };

/** True when `name` is a config name. */
export function isOptionKey(name: string): name is OptionKey {
  return Object.hasOwn(OPTION_VALUES, name);
}

/** `max_attempts` -> `--max-attempts`. */
export function flagOf(key: OptionKey): string {
  return `--${key.replaceAll('_', '-')}`;
}

const D = DEFAULT_OPTIONS;

/** Each option's default as a value, null where the default is "none" (from DEFAULT_OPTIONS). */
export const OPTION_DEFAULTS: { readonly [K in OptionKey]: OptionValue<K> | null } = {
  input: D.input,
  out: D.out,
  report_dir: D.reportDir,
  agents_file: D.agentsFile,
  on_invalid: D.onInvalid,
  waves: D.waves,
  strategy: D.strategy,
  seed: D.seed,
  duration_noise: D.durationNoise,
  world: D.world,
  outcomes: D.outcomes,
  epoch: D.epoch,
  retry: D.retry.policy,
  jitter: D.retry.jitter,
  max_attempts: D.retry.maxAttempts,
  backoff_base: D.retry.baseS,
  backoff_cap: D.retry.capS,
  breaker: D.breaker.policy,
  breaker_window: D.breaker.window,
  breaker_min_attempts: D.breaker.minAttempts,
  breaker_failure_rate: D.breaker.failureRate,
  breaker_threshold: D.breaker.threshold,
  breaker_cooldown: D.breaker.cooldownS,
  min_probability: D.gates.minProbability,
  high_risk_floor: D.gates.highRiskFloor,
  allow_high_risk: D.gates.allowHighRisk,
  wave_deadline: D.gates.waveDeadlineS,
  steal: D.steal,
  dry_run: D.dryRun,
  resume: D.resume,
  abort_on_failure_rate: D.abortOnFailureRate,
  time_scale: D.timeScale,
  min_health: D.minHealth,
  quiet: D.quiet,
  json: D.json,
  debug: D.debug,
};

/**
 * The run's options from the values given; every absent one takes its default
 * ({@link DEFAULT_OPTIONS}). `retry: none` forces `retry.maxAttempts` to 1 (one attempt,
 * whatever `max_attempts` says). Pure: paths are kept as given.
 */
export function optionsFromValues(v: OptionValues, subprocess: RunOptions['subprocess'] = D.subprocess): RunOptions {
  const policy = v.retry ?? D.retry.policy;
  return {
    input: v.input ?? D.input,
    out: v.out ?? D.out,
    reportDir: v.report_dir ?? D.reportDir,
    waves: v.waves ?? D.waves,
    strategy: v.strategy ?? D.strategy,
    retry: {
      policy,
      jitter: v.jitter ?? D.retry.jitter,
      maxAttempts: policy === 'none' ? 1 : (v.max_attempts ?? D.retry.maxAttempts),
      baseS: v.backoff_base ?? D.retry.baseS,
      capS: v.backoff_cap ?? D.retry.capS,
    },
    breaker: {
      policy: v.breaker ?? D.breaker.policy,
      threshold: v.breaker_threshold ?? D.breaker.threshold,
      window: v.breaker_window ?? D.breaker.window,
      minAttempts: v.breaker_min_attempts ?? D.breaker.minAttempts,
      failureRate: v.breaker_failure_rate ?? D.breaker.failureRate,
      cooldownS: v.breaker_cooldown ?? D.breaker.cooldownS,
    },
    gates: {
      minProbability: v.min_probability ?? D.gates.minProbability,
      highRiskFloor: v.high_risk_floor ?? D.gates.highRiskFloor,
      allowHighRisk: v.allow_high_risk ?? D.gates.allowHighRisk,
      waveDeadlineS: v.wave_deadline ?? D.gates.waveDeadlineS,
    },
    steal: v.steal ?? D.steal,
    durationNoise: v.duration_noise ?? D.durationNoise,
    seed: v.seed ?? D.seed,
    world: v.world ?? D.world,
    outcomes: v.outcomes ?? D.outcomes,
    epoch: v.epoch ?? D.epoch,
    agentsFile: v.agents_file ?? D.agentsFile,
    onInvalid: v.on_invalid ?? D.onInvalid,
    dryRun: v.dry_run ?? D.dryRun,
    minHealth: v.min_health ?? D.minHealth,
    quiet: v.quiet ?? D.quiet,
    json: v.json ?? D.json,
    debug: v.debug ?? D.debug,
    resume: v.resume ?? D.resume,
    abortOnFailureRate: v.abort_on_failure_rate ?? D.abortOnFailureRate,
    timeScale: v.time_scale ?? D.timeScale,
    subprocess,
  };
}

/** The key an editor may use to find the file's schema; allowed and ignored. */
export const SCHEMA_KEY = '$schema';

/** The key's schema with its description and default (none for paths: a default path is the current folder's, not the file's). */
function optionalWithDocs(key: OptionKey): z.ZodType {
  const { schema, description } = OPTION_VALUES[key];
  const fallback = (PATH_KEYS as readonly OptionKey[]).includes(key) ? null : OPTION_DEFAULTS[key];
  return schema.optional().meta(fallback === null ? { description } : { description, default: fallback });
}

/**
 * The whole config file (`--config FILE`): a JSON object of options by config name, every key
 * optional, no other key (an optional `$schema` string aside). The loader reports problems per
 * key with line numbers; this schema is the published form (`schemas/config.schema.json`).
 */
export const configSchema = z.strictObject({
  [SCHEMA_KEY]: z.string().optional().meta({ description: 'the JSON Schema of this file, for editors; ignored by the harness' }),
  ...(Object.fromEntries(OPTION_KEYS.map((key) => [key, optionalWithDocs(key)])) as Record<OptionKey, z.ZodType>),
  subprocess: SubprocessConfigSchema.optional().meta({ description: 'the subprocess world (--world subprocess): how each attempt runs as a process; an agent profile may carry its own command' }),
});

/** File name of the config file's schema inside `schemas/`. */
export const CONFIG_SCHEMA_FILE = 'config.schema.json';

/**
 * The config file's JSON Schema (draft 2020-12): `$schema`, `$id`
 * (`urn:phase21-harness:schema:config`), `title`, `description`, then what `z.toJSONSchema`
 * makes of {@link configSchema} on its input side (values as written in the file).
 * @throws Error (from zod) when a schema holds a type JSON Schema cannot express
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated: Record<string, unknown> = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw', reused: 'inline' });
  const rest = Object.fromEntries(Object.entries(generated).filter(([key]) => !['$schema', '$id', 'title', 'description'].includes(key)));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:phase21-harness:schema:config',
    title: 'config file (--config FILE)',
    description:
      'Options of `npm run phase` under their long names in snake_case (contract sections 9 and 12). Options given on the command line win over the file; relative paths are relative to the folder of the config file.',
    ...rest,
  };
}
