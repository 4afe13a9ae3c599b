/**
 * Bad input and bad command lines through the CLI (CONTRACT.md sections 2 and 9): exit code
 * 2, `file:line: field: problem` messages, no stack trace, and nothing written; quarantine
 * mode keeps every line accounted for.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outArgs, readJson, readJsonl, removeTempDirs, runCli, runDirs, tempDir, writeAgentsFile } from './helpers.ts';
import type { CliRun, RunDirs } from './helpers.ts';

afterAll(removeTempDirs);

const STACK_FRAME = /^\s+at /m;

/** Good rows of wave 1 for agent_0 and agent_1 (two tasks each), as text lines. */
const GOOD_0 = [
  '{"task_id": "t1", "agent_id": "agent_0", "predicted_success_probability": 0.8, "predicted_execution_time": 10}',
  '{"task_id": "t2", "agent_id": "agent_0", "predicted_success_probability": 0.7, "predicted_execution_time": 12}',
];
const GOOD_1 = [
  '{"task_id": "t1", "agent_id": "agent_1", "predicted_success_probability": 0.75, "predicted_execution_time": 11}',
  '{"task_id": "t2", "agent_id": "agent_1", "predicted_success_probability": 0.9, "predicted_execution_time": 9}',
];

/** A valid one-wave tree whose agent_0 file gets `extra` lines appended; returns the input folder and the agent_0 file. */
function tree(extra: readonly string[] = []): { input: string; file0: string } {
  const input = path.join(tempDir('p21-input-'), 'phase20');
  const file0 = path.join(input, 'wave_1', 'agent_0', 'predicted_tasks.jsonl');
  const file1 = path.join(input, 'wave_1', 'agent_1', 'predicted_tasks.jsonl');
  mkdirSync(path.dirname(file0), { recursive: true });
  mkdirSync(path.dirname(file1), { recursive: true });
  writeFileSync(file0, [...GOOD_0, ...extra].map((l) => `${l}\n`).join(''));
  writeFileSync(file1, GOOD_1.map((l) => `${l}\n`).join(''));
  return { input, file0 };
}

/** Runs the CLI with `args` plus fresh --out/--report-dir (never created beforehand). */
async function runInto(args: readonly string[]): Promise<{ run: CliRun; dirs: RunDirs }> {
  const dirs = runDirs();
  const run = await runCli([...args, ...outArgs(dirs)]);
  return { run, dirs };
}

/** Exit 2, no stack trace, nothing written, and the last line says so. */
function expectRefusedInput(run: CliRun, dirs: RunDirs): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^input error: .*nothing was written$/);
  expect(existsSync(dirs.out)).toBe(false);
  expect(existsSync(dirs.report)).toBe(false);
}

describe('bad input: exit 2, file:line: field: problem, nothing written', () => {
  it('a bad JSON line', async () => {
    const { input, file0 } = tree(['{"task_id": "t3", "agent_id": "agent_0"']);
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    // The JSON parser's own wording (after "invalid JSON: ") depends on the Node version.
    expect(run.stderr.split('\n')).toContainEqual(expect.stringMatching(new RegExp(`^${escape(file0)}:3: \\(line\\): invalid JSON: .+`)));
  });

  it('a missing field', async () => {
    const { input, file0 } = tree(['{"task_id": "t3", "agent_id": "agent_0"}']);
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    expect(run.stderr.split('\n')).toContain(`${file0}:3: predicted_success_probability: required`);
  });

  it('an out-of-range probability', async () => {
    const { input, file0 } = tree(['{"task_id": "t3", "agent_id": "agent_0", "predicted_success_probability": 1.5}']);
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    expect(run.stderr.split('\n')).toContain(`${file0}:3: predicted_success_probability: must be <= 1, got 1.5`);
  });

  it('a duplicate key', async () => {
    const { input, file0 } = tree(['{"task_id": "t1", "agent_id": "agent_0", "predicted_success_probability": 0.5}']);
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    expect(run.stderr.split('\n')).toContain(`${file0}:3: (line): duplicate of line 1 (wave 1, task_id "t1", agent_id "agent_0")`);
  });

  it('every bad line is reported, not only the first', async () => {
    const { input, file0 } = tree(['{"task_id": "t3", "agent_id": "agent_0"}', '{"task_id": "t4", "agent_id": "agent_0", "predicted_success_probability": -0.1}']);
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    const lines = run.stderr.split('\n');
    expect(lines).toContain(`${file0}:3: predicted_success_probability: required`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${escape(file0)}:4: predicted_success_probability: `)));
  });

  it('a mixed layout', async () => {
    const { input } = tree();
    writeFileSync(path.join(input, 'predicted_tasks.jsonl'), `${GOOD_0[0] ?? ''}\n`);
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    expect(run.stderr).toMatch(new RegExp(`^${escape(input)}: \\(layout\\): mixed layout`, 'm'));
  });

  it('a missing input folder', async () => {
    const input = path.join(tempDir('p21-input-'), 'nope');
    const { run, dirs } = await runInto(['--input', input]);
    expectRefusedInput(run, dirs);
    expect(run.stderr.split('\n')).toContain(`${input}: (input): input folder not found`);
  });

  it('--waves larger than the waves present', async () => {
    const { input } = tree();
    const { run, dirs } = await runInto(['--input', input, '--waves', '2']);
    expectRefusedInput(run, dirs);
    expect(run.stderr).toMatch(/--waves 2 but the input has 1 wave/);
  });

  it('a bad agents file', async () => {
    const { input } = tree();
    const agents = path.join(tempDir('p21-input-'), 'agents.json');
    writeAgentsFile(agents, [{ agent_id: 'agent_0', speed: 0 }]);
    const { run, dirs } = await runInto(['--input', input, '--agents-file', agents]);
    expectRefusedInput(run, dirs);
    expect(run.stderr.split('\n')).toContain(`${agents}: agents[0].speed: must be > 0, got 0`);
  });
});

describe('--on-invalid quarantine', () => {
  it('exits 0, writes the bad lines verbatim to rejected.jsonl, and accounts for every input line', async () => {
    const bad = [
      '{"task_id": "t3", "agent_id": "agent_0"',
      '{"task_id": "t4", "agent_id": "agent_0", "predicted_success_probability": 2}',
      '{"task_id": "t1", "agent_id": "agent_0", "predicted_success_probability": 0.5}',
    ];
    const good5 = '{"task_id": "t5", "agent_id": "agent_0", "predicted_success_probability": 0.6}';
    const { input, file0 } = tree([bad[0] ?? '', good5, bad[1] ?? '', bad[2] ?? '']);
    const { run, dirs } = await runInto(['--input', input, '--on-invalid', 'quarantine', '--quiet']);
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });

    const rejected = readJsonl(dirs.out, 'rejected.jsonl');
    expect(rejected.map((r) => [r.file, r.line, r.raw])).toEqual([
      [file0, 3, bad[0]],
      [file0, 5, bad[1]],
      [file0, 6, bad[2]],
    ]);
    expect(rejected.every((r) => Array.isArray(r.reasons) && r.reasons.length > 0)).toBe(true);

    // The good lines made the run: tasks t1, t2 (both agents) and t5 (agent_0 only).
    expect(readJsonl(dirs.out, 'task_outcomes.jsonl').map((r) => r.task_id)).toEqual(['t1', 't2', 't5']);
    // run.json counts every line of every file as accepted or rejected.
    const inputs = readJson(dirs.out, 'run.json').inputs as { path: string; lines: number; accepted_rows: number; rejected_rows: number }[];
    const counts = inputs.filter((f) => f.path.endsWith('predicted_tasks.jsonl')).map((f) => [path.basename(path.dirname(f.path)), f.lines, f.accepted_rows, f.rejected_rows]);
    expect(counts).toEqual([
      ['agent_0', 6, 3, 3],
      ['agent_1', 2, 2, 0],
    ]);
    const summary = readJson(dirs.out, 'phase21_execution_summary.json').totals as { rejected_lines: number };
    expect(summary.rejected_lines).toBe(3);
  });
});

describe('command-line errors', () => {
  it('an unknown option exits 2 naming it', async () => {
    const { run, dirs } = await runInto(['--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--frobnicate: unknown option$/m);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(dirs.out)).toBe(false);
  });

  it('a bad value exits 2 naming the option and what it accepts', async () => {
    const { run, dirs } = await runInto(['--seed', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--seed: .*safe integer.*"abc"/m);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(dirs.out)).toBe(false);
  });

  it('--out at a non-empty folder without run.json is refused and left untouched', async () => {
    const { input } = tree();
    const out = tempDir('p21-notours-');
    writeFileSync(path.join(out, 'keep.txt'), 'precious\n');
    const run = await runCli(['--input', input, '--out', out, '--report-dir', path.join(out, 'reports')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--out: .*not empty and holds no run\.json/m);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    expect(readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('precious\n');
  });
});

/** `text` with every regular-expression metacharacter escaped. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
