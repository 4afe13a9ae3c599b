import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR_PREFIX, isEntryPoint, main } from '../../src/cli/main.ts';
import { InputError } from '../../src/errors.ts';
import type { RunResult } from '../../src/pipeline.ts';
import { COMPLETED } from './fixtures.ts';
import { fakeRun, harness } from './harness.ts';

const CLOSING = 'health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md';
/** What the plain display prints for the fake run's wave 1 at clock 0. */
const WAVE_1 = 'wave 1/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s | 2502 tasks done, - tasks/s, elapsed 0:00, ETA -';
const STACK_FRAME = /\n\s+at /;
const PKG = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('main: help and version', () => {
  it('--help prints the phase help on stdout and exits 0, with or without the command name', async () => {
    const h = harness();
    expect(await main(['phase', '--help'], h.io)).toBe(0);
    expect(h.stdout().startsWith('Usage: npm run phase -- [options]\n')).toBe(true);
    expect(h.stderr()).toBe('');
    expect(h.exits).toEqual([0]);
    const bare = harness();
    expect(await main(['-h'], bare.io)).toBe(0);
    expect(bare.stdout().startsWith('Usage: npm run <command> -- [options]\n')).toBe(true);
    expect(bare.stdout()).toMatch(/^ {2}phase \[options\] +run Phase 20 predictions/m);
  });
  it("--version prints package.json's version and exits 0", async () => {
    for (const argv of [['-V'], ['--version'], ['phase', '--version']]) {
      const h = harness();
      expect(await main(argv, h.io)).toBe(0);
      expect(h.stdout()).toBe(`${PKG.version}\n`);
    }
  });
  it('--help wins over a bad value', async () => {
    const h = harness();
    const fake = fakeRun();
    expect(await main(['--waves', '0', '--help'], h.io, { run: fake.run })).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('main: the import command', () => {
  it('parses import and its subcommand wfcommons, with help and errors from the shared plumbing', async () => {
    const h = harness();
    expect(await main(['import', '--help'], h.io)).toBe(0);
    expect(h.stdout()).toMatch(/^Usage: npm run import -- \[options\] \[command\]/);
    const missing = path.join(os.tmpdir(), 'p21-no-such-instance.json');
    // A schema of our own, so the test does not need ../shared (a user's clone has none).
    const schema = path.join(mkdtempSync(path.join(os.tmpdir(), 'p21-schema-')), 'schema.json');
    writeFileSync(schema, '{}\n');
    const e = harness();
    expect(await main(['import', 'wfcommons', missing, '--out', path.join(os.tmpdir(), 'p21-import-unused'), '--agents', '2', '--schema', schema], e.io)).toBe(2);
    expect(e.stderr()).toContain(`${missing}: (file): cannot read`);
    expect(e.stderr()).toMatch(/nothing was written\n$/);
  });
});

describe('main: a run', () => {
  it('passes the options, version, clock and a cancel signal; prints progress and the closing line last', async () => {
    const h = harness();
    const fake = fakeRun();
    const clock = { now: () => new Date('2024-01-01T00:00:00Z') };
    expect(await main(['--seed', '5', '--strategy', 'priority'], h.io, { run: fake.run, version: '9.9.9', wallClock: clock })).toBe(0);
    expect(fake.calls).toHaveLength(1);
    const env = fake.calls[0]?.env;
    expect(fake.calls[0]?.options).toMatchObject({ seed: 5, strategy: 'priority' });
    expect(env?.version).toBe('9.9.9');
    expect(env?.clock).toBe(clock);
    expect(env?.signal?.aborted).toBe(false);
    expect(h.stderr()).toBe(`load: reading input\n${WAVE_1}\n${CLOSING}\n`);
    expect(h.stdout()).toBe('');
    expect(h.signals.listeners()).toBe(0);
  });
  it('--json prints the result as one snake_case JSON line on stdout', async () => {
    const h = harness();
    expect(await main(['--json'], h.io, { run: fakeRun().run, version: '1' })).toBe(0);
    expect(JSON.parse(h.stdout())).toEqual({
      status: 'completed', waves: 3, tasks: 7506, succeeded: 5344, failed: 2150, blocked: 12, rejected_lines: 0, success_rate: 5344 / 7506,
      health: 64.1, grade: 'FAIR', out_dir: 'outputs', report_path: 'reports/PHASE_21_AUTONOMOUS_EXECUTION.md', reason: null,
    });
    expect(h.stderr().endsWith(`${CLOSING}\n`)).toBe(true);
  });
  it('--quiet prints nothing on success', async () => {
    const h = harness({ isTTY: true });
    expect(await main(['--quiet'], h.io, { run: fakeRun().run, version: '1' })).toBe(0);
    expect(h.stderr()).toBe('');
    expect(h.stdout()).toBe('');
  });
  it('prints one line per wave under CI even on a terminal (colour off with NO_COLOR)', async () => {
    const h = harness({ isTTY: true, env: { CI: 'true', NO_COLOR: '1' } });
    expect(await main([], h.io, { run: fakeRun().run, version: '1' })).toBe(0);
    expect(h.stderr()).toBe(`load: reading input\n${WAVE_1}\n${CLOSING}\n`);
  });
  it('colours the wave label with FORCE_COLOR, off a terminal too', async () => {
    const h = harness({ env: { FORCE_COLOR: '1' } });
    expect(await main([], h.io, { run: fakeRun().run, version: '1' })).toBe(0);
    expect(h.stderr()).toContain('\u001b[1mwave 1/3\u001b[22m: 2502 tasks');
  });
});

describe('main: exit codes from the result', () => {
  it('exits 1 below --min-health and says why, even with --quiet; the closing line stays last', async () => {
    const h = harness();
    expect(await main(['--min-health', '70'], h.io, { run: fakeRun().run, version: '1' })).toBe(1);
    expect(h.stderr().endsWith(`health 64.10 is below --min-health 70: exit code 1\n${CLOSING}\n`)).toBe(true);
    expect(h.exits).toEqual([1]);
    const q = harness();
    expect(await main(['--min-health=70', '--quiet'], q.io, { run: fakeRun().run, version: '1' })).toBe(1);
    expect(q.stderr()).toBe('health 64.10 is below --min-health 70: exit code 1\n');
  });
  it('exits 0 for a dry run whatever --min-health says', async () => {
    const planned: RunResult = { ...COMPLETED, status: 'planned', successRate: null, health: null, grade: null };
    const h = harness();
    expect(await main(['--min-health', '99', '--dry-run'], h.io, { run: fakeRun({ result: planned }).run, version: '1' })).toBe(0);
    expect(h.stderr().endsWith('planned 3 waves, 7506 tasks (12 blocked by gates) -> outputs/\n')).toBe(true);
  });
  it('exits 4 for an aborted run, with the reason in the text and the JSON', async () => {
    const aborted: RunResult = { ...COMPLETED, status: 'aborted', waves: 1, tasks: 2502, successRate: 0.712 };
    const h = harness();
    const fake = fakeRun({ result: aborted });
    expect(await main(['--abort-on-failure-rate', '0.25', '--json'], h.io, { run: fake.run, version: '1' })).toBe(4);
    expect(fake.calls[0]?.options.abortOnFailureRate).toBe(0.25);
    const reason = "aborted: wave 1's failure rate 0.29 exceeds --abort-on-failure-rate 0.25";
    expect(h.stderr()).toBe(
      `load: reading input\n${WAVE_1}\n${reason}\naborted after wave 1 of 3: health 64.10 (FAIR), success 71.2%, 1 wave, 2502 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md\n`,
    );
    expect(JSON.parse(h.stdout())).toMatchObject({ status: 'aborted', reason });
    expect(h.exits).toEqual([4]);
  });
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a %s cancels the run: exit %i, the reason, handlers removed', async (signal, code) => {
    const h = harness();
    const fake = fakeRun({ result: { ...COMPLETED, status: 'canceled', waves: 1 }, untilSignal: true });
    const running = main(['--json'], h.io, { run: fake.run, version: '1' });
    await fake.started;
    expect(h.signals.listeners()).toBe(2);
    h.signals.send(signal);
    expect(await running).toBe(code);
    expect(fake.calls[0]?.env.signal?.reason).toBe(signal);
    const reason = `canceled by ${signal} after wave 1 of 3; continue with --resume (files so far in outputs/)`;
    expect(h.stderr()).toBe(`load: reading input\n${signal}: canceling after the wave under way; send it again to stop at once\n${WAVE_1}\n${reason}\n`);
    expect(JSON.parse(h.stdout())).toMatchObject({ status: 'canceled', reason });
    expect(h.signals.listeners()).toBe(0);
    expect(h.signals.exits).toEqual([]);
    expect(h.exits).toEqual([code]);
  });
  it('a second signal while canceling ends the process at once with the first signal\'s code', async () => {
    const h = harness();
    const fake = fakeRun({ result: { ...COMPLETED, status: 'canceled' }, untilSignal: true });
    const running = main([], h.io, { run: fake.run, version: '1' });
    await fake.started;
    h.signals.send('SIGTERM');
    h.signals.send('SIGINT');
    expect(h.signals.exits).toEqual([143]);
    expect(h.stderr()).toContain('SIGTERM: canceling after the wave under way; send it again to stop at once\nSIGINT again: stopping now (exit code 143)\n');
    expect(await running).toBe(143);
  });
  it('still prints the cancel notice with --quiet', async () => {
    const h = harness();
    const fake = fakeRun({ result: { ...COMPLETED, status: 'canceled' }, untilSignal: true });
    const running = main(['--quiet'], h.io, { run: fake.run, version: '1' });
    await fake.started;
    h.signals.send('SIGINT');
    expect(await running).toBe(130);
    expect(h.stderr()).toBe(
      'SIGINT: canceling after the wave under way; send it again to stop at once\ncanceled by SIGINT after wave 1 of 3; continue with --resume (files so far in outputs/)\n',
    );
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
    expect(h.signals.listeners()).toBe(0);
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
  it('prints the stack when a config file turns --debug on, and not when --no-debug turns it off', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'p21-main-'));
    const file = path.join(dir, 'c.json');
    writeFileSync(file, '{"debug": true}');
    try {
      const h = harness();
      expect(await main(['--config', file], h.io, { run: fakeRun({ error: new Error('boom') }).run, version: '1' })).toBe(3);
      expect(h.stderr()).toMatch(STACK_FRAME);
      const off = harness();
      expect(await main(['--config', file, '--no-debug'], off.io, { run: fakeRun({ error: new Error('boom') }).run, version: '1' })).toBe(3);
      expect(off.stderr()).not.toMatch(STACK_FRAME);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
