/**
 * `--world replay --outcomes FILE` through the CLI (contract section 11): recorded attempts
 * take their row's outcome and duration, the others are drawn and marked simulated, the
 * summary and report count both, the output is byte-identical for a seed, and a bad outcomes
 * file is exit 2 with nothing written.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executedRows, gridPredictions, outArgs, readJson, readRunFiles, readTree, removeTempDirs, runCli, runDirs, tempDir, writeJsonl, writeTreeInput } from '../e2e/helpers.ts';
import type { RunDirs } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

interface AttemptLog {
  readonly attempt: number;
  readonly agent_id: string;
  readonly duration_s: number;
  readonly success: boolean;
  readonly source: string;
  readonly exit_code: null;
  readonly stdout: null;
}

/** 2 waves x 12 tasks x 3 agents; outcomes recorded for attempts 0 and 1 of the odd tasks on every agent. */
const root = tempDir('p21-replay-');
const input = path.join(root, 'phase20');
const outcomesFile = path.join(root, 'outcomes.jsonl');
const recorded = new Map<string, { success: boolean; duration_s: number }>();

beforeAll(() => {
  writeTreeInput(input, gridPredictions(2, 12, 3, (w, t, a) => 0.35 + 0.05 * ((w + t + a) % 8), (_w, t, a) => 10 + t + a));
  const rows: unknown[] = [];
  for (let w = 1; w <= 2; w++) {
    for (let t = 1; t <= 12; t += 2) {
      for (let a = 0; a < 3; a++) {
        for (const attempt of [0, 1]) {
          const row = { wave: w, task_id: `t${w}_${t}`, agent_id: `agent_${a}`, attempt, success: (t + a + attempt) % 3 !== 0, duration_s: 5 + t + 0.25 * a + attempt };
          recorded.set(`${w}/${row.task_id}/${row.agent_id}/${attempt}`, row);
          // Attempt 0 is written without the field (its default) on every other row.
          rows.push(attempt === 0 && a % 2 === 0 ? { wave: w, task_id: row.task_id, agent_id: row.agent_id, success: row.success, duration_s: row.duration_s } : row);
        }
      }
    }
  }
  writeJsonl(outcomesFile, rows);
});

async function replay(extra: readonly string[] = []): Promise<RunDirs> {
  const dirs = runDirs('p21-replay-');
  const run = await runCli(['--input', input, '--world', 'replay', '--outcomes', outcomesFile, '--seed', '5', '--min-probability', '0', '--allow-high-risk', ...extra, ...outArgs(dirs), '--quiet']);
  expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
  return dirs;
}

describe('--world replay', () => {
  let dirs: RunDirs;
  beforeAll(async () => {
    dirs = await replay();
  });

  it('uses the recorded row of every attempt that has one, and draws (marked simulated) every other', () => {
    const counts = { recorded: 0, simulated: 0 };
    for (const row of executedRows(dirs.out)) {
      for (const a of row.attempt_log as AttemptLog[]) {
        const row0 = recorded.get(`${String(row.wave)}/${String(row.task_id)}/${a.agent_id}/${a.attempt}`);
        if (row0 === undefined) {
          expect(a.source).toBe('simulated');
          counts.simulated++;
        } else {
          expect(a).toMatchObject({ source: 'recorded', success: row0.success, duration_s: row0.duration_s });
          counts.recorded++;
        }
        expect(a).toMatchObject({ exit_code: null, stdout: null });
      }
    }
    // 12 odd tasks have a first attempt recorded whatever agent runs them; retries add more.
    expect(counts.recorded).toBeGreaterThanOrEqual(12);
    expect(counts.simulated).toBeGreaterThanOrEqual(12);
    const summary = readJson(dirs.out, 'phase21_execution_summary.json') as { world: string; totals: { attempts: number; attempts_by_source: Record<string, number> }; waves: { attempts_by_source: Record<string, number> }[] };
    expect(summary.world).toBe('replay');
    expect(summary.totals.attempts_by_source).toEqual({ simulated: counts.simulated, recorded: counts.recorded, subprocess: 0 });
    expect(summary.totals.attempts).toBe(counts.simulated + counts.recorded);
    const perWave = summary.waves.map((w) => w.attempts_by_source);
    expect(perWave.reduce((n, w) => n + (w.recorded ?? 0), 0)).toBe(counts.recorded);
    const report = [...readTree(dirs.report).values()].join('');
    expect(report).toContain(`World: \`replay\` — ${counts.recorded} attempts recorded, ${counts.simulated} simulated.`);
  });

  it('every first attempt of a recorded task has the recorded outcome of its (task, agent)', () => {
    for (const row of executedRows(dirs.out)) {
      const first = (row.attempt_log as AttemptLog[])[0];
      if (first === undefined) continue;
      const rec = recorded.get(`${String(row.wave)}/${String(row.task_id)}/${first.agent_id}/0`);
      const odd = Number(String(row.task_id).split('_')[1]) % 2 === 1;
      expect(rec !== undefined).toBe(odd);
      if (rec !== undefined) expect(first.success).toBe(rec.success);
    }
  });

  it('records the world, the outcomes file and its sha256 in run.json', () => {
    const manifest = readJson(dirs.out, 'run.json') as { backend: string; options: { world: string; outcomes: string }; inputs: { kind: string; path: string; lines: number; sha256: string }[] };
    expect(manifest.backend).toBe('replay');
    expect(manifest.options).toMatchObject({ world: 'replay', outcomes: outcomesFile });
    expect(manifest.inputs.filter((f) => f.kind === 'outcomes')).toEqual([expect.objectContaining({ path: outcomesFile, lines: 72 })]);
  });

  it('writes the same bytes twice', async () => {
    const again = await replay();
    expect(readRunFiles(again)).toEqual(readRunFiles(dirs));
  });

  it('with no row at all matching, equals the simulated world but for the world it names', async () => {
    const empty = path.join(root, 'other.jsonl');
    writeJsonl(empty, [{ wave: 9, task_id: 'x', agent_id: 'agent_0', success: true, duration_s: 1 }]);
    const a = runDirs('p21-replay-');
    const b = runDirs('p21-replay-');
    const common = ['--input', input, '--seed', '5', '--min-probability', '0', '--allow-high-risk', '--quiet'];
    expect((await runCli([...common, '--world', 'replay', '--outcomes', empty, ...outArgs(a)])).code).toBe(0);
    expect((await runCli([...common, ...outArgs(b)])).code).toBe(0);
    const replayed = readRunFiles(a);
    const simulated = readRunFiles(b);
    for (const [file, text] of simulated) {
      if (file === 'out/phase21_execution_summary.json') expect(replayed.get(file)).toBe(text.replace('"world": "simulated"', '"world": "replay"'));
      else if (file.startsWith('report/')) expect(replayed.get(file)).toBe(text.replace('World: `simulated`', 'World: `replay`'));
      else expect(replayed.get(file), file).toBe(text);
    }
  });
});

describe('--world replay: errors', () => {
  async function fails(args: readonly string[]): Promise<{ stderr: string; dirs: RunDirs }> {
    const dirs = runDirs('p21-replay-');
    const run = await runCli(['--input', input, ...args, ...outArgs(dirs)]);
    expect(run.code, run.stderr).toBe(2);
    expect(existsSync(dirs.out)).toBe(false);
    return { stderr: run.stderr, dirs };
  }

  it('a bad outcomes line is exit 2 at its file:line, nothing written', async () => {
    const bad = path.join(root, 'bad.jsonl');
    writeFileSync(bad, '{"wave":1,"task_id":"t1_1","agent_id":"agent_0","success":true,"duration_s":3}\n{"wave":1,"task_id":"t1_2","agent_id":"agent_0","success":"no","duration_s":3}\n');
    const { stderr } = await fails(['--world', 'replay', '--outcomes', bad]);
    expect(stderr).toContain(`${bad}:2: success: `);
  });

  it('a missing outcomes file is exit 2', async () => {
    const { stderr } = await fails(['--world', 'replay', '--outcomes', path.join(root, 'missing.jsonl')]);
    expect(stderr).toContain(`${path.join(root, 'missing.jsonl')}: (file): outcomes file not found`);
  });

  it('--world replay needs --outcomes; --outcomes needs --world replay; an unknown world is named', async () => {
    expect((await fails(['--world', 'replay'])).stderr).toContain('--outcomes: required by --world replay');
    expect((await fails(['--outcomes', outcomesFile])).stderr).toContain('--outcomes: only read by --world replay (the world is simulated)');
    expect((await fails(['--world', 'replya'])).stderr).toContain('--world: unknown value "replya"; expected one of simulated, replay, subprocess');
  });

  it('reads world and outcomes from a config file, the outcomes path relative to the file', async () => {
    const config = path.join(root, 'replay.json');
    writeFileSync(config, JSON.stringify({ world: 'replay', outcomes: 'outcomes.jsonl', seed: 5, min_probability: 0, allow_high_risk: true }));
    const dirs = runDirs('p21-replay-');
    const run = await runCli(['--config', config, '--input', input, ...outArgs(dirs), '--quiet']);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    const direct = await replay();
    expect(readRunFiles(dirs)).toEqual(readRunFiles(direct));
  });
});
