/**
 * Replay of real outcomes (contract section 11): 24 coding agents on the 500 SWE-bench Verified
 * tasks, from `../shared/fixtures/swebench-verified/leaderboards.json` (CC BY-NC 4.0: read in
 * place; the Phase 20 tree and the outcomes file built from it live in a temporary folder and are
 * removed after the test, never written into the repository).
 *
 * The input: 1 wave, the 500 instance ids as tasks, the bash-only systems with all 500
 * per-instance results as agents (Claude 3.7 Sonnet left out: its per-instance count disagrees
 * with its claimed rate, see the fixture's README), p(t, a) = the system's overall resolved rate,
 * a fixed predicted time. The outcomes file holds every (task, system) `resolved` flag.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outArgs, PROJECT_ROOT, readJson, readJsonl, readRunFiles, removeTempDirs, runCli, runDirs, tempDir, writeJsonl, writeTreeInput } from '../e2e/helpers.ts';
import type { PredictionRow, RunDirs } from '../e2e/helpers.ts';

const FIXTURE = path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'swebench-verified', 'leaderboards.json');
const present = existsSync(FIXTURE);
if (!present) console.warn(`skipping the SWE-bench replay test: ${FIXTURE} is absent`);

/** The system whose per-instance count (51 resolved) disagrees with its claimed 52.8%. */
const LEFT_OUT = 'Claude 3.7 Sonnet (20250219)';
const PREDICTED_TIME_S = 600;

interface Entry {
  readonly name: string;
  readonly resolved: number;
  readonly per_instance_details?: Readonly<Record<string, { readonly resolved: boolean; readonly api_calls: number }>>;
}

interface Agent {
  readonly agentId: string;
  readonly name: string;
  /** The claimed overall resolved rate, in [0, 1]: Phase 20's p for every task. */
  readonly p: number;
  readonly resolved: ReadonlyMap<string, boolean>;
}

function readAgents(): { agents: Agent[]; tasks: string[] } {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { leaderboards: { name: string; results: Entry[] }[] };
  const entries = doc.leaderboards.find((l) => l.name === 'bash-only')?.results ?? [];
  const full = entries.filter((e) => Object.keys(e.per_instance_details ?? {}).length === 500 && e.name !== LEFT_OUT);
  const agents = full.map((e, i) => ({
    agentId: `agent_${String(i).padStart(2, '0')}`,
    name: e.name,
    p: e.resolved / 100,
    resolved: new Map(Object.entries(e.per_instance_details ?? {}).map(([id, d]) => [id, d.resolved])),
  }));
  const tasks = [...(agents[0]?.resolved.keys() ?? [])].sort();
  return { agents, tasks };
}

/** ECE over 10 uniform bins with scikit-learn's binning: [0, 0.1], (0.1, 0.2], ..., (0.9, 1]; empty bins left out. */
function ece(pairs: readonly (readonly [number, boolean])[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  for (const [p, y] of pairs) {
    const bin = bins[Math.max(0, Math.ceil(p * 10) - 1)];
    if (bin === undefined) throw new Error(`p ${p} out of range`);
    bin.n++;
    bin.p += p;
    bin.y += y ? 1 : 0;
  }
  return bins.reduce((sum, b) => (b.n === 0 ? sum : sum + (b.n / pairs.length) * Math.abs(b.p / b.n - b.y / b.n)), 0);
}

describe.skipIf(!present)('replay of real SWE-bench Verified outcomes (24 agents x 500 tasks)', () => {
  let agents: Agent[] = [];
  let tasks: string[] = [];
  let input = '';
  let outcomes = '';
  let dirs: RunDirs;
  const args = (): string[] => ['--input', input, '--world', 'replay', '--outcomes', outcomes, '--seed', '3', '--min-probability', '0', '--allow-high-risk', '--quiet'];

  beforeAll(async () => {
    ({ agents, tasks } = readAgents());
    const root = tempDir('p21-swebench-');
    input = path.join(root, 'phase20');
    outcomes = path.join(root, 'outcomes.jsonl');
    const rows: PredictionRow[] = [];
    const recorded: unknown[] = [];
    for (const agent of agents) {
      for (const taskId of tasks) {
        rows.push({ wave: 1, task_id: taskId, agent_id: agent.agentId, predicted_success_probability: agent.p, predicted_execution_time: PREDICTED_TIME_S });
        recorded.push({ wave: 1, task_id: taskId, agent_id: agent.agentId, success: agent.resolved.get(taskId), duration_s: PREDICTED_TIME_S });
      }
    }
    writeTreeInput(input, rows);
    writeJsonl(outcomes, recorded);
    dirs = runDirs('p21-swebench-');
    const run = await runCli([...args(), ...outArgs(dirs)]);
    expect(run, run.stderr).toMatchObject({ code: 0, stderr: '' });
  });
  afterAll(removeTempDirs);

  it('uses the fixture as the README describes it: 24 systems, 500 tasks', () => {
    expect(agents).toHaveLength(24);
    expect(tasks).toHaveLength(500);
    expect(agents.map((a) => a.name)).not.toContain(LEFT_OUT);
  });

  it("every first attempt's outcome equals the recorded one for its (task, agent)", () => {
    const rows = readJsonl(dirs.out, 'task_outcomes.jsonl');
    expect(rows).toHaveLength(500);
    const byId = new Map(agents.map((a) => [a.agentId, a]));
    for (const row of rows) {
      const agent = byId.get(String(row.first_agent_id));
      expect(agent, String(row.task_id)).toBeDefined();
      expect(row.first_attempt_success).toBe(agent?.resolved.get(String(row.task_id)));
    }
    const summary = readJson(dirs.out, 'phase21_execution_summary.json') as { totals: { attempts: number; attempts_by_source: Record<string, number> } };
    // Every (task, agent) has a row for attempt 0 only: retries are drawn.
    expect(summary.totals.attempts_by_source.recorded).toBe(500);
    expect(summary.totals.attempts_by_source.simulated).toBe(summary.totals.attempts - 500);
  });

  it("the run's Brier score and ECE equal an independent computation on the same (p, first-attempt outcome) pairs", () => {
    const byId = new Map(agents.map((a) => [a.agentId, a]));
    const pairs = readJsonl(dirs.out, 'task_outcomes.jsonl').map((row): [number, boolean] => {
      const agent = byId.get(String(row.first_agent_id));
      if (agent === undefined) throw new Error('no agent');
      return [agent.p, agent.resolved.get(String(row.task_id)) === true];
    });
    const brier = pairs.reduce((s, [p, y]) => s + (p - (y ? 1 : 0)) ** 2, 0) / pairs.length;
    const metrics = (readJson(dirs.out, 'phase21_system_health.json') as { run: { metrics: { brier: number; ece: number } } }).run.metrics;
    expect(metrics.brier).toBeCloseTo(brier, 5);
    expect(metrics.ece).toBeCloseTo(ece(pairs), 5);
  });

  it('writes the same bytes twice', async () => {
    const again = runDirs('p21-swebench-');
    const run = await runCli([...args(), ...outArgs(again)]);
    expect(run.code, run.stderr).toBe(0);
    expect(readRunFiles(again)).toEqual(readRunFiles(dirs));
  });

  it('a bad outcomes line is exit 2 at its file:line, nothing written', async () => {
    const lines = readFileSync(outcomes, 'utf8').split('\n');
    lines[136] = (lines[136] ?? '').replace(/"success":(true|false)/, '"success":"resolved"');
    const bad = path.join(path.dirname(outcomes), 'bad.jsonl');
    writeFileSync(bad, lines.join('\n'));
    const failed = runDirs('p21-swebench-');
    const run = await runCli([...args().map((a) => (a === outcomes ? bad : a)), ...outArgs(failed)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:137: success: `);
    expect(existsSync(failed.out)).toBe(false);
  });
});
