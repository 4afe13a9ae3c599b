/**
 * The world model (CONTRACT.md section 3), the strategies (section 5), the gates and retry
 * (section 4) and dry runs, seen only through the artifacts of small hand-made inputs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  gridPredictions,
  outArgs,
  readJson,
  readJsonl,
  readTree,
  removeTempDirs,
  runCli,
  runDirs,
  tempDir,
  writeAgentsFile,
  writeTreeInput,
} from './helpers.ts';
import type { PredictionRow, ProfileRow, RunDirs } from './helpers.ts';

afterAll(removeTempDirs);

/** Writes `predictions` (and `agents`, when given) to a fresh folder; returns the CLI input arguments. */
function input(predictions: readonly PredictionRow[], agents?: readonly ProfileRow[]): string[] {
  const root = tempDir('p21-behaviour-');
  const dir = path.join(root, 'phase20');
  writeTreeInput(dir, predictions);
  if (agents === undefined) return ['--input', dir];
  const file = path.join(root, 'agents.json');
  writeAgentsFile(file, agents);
  return ['--input', dir, '--agents-file', file];
}

/** Runs the CLI in-process, expects exit 0 and returns the run's folders. */
async function runOk(args: readonly string[]): Promise<RunDirs> {
  const dirs = runDirs();
  const run = await runCli([...args, ...outArgs(dirs), '--quiet']);
  expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
  return dirs;
}

interface HealthDoc {
  readonly score: number;
  readonly grade: string;
  readonly components: { readonly success_rate: number; readonly availability: number; readonly accuracy: number; readonly load_balance: number };
}
interface AgentFigures {
  readonly agent_id: string;
  readonly tasks: number;
  readonly attempts: number;
  readonly attempt_success_rate: number | null;
  readonly first_attempts: number;
  readonly circuit_openings: number;
  readonly steals: number;
}

function runHealth(dirs: RunDirs): { health: HealthDoc; perAgent: AgentFigures[]; reroutes: number } {
  const run = readJson(dirs.out, 'phase21_system_health.json').run as { health: HealthDoc; metrics: { per_agent: AgentFigures[]; reroutes: number } };
  return { health: run.health, perAgent: run.metrics.per_agent, reroutes: run.metrics.reroutes };
}

function anomalyIds(dirs: RunDirs): string[] {
  return readJsonl(dirs.out, 'anomalies.jsonl').map((a) => String(a.anomaly_id));
}

/** Per agent, the task ids of `wave_<w>/agent_<a>/agent_assignments.jsonl`. */
function assignedTasks(dirs: RunDirs, wave: number, agents: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(agents.map((a) => [a, readJsonl(dirs.out, `wave_${wave}/${a}/agent_assignments.jsonl`).map((r) => String(r.task_id))]));
}

function outcomesById(dirs: RunDirs): Map<string, Record<string, unknown>> {
  return new Map(readJsonl(dirs.out, 'task_outcomes.jsonl').map((r) => [String(r.task_id), r]));
}

describe('an unreliable agent (reliability_offset -0.5)', () => {
  // 60 tasks, p = 0.5 on both agents, 20 s each. agent_1 is fast (speed 0.5, so its work per
  // task is 10 s) and unreliable: its true success probability is clamp(0.5 - 0.5, 0.01, 0.99)
  // = 0.01 on every attempt. load_balanced (least work) then gives it two tasks for every one
  // of agent_0's: t1 -> agent_0 (tie), t2, t3 -> agent_1, t4 -> agent_0 (tie at 20), ...
  const predictions = gridPredictions(1, 60, 2, () => 0.5);
  const agents: ProfileRow[] = [{ agent_id: 'agent_0' }, { agent_id: 'agent_1', reliability_offset: -0.5, speed: 0.5 }];

  it('with the breaker out of the way: agent_failure and prediction_drift for agent_1, health FAIR', async () => {
    // --breaker consecutive --breaker-threshold 1000: the default breaker would reroute agent_1's queue after its
    // first five failures, leaving it fewer than the 30 first attempts the drift rule needs.
    const dirs = await runOk([...input(predictions, agents), '--breaker', 'consecutive', '--breaker-threshold', '1000', '--no-steal']);
    const counts = Object.values(assignedTasks(dirs, 1, ['agent_0', 'agent_1'])).map((t) => t.length);
    expect(counts).toEqual([20, 40]);

    const ids = anomalyIds(dirs);
    expect(ids).toContain('w1-agent_failure-agent_1');
    expect(ids).toContain('w1-prediction_drift-agent_1');
    expect(ids).not.toContain('w1-agent_failure-agent_0');
    expect(ids).not.toContain('w1-prediction_drift-agent_0');

    const { health, perAgent } = runHealth(dirs);
    const bad = perAgent.find((a) => a.agent_id === 'agent_1');
    expect(bad?.first_attempts).toBe(40);
    expect(bad?.attempt_success_rate).toBeLessThan(0.05); // q = 0.01
    // Why FAIR (62.47): half the score is lost on agent_1's 40 tasks. Success 0.35 (agent_1
    // succeeds at ~1% per attempt), accuracy 0.70 (first-attempt rate 0.20 against p 0.50),
    // load balance 0.72 (agent_1 retries every task to 4 attempts), availability 1 (no circuit
    // opens): 100 x (0.4 x 0.35 + 0.2 x 1 + 0.2 x 0.70 + 0.2 x 0.72) = 62.5, in [50, 70).
    const c = health.components;
    expect(c.availability).toBe(1);
    expect(c.success_rate).toBeLessThan(0.5);
    expect(c.accuracy).toBeLessThan(0.8);
    expect(health.score).toBeCloseTo(100 * (0.4 * c.success_rate + 0.2 * c.availability + 0.2 * c.accuracy + 0.2 * c.load_balance), 1);
    expect(health.grade).toBe('FAIR');
  });

  it('with the default breaker: its circuit opens, its queue is rerouted, success recovers', async () => {
    const dirs = await runOk([...input(predictions, agents)]);
    const { health, perAgent, reroutes } = runHealth(dirs);
    const bad = perAgent.find((a) => a.agent_id === 'agent_1');
    expect(bad?.circuit_openings).toBeGreaterThanOrEqual(1);
    expect(reroutes).toBeGreaterThan(0);
    expect(anomalyIds(dirs)).toContain('w1-agent_failure-agent_1');
    // The reroutes (counted with blocked tasks) exceed 10% of the wave's tasks.
    expect(anomalyIds(dirs)).toContain('w1-coordination_issue-all');
    // Success recovers (0.80 against 0.35 with the breaker out of the way). Health rises less
    // (65.1 against 62.5): availability counts the time a circuit is not closed, agent_1 is down
    // most of the run (each half-open probe it steals fails), and agent_0, at a true 50% success
    // rate, sits on the sampling breaker's 0.5 failure-rate threshold and opens too.
    expect(health.components.success_rate).toBeGreaterThan(0.7);
    expect(bad?.steals).toBeGreaterThan(0);
    expect(health.score).toBeGreaterThan(62.5);
  });
});

describe('strategies', () => {
  it('round_robin: per-wave counts differ by at most 1, and the rotation continues across waves', async () => {
    // 10 tasks over 3 agents. Wave 1: agent_0, 1, 2, 0, 1, 2, 0, 1, 2, 0 -> 4/3/3. Wave 2
    // continues with agent_1: 1, 2, 0, 1, 2, 0, 1, 2, 0, 1 -> 3/4/3.
    const dirs = await runOk([...input(gridPredictions(2, 10, 3, () => 0.9)), '--strategy', 'round_robin']);
    const agents = ['agent_0', 'agent_1', 'agent_2'];
    const counts = (wave: number): number[] => Object.values(assignedTasks(dirs, wave, agents)).map((t) => t.length);
    expect(counts(1)).toEqual([4, 3, 3]);
    expect(counts(2)).toEqual([3, 4, 3]);
    expect(assignedTasks(dirs, 2, agents).agent_1?.[0]).toBe('t2_1');
  });

  it('confidence: the agent with the best predictions gets the most tasks, up to 1.25 x its fair share', async () => {
    // 10 tasks of 20 s, p 0.6 on agent_0 and 0.9 on agent_1. Fair share 200 s / 2 = 100 s,
    // cap 125 s: agent_1 takes tasks while its work is under 125 s (0, 20, ..., 120): 7 tasks;
    // agent_0 gets the other 3. round_robin on the same input splits 5/5.
    const rows = gridPredictions(1, 10, 2, (_w, _t, a) => (a === 1 ? 0.9 : 0.6));
    const agents = ['agent_0', 'agent_1'];
    const confident = await runOk([...input(rows), '--strategy', 'confidence']);
    const assigned = assignedTasks(confident, 1, agents);
    expect(assigned.agent_1).toEqual(['t1_1', 't1_2', 't1_3', 't1_4', 't1_5', 't1_6', 't1_7']);
    expect(assigned.agent_0).toEqual(['t1_8', 't1_9', 't1_10']);
    const even = await runOk([...input(rows), '--strategy', 'round_robin']);
    expect(Object.values(assignedTasks(even, 1, agents)).map((t) => t.length)).toEqual([5, 5]);
  });
});

describe('safety gates', () => {
  // One agent; t1_1 p 0.05 (min_probability), t1_2 p 0.20 with risk left to the default
  // rule (p < 0.70: HIGH), t1_3 p 0.20 declared MEDIUM, t1_4 p 0.95.
  const rows: PredictionRow[] = [
    { wave: 1, task_id: 't1_1', agent_id: 'agent_0', predicted_success_probability: 0.05 },
    { wave: 1, task_id: 't1_2', agent_id: 'agent_0', predicted_success_probability: 0.2 },
    { wave: 1, task_id: 't1_3', agent_id: 'agent_0', predicted_success_probability: 0.2, risk_assessment: 'MEDIUM' },
    { wave: 1, task_id: 't1_4', agent_id: 'agent_0', predicted_success_probability: 0.95 },
  ];
  const summary = (dirs: RunDirs) => [...outcomesById(dirs)].map(([id, r]) => [id, r.status === 'blocked' ? 'blocked' : 'ran', r.gate, r.attempts === 0]);

  it('p < 0.10 is blocked by min_probability; HIGH risk with p < 0.30 by high_risk', async () => {
    const dirs = await runOk(input(rows));
    expect(summary(dirs)).toEqual([
      ['t1_1', 'blocked', 'min_probability', true],
      ['t1_2', 'blocked', 'high_risk', true],
      ['t1_3', 'ran', null, false],
      ['t1_4', 'ran', null, false],
    ]);
    const refusals = readJsonl(dirs.out, 'wave_1/gate_decisions.jsonl').filter((d) => d.decision === 'refuse');
    expect(refusals.map((d) => [d.task_id, d.gate, d.gate_reason])).toEqual([
      ['t1_1', 'min_probability', 'p=0.05 below min_probability 0.10'],
      ['t1_2', 'high_risk', 'risk HIGH with p=0.20 below high_risk_floor 0.30'],
    ]);
  });

  it('a p just below the threshold prints with the digits that show it is below', async () => {
    const near: PredictionRow[] = [{ wave: 1, task_id: 't1_1', agent_id: 'agent_0', predicted_success_probability: 0.0999 }];
    const dirs = await runOk(input(near));
    const [refusal] = readJsonl(dirs.out, 'wave_1/gate_decisions.jsonl');
    expect(refusal?.gate_reason).toBe('p=0.0999 below min_probability 0.10');
    const custom = await runOk([...input(near), '--min-probability', '0.125']);
    expect(readJsonl(custom.out, 'wave_1/gate_decisions.jsonl')[0]?.gate_reason).toBe('p=0.10 below min_probability 0.125');
  });

  it('--allow-high-risk lets the HIGH-risk task run; min_probability still blocks', async () => {
    const dirs = await runOk([...input(rows), '--allow-high-risk']);
    expect(summary(dirs)).toEqual([
      ['t1_1', 'blocked', 'min_probability', true],
      ['t1_2', 'ran', null, false],
      ['t1_3', 'ran', null, false],
      ['t1_4', 'ran', null, false],
    ]);
  });

  it('--wave-deadline blocks the attempts that would start after the deadline', async () => {
    // One agent, one slot, five 100 s tasks, no noise, one attempt each: starts at 0, 100,
    // 200, 300, 300 (a blocked task takes no time). Deadline 250 s: t1_4 and t1_5 are blocked.
    const tasks = gridPredictions(1, 5, 1, () => 0.95, () => 100);
    const dirs = await runOk([...input(tasks, [{ agent_id: 'agent_0', max_concurrency: 1 }]), '--wave-deadline', '250', '--duration-noise', '0', '--retry', 'none', '--epoch', '2030-01-01T00:00:00Z']);
    const outcomes = outcomesById(dirs);
    // A blocked task never started: its times are null; the refusal's time is in gate_decisions.jsonl.
    expect([...outcomes].map(([id, r]) => [id, r.gate, r.start_time])).toEqual([
      ['t1_1', null, '2030-01-01T00:00:00.000Z'],
      ['t1_2', null, '2030-01-01T00:01:40.000Z'],
      ['t1_3', null, '2030-01-01T00:03:20.000Z'],
      ['t1_4', 'wave_deadline', null],
      ['t1_5', 'wave_deadline', null],
    ]);
    const refusals = readJsonl(dirs.out, 'wave_1/gate_decisions.jsonl').filter((d) => d.decision === 'refuse');
    expect(refusals.map((d) => [d.task_id, d.time, d.gate_reason])).toEqual([
      ['t1_4', '2030-01-01T00:05:00.000Z', 'would start 300.0 s into the wave, after the 250 s deadline'],
      ['t1_5', '2030-01-01T00:05:00.000Z', 'would start 300.0 s into the wave, after the 250 s deadline'],
    ]);
  });
});

describe('retry and dry run', () => {
  it('--retry none gives exactly one attempt per executed task', async () => {
    const dirs = await runOk([...input(gridPredictions(2, 20, 2, () => 0.5)), '--retry', 'none']);
    const rows = readJsonl(dirs.out, 'task_outcomes.jsonl');
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    // p = 0.5 on 40 tasks: some fail, and with retries allowed they would have been retried.
    expect(rows.filter((r) => r.status === 'failed').length).toBeGreaterThan(5);
    expect(readJson(dirs.out, 'phase21_execution_summary.json').totals).toMatchObject({ attempts: 40, retries: 0 });
  });

  /** A dry run of 2 waves x 3 tasks x 2 agents where t<w>_1 has p 0.05. */
  async function dryRun(): Promise<RunDirs> {
    const rows = gridPredictions(2, 3, 2, (_w, t) => (t === 1 ? 0.05 : 0.9));
    const dirs = runDirs();
    const run = await runCli([...input(rows), '--dry-run', ...outArgs(dirs), '--quiet']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return dirs;
  }

  it('--dry-run writes assignments, gate decisions and a plan report, and no executed_tasks.jsonl', async () => {
    const dirs = await dryRun();
    const files = [...readTree(dirs.out).keys()];
    for (const wave of [1, 2]) {
      expect(files).toContain(`wave_${wave}/gate_decisions.jsonl`);
      for (const agent of ['agent_0', 'agent_1']) expect(files).toContain(`wave_${wave}/${agent}/agent_assignments.jsonl`);
    }
    expect(files.filter((f) => /executed_tasks|agent_metrics|wave_summary|signals|anomalies|feedback|phase21_/.test(f))).toEqual([]);
    expect([...readTree(dirs.report).keys()]).toEqual(['PHASE_21_EXECUTION_PLAN.md']);
    expect(existsSync(path.join(dirs.report, 'PHASE_21_AUTONOMOUS_EXECUTION.md'))).toBe(false);
    // First attempts only, with no simulated time; t1_1 (p 0.05) is refused.
    const decisions = readJsonl(dirs.out, 'wave_1/gate_decisions.jsonl');
    expect(decisions).toHaveLength(3);
    expect(decisions.every((d) => d.attempt === 0 && d.time === null)).toBe(true);
    expect(decisions.filter((d) => d.decision === 'refuse').map((d) => [d.task_id, d.gate])).toEqual([['t1_1', 'min_probability']]);
    expect(readJson(dirs.out, 'run.json').status).toBe('planned');
  });

  // Regression: the writer used to open task_outcomes.jsonl eagerly, so a dry run left an empty one.
  it('--dry-run writes no task_outcomes.jsonl (exactly run.json, assignments and gate decisions)', async () => {
    const dirs = await dryRun();
    expect([...readTree(dirs.out).keys()]).toEqual([
      'run.json',
      'wave_1/agent_0/agent_assignments.jsonl',
      'wave_1/agent_1/agent_assignments.jsonl',
      'wave_1/gate_decisions.jsonl',
      'wave_2/agent_0/agent_assignments.jsonl',
      'wave_2/agent_1/agent_assignments.jsonl',
      'wave_2/gate_decisions.jsonl',
    ]);
  });
});
