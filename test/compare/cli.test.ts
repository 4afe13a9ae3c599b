/**
 * `npm run compare` through the CLI entry (`main`) on hand-made output folders (test/compare/helpers.ts):
 * exit codes, the files written, what stderr says, byte stability, and every error path.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comparisonSchema, type Comparison } from '../../src/schema/comparison.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';
import { DEFAULT_INPUTS, row, runCompareCli, SHA, writeRun, type TaskRow } from './helpers.ts';

afterAll(removeTempDirs);

const compare = runCompareCli;

function readComparison(out: string): Comparison {
  return comparisonSchema.parse(JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')));
}

/** 20 tasks t1..t20 in wave 1, all succeeded on agent_0 at the first attempt. */
const allSucceeded: TaskRow[] = Array.from({ length: 20 }, (_, i) => row(1, `t${i + 1}`, 'succeeded'));
/** The same tasks with the first `n` failed after 4 attempts on the same agent. */
const firstFailed = (n: number): TaskRow[] => allSucceeded.map((r, i) => (i < n ? row(1, r.task_id, 'failed') : r));

describe('compare: hand-worked comparisons', () => {
  it('twin runs: nothing flipped, every delta 0, exit 0, both files written and valid', async () => {
    const root = tempDir('p21-cmp-');
    const a = writeRun(path.join(root, 'a'), { rows: allSucceeded, health: 90 });
    const b = writeRun(path.join(root, 'b'), { rows: allSucceeded, health: 90 });
    const out = path.join(root, 'cmp');
    const r = await compare([a, b, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('no regression: exit 0: no drop beyond the thresholds (health 0.00 points, success rate 0.0% relative)');
    expect(r.err).toContain('0 tasks flipped; McNemar p = 1 (b = 0, c = 0)');
    const c = readComparison(out);
    expect(c.flips.total).toBe(0);
    expect(c.mcnemar.task_outcome).toEqual({ pairs: 20, both: 20, b: 0, c: 0, neither: 0, p_value: 1, significant: false });
    expect(c.measures.every((m) => m.delta === 0)).toBe(true);
    expect(c.comparability).toMatchObject({ same_inputs: true, same_options: true, notes: [] });
    expect(readFileSync(path.join(out, 'comparison.md'), 'utf8')).toContain('**Verdict: no regression (exit 0).**');
  });

  it('B failed 10 of 20 tasks A succeeded: b = 10, c = 0, p = 2 / 2^10 = 0.001953125, exit 1 with both rules named', async () => {
    const root = tempDir('p21-cmp-');
    const a = writeRun(path.join(root, 'a'), { rows: allSucceeded, health: 90 });
    const b = writeRun(path.join(root, 'b'), { rows: firstFailed(10), health: 70 });
    const out = path.join(root, 'cmp');
    const r = await compare([a, b, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'REGRESSION: exit 1: health dropped 20.00 points (90.00 -> 70.00), more than 5.00; success rate dropped 50.0% relative (100.0% -> 50.0%), more than 10.0%; significant (McNemar p = 0.001953 < alpha 0.05)',
    );
    const c = readComparison(out);
    expect(c.regression_gate).toMatchObject({ regression: true, exit_code: 1, health_rule: true, success_rule: true, success_drop: 0.5, p_value: 0.001953125 });
    expect(c.mcnemar.task_outcome).toMatchObject({ pairs: 20, both: 10, b: 10, c: 0, neither: 0 });
    // First attempts: A 20 successes, B 10 successes and 10 failures, paired on the same tasks.
    expect(c.mcnemar.first_attempt).toMatchObject({ pairs: 20, b: 10, c: 0, p_value: 0.001953125, significant: true });
    expect(c.flips.by_cause).toEqual({ dependency: 0, gate: 0, other_agent: 0, other_attempt_count: 0, another_draw: 10 });
    const runSuccess = c.measures.find((m) => m.scope === 'run' && m.measure === 'success_rate');
    expect(runSuccess).toMatchObject({ a: 1, b: 0.5, delta: -0.5, test: 'mcnemar_exact', significant: true });
    const md = readFileSync(path.join(out, 'comparison.md'), 'utf8');
    expect(md).toContain('**Verdict: REGRESSION (exit 1).**');
    expect(md).toContain('| `success_rate` | 1 | 0.5 | -0.5 | p = 0.001953 |');
    expect(md).toContain('| `health` | 90 | 70 | -20 | no test |');
  });

  it('the same drops over only 3 flipped tasks are not significant (p = 2 / 8 = 0.25): exit 0', async () => {
    const root = tempDir('p21-cmp-');
    const few = allSucceeded.slice(0, 4);
    const a = writeRun(path.join(root, 'a'), { rows: few, health: 90 });
    const b = writeRun(path.join(root, 'b'), { rows: few.map((r, i) => (i < 3 ? row(1, r.task_id, 'failed') : r)), health: 60 });
    const r = await compare([a, b, '--out', path.join(root, 'cmp')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('not significant (McNemar p = 0.25 >= alpha 0.05): not a regression');
  });

  it('thresholds from the command line: --max-health-drop 25 --max-success-drop 0.6 keep the 10-flip case at exit 0; --alpha 0.001 too', async () => {
    const root = tempDir('p21-cmp-');
    const a = writeRun(path.join(root, 'a'), { rows: allSucceeded, health: 90 });
    const b = writeRun(path.join(root, 'b'), { rows: firstFailed(10), health: 70 });
    const loose = await compare([a, b, '--out', path.join(root, 'c1'), '--max-health-drop', '25', '--max-success-drop', '0.6']);
    expect(loose.code).toBe(0);
    expect(readComparison(path.join(root, 'c1')).settings).toEqual({ alpha: 0.05, max_health_drop_points: 25, max_success_drop: 0.6 });
    const strict = await compare([a, b, '--out', path.join(root, 'c2'), '--alpha', '0.001']);
    expect(strict.code).toBe(0);
    expect(strict.err).toContain('McNemar p = 0.001953 >= alpha 0.001');
  });

  it('one flip of each cause, a task in each run only, and anomalies that came and went', async () => {
    const root = tempDir('p21-cmp-');
    const a = writeRun(path.join(root, 'a'), {
      rows: [
        row(1, 'dep', 'succeeded'),
        row(1, 'gate', 'blocked', { gate: 'high_risk' }),
        row(1, 'agent', 'succeeded', { first_agent_id: 'agent_0', agent_id: 'agent_0' }),
        row(1, 'count', 'succeeded', { attempts: 3, first_attempt_success: false }),
        row(1, 'draw', 'failed', { attempts: 4 }),
        row(1, 'same', 'succeeded'),
        row(2, 'old', 'failed'),
      ],
      anomalies: [
        { wave: 1, type: 'agent_failure', subject: 'agent_1' },
        { wave: 1, type: 'load_imbalance', subject: 'all' },
      ],
    });
    const b = writeRun(path.join(root, 'b'), {
      rows: [
        row(1, 'dep', 'blocked', { gate: 'dependencies' }),
        row(1, 'gate', 'succeeded'),
        row(1, 'agent', 'failed', { first_agent_id: 'agent_1', agent_id: 'agent_1' }),
        row(1, 'count', 'failed', { attempts: 2 }),
        row(1, 'draw', 'succeeded', { attempts: 2, first_attempt_success: false }),
        row(1, 'same', 'succeeded'),
        row(2, 'new', 'succeeded'),
      ],
      inputs: [...DEFAULT_INPUTS, ['in/wave_2/agent_0/predicted_tasks.jsonl', 'predicted_tasks', SHA('f')]],
      anomalies: [
        { wave: 1, type: 'agent_failure', subject: 'agent_1' },
        { wave: 1, type: 'coordination_issue', subject: 'all' },
      ],
    });
    const out = path.join(root, 'cmp');
    const r = await compare([a, b, '--out', out]);
    expect(r.err).toContain('warning: THE INPUTS DIFFER (1 only in B)');
    const c = readComparison(out);
    // Listed by wave, then task_id in natural order.
    expect(c.flips.tasks.map((f) => [f.task_id, f.cause])).toEqual([
      ['agent', 'other_agent'],
      ['count', 'other_attempt_count'],
      ['dep', 'dependency'],
      ['draw', 'another_draw'],
      ['gate', 'gate'],
    ]);
    expect(c.flips.by_cause).toEqual({ dependency: 1, gate: 1, other_agent: 1, other_attempt_count: 1, another_draw: 1 });
    expect(c.one_run_only).toEqual({
      only_in_a: 1,
      only_in_b: 1,
      tasks: [
        { wave: 2, task_id: 'old', run: 'a', status: 'failed' },
        { wave: 2, task_id: 'new', run: 'b', status: 'succeeded' },
      ],
    });
    expect(c.anomalies.appeared.map((x) => x.type)).toEqual(['coordination_issue']);
    expect(c.anomalies.went_away.map((x) => x.type)).toEqual(['load_imbalance']);
    expect(c.anomalies.in_both).toBe(1);
    const md = readFileSync(path.join(out, 'comparison.md'), 'utf8');
    expect(md).toContain('| 1 | `dep` | succeeded | blocked | dependency | B blocked by dependencies |');
    expect(md).toContain('| 1 | `gate` | blocked | succeeded | gate | A blocked by high_risk |');
    expect(md).toContain('| 1 | `agent` | succeeded | failed | other agent | first attempt on agent_0 in A, on agent_1 in B |');
    expect(md).toContain('| 1 | `count` | succeeded | failed | other attempt count | on agent_0, 3 attempts in A, 2 attempts in B |');
    expect(md).toContain('| 1 | `draw` | failed | succeeded | same agent, another draw | on agent_0, 4 attempts in A, 2 attempts in B |');
    expect(md).toContain('1 task in A only, 1 task in B only');
  });

  it('the Markdown lists the first 20 flips and counts the rest; the JSON has them all', async () => {
    const root = tempDir('p21-cmp-');
    const many = Array.from({ length: 25 }, (_, i) => row(1, `t${i + 1}`, 'succeeded'));
    const a = writeRun(path.join(root, 'a'), { rows: many });
    const b = writeRun(path.join(root, 'b'), { rows: many.map((r) => row(1, r.task_id, 'failed')) });
    const out = path.join(root, 'cmp');
    await compare([a, b, '--out', out]);
    const md = readFileSync(path.join(out, 'comparison.md'), 'utf8');
    expect(md).toContain('| 1 | `t20` |');
    expect(md).not.toContain('| 1 | `t21` |');
    expect(md).toContain('... and 5 more in comparison.json.');
    expect(readComparison(out).flips.tasks).toHaveLength(25);
  });

  it('an aborted run compares, with a warning', async () => {
    const root = tempDir('p21-cmp-');
    const a = writeRun(path.join(root, 'a'), { rows: allSucceeded });
    const b = writeRun(path.join(root, 'b'), { rows: allSucceeded, status: 'aborted' });
    const r = await compare([a, b, '--out', path.join(root, 'cmp')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: run B was aborted (--abort-on-failure-rate)');
  });
});

describe('compare: the same bytes for the same two runs', () => {
  it('twice, into two folders, with the runs named by other spellings: identical files, no path inside', async () => {
    const root = tempDir('p21-cmp-');
    const a = writeRun(path.join(root, 'a'), { rows: allSucceeded, health: 90 });
    const b = writeRun(path.join(root, 'b'), { rows: firstFailed(4), health: 84.5, seed: 22 });
    const first = await compare([a, b, '--out', path.join(root, 'one')]);
    const second = await compare([`${path.relative(process.cwd(), a)}/`, path.join(root, 'x', '..', 'b'), '--out', path.join(root, 'two'), '--json']);
    expect(second.code).toBe(first.code);
    for (const file of ['comparison.json', 'comparison.md']) {
      const one = readFileSync(path.join(root, 'one', file), 'utf8');
      expect(readFileSync(path.join(root, 'two', file), 'utf8')).toBe(one);
      expect(one).not.toContain(root);
    }
    expect(second.out).toBe(readFileSync(path.join(root, 'one', 'comparison.json'), 'utf8'));
    expect(first.out).toBe('');
  });
});

describe('compare: not a run, and other errors (exit 2, nothing written)', () => {
  const root = tempDir('p21-cmp-');
  const good = writeRun(path.join(root, 'good'), { rows: allSucceeded });
  const out = path.join(root, 'never');

  const refused = async (argv: readonly string[], message: string): Promise<void> => {
    const r = await compare([...argv, ...(argv.includes('--out') ? [] : ['--out', out])]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  };

  it('a missing folder, a file, a folder without run.json', async () => {
    await refused([path.join(root, 'nope'), good], `A: ${path.join(root, 'nope')}: no such folder (A must be a Phase 21 output folder)`);
    const file = path.join(root, 'file.txt');
    writeFileSync(file, 'x');
    await refused([good, file], `B: ${file}: is a file, not a folder`);
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    await refused([good, empty], `B: ${empty}: holds no run.json, so it is not a Phase 21 output folder`);
  });

  it.each([
    ['planned', 'status: the run is a dry run (planned): it has no outcomes to compare'],
    ['running', 'status: the run did not finish (running)'],
    ['canceled', 'status: the run was canceled: finish it with --resume first'],
    ['failed', 'status: the run failed'],
    ['weird', 'status: unknown run state "weird"'],
  ])('a run whose state is %s', async (status, message) => {
    const dir = writeRun(path.join(root, `s-${status}`), { rows: allSucceeded, status });
    await refused([good, dir], `${dir}/run.json: ${message}`);
  });

  it('a run.json of another tool, and a missing health file', async () => {
    const other = writeRun(path.join(root, 'other'), { rows: allSucceeded });
    writeFileSync(path.join(other, 'run.json'), '{"tool": "something-else"}\n');
    await refused([other, good], `${other}/run.json: tool: Invalid input: expected "phase21-harness"`);
    const noHealth = writeRun(path.join(root, 'nohealth'), { rows: allSucceeded });
    writeFileSync(path.join(noHealth, 'phase21_system_health.json'), '{');
    await refused([good, noHealth], `${noHealth}/phase21_system_health.json: (file): not valid JSON`);
  });

  it('bad task_outcomes.jsonl rows, each as file:line: field: problem', async () => {
    const dir = writeRun(path.join(root, 'badrows'), { rows: allSucceeded.slice(0, 2) });
    const file = path.join(dir, 'task_outcomes.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    const first = lines[0] ?? '';
    writeFileSync(file, [first, '{not json', first.replace('"succeeded"', '"done"'), first, ''].join('\n'));
    const r = await compare([good, dir, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:2: (line): not valid JSON`);
    expect(r.err).toContain(`${file}:3: status: Invalid option`);
    expect(r.err).toContain(`${file}:4: task_id: wave 1 task t1 appears twice`);
    expect(r.err).toContain('compare: 3 problems in the runs to compare; nothing was written');
  });

  it('a task_outcomes.jsonl without first_agent_id (written before the contract column): one message', async () => {
    const dir = writeRun(path.join(root, 'old'), { rows: allSucceeded });
    const file = path.join(dir, 'task_outcomes.jsonl');
    const text = readFileSync(file, 'utf8').replace(/"first_agent_id":"agent_0",/g, '');
    writeFileSync(file, text);
    const r = await compare([dir, good, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:1: first_agent_id: missing: the comparison needs the columns of contract section 8`);
    expect(r.err).toContain('compare: 1 problem in the runs to compare');
  });

  it('--out that is A, inside B, a file, or another run', async () => {
    const b = writeRun(path.join(root, 'b'), { rows: allSucceeded });
    await refused([good, b, '--out', good], `--out: ${good} is run A itself`);
    const inside = path.join(b, 'cmp');
    const r = await compare([good, b, '--out', inside]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out: ${inside} is inside run B`);
    expect(existsSync(inside)).toBe(false);
    const file = path.join(root, 'out-file');
    writeFileSync(file, '');
    expect((await compare([good, b, '--out', file])).err).toContain(`--out: ${file} exists and is not a folder`);
    const third = writeRun(path.join(root, 'third'), { rows: allSucceeded });
    expect((await compare([good, b, '--out', third])).err).toContain(`--out: ${third} is a Phase 21 output folder`);
  });

  it.each([
    [['--alpha', '0'], '--alpha: must be a number above 0 and below 1 (got "0")'],
    [['--alpha', 'x'], '--alpha: must be a number above 0 and below 1 (got "x")'],
    [['--max-health-drop', '-1'], '--max-health-drop: must be a number of health points >= 0'],
    [['--max-success-drop', '2'], '--max-success-drop: must be a relative drop in [0, 1]'],
    [['--frobnicate'], '--frobnicate: unknown option'],
  ])('usage error %j', async (extra, message) => {
    const r = await compare([good, good, ...extra, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('Run with --help for usage.');
  });

  it('an empty --out, an option without its value, a third folder: usage errors in the shared words', async () => {
    await refused([good, good, '--out', ''], '--out: must not be empty');
    await refused([good, good, '--out', out, '--alpha'], '--alpha: missing value; expected a number above 0 and below 1');
    await refused([good, good, '--max-health-drp', '9'], '--max-health-drp: unknown option (did you mean --max-health-drop?)');
    await refused([good, good, '--json=yes'], '--json: takes no value, got "yes"');
    await refused([good, good, good], "too many arguments for 'compare'. Expected 2 arguments but got 3.");
  });

  it('more problems than diagnostics printed: the closing line counts them all', async () => {
    const dir = writeRun(path.join(root, 'many-bad'), { rows: allSucceeded.slice(0, 1) });
    const file = path.join(dir, 'task_outcomes.jsonl');
    writeFileSync(file, '{not json\n'.repeat(120));
    const r = await compare([good, dir, '--out', out]);
    expect(r.code).toBe(2);
    // readOutcomes keeps 50 diagnostics; the printer shows them all, and the count is compareRuns'.
    expect(r.err).toContain(`${file}:50: (line): not valid JSON\n`);
    expect(r.err).not.toContain(`${file}:51:`);
    expect(r.err.endsWith('compare: 120 problems in the runs to compare; nothing was written\n')).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing B is a usage error; --help prints the usage and exits 0', async () => {
    const missing = await compare([good]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("missing required argument 'B'");
    const help = await compare(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: npm run compare -- A B [options]');
    expect(help.out).toContain('--max-success-drop <share>');
  });
});
