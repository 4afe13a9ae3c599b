import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import type { AttemptRequest } from '../../src/ports.ts';
import { drawAttempt } from '../../src/simulate/executor.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { VirtualScheduler } from '../../src/simulate/scheduler.ts';
import { ReplayExecutor } from '../../src/worlds/replay/executor.ts';
import { loadOutcomes, MAX_OUTCOME_ERRORS, outcomeKey, RecordedOutcomes } from '../../src/worlds/replay/outcomes.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';
import { conformanceRequest, describeExecutorConformance, virtualWorld } from './executor-conformance.ts';

afterAll(removeTempDirs);

const WORLD = { durationNoise: 0.25 };

/** Attempts 0 and 2 of t1 on A recorded; attempt 1 (and every other task) drawn. */
const RECORDED = new RecordedOutcomes(
  new Map([
    [outcomeKey(1, 't1', 'A', 0), 7.5],
    [outcomeKey(1, 't1', 'A', 2), -3.25],
  ]),
);

describeExecutorConformance('replay', virtualWorld((scheduler) => new ReplayExecutor(RECORDED, createKeyedRandom(21), WORLD, scheduler), ['recorded', 'simulated']));

describe('ReplayExecutor', () => {
  const executor = new ReplayExecutor(RECORDED, createKeyedRandom(21), WORLD, new VirtualScheduler());

  it('takes a recorded attempt from its row: outcome, duration (no speed, no noise) and source', () => {
    expect(executor.resultOf(conformanceRequest(0))).toEqual({ succeeded: true, durationS: 7.5, source: 'recorded' });
    expect(executor.resultOf(conformanceRequest(2))).toEqual({ succeeded: false, durationS: 3.25, source: 'recorded' });
    const fast: AttemptRequest = { ...conformanceRequest(0), agent: profile('A', { speed: 4 }) };
    expect(executor.resultOf(fast).durationS).toBe(7.5);
  });

  it('draws an attempt without a row exactly as the simulated world does (contract section 3)', () => {
    for (const request of [conformanceRequest(1), conformanceRequest(0, 't2'), { ...conformanceRequest(0), agent: profile('B') }]) {
      const drawn = drawAttempt(createKeyedRandom(21), request, WORLD);
      expect(executor.resultOf(request)).toEqual(drawn);
      expect(drawn.source).toBe('simulated');
    }
  });

  it('completes at start + the recorded duration', async () => {
    const scheduler = new VirtualScheduler(10);
    const replay = new ReplayExecutor(RECORDED, createKeyedRandom(21), WORLD, scheduler);
    let endS = Number.NaN;
    replay.start(conformanceRequest(0), () => (endS = scheduler.now()));
    await scheduler.runUntil(() => !Number.isNaN(endS));
    expect(endS).toBe(17.5);
  });
});

/** Two waves: wave 1 has t1 and t2, wave 2 has t3; agents A and B. */
const PLAN = {
  waves: [wavePlan(1, [task('t1', [pred('A', 0.5)]), task('t2', [pred('A', 0.5), pred('B', 0.5)])]), wavePlan(2, [task('t3', [pred('B', 0.5)], { wave: 2 })])],
  agents: [profile('A'), profile('B')],
  latestTimestamp: null,
};

function file(lines: readonly string[]): string {
  const p = path.join(tempDir('p21-outcomes-'), 'outcomes.jsonl');
  writeFileSync(p, lines.map((l) => `${l}\n`).join(''));
  return p;
}

async function problems(lines: readonly string[]): Promise<string[]> {
  const p = file(lines);
  try {
    await loadOutcomes(p, PLAN);
  } catch (error: unknown) {
    if (!(error instanceof InputError)) throw error;
    return error.diagnostics.map((d) => `${d.line ?? '-'}: ${d.field}: ${d.problem}`);
  }
  throw new Error('no error');
}

describe('loadOutcomes', () => {
  it('reads valid rows: attempt defaults to 0, null attempt too; blank lines count in line numbers', async () => {
    const p = file([
      '{"wave":1,"task_id":"t1","agent_id":"A","success":true,"duration_s":12}',
      '',
      '{"wave":1,"task_id":"t1","agent_id":"A","attempt":1,"success":false,"duration_s":0.5}',
      '{"wave":1,"task_id":"t2","agent_id":"B","attempt":null,"success":false,"duration_s":3}',
    ]);
    const read = await loadOutcomes(p, PLAN);
    expect(read.rows).toBe(3);
    expect(read.unused).toBe(0);
    expect(read.warnings).toEqual([]);
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(read.outcomes.size).toBe(3);
    expect(read.outcomes.get(1, 't1', 'A', 0)).toEqual({ succeeded: true, durationS: 12 });
    expect(read.outcomes.get(1, 't1', 'A', 1)).toEqual({ succeeded: false, durationS: 0.5 });
    expect(read.outcomes.get(1, 't2', 'B', 0)).toEqual({ succeeded: false, durationS: 3 });
    expect(read.outcomes.get(1, 't2', 'A', 0)).toBeNull();
    expect(read.outcomes.get(2, 't1', 'A', 0)).toBeNull();
  });

  it('reports each bad line as file:line: field: problem', async () => {
    expect(
      await problems([
        '{"wave":1,"task_id":"t1","agent_id":"A","success":true,"duration_s":12}',
        '{"wave":1,"task_id":"t1",',
        '[1,2]',
        '{"wave":0,"task_id":"t1","agent_id":"A","success":"yes","duration_s":0}',
        '{"wave":1,"task_id":"t2","agent_id":"A","attempt":-1,"success":true,"duration_s":1}',
        '{"wave":1,"task_id":"t1","agent_id":"A","attempt":0,"success":false,"duration_s":2}',
        '{"wave":1,"task_id":"t2","agent_id":"A","success":true}',
      ]),
    ).toEqual([
      expect.stringMatching(/^2: \(line\): invalid JSON: /),
      '3: (line): must be a JSON object {wave, task_id, agent_id, attempt?, success, duration_s}, got an array',
      expect.stringMatching(/^4: wave: /),
      expect.stringMatching(/^4: success: /),
      expect.stringMatching(/^4: duration_s: /),
      expect.stringMatching(/^5: attempt: /),
      '6: (line): duplicate of line 1: one row per (wave, task_id, agent_id, attempt), here (1, "t1", "A", 0)',
      expect.stringMatching(/^7: duration_s: /),
    ]);
  });

  it('names the file and line in the error message', async () => {
    const p = file(['{"wave":1,"task_id":"t1","agent_id":"A","success":true,"duration_s":12}', 'nope']);
    await expect(loadOutcomes(p, PLAN)).rejects.toThrow(`${p}:2: (line): invalid JSON`);
  });

  it('counts rows naming nothing of the run as one warning, and names unknown fields once', async () => {
    const p = file([
      '{"wave":3,"task_id":"t1","agent_id":"A","success":true,"duration_s":1}',
      '{"wave":1,"task_id":"zz","agent_id":"A","success":true,"duration_s":1,"note":"x"}',
      '{"wave":1,"task_id":"t1","agent_id":"Q","success":true,"duration_s":1,"note":"y"}',
      '{"wave":2,"task_id":"t3","agent_id":"B","success":true,"duration_s":1}',
    ]);
    const read = await loadOutcomes(p, PLAN);
    expect(read.unused).toBe(3);
    expect(read.outcomes.size).toBe(1);
    expect(read.warnings.map((d) => `${d.severity} ${d.line ?? '-'}: ${d.field}: ${d.problem}`)).toEqual([
      'warning 1: (line): 3 rows name no task and agent of the run and are not used (first here: wave 3 is not run)',
      'warning 2: note: unknown field ignored (in 2 rows)',
    ]);
  });

  it('says why a row is unused: the wave, the task or the agent', async () => {
    const reason = async (line: string): Promise<string> => (await loadOutcomes(file([line]), PLAN)).warnings[0]?.problem ?? '';
    expect(await reason('{"wave":1,"task_id":"t3","agent_id":"A","success":true,"duration_s":1}')).toContain('task "t3" is not in wave 1');
    expect(await reason('{"wave":1,"task_id":"t1","agent_id":"Q","success":true,"duration_s":1}')).toContain('agent "Q" is not an agent of the run');
  });

  it('refuses a missing file, a folder and an empty file', async () => {
    const dir = tempDir('p21-outcomes-');
    await expect(loadOutcomes(path.join(dir, 'none.jsonl'), PLAN)).rejects.toThrow(`${path.join(dir, 'none.jsonl')}: (file): outcomes file not found`);
    await expect(loadOutcomes(dir, PLAN)).rejects.toThrow(`${dir}: (file): must be a regular file`);
    await expect(loadOutcomes(file(['', '  ']), PLAN)).rejects.toThrow('(file): holds no row');
  });

  it(`stops after ${MAX_OUTCOME_ERRORS} errors and says so`, async () => {
    const found = await problems(Array.from({ length: MAX_OUTCOME_ERRORS + 50 }, () => 'x'));
    expect(found).toHaveLength(MAX_OUTCOME_ERRORS + 1);
    expect(found.at(-1)).toBe(`-: (file): stopped reading after ${MAX_OUTCOME_ERRORS} errors`);
  });
});
