/**
 * Dependency errors through the CLI (CONTRACT.md section 10): a cycle and an unknown id exit 2
 * with `file:line: depends_on: ...` and nothing written; in quarantine mode the bad tasks and
 * every task depending on them go to rejected.jsonl, and run.json accounts for every line.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outArgs, readJson, readJsonl, removeTempDirs, runCli, runDirs, tempDir } from './helpers.ts';

afterAll(removeTempDirs);

/** One agent's file of wave 1: a 3-cycle a -> c -> b -> a, d on c and an unknown id, e and f fine (f on e). */
const LINES = [
  '{"task_id": "a", "agent_id": "agent_0", "predicted_success_probability": 0.9, "depends_on": ["c"]}',
  '{"task_id": "b", "agent_id": "agent_0", "predicted_success_probability": 0.9, "depends_on": ["a"]}',
  '{"task_id": "c", "agent_id": "agent_0", "predicted_success_probability": 0.9, "depends_on": ["b"]}',
  '{"task_id": "d", "agent_id": "agent_0", "predicted_success_probability": 0.9, "depends_on": ["c", "zz"]}',
  '{"task_id": "e", "agent_id": "agent_0", "predicted_success_probability": 0.9}',
  '{"task_id": "f", "agent_id": "agent_0", "predicted_success_probability": 0.9, "depends_on": ["e"]}',
];

function tree(): { input: string; file: string } {
  const input = path.join(tempDir('p21-deps-'), 'phase20');
  const file = path.join(input, 'wave_1', 'agent_0', 'predicted_tasks.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, LINES.map((l) => `${l}\n`).join(''));
  return { input, file };
}

describe('depends_on through the CLI', () => {
  it('fail mode: exit 2, the cycle in order and the unknown id, nothing written', async () => {
    const { input, file } = tree();
    const dirs = runDirs();
    const run = await runCli(['--input', input, ...outArgs(dirs)]);
    expect(run.code, run.stderr).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith(file))).toEqual([`${file}:1: depends_on: cycle: a -> c -> b -> a`, `${file}:4: depends_on: unknown task id "zz" (no task of wave 1 or earlier has it)`]);
    expect(lines.at(-1)).toMatch(/^input error: 2 errors in the input; .*nothing was written$/);
    expect(existsSync(dirs.out)).toBe(false);
  });

  it('quarantine mode: the cycle and its dependent are rejected with reasons, the rest runs, every line accounted for', async () => {
    const { input, file } = tree();
    const dirs = runDirs();
    const run = await runCli(['--input', input, '--on-invalid', 'quarantine', '--quiet', ...outArgs(dirs)]);
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
    const rejected = readJsonl(dirs.out, 'rejected.jsonl');
    expect(rejected.map((r) => [r.file, r.line, r.reasons, r.raw])).toEqual([
      [file, 1, ['depends_on: cycle: a -> c -> b -> a'], LINES[0]],
      [file, 2, ['depends_on: cycle: a -> c -> b -> a'], LINES[1]],
      [file, 3, ['depends_on: cycle: a -> c -> b -> a'], LINES[2]],
      [file, 4, ['depends_on: unknown task id "zz" (no task of wave 1 or earlier has it)', 'depends_on: "c" is quarantined'], LINES[3]],
    ]);
    expect(readJsonl(dirs.out, 'task_outcomes.jsonl').map((r) => r.task_id)).toEqual(['e', 'f']);
    const inputs = readJson(dirs.out, 'run.json').inputs as { path: string; lines: number; accepted_rows: number; rejected_rows: number }[];
    expect(inputs.map((f) => [f.lines, f.accepted_rows, f.rejected_rows])).toEqual([[6, 2, 4]]);
    expect((readJson(dirs.out, 'phase21_execution_summary.json').totals as { rejected_lines: number }).rejected_lines).toBe(4);
  });
});
