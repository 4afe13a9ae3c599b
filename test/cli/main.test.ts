import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/help.ts';
import { INTERNAL_ERROR_PREFIX, isEntryPoint, main } from '../../src/cli/main.ts';
import type { CliDeps, CliIo } from '../../src/cli/main.ts';
import { InputError } from '../../src/errors.ts';
import type { ExitCode } from '../../src/errors.ts';
import type { RunOptions } from '../../src/options.ts';
import type { RunEnvironment, RunResult } from '../../src/pipeline.ts';
import { COMPLETED } from './fixtures.ts';

const RESULT: RunResult = COMPLETED;
const CLOSING = 'health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md';

interface Harness {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exits: ExitCode[];
}

function harness(isTTY = false, env: Record<string, string> = {}): Harness {
  const out: string[] = [];
  const err: string[] = [];
  const exits: ExitCode[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env,
      isTTY,
      now: () => 0,
      exit: (code) => exits.push(code),
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    exits,
  };
}

/** A fake run that records its arguments, reports one stage and returns `result` (or throws `error`). */
function fakeRun(outcome: { result?: RunResult; error?: unknown }) {
  const calls: { options: RunOptions; env: RunEnvironment }[] = [];
  const run: NonNullable<CliDeps['run']> = (options, env) => {
    calls.push({ options, env });
    env.progress.stage('load', 'reading input');
    env.progress.waveStarted(1, 1, 3, 2502);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- one test rejects with a non-Error on purpose
    if (outcome.error !== undefined) return Promise.reject(outcome.error);
    env.progress.waveFinished(1, { successRate: 0.712, health: 64.1, makespanS: 1234.5 });
    return Promise.resolve(outcome.result ?? RESULT);
  };
  return { run, calls };
}

const STACK_FRAME = /\n\s+at /;

describe('main: help and version', () => {
  it('--help prints the help on stdout and exits 0', async () => {
    const h = harness();
    expect(await main(['--help'], h.io)).toBe(0);
    expect(h.stdout()).toBe(helpText());
    expect(h.stderr()).toBe('');
    expect(h.exits).toEqual([0]);
  });
  it("--version prints package.json's version and exits 0", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const h = harness();
    expect(await main(['-V'], h.io)).toBe(0);
    expect(h.stdout()).toBe(`${pkg.version}\n`);
  });
});

describe('main: usage errors', () => {
  it('an unknown option exits 2 with the message and a hint, and does not run', async () => {
    const h = harness();
    const fake = fakeRun({});
    expect(await main(['--bogus'], h.io, { run: fake.run })).toBe(2);
    expect(h.stderr()).toBe('--bogus: unknown option\nRun with --help for usage.\n');
    expect(h.stdout()).toBe('');
    expect(fake.calls).toHaveLength(0);
  });
  it('a bad value exits 2 naming the option and what it accepts', async () => {
    const h = harness();
    expect(await main(['--waves', '0', '--debug'], h.io, { run: fakeRun({}).run })).toBe(2);
    expect(h.stderr()).toBe('--waves: expected an integer >= 1, got "0"\nRun with --help for usage.\n');
    expect(h.stderr()).not.toMatch(STACK_FRAME);
  });
});

describe('main: a run', () => {
  it('passes the parsed options, version and clock, prints progress and the closing line last', async () => {
    const h = harness();
    const fake = fakeRun({});
    const clock = { now: () => new Date('2024-01-01T00:00:00Z') };
    expect(await main(['--seed', '5', '--strategy', 'priority'], h.io, { run: fake.run, version: '9.9.9', wallClock: clock })).toBe(0);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.options.seed).toBe(5);
    expect(fake.calls[0]?.options.strategy).toBe('priority');
    expect(fake.calls[0]?.env.version).toBe('9.9.9');
    expect(fake.calls[0]?.env.clock).toBe(clock);
    expect(h.stderr()).toBe(
      `load: reading input\nwave 1/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s\n${CLOSING}\n`,
    );
    expect(h.stdout()).toBe('');
  });
  it('--json prints the result as one JSON line on stdout', async () => {
    const h = harness();
    expect(await main(['--json'], h.io, { run: fakeRun({}).run, version: '1' })).toBe(0);
    expect(JSON.parse(h.stdout())).toEqual(RESULT);
    expect(h.stderr().endsWith(`${CLOSING}\n`)).toBe(true);
  });
  it('--quiet prints nothing on success', async () => {
    const h = harness(true);
    expect(await main(['--quiet'], h.io, { run: fakeRun({}).run, version: '1' })).toBe(0);
    expect(h.stderr()).toBe('');
    expect(h.stdout()).toBe('');
  });
  it('draws the bar on a terminal', async () => {
    const h = harness(true);
    expect(await main([], h.io, { run: fakeRun({}).run, version: '1' })).toBe(0);
    expect(h.stderr()).toContain('\rwave 1/3 [--------------------] 0/2502 tasks');
    expect(h.stderr().endsWith(`\n${CLOSING}\n`)).toBe(true);
  });
});

describe('main: --min-health', () => {
  it('exits 1 and says why when health is below the threshold; the closing line stays last', async () => {
    const h = harness();
    expect(await main(['--min-health', '70'], h.io, { run: fakeRun({}).run, version: '1' })).toBe(1);
    expect(h.stderr().endsWith(`health 64.10 is below --min-health 70: exit code 1\n${CLOSING}\n`)).toBe(true);
    expect(h.exits).toEqual([1]);
  });
  it('says why even with --quiet', async () => {
    const h = harness();
    expect(await main(['--min-health=70', '--quiet'], h.io, { run: fakeRun({}).run, version: '1' })).toBe(1);
    expect(h.stderr()).toBe('health 64.10 is below --min-health 70: exit code 1\n');
  });
  it('exits 0 at or above the threshold, and for a dry run (no health)', async () => {
    const h = harness();
    expect(await main(['--min-health', '64.1'], h.io, { run: fakeRun({}).run, version: '1' })).toBe(0);
    const planned: RunResult = { ...RESULT, status: 'planned', successRate: null, health: null, grade: null };
    const d = harness();
    expect(await main(['--min-health', '99', '--dry-run'], d.io, { run: fakeRun({ result: planned }).run, version: '1' })).toBe(0);
    expect(d.stderr().endsWith('planned 3 waves, 7506 tasks (12 blocked by gates) -> outputs/\n')).toBe(true);
  });
});

describe('main: errors from the run', () => {
  it('an input error exits 2 with every diagnostic and a summary, no stack', async () => {
    const error = new InputError('2 bad lines in data/in/predicted_tasks.jsonl', [
      { severity: 'error', file: 'data/in/predicted_tasks.jsonl', line: 3, field: 'predicted_success_probability', problem: 'expected a number in [0, 1], got 1.4' },
      { severity: 'error', file: 'data/in/predicted_tasks.jsonl', line: null, field: '(file)', problem: 'mixes layouts' },
    ]);
    const h = harness();
    expect(await main(['--debug'], h.io, { run: fakeRun({ error }).run, version: '1' })).toBe(2);
    expect(h.stderr()).toBe(
      [
        'load: reading input',
        'data/in/predicted_tasks.jsonl:3: predicted_success_probability: expected a number in [0, 1], got 1.4',
        'data/in/predicted_tasks.jsonl: (file): mixes layouts',
        'input error: 2 errors in the input; nothing was written',
        '',
      ].join('\n'),
    );
  });
  it('any other error exits 3, says it is a bug, and prints no stack without --debug', async () => {
    const h = harness();
    expect(await main([], h.io, { run: fakeRun({ error: new TypeError('boom') }).run, version: '1' })).toBe(3);
    expect(h.stderr()).toBe(`load: reading input\n${INTERNAL_ERROR_PREFIX}boom\n`);
    expect(h.stderr()).not.toMatch(STACK_FRAME);
    expect(h.exits).toEqual([3]);
  });
  it('prints the stack with --debug', async () => {
    const h = harness();
    expect(await main(['--debug'], h.io, { run: fakeRun({ error: new Error('boom') }).run, version: '1' })).toBe(3);
    expect(h.stderr()).toContain(`${INTERNAL_ERROR_PREFIX}boom\nError: boom\n`);
    expect(h.stderr()).toMatch(STACK_FRAME);
  });
  it('closes a half-drawn bar before the error message', async () => {
    const h = harness(true);
    expect(await main([], h.io, { run: fakeRun({ error: new Error('boom') }).run, version: '1' })).toBe(3);
    expect(h.stderr().endsWith(`0/2502 tasks\u001b[K\n${INTERNAL_ERROR_PREFIX}boom\n`)).toBe(true);
  });
  it('handles a thrown non-Error', async () => {
    const h = harness();
    expect(await main([], h.io, { run: fakeRun({ error: 'plain text' }).run, version: '1' })).toBe(3);
    expect(h.stderr().endsWith(`${INTERNAL_ERROR_PREFIX}plain text\n`)).toBe(true);
  });
});

describe('isEntryPoint', () => {
  it('matches this module only', () => {
    const self = new URL('../../src/cli/main.ts', import.meta.url);
    expect(isEntryPoint(self.href, self.pathname)).toBe(true);
    expect(isEntryPoint(self.href, new URL('./main.test.ts', import.meta.url).pathname)).toBe(false);
    expect(isEntryPoint(self.href, undefined)).toBe(false);
    expect(isEntryPoint(self.href, '/no/such/file.ts')).toBe(false);
  });
});
