/**
 * Properties of whole runs (CONTRACT.md sections 3 and 8), on the committed sample
 * data/phase20 (3 waves x 200 tasks x 4 agents, every agent a candidate for every task).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  executedRows,
  inputTaskKeys,
  outArgs,
  parseJsonl,
  readJson,
  readJsonl,
  readRunFiles,
  removeTempDirs,
  runCli,
  runCliProcess,
  runDirs,
  SAMPLE_AGENTS,
  SAMPLE_INPUT,
  taskKey,
  tempDir,
  writeAgentsFile,
} from './helpers.ts';
import type { RunDirs } from './helpers.ts';

afterAll(removeTempDirs);

/** Asserts two runs wrote the same set of files with the same bytes, naming the first file that differs. */
function expectSameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [rel, text] of a) expect(b.get(rel) === text, `${rel} differs`).toBe(true);
}

/** Runs the CLI in-process and expects exit 0; returns the run's folders. */
async function runOk(args: readonly string[]): Promise<RunDirs> {
  const dirs = runDirs();
  const run = await runCli([...args, ...outArgs(dirs), '--quiet']);
  expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
  return dirs;
}

const SAMPLE = ['--input', SAMPLE_INPUT, '--agents-file', SAMPLE_AGENTS];

describe('determinism on data/phase20', () => {
  let first: RunDirs;
  beforeAll(async () => {
    first = await runOk([...SAMPLE, '--seed', '21']);
  });

  it('the same seed gives the same bytes in every file but run.json', async () => {
    const second = await runOk([...SAMPLE, '--seed', '21']);
    const a = readRunFiles(first);
    expect(a.size).toBeGreaterThan(40); // 3 waves x 4 agents x 3 files, plus the rest
    expectSameFiles(a, readRunFiles(second));
  });

  it('another seed gives other outcomes', async () => {
    const other = await runOk([...SAMPLE, '--seed', '22']);
    const outcomes = (dirs: RunDirs): string => readFileSync(path.join(dirs.out, 'task_outcomes.jsonl'), 'utf8');
    expect(outcomes(other)).not.toBe(outcomes(first));
  });

  it('every task of the input is once in task_outcomes.jsonl and once across the executed_tasks.jsonl files', () => {
    const expected = inputTaskKeys(SAMPLE_INPUT);
    expect(expected).toHaveLength(600);
    expect(readJsonl(first.out, 'task_outcomes.jsonl').map(taskKey).sort()).toEqual(expected);
    expect(executedRows(first.out).map(taskKey).sort()).toEqual(expected);
  });
});

describe('diffable: the output and report folders leave no trace (contract section 12)', () => {
  /** Folders named unlike each other (a space, nesting, dots), under two different roots. */
  function namedDirs(out: string, report: string): RunDirs {
    const root = tempDir('p21-names-');
    return { root, out: path.join(root, out), report: path.join(root, report) };
  }

  async function runInto(dirs: RunDirs, extra: readonly string[] = []): Promise<Map<string, string>> {
    const run = await runCli([...SAMPLE, ...extra, ...outArgs(dirs), '--quiet']);
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
    return readRunFiles(dirs);
  }

  it('the same run written to two differently named folders gives the same bytes (all but run.json), naming neither', async () => {
    const a = namedDirs('out-a', 'reports');
    const b = namedDirs(path.join('nightly results', 'run.2'), path.join('docs', 'phase21 report'));
    const filesA = await runInto(a, ['--waves', '2']);
    const filesB = await runInto(b, ['--waves', '2']);
    expect(filesA.has('report/PHASE_21_AUTONOMOUS_EXECUTION.md')).toBe(true);
    expectSameFiles(filesA, filesB);
    for (const [rel, text] of filesB) {
      for (const name of [b.root, 'nightly results', 'phase21 report', a.root, 'out-a', SAMPLE_INPUT, SAMPLE_AGENTS]) expect(text.includes(name), `${rel} names ${name}`).toBe(false);
    }
    // The paths are in run.json, which is the one file allowed to differ.
    expect(JSON.stringify(readJson(b.out, 'run.json'))).toContain('nightly results');
  });

  it('so does a dry run, whose plan report names files relative to the output folder', async () => {
    const a = namedDirs('plan-a', 'r1');
    const b = namedDirs('plan b', path.join('x', 'r2'));
    const filesA = await runInto(a, ['--dry-run', '--waves', '1']);
    const filesB = await runInto(b, ['--dry-run', '--waves', '1']);
    expect(filesA.has('report/PHASE_21_EXECUTION_PLAN.md')).toBe(true);
    expectSameFiles(filesA, filesB);
    for (const [rel, text] of filesB) expect(text.includes(b.root), `${rel} names ${b.root}`).toBe(false);
  });
});

describe('time zone', () => {
  it('TZ=UTC, Asia/Kolkata and America/Los_Angeles write the same bytes (child processes)', async () => {
    const zones = ['UTC', 'Asia/Kolkata', 'America/Los_Angeles'];
    const dirs = zones.map(() => runDirs('p21-tz-'));
    // Relative input paths: the child runs with cwd = the project root.
    const runs = await Promise.all(
      zones.map((tz, i) => runCliProcess(['--input', 'data/phase20', '--agents-file', 'data/agents.json', ...outArgs(dirs[i] as RunDirs), '--quiet'], tz)),
    );
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
    const [utc, ...others] = dirs.map(readRunFiles);
    if (utc === undefined) throw new Error('no runs');
    expect(utc.size).toBeGreaterThan(40);
    for (const files of others) expectSameFiles(utc, files);
  });
});

/** One executed task's draws: per attempt its agent, success and duration; and the jittered retry delays. */
function drawsOf(row: Record<string, unknown>): unknown {
  const log = row.attempt_log as { agent_id: string; succeeded: boolean; duration_s: number }[];
  return { attempts: log.map((a) => [a.agent_id, a.succeeded, a.duration_s]), delays: row.retry_delays_s };
}

function byTask(rows: readonly Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  return new Map(rows.map((r) => [taskKey(r), r]));
}

describe('common random numbers: a change to one task shifts no other task\'s draws', () => {
  // round_robin assigns without reading times or p, and --breaker consecutive --breaker-threshold 1000 keeps every
  // circuit closed (no reroutes), so every task runs on the same agent in both runs and each
  // attempt draws with the same key (seed, wave, task, agent, attempt, purpose). The longer
  // task does hold its agent's slot longer, so tasks queued behind it (and every later wave)
  // start later: start times and waiting may differ, the draws may not.
  const OPTIONS = ['--strategy', 'round_robin', '--breaker', 'consecutive', '--breaker-threshold', '1000', '--no-steal', '--seed', '5'];
  const FACTOR = 10;

  it('every other task keeps its attempt count, success sequence, durations and retry delays', async () => {
    const input = path.join(tempDir('p21-crn-'), 'phase20');
    cpSync(SAMPLE_INPUT, input, { recursive: true });
    const base = await runOk(['--input', input, '--agents-file', SAMPLE_AGENTS, ...OPTIONS]);
    const baseRows = byTask(executedRows(base.out));

    // The first wave-1 task that ran on agent_1 and took two or more attempts.
    const target = readJsonl(base.out, 'task_outcomes.jsonl').find((r) => r.wave === 1 && r.agent_id === 'agent_1' && Number(r.attempts) >= 2);
    if (target === undefined) throw new Error('no wave-1 task with a retry on agent_1 in the baseline');
    const file = path.join(input, 'wave_1', 'agent_1', 'predicted_tasks.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((line) => line.trim() !== '' && (JSON.parse(line) as { task_id: string }).task_id === target.task_id);
    const row = JSON.parse(lines[index] ?? '') as { predicted_execution_time: number };
    lines[index] = JSON.stringify({ ...row, predicted_execution_time: row.predicted_execution_time * FACTOR });
    writeFileSync(file, lines.join('\n'));

    const changed = await runOk(['--input', input, '--agents-file', SAMPLE_AGENTS, ...OPTIONS]);
    const changedRows = byTask(executedRows(changed.out));
    expect([...changedRows.keys()].sort()).toEqual([...baseRows.keys()].sort());

    const targetKey = taskKey(target);
    let shifted = 0;
    for (const [key, before] of baseRows) {
      const after = changedRows.get(key);
      if (after === undefined) throw new Error(`${key} missing`);
      if (key === targetKey) continue;
      expect(drawsOf(after), key).toEqual(drawsOf(before));
      expect(after.status, key).toBe(before.status);
      if (after.start_time !== before.start_time) shifted++;
    }
    // The change did reach the run: later tasks moved on the clock...
    expect(shifted).toBeGreaterThan(0);
    // ...and the changed task met the same luck: same successes, each duration exactly FACTOR x.
    const before = baseRows.get(targetKey);
    const after = changedRows.get(targetKey);
    const logOf = (r: Record<string, unknown> | undefined) => (r?.attempt_log ?? []) as { succeeded: boolean; duration_s: number }[];
    expect(logOf(after).map((a) => a.succeeded)).toEqual(logOf(before).map((a) => a.succeeded));
    for (const [k, attempt] of logOf(after).entries()) expect(attempt.duration_s).toBeCloseTo((logOf(before)[k]?.duration_s ?? NaN) * FACTOR, 4);
  });
});

describe('concurrency changes timing, not outcomes', () => {
  it('max_concurrency 1 and 4 give every task the same status, attempts and first-attempt success; 1 takes longer', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_AGENTS, 'utf8')) as { agents: { agent_id: string; speed: number; reliability_offset: number }[] };
    const dir = tempDir('p21-conc-');
    const runWith = async (concurrency: number): Promise<RunDirs> => {
      const file = path.join(dir, `agents-${concurrency}.json`);
      writeAgentsFile(file, sample.agents.map((a) => ({ agent_id: a.agent_id, speed: a.speed, reliability_offset: a.reliability_offset, max_concurrency: concurrency })));
      return runOk(['--input', SAMPLE_INPUT, '--agents-file', file, '--strategy', 'round_robin', '--breaker', 'consecutive', '--breaker-threshold', '1000', '--no-steal']);
    };
    const one = await runWith(1);
    const four = await runWith(4);
    const outcomes = (dirs: RunDirs) =>
      parseJsonl(readFileSync(path.join(dirs.out, 'task_outcomes.jsonl'), 'utf8'))
        .map((r) => [taskKey(r), r.status, r.attempts, r.first_attempt_success])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const oneOutcomes = outcomes(one);
    expect(oneOutcomes).toHaveLength(600);
    expect(oneOutcomes).toEqual(outcomes(four));
    const makespan = (dirs: RunDirs): number => Number(readJson(dirs.out, 'phase21_execution_summary.json').makespan_s);
    expect(makespan(one)).toBeGreaterThan(makespan(four));
  });
});
