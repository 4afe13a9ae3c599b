import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from '../../src/cli/config-file.ts';
import { main, USAGE_HINT } from '../../src/cli/main.ts';
import { UsageError } from '../../src/errors.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { configSchema, OPTION_KEYS } from '../../src/schema/config.ts';
import { gridPredictions, PROJECT_ROOT, readRunFiles, removeTempDirs, runDirs, tempDir, writeAgentsFile, writeTreeInput } from '../e2e/helpers.ts';
import { fakeRun, harness, optionsOf } from './harness.ts';

afterAll(removeTempDirs);

/** The UsageError message of a config text. */
function problemsOf(text: string, file = 'nightly.json'): string {
  try {
    parseConfigText(file, text);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

/** Writes `config` (an object, or raw text) into a fresh folder and returns its path. */
function configFile(config: unknown, name = 'nightly.json'): string {
  const dir = tempDir('p21-config-');
  const file = path.join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

describe('config file: values', () => {
  it('reads every option under its snake_case name, with the values flags would give', () => {
    const { values, lines } = parseConfigText(
      'c.json',
      '{\n  "strategy": "confidence",\n  "max_attempts": 3,\n  "allow_high_risk": true,\n  "epoch": "2024-05-01T02:30:00+02:00",\n  "backoff_base": 0.5,\n  "abort_on_failure_rate": 0.25\n}\n',
    );
    expect(values).toEqual({ strategy: 'confidence', max_attempts: 3, allow_high_risk: true, epoch: '2024-05-01T00:30:00.000Z', backoff_base: 0.5, abort_on_failure_rate: 0.25 });
    expect(lines).toEqual({ strategy: 2, max_attempts: 3, allow_high_risk: 4, epoch: 5, backoff_base: 6, abort_on_failure_rate: 7 });
  });
  it('takes relative paths relative to the config file, and absolute ones as they are', () => {
    const { values } = parseConfigText('conf/nightly.json', '{"input": "../data/phase20", "out": "out", "report_dir": "/srv/reports", "agents_file": "a.json"}');
    expect(values).toEqual({ input: 'data/phase20', out: 'conf/out', report_dir: '/srv/reports', agents_file: 'conf/a.json' });
    expect(parseConfigText('nightly.json', '{"input": "data/phase20"}').values.input).toBe('data/phase20');
  });
  it('accepts an empty object, a byte-order mark and a $schema key', () => {
    expect(parseConfigText('c.json', '{}').values).toEqual({});
    expect(parseConfigText('c.json', '\uFEFF{"$schema": "../schemas/config.schema.json", "seed": 4}').values).toEqual({ seed: 4 });
  });
  it('has a key for every option, and the published schema accepts what the loader accepts', () => {
    expect(OPTION_KEYS).toContain('report_dir');
    expect(OPTION_KEYS).toContain('abort_on_failure_rate');
    expect(OPTION_KEYS).not.toContain('config');
    const text = '{"strategy": "priority", "waves": 2, "dry_run": true, "epoch": "2024-01-01"}';
    expect(configSchema.safeParse(JSON.parse(text)).success).toBe(true);
    expect(configSchema.safeParse({ strategy: 'priority', max_attemps: 3 }).success).toBe(false);
  });
});

describe('examples/nightly.json', () => {
  it('is a valid config whose paths name the sample data from the project root', async () => {
    const file = path.join(PROJECT_ROOT, 'examples', 'nightly.json');
    const { values } = loadConfigFile(file);
    expect(values).toMatchObject({ input: path.join(PROJECT_ROOT, 'data', 'phase20'), out: path.join(PROJECT_ROOT, 'outputs', 'nightly'), abort_on_failure_rate: 0.5, quiet: true, json: true });
    const options = await optionsOf(['--config', file, '--seed', '5']);
    expect(options).toMatchObject({ strategy: 'confidence', seed: 5, minHealth: 60, onInvalid: 'quarantine', retry: { maxAttempts: 3 } });
  });
});

describe('config file: problems, as FILE:line: key: problem', () => {
  it('names the nearest known key for an unknown one', () => {
    expect(problemsOf('{\n  "max_attemps": 3\n}')).toBe('nightly.json:2: max_attemps: unknown key (did you mean max_attempts?)');
    expect(problemsOf('{"report-dir": "r"}')).toBe('nightly.json:1: report-dir: unknown key (did you mean report_dir?)');
    expect(problemsOf('{"backoffCap": 9}')).toBe('nightly.json:1: backoffCap: unknown key (did you mean backoff_cap?)');
    expect(problemsOf('{"colour": true}')).toBe('nightly.json:1: colour: unknown key');
  });
  it('refuses the reserved keys with their reason', () => {
    expect(problemsOf('{"config": "other.json"}')).toBe('nightly.json:1: config: a config file cannot name another config file');
  });
  it('gives the line and column of invalid JSON', () => {
    expect(problemsOf('{\n  "seed": 4\n  "waves": 2\n}')).toBe('nightly.json:3: invalid JSON: expected "," between entries (column 3)');
    expect(problemsOf('{\n  "seed": 4,\n}')).toBe('nightly.json:3: invalid JSON: expected a key in double quotes (column 1)');
    expect(problemsOf('{"seed": 4} // nightly')).toBe('nightly.json:1: invalid JSON: comments are not allowed in JSON (column 13)');
    expect(problemsOf("{'seed': 4}")).toBe('nightly.json:1: invalid JSON: unexpected character (column 2)');
    expect(problemsOf('{"seed": 4')).toBe('nightly.json:1: invalid JSON: expected "}" (column 11)');
  });
  it('refuses an empty file and a top level that is not an object', () => {
    expect(problemsOf('  \n')).toBe('nightly.json: (file): the file is empty; expected a JSON object of options, e.g. {"strategy": "priority"}');
    expect(problemsOf('\n["--seed", "4"]')).toBe('nightly.json:2: (file): expected a JSON object of options, e.g. {"strategy": "priority"}; got an array');
  });
  it('refuses values of the wrong type or range, showing them as written', () => {
    expect(problemsOf('{"max_attempts": "3"}')).toBe('nightly.json:1: max_attempts: expected an integer >= 1, got "3"');
    expect(problemsOf('{"waves": 0}')).toBe('nightly.json:1: waves: expected an integer >= 1, got 0');
    expect(problemsOf('{"seed": 1.5e0}')).toBe('nightly.json:1: seed: expected a safe integer (|N| <= 9007199254740991), got 1.5e0');
    expect(problemsOf('{"allow_high_risk": "yes"}')).toBe('nightly.json:1: allow_high_risk: expected true or false, got "yes"');
    expect(problemsOf('{"strategy": "fastest"}')).toBe('nightly.json:1: strategy: unknown value "fastest"; expected one of round_robin, load_balanced, priority, confidence, schedule, capability');
    expect(problemsOf('{"strategy": 2}')).toBe('nightly.json:1: strategy: expected one of round_robin, load_balanced, priority, confidence, schedule, capability, got 2');
    expect(problemsOf('{"epoch": "2024-05-01T00:00:00"}')).toBe('nightly.json:1: epoch: expected an ISO-8601 instant with a time zone, e.g. 2024-05-01T00:00:00Z, got "2024-05-01T00:00:00"');
    expect(problemsOf('{"input": ""}')).toBe('nightly.json:1: input: expected a non-empty path, got ""');
    expect(problemsOf('{"min_health": null}')).toBe('nightly.json:1: min_health: expected a number in [0, 100], got null');
    expect(problemsOf('{"$schema": 1}')).toBe('nightly.json:1: $schema: expected a string (the file\'s JSON Schema), got 1');
  });
  it('refuses a key given twice', () => {
    expect(problemsOf('{\n"seed": 1,\n"seed": 2\n}')).toBe('nightly.json:3: seed: given twice (first on line 2); keep one');
  });
  it('reports every problem at once, in file order', () => {
    expect(problemsOf('{\n  "strategy": "fast",\n  "max_attemps": 3,\n  "waves": -1\n}')).toBe(
      [
        'nightly.json:2: strategy: unknown value "fast"; expected one of round_robin, load_balanced, priority, confidence, schedule, capability',
        'nightly.json:3: max_attemps: unknown key (did you mean max_attempts?)',
        'nightly.json:4: waves: expected an integer >= 1, got -1',
      ].join('\n'),
    );
  });
  it('says why a file cannot be read', () => {
    const dir = tempDir('p21-config-');
    expect(() => loadConfigFile(path.join(dir, 'missing.json'))).toThrow(`--config: cannot read ${JSON.stringify(path.join(dir, 'missing.json'))}: no such file`);
    expect(() => loadConfigFile(dir)).toThrow(`--config: cannot read ${JSON.stringify(dir)}: it is a folder; expected a JSON file`);
  });
});

describe('config file through main', () => {
  it('gives the options the same flags give', async () => {
    const file = configFile({ strategy: 'priority', seed: 7, max_attempts: 2, retry: 'linear', allow_high_risk: true, min_health: 60, json: true });
    const fromFlags = await optionsOf(['--strategy', 'priority', '--seed', '7', '--max-attempts', '2', '--retry', 'linear', '--allow-high-risk', '--min-health', '60', '--json']);
    expect(await optionsOf(['--config', file])).toEqual(fromFlags);
    expect(fromFlags).toMatchObject({ strategy: 'priority', seed: 7, minHealth: 60, json: true });
  });
  it('lets flags on the command line win over the file, flags of either sign included', async () => {
    const file = configFile({ strategy: 'priority', seed: 7, quiet: true, waves: 2 });
    const options = await optionsOf(['--seed', '9', '--config', file, '--no-quiet']);
    expect(options).toEqual({ ...DEFAULT_OPTIONS, strategy: 'priority', seed: 9, quiet: false, waves: 2 });
  });
  it('anchors the file\'s relative paths at its folder', async () => {
    const file = configFile({ input: 'in', out: 'out', report_dir: 'rep' });
    const dir = path.dirname(file);
    expect(await optionsOf(['--config', file])).toMatchObject({ input: path.join(dir, 'in'), out: path.join(dir, 'out'), reportDir: path.join(dir, 'rep') });
  });
  it('exits 2 with every problem and the usage hint, and does not run', async () => {
    const file = configFile('{\n  "stratgy": "priority",\n  "waves": 0\n}\n');
    const h = harness();
    const fake = fakeRun();
    expect(await main(['--config', file], h.io, { run: fake.run, version: '1' })).toBe(2);
    expect(h.stderr()).toBe(`${file}:2: stratgy: unknown key (did you mean strategy?)\n${file}:3: waves: expected an integer >= 1, got 0\n${USAGE_HINT}\n`);
    expect(fake.calls).toHaveLength(0);
  });
  it('names a cross-check problem where the value came from', async () => {
    const file = configFile('{\n  "backoff_base": 5,\n  "backoff_cap": 4\n}\n');
    const h = harness();
    expect(await main(['--config', file], h.io, { run: fakeRun().run, version: '1' })).toBe(2);
    expect(h.stderr()).toBe(`${file}:3: backoff_cap: expected a number of seconds >= --backoff-base (5), got 4\n${USAGE_HINT}\n`);
    const typed = harness();
    expect(await main(['--config', file, '--backoff-cap', '3'], typed.io, { run: fakeRun().run, version: '1' })).toBe(2);
    expect(typed.stderr()).toBe(`--backoff-cap: expected a number of seconds >= --backoff-base (5), got "3"\n${USAGE_HINT}\n`);
  });
});

describe('config file: the same artifacts as the same flags (real pipeline)', () => {
  it('writes byte-identical output folders and reports', async () => {
    const root = tempDir('p21-config-run-');
    const input = path.join(root, 'in');
    writeTreeInput(input, gridPredictions(2, 12, 3, (w, t, a) => 0.35 + ((w * 7 + t * 3 + a * 5) % 10) / 16));
    const agents = path.join(root, 'agents.json');
    writeAgentsFile(agents, [{ agent_id: 'agent_0', speed: 1.2 }, { agent_id: 'agent_1', max_concurrency: 2 }, { agent_id: 'agent_2', reliability_offset: -0.05 }]);
    const flags = ['--strategy', 'confidence', '--seed', '5', '--max-attempts', '3', '--backoff-base', '1', '--jitter', 'equal', '--breaker-threshold', '3', '--epoch', '2024-05-01'];
    const viaFlags = runDirs('p21-config-a-');
    const a = await runQuiet(['--input', input, '--agents-file', agents, ...flags, '--out', viaFlags.out, '--report-dir', viaFlags.report]);
    const viaConfig = runDirs('p21-config-b-');
    mkdirSync(viaConfig.root, { recursive: true });
    const file = path.join(viaConfig.root, 'nightly.json');
    writeFileSync(
      file,
      JSON.stringify({ input, agents_file: agents, strategy: 'confidence', seed: 5, max_attempts: 3, backoff_base: 1, jitter: 'equal', breaker_threshold: 3, epoch: '2024-05-01', out: 'out', report_dir: 'report' }),
    );
    const b = await runQuiet(['--config', file]);
    expect([a, b]).toEqual([0, 0]);
    const filesA = readRunFiles(viaFlags);
    const filesB = readRunFiles(viaConfig);
    expect(filesA.size).toBeGreaterThan(10);
    expect([...filesB.keys()]).toEqual([...filesA.keys()]);
    for (const [name, text] of filesA) expect(filesB.get(name), name).toBe(text);
  });
});

async function runQuiet(argv: readonly string[]): Promise<number> {
  const h = harness();
  const code = await main([...argv, '--quiet'], h.io);
  if (code !== 0) throw new Error(h.stderr());
  return code;
}
