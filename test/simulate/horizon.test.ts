import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInput } from '../../src/io/load.ts';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/options.ts';
import { runPhase21 } from '../../src/pipeline.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import type { RunPlan } from '../../src/plan/model.ts';
import { horizonProblem, MAX_ABS_NORMAL, maxNoiseFactor, maxRunSeconds } from '../../src/simulate/horizon.ts';
import { epochRangeProblem, LAST_ARTIFACT_MS, MAX_EPOCH_MS, MIN_EPOCH_MS, SimulatedCalendar } from '../../src/util/time.ts';
import { pred, profile, task, wavePlan } from '../helpers/builders.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'p21-horizon-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Wave 1: task a (10 s on agent_0, 20 s on agent_1); wave 2: task b (5 s on agent_0). Speeds 1 and 2. */
const PLAN: RunPlan = {
  waves: [wavePlan(1, [task('a', [pred('agent_0', 0.5, 10), pred('agent_1', 0.5, 20)])]), wavePlan(2, [task('b', [pred('agent_0', 0.5, 5)], { wave: 2 })])],
  agents: [profile('agent_0'), profile('agent_1', { speed: 2 })],
  latestTimestamp: null,
};

describe('the worst case of the simulated clock', () => {
  it('bounds |z| of a keyed normal by sqrt(-2 ln 2^-53) and the duration factor by exp(s z - s^2/2) there', () => {
    expect(MAX_ABS_NORMAL).toBeCloseTo(8.571674, 6);
    expect(maxNoiseFactor(0)).toBe(1);
    expect(maxNoiseFactor(0.25)).toBeCloseTo(8.262016, 5);
    expect(maxNoiseFactor(1)).toBeCloseTo(3202.459, 2);
  });

  it('adds up attempts x (longest time x largest speed x noise + longest delay + cooldown) over every task (hand-worked)', () => {
    const base = { retry: { ...DEFAULT_OPTIONS.retry, maxAttempts: 3, baseS: 2, capS: 60 }, breaker: { ...DEFAULT_OPTIONS.breaker, cooldownS: 30 }, durationNoise: 0 };
    // a: 3 x (20 x 2 + 60 + 30) = 390; b: 3 x (5 x 2 + 60 + 30) = 300.
    expect(maxRunSeconds(PLAN, base)).toBe(690);
    // --retry none: one attempt, no delay. a: 40 + 30; b: 10 + 30.
    expect(maxRunSeconds(PLAN, { ...base, retry: { ...base.retry, policy: 'none' } })).toBe(110);
    // fixed backoff is not capped: base 100 > cap 60 gives 100. a: 3 x 170; b: 3 x 140.
    expect(maxRunSeconds(PLAN, { ...base, retry: { ...base.retry, policy: 'fixed', baseS: 100 } })).toBe(930);
  });

  it('refuses a run whose worst case passes 9999-12-31T23:59:59.999Z from its epoch, and only then', () => {
    const options = { ...DEFAULT_OPTIONS, durationNoise: 0 };
    const maxS = maxRunSeconds(PLAN, options);
    expect(horizonProblem(PLAN, options, MAX_EPOCH_MS)).toBeNull();
    expect(horizonProblem(PLAN, options, LAST_ARTIFACT_MS - maxS * 1000)).toBeNull();
    expect(horizonProblem(PLAN, options, LAST_ARTIFACT_MS - maxS * 1000 + 1)).toMatch(
      /^the run could last up to 1\.16e\+3 s of simulated time .* only 1\.16e\+3 s remain before 9999-12-31T23:59:59\.999Z, the last time an artifact can hold; use an earlier --epoch/,
    );
  });

  it('holds for real runs: the last simulated time never passes epoch + bound (noise up to 2, retries, seeds 1..12)', async () => {
    const input = path.join(tmp, 'in');
    for (const [agent, times] of [['agent_0', [1, 30, 300]], ['agent_1', [2, 60, 0.5]]] as const) {
      const dir = path.join(input, 'wave_1', agent);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'predicted_tasks.jsonl'), times.map((t, i) => `${JSON.stringify({ task_id: `t${i}`, agent_id: agent, predicted_success_probability: 0.3, predicted_execution_time: t })}\n`).join(''));
    }
    const plan = (await loadInput({ input, agentsFile: null, waves: null, onInvalid: 'fail' })).plan;
    for (let seed = 1; seed <= 12; seed++) {
      const durationNoise = (seed % 5) / 2;
      const options: RunOptions = { ...DEFAULT_OPTIONS, input, seed, durationNoise, gates: { ...DEFAULT_OPTIONS.gates, minProbability: 0, allowHighRisk: true }, out: path.join(tmp, 'out'), reportDir: path.join(tmp, 'rep') };
      await runPhase21(options, { clock: { now: () => new Date(0) }, progress: SILENT_PROGRESS, version: 'test' });
      const summary = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'phase21_execution_summary.json'), 'utf8')) as { epoch: string; end_time: string };
      const spanS = (Date.parse(summary.end_time) - Date.parse(summary.epoch)) / 1000;
      expect(spanS, `seed ${seed}`).toBeGreaterThan(0);
      expect(spanS, `seed ${seed}`).toBeLessThanOrEqual(maxRunSeconds(plan, options));
    }
  });
});

describe('epoch range', () => {
  it('accepts 1970-01-01T00:00:00.000Z .. 8999-12-31T23:59:59.999Z and names the range otherwise', () => {
    expect(new Date(MIN_EPOCH_MS).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new Date(MAX_EPOCH_MS).toISOString()).toBe('8999-12-31T23:59:59.999Z');
    expect(new Date(LAST_ARTIFACT_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(epochRangeProblem(MIN_EPOCH_MS)).toBeNull();
    expect(epochRangeProblem(MAX_EPOCH_MS)).toBeNull();
    const problem = 'must be an instant in the years 1970 to 8999 (1970-01-01T00:00:00.000Z to 8999-12-31T23:59:59.999Z)';
    for (const bad of [MIN_EPOCH_MS - 1, MAX_EPOCH_MS + 1, Number.NaN, Number.POSITIVE_INFINITY]) expect(epochRangeProblem(bad)).toBe(problem);
  });

  it('never prints a 5-digit year: past 9999-12-31T23:59:59.999Z the calendar throws (a bug, since runs are checked first)', () => {
    const calendar = new SimulatedCalendar(LAST_ARTIFACT_MS - 1000);
    expect(calendar.iso(1)).toBe('9999-12-31T23:59:59.999Z');
    expect(() => calendar.iso(1.002)).toThrow(RangeError);
    expect(() => calendar.iso(Number.NaN)).toThrow(RangeError);
  });
});
