import { describe, expect, it } from 'vitest';
import { parseCommandLine, normaliseInstant } from '../../src/cli/args.ts';
import { UsageError } from '../../src/errors.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import type { RunOptions } from '../../src/options.ts';

/** Parses argv that must describe a run and returns its options. */
function options(argv: readonly string[]): RunOptions {
  const command = parseCommandLine(argv);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command.options;
}

/** The UsageError message parsing `argv` throws. */
function usageMessage(argv: readonly string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine: defaults', () => {
  it('gives the contract defaults when no option is given', () => {
    expect(options([])).toEqual(DEFAULT_OPTIONS);
    expect(options([]).seed).toBe(21);
    expect(options([]).input).toBe('data/phase20');
  });
});

/** [option, value as typed, the option's path in RunOptions, expected value]. */
const VALUE_CASES: readonly [string, string, (o: RunOptions) => unknown, unknown][] = [
  ['input', 'fixtures/in', (o) => o.input, 'fixtures/in'],
  ['out', 'build/out', (o) => o.out, 'build/out'],
  ['report-dir', 'build/reports', (o) => o.reportDir, 'build/reports'],
  ['agents-file', 'conf/agents.json', (o) => o.agentsFile, 'conf/agents.json'],
  ['on-invalid', 'quarantine', (o) => o.onInvalid, 'quarantine'],
  ['waves', '3', (o) => o.waves, 3],
  ['strategy', 'confidence', (o) => o.strategy, 'confidence'],
  ['seed', '-7', (o) => o.seed, -7],
  ['duration-noise', '0', (o) => o.durationNoise, 0],
  ['epoch', '2024-05-01T02:30:00+02:00', (o) => o.epoch, '2024-05-01T00:30:00.000Z'],
  ['retry', 'linear', (o) => o.retry.policy, 'linear'],
  ['jitter', 'equal', (o) => o.retry.jitter, 'equal'],
  ['max-attempts', '7', (o) => o.retry.maxAttempts, 7],
  ['backoff-base', '0.5', (o) => o.retry.baseS, 0.5],
  ['backoff-cap', '12.25', (o) => o.retry.capS, 12.25],
  ['breaker-threshold', '3', (o) => o.breaker.threshold, 3],
  ['breaker-cooldown', '1e2', (o) => o.breaker.cooldownS, 100],
  ['min-probability', '0.25', (o) => o.gates.minProbability, 0.25],
  ['high-risk-floor', '1', (o) => o.gates.highRiskFloor, 1],
  ['wave-deadline', '900', (o) => o.gates.waveDeadlineS, 900],
  ['min-health', '62.5', (o) => o.minHealth, 62.5],
];

describe('parseCommandLine: options with a value', () => {
  it.each(VALUE_CASES)('--%s %s (separate value)', (name, value, get, expected) => {
    expect(get(options([`--${name}`, value]))).toEqual(expected);
  });
  it.each(VALUE_CASES)('--%s=%s (= form)', (name, value, get, expected) => {
    expect(get(options([`--${name}=${value}`]))).toEqual(expected);
  });
  it('changes nothing but the option given', () => {
    expect(options(['--waves', '2'])).toEqual({ ...DEFAULT_OPTIONS, waves: 2 });
    expect(options(['--backoff-cap', '90'])).toEqual({ ...DEFAULT_OPTIONS, retry: { ...DEFAULT_OPTIONS.retry, capS: 90 } });
  });
  it('keeps the last value of a repeated option', () => {
    expect(options(['--seed', '1', '--seed=2']).seed).toBe(2);
  });
  it('accepts a value starting with "-" in the = form', () => {
    expect(options(['--input=-odd-dir']).input).toBe('-odd-dir');
  });
});

describe('parseCommandLine: flags', () => {
  it.each([
    ['allow-high-risk', (o: RunOptions) => o.gates.allowHighRisk],
    ['dry-run', (o: RunOptions) => o.dryRun],
    ['quiet', (o: RunOptions) => o.quiet],
    ['json', (o: RunOptions) => o.json],
    ['debug', (o: RunOptions) => o.debug],
  ])('--%s turns its option on (off by default)', (name, get) => {
    expect(get(options([]))).toBe(false);
    expect(get(options([`--${name}`]))).toBe(true);
  });
  it('--help, -h, --version and -V', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
  });
  it('--help wins over --version and over bad options', () => {
    expect(parseCommandLine(['--version', '--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--waves', '0', '--bogus', '-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--strategy', 'nope', '-V'])).toEqual({ kind: 'version' });
  });
});

describe('parseCommandLine: --retry none', () => {
  it('means one attempt whatever --max-attempts says', () => {
    expect(options(['--retry', 'none']).retry.maxAttempts).toBe(1);
    expect(options(['--max-attempts', '9', '--retry', 'none']).retry.maxAttempts).toBe(1);
    expect(options(['--max-attempts', '9', '--retry', 'fixed']).retry.maxAttempts).toBe(9);
  });
});

describe('parseCommandLine: usage errors', () => {
  it.each([
    [['--strategy', 'fastest'], '--strategy: unknown value "fastest"; expected one of round_robin, load_balanced, priority, confidence, schedule'],
    [['--retry=sometimes'], '--retry: unknown value "sometimes"; expected one of exponential, linear, fixed, none'],
    [['--jitter', 'half'], '--jitter: unknown value "half"; expected one of none, full, equal'],
    [['--on-invalid', 'skip'], '--on-invalid: unknown value "skip"; expected one of fail, quarantine'],
    [['--waves', '0'], '--waves: expected an integer >= 1, got "0"'],
    [['--waves', '1.5'], '--waves: expected an integer >= 1, got "1.5"'],
    [['--waves='], '--waves: expected an integer >= 1, got ""'],
    [['--max-attempts', '0'], '--max-attempts: expected an integer >= 1, got "0"'],
    [['--breaker-threshold', 'five'], '--breaker-threshold: expected an integer >= 1, got "five"'],
    [['--seed', '9007199254740992'], '--seed: expected a safe integer (|N| <= 9007199254740991), got "9007199254740992"'],
    [['--seed', '2.5'], '--seed: expected a safe integer (|N| <= 9007199254740991), got "2.5"'],
    [['--backoff-base', '-1'], '--backoff-base: expected a number of seconds >= 0, got "-1"'],
    [['--backoff-cap', 'NaN'], '--backoff-cap: expected a number of seconds >= 0, and >= --backoff-base, got "NaN"'],
    [['--breaker-cooldown', '0'], '--breaker-cooldown: expected a number of seconds > 0, got "0"'],
    [['--min-probability', '1.01'], '--min-probability: expected a number in [0, 1], got "1.01"'],
    [['--high-risk-floor', '-0.1'], '--high-risk-floor: expected a number in [0, 1], got "-0.1"'],
    [['--wave-deadline', '0'], '--wave-deadline: expected a number of seconds > 0, got "0"'],
    [['--duration-noise', 'Infinity'], '--duration-noise: expected a number >= 0, got "Infinity"'],
    [['--min-health', '100.5'], '--min-health: expected a number in [0, 100], got "100.5"'],
    [['--min-health', '0x10'], '--min-health: expected a number in [0, 100], got "0x10"'],
    [['--epoch', 'yesterday'], '--epoch: expected an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z, got "yesterday"'],
    [['--epoch', '2024-05-01T00:00:00'], '--epoch: expected an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z, got "2024-05-01T00:00:00"'],
    [['--input='], '--input: expected a non-empty path, got ""'],
    [['--out='], '--out: expected a non-empty path, got ""'],
    [['--report-dir='], '--report-dir: expected a non-empty path, got ""'],
    [['--agents-file='], '--agents-file: expected a non-empty path, got ""'],
  ])('%j', (argv, message) => {
    expect(usageMessage(argv)).toBe(message);
  });

  it('names an unknown option and suggests a close one', () => {
    expect(usageMessage(['--stratgy', 'priority'])).toBe('--stratgy: unknown option (did you mean --strategy?)');
    expect(usageMessage(['--frobnicate'])).toBe('--frobnicate: unknown option');
    expect(usageMessage(['-x'])).toBe('-x: unknown option');
  });
  it('refuses a positional argument', () => {
    expect(usageMessage(['data/phase20'])).toBe('"data/phase20": unexpected argument; every value belongs to an option, e.g. --input data/phase20');
    expect(usageMessage(['--', '--seed'])).toBe('"--seed": unexpected argument; every value belongs to an option, e.g. --input --seed');
  });
  it('refuses a missing value, at the end or before another option', () => {
    expect(usageMessage(['--waves'])).toBe('--waves: missing value; expected an integer >= 1');
    expect(usageMessage(['--strategy', '--dry-run'])).toBe(
      '--strategy: missing value; expected one of round_robin, load_balanced, priority, confidence, schedule (found "--dry-run"; write --strategy=VALUE for a value starting with "-")',
    );
  });
  it('refuses a value given to a flag', () => {
    expect(usageMessage(['--dry-run=yes'])).toBe('--dry-run: takes no value, got "yes"');
  });
  it('reports every bad option at once, in command-line order', () => {
    expect(usageMessage(['--waves=0', '--bogus', '--strategy', 'fastest', 'extra', '--json=1', '--seed'])).toBe(
      [
        '--waves: expected an integer >= 1, got "0"',
        '--bogus: unknown option',
        '--strategy: unknown value "fastest"; expected one of round_robin, load_balanced, priority, confidence, schedule',
        '"extra": unexpected argument; every value belongs to an option, e.g. --input extra',
        '--json: takes no value, got "1"',
        '--seed: missing value; expected a safe integer (|N| <= 9007199254740991)',
      ].join('\n'),
    );
  });
  it('does not report the word after an unknown option twice', () => {
    expect(usageMessage(['--bogus', 'value'])).toBe('--bogus: unknown option');
  });
  it('refuses --backoff-cap below --backoff-base, naming the option given', () => {
    expect(usageMessage(['--backoff-base', '100'])).toBe('--backoff-base: expected a number of seconds <= --backoff-cap (60, its default), got "100"');
    expect(usageMessage(['--backoff-base', '5', '--backoff-cap', '4'])).toBe('--backoff-cap: expected a number of seconds >= --backoff-base (5), got "4"');
    expect(options(['--backoff-base', '5', '--backoff-cap', '5']).retry).toMatchObject({ baseS: 5, capS: 5 });
  });
  it('refuses an --out folder whose rebuild would delete the input or the current folder', () => {
    const prefix = '--out: refusing';
    expect(usageMessage(['--out', '.'])).toContain(`${prefix} ".": the output folder is deleted and rebuilt on every run, and it is the current folder or one of its parents`);
    expect(usageMessage(['--out', '..'])).toContain('it is the current folder or one of its parents');
    expect(usageMessage(['--out', 'data'])).toContain(`${prefix} "data": the output folder is deleted and rebuilt on every run, and it holds the --input folder`);
    expect(usageMessage(['--out', 'x', '--input', 'x/in'])).toContain('it holds the --input folder');
    expect(usageMessage(['--out', 'x', '--input', 'in', '--agents-file', 'x/a.json'])).toContain('it holds the --agents-file');
    expect(options(['--out', 'data2']).out).toBe('data2');
    expect(options(['--out', 'out', '--input', 'out-put']).out).toBe('out');
  });
  it('throws UsageError, not another class', () => {
    expect(() => parseCommandLine(['--waves', '0'])).toThrow(UsageError);
  });
});

describe('normaliseInstant', () => {
  it.each([
    ['2024-05-01T00:00:00Z', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01t12:34z', '2024-05-01T12:34:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-02-29T23:59:59.9999-01:00', '2024-03-01T00:59:59.999Z'],
    ['2024-01-01T00:00:00.5+0530', '2023-12-31T18:30:00.500Z'],
    ['2024-01-01T01:00+01', '2024-01-01T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
  ])('%s -> %s', (text, iso) => {
    expect(normaliseInstant(text)).toBe(iso);
  });
  it.each(['2023-02-29', '2024-13-01', '2024-04-31', '2024-01-01T24:00:00Z', '2024-01-01T10:60Z', '2024-01-01T10:00:60Z', '2024-01-01T10:00', '2024-01-01Z', '2024-01-01T00:00+24:00', '0000-01-01T00:00+01:00', '24-01-01', ' 2024-01-01'])(
    'refuses %j',
    (text) => {
      expect(normaliseInstant(text)).toBeNull();
    },
  );
});
