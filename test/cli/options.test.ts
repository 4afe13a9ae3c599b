import { describe, expect, it } from 'vitest';
import { main, USAGE_HINT } from '../../src/cli/main.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import type { RunOptions } from '../../src/options.ts';
import { fakeRun, harness, optionsOf } from './harness.ts';

/** The usage error `main(argv)` prints (without the hint); fails unless it exits 2 without running. */
async function usageOf(argv: readonly string[]): Promise<string> {
  const h = harness();
  const fake = fakeRun();
  const code = await main(argv, h.io, { run: fake.run, version: '1' });
  expect(code).toBe(2);
  expect(fake.calls).toHaveLength(0);
  expect(h.stdout()).toBe('');
  const text = h.stderr();
  expect(text.endsWith(`\n${USAGE_HINT}\n`)).toBe(true);
  expect(text).not.toMatch(/\n\s+at /);
  return text.slice(0, -(USAGE_HINT.length + 2));
}

describe('phase options: defaults and the command name', () => {
  it('gives the contract defaults when no option is given', async () => {
    expect(await optionsOf([])).toEqual(DEFAULT_OPTIONS);
  });
  it('runs the phase command whether or not it is named', async () => {
    expect(await optionsOf(['phase', '--seed', '3'])).toEqual({ ...DEFAULT_OPTIONS, seed: 3 });
    expect(await optionsOf(['--seed', '3'])).toEqual({ ...DEFAULT_OPTIONS, seed: 3 });
  });
});

/** [option, value as typed, the option's place in RunOptions, expected value]. */
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
  ['breaker', 'consecutive', (o) => o.breaker.policy, 'consecutive'],
  ['breaker-window', '30', (o) => o.breaker.window, 30],
  ['breaker-min-attempts', '4', (o) => o.breaker.minAttempts, 4],
  ['breaker-failure-rate', '0.75', (o) => o.breaker.failureRate, 0.75],
  ['min-probability', '0.25', (o) => o.gates.minProbability, 0.25],
  ['high-risk-floor', '1', (o) => o.gates.highRiskFloor, 1],
  ['wave-deadline', '900', (o) => o.gates.waveDeadlineS, 900],
  ['min-health', '62.5', (o) => o.minHealth, 62.5],
  ['abort-on-failure-rate', '0.5', (o) => o.abortOnFailureRate, 0.5],
];

describe('phase options with a value', () => {
  it.each(VALUE_CASES)('--%s %s (separate value)', async (name, value, get, expected) => {
    expect(get(await optionsOf([`--${name}`, value]))).toEqual(expected);
  });
  it.each(VALUE_CASES)('--%s=%s (= form)', async (name, value, get, expected) => {
    expect(get(await optionsOf([`--${name}=${value}`]))).toEqual(expected);
  });
  it('changes nothing but the option given', async () => {
    expect(await optionsOf(['--waves', '2'])).toEqual({ ...DEFAULT_OPTIONS, waves: 2 });
    expect(await optionsOf(['--backoff-cap', '90'])).toEqual({ ...DEFAULT_OPTIONS, retry: { ...DEFAULT_OPTIONS.retry, capS: 90 } });
  });
  it('keeps the last value of a repeated option', async () => {
    expect((await optionsOf(['--seed', '1', '--seed=2'])).seed).toBe(2);
  });
  it('accepts a value starting with "-" in the = form', async () => {
    expect((await optionsOf(['--input=-odd-dir'])).input).toBe('-odd-dir');
  });
  it('--retry none means one attempt whatever --max-attempts says', async () => {
    expect((await optionsOf(['--retry', 'none'])).retry.maxAttempts).toBe(1);
    expect((await optionsOf(['--max-attempts', '9', '--retry', 'none'])).retry.maxAttempts).toBe(1);
    expect((await optionsOf(['--max-attempts', '9', '--retry', 'fixed'])).retry.maxAttempts).toBe(9);
  });
});

describe('phase flags', () => {
  it.each([
    ['allow-high-risk', (o: RunOptions) => o.gates.allowHighRisk],
    ['dry-run', (o: RunOptions) => o.dryRun],
    ['resume', (o: RunOptions) => o.resume],
    ['quiet', (o: RunOptions) => o.quiet],
    ['json', (o: RunOptions) => o.json],
    ['debug', (o: RunOptions) => o.debug],
  ])('--%s turns its option on, --no-%s off (off by default)', async (name, get) => {
    expect(get(await optionsOf([]))).toBe(false);
    expect(get(await optionsOf([`--${name}`]))).toBe(true);
    expect(get(await optionsOf([`--${name}`, `--no-${name}`]))).toBe(false);
  });
});

describe('--no-steal', () => {
  it('stealing is on by default; --no-steal turns it off; a later --steal back on', async () => {
    expect((await optionsOf([])).steal).toBe(true);
    expect(await optionsOf(['--no-steal'])).toEqual({ ...DEFAULT_OPTIONS, steal: false });
    expect((await optionsOf(['--no-steal', '--steal'])).steal).toBe(true);
  });
  it('the sampling breaker is the default: window 20, 10 attempts, rate 0.5', async () => {
    expect((await optionsOf([])).breaker).toEqual({ policy: 'sampling', threshold: 5, window: 20, minAttempts: 10, failureRate: 0.5, cooldownS: 60 });
  });
});

describe('phase usage errors', () => {
  it.each([
    [['--strategy', 'fastest'], '--strategy: unknown value "fastest"; expected one of round_robin, load_balanced, priority, confidence, schedule, capability'],
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
    [['--breaker', 'count'], '--breaker: unknown value "count"; expected one of sampling, consecutive'],
    [['--breaker-failure-rate', '0'], '--breaker-failure-rate: expected a number in (0, 1], got "0"'],
    [['--breaker-min-attempts', '21'], '--breaker-min-attempts: expected an integer <= --breaker-window (20), got "21"'],
    [['--breaker-window', '5'], '--breaker-window: expected an integer >= --breaker-min-attempts (10, its default), got "5"'],
    [['--min-probability', '1.01'], '--min-probability: expected a number in [0, 1], got "1.01"'],
    [['--high-risk-floor', '-0.1'], '--high-risk-floor: expected a number in [0, 1], got "-0.1"'],
    [['--wave-deadline', '0'], '--wave-deadline: expected a number of seconds > 0, got "0"'],
    [['--duration-noise', 'Infinity'], '--duration-noise: expected a number >= 0, got "Infinity"'],
    [['--min-health', '100.5'], '--min-health: expected a number in [0, 100], got "100.5"'],
    [['--min-health', '0x10'], '--min-health: expected a number in [0, 100], got "0x10"'],
    [['--abort-on-failure-rate', '1.5'], '--abort-on-failure-rate: expected a number in [0, 1], got "1.5"'],
    [['--epoch', 'yesterday'], '--epoch: expected an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z, got "yesterday"'],
    [['--epoch', '2024-05-01T00:00:00'], '--epoch: expected an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z, got "2024-05-01T00:00:00"'],
    [['--epoch', '2023-02-29'], '--epoch: expected an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z, got "2023-02-29"'],
    [['--input='], '--input: expected a non-empty path, got ""'],
    [['--out='], '--out: expected a non-empty path, got ""'],
    [['--report-dir='], '--report-dir: expected a non-empty path, got ""'],
    [['--agents-file='], '--agents-file: expected a non-empty path, got ""'],
    [['--config='], '--config: expected a path to a JSON file, got ""'],
  ])('%j', async (argv, message) => {
    expect(await usageOf(argv)).toBe(message);
  });

  it("names an unknown option with commander's suggestion", async () => {
    expect(await usageOf(['--stratgy', 'priority'])).toBe('--stratgy: unknown option (did you mean --strategy?)');
    expect(await usageOf(['--abort-on-failure-rat', '0.5'])).toBe('--abort-on-failure-rat: unknown option (did you mean --abort-on-failure-rate?)');
    expect(await usageOf(['--max-attempt=3'])).toBe('--max-attempt: unknown option (did you mean --max-attempts?)');
    expect(await usageOf(['--frobnicate'])).toBe('--frobnicate: unknown option');
    expect(await usageOf(['-x'])).toBe('-x: unknown option');
  });
  it('does not report the word after an unknown option', async () => {
    expect(await usageOf(['--bogus', 'value'])).toBe('--bogus: unknown option');
  });
  it('refuses a stray word, and suggests the command it resembles', async () => {
    expect(await usageOf(['data/phase20'])).toBe('"data/phase20": unexpected argument; every value belongs to an option, e.g. --input data/phase20');
    expect(await usageOf(['--', '--seed'])).toBe('"--seed": unexpected argument; every value belongs to an option, e.g. --input --seed');
    expect(await usageOf(['phsae', '--seed', '1'])).toBe('"phsae": unknown command (did you mean phase?)');
  });
  it('refuses a missing value, at the end or before another option', async () => {
    expect(await usageOf(['--waves'])).toBe('--waves: missing value; expected an integer >= 1');
    expect(await usageOf(['--config'])).toBe('--config: missing value; expected a path to a JSON file');
    expect(await usageOf(['--strategy', '--dry-run'])).toBe(
      '--strategy: missing value; expected one of round_robin, load_balanced, priority, confidence, schedule, capability (found "--dry-run"; write --strategy=VALUE for a value starting with "-")',
    );
    expect(await usageOf(['--out', '-x'])).toBe('--out: missing value; expected a non-empty path (found "-x"; write --out=VALUE for a value starting with "-")');
  });
  it('refuses a value given to a flag', async () => {
    expect(await usageOf(['--dry-run=yes'])).toBe('--dry-run: takes no value, got "yes"');
  });
  it('reports every bad value and stray word at once, in command-line order', async () => {
    expect(await usageOf(['--waves=0', '--strategy', 'fastest', 'extra', '--seed', 'x'])).toBe(
      [
        '--waves: expected an integer >= 1, got "0"',
        '--strategy: unknown value "fastest"; expected one of round_robin, load_balanced, priority, confidence, schedule, capability',
        '"extra": unexpected argument; every value belongs to an option, e.g. --input extra',
        '--seed: expected a safe integer (|N| <= 9007199254740991), got "x"',
      ].join('\n'),
    );
  });
  it('refuses --backoff-cap below --backoff-base, naming the option given', async () => {
    expect(await usageOf(['--backoff-base', '100'])).toBe('--backoff-base: expected a number of seconds <= --backoff-cap (60, its default), got "100"');
    expect(await usageOf(['--backoff-base', '5', '--backoff-cap', '4'])).toBe('--backoff-cap: expected a number of seconds >= --backoff-base (5), got "4"');
    expect((await optionsOf(['--backoff-base', '5', '--backoff-cap', '5'])).retry).toMatchObject({ baseS: 5, capS: 5 });
  });
  it('refuses --resume with --dry-run', async () => {
    expect(await usageOf(['--resume', '--dry-run'])).toBe('--resume: cannot be combined with --dry-run (a dry run has nothing to resume)');
  });
  it('refuses an --out folder whose rebuild would delete the input or the current folder', async () => {
    const prefix = '--out: refusing';
    expect(await usageOf(['--out', '.'])).toContain(`${prefix} ".": the output folder is deleted and rebuilt on every run, and it is the current folder or one of its parents`);
    expect(await usageOf(['--out', '..'])).toContain('it is the current folder or one of its parents');
    expect(await usageOf(['--out', 'data'])).toContain(`${prefix} "data": the output folder is deleted and rebuilt on every run, and it holds the --input folder`);
    expect(await usageOf(['--out', 'x', '--input', 'x/in'])).toContain('it holds the --input folder');
    expect(await usageOf(['--out', 'x', '--input', 'in', '--agents-file', 'x/a.json'])).toContain('it holds the --agents-file');
    expect((await optionsOf(['--out', 'data2'])).out).toBe('data2');
    expect((await optionsOf(['--out', 'out', '--input', 'out-put'])).out).toBe('out');
  });
});
