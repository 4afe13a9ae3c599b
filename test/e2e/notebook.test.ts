/**
 * What a notebook computes from task_outcomes.jsonl agrees with the report and the health file
 * (README "In a notebook", docs/metrics.md). Each figure is recomputed from the rows the way
 * the README's pandas lines do, on the committed sample data/phase20, and compared with the
 * harness's own figure: exactly where both are the same rounding of the same numbers, and to
 * 1e-5 where the rows carry values already rounded to 6 decimals.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percent } from '../../src/util/format.ts';
import { outArgs, readJson, readJsonl, removeTempDirs, runCli, runDirs, SAMPLE_AGENTS, SAMPLE_INPUT } from './helpers.ts';
import type { RunDirs } from './helpers.ts';

afterAll(removeTempDirs);

/** The columns of task_outcomes.jsonl these tests read. */
interface OutcomeRow {
  readonly wave: number;
  readonly agent_id: string;
  readonly first_agent_id: string | null;
  readonly status: string;
  readonly first_attempt_success: boolean | null;
  readonly predicted_success_probability: number;
  readonly predicted_execution_time_s: number;
  readonly first_attempt_duration_s: number | null;
  readonly waiting_s: number | null;
}

interface AgentFigures {
  readonly agent_id: string;
  readonly first_attempts: number;
  readonly mean_predicted_p: number | null;
  readonly first_attempt_success_rate: number | null;
}

interface Metrics {
  readonly executed: number;
  readonly success_rate: number | null;
  readonly mean_predicted_p: number | null;
  readonly first_attempt_success_rate: number | null;
  readonly brier: number | null;
  readonly waiting_mean_s: number | null;
  readonly duration_mape: number | null;
  readonly per_agent: readonly AgentFigures[];
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The rows a task was attempted in: `df[df.first_agent_id.notna()]`. */
function attempted(rows: readonly OutcomeRow[]): OutcomeRow[] {
  return rows.filter((r) => r.first_agent_id !== null);
}

/** `df.groupby("first_agent_id")[["first_attempt_success", "predicted_success_probability"]].mean()` and the size. */
function byFirstAgent(rows: readonly OutcomeRow[]): Map<string, { n: number; rate: number; p: number }> {
  const groups = new Map<string, OutcomeRow[]>();
  for (const r of attempted(rows)) groups.set(r.first_agent_id ?? '', [...(groups.get(r.first_agent_id ?? '') ?? []), r]);
  return new Map(
    [...groups].map(([agent, g]) => [
      agent,
      { n: g.length, rate: mean(g.map((r) => (r.first_attempt_success === true ? 1 : 0))), p: mean(g.map((r) => r.predicted_success_probability)) },
    ]),
  );
}

/** `((df.first_attempt_duration_s - df.predicted_execution_time_s).abs() / df.predicted_execution_time_s).mean()`. */
function mape(rows: readonly OutcomeRow[]): number {
  return mean(attempted(rows).map((r) => Math.abs((r.first_attempt_duration_s ?? NaN) - r.predicted_execution_time_s) / r.predicted_execution_time_s));
}

/** The cells of the report's Agent Performance table, keyed by agent, by header. */
function agentTable(report: string): Map<string, Record<string, string>> {
  const section = report.slice(report.indexOf('## Agent Performance'), report.indexOf('## Anomalies and Alerts'));
  const lines = section.split('\n').filter((l) => l.startsWith('| '));
  const cells = (line: string): string[] => line.slice(2, -2).split(' | ');
  const [header = '', , ...rows] = lines;
  const names = cells(header);
  return new Map(rows.map((row) => {
    const values = cells(row);
    return [values[0] ?? '', Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']))];
  }));
}

describe('notebook figures from task_outcomes.jsonl agree with the report (data/phase20)', () => {
  let dirs: RunDirs;
  let rows: OutcomeRow[] = [];
  let run: Metrics;
  let waves: Metrics[] = [];
  let report = '';

  beforeAll(async () => {
    dirs = runDirs('p21-notebook-');
    const result = await runCli(['--input', SAMPLE_INPUT, '--agents-file', SAMPLE_AGENTS, ...outArgs(dirs), '--quiet']);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    rows = readJsonl(dirs.out, 'task_outcomes.jsonl') as unknown as OutcomeRow[];
    const health = readJson(dirs.out, 'phase21_system_health.json') as unknown as { run: { metrics: Metrics }; waves: { metrics: Metrics }[] };
    run = health.run.metrics;
    waves = health.waves.map((w) => w.metrics);
    report = readFileSync(path.join(dirs.report, 'PHASE_21_AUTONOMOUS_EXECUTION.md'), 'utf8');
  });

  it('per-agent first-attempt success rate and mean predicted p, grouped by first_agent_id, equal the health file and the report table', () => {
    const fromRows = byFirstAgent(rows);
    const table = agentTable(report);
    expect(run.per_agent.map((a) => a.agent_id)).toEqual(['agent_0', 'agent_1', 'agent_2', 'agent_3']);
    for (const agent of run.per_agent) {
      const mine = fromRows.get(agent.agent_id);
      if (mine === undefined) throw new Error(`${agent.agent_id}: no rows`);
      expect(mine.n, agent.agent_id).toBe(agent.first_attempts);
      // The health file rounds the same ratio of counts to 6 decimals.
      expect(Math.round(mine.rate * 1e6) / 1e6, agent.agent_id).toBe(agent.first_attempt_success_rate);
      expect(mine.p, agent.agent_id).toBeCloseTo(agent.mean_predicted_p ?? NaN, 6);
      const cells = table.get(agent.agent_id);
      expect(cells?.['first-attempt success rate'], agent.agent_id).toBe(percent(mine.rate));
      expect(cells?.['mean predicted p'], agent.agent_id).toBe(percent(mine.p));
    }
    // Grouping by agent_id (the final agent) instead would not agree: tasks moved after their
    // first attempt are credited to the wrong agent.
    const moved = attempted(rows).filter((r) => r.first_agent_id !== r.agent_id);
    expect(moved.length).toBeGreaterThan(0);
    const byFinal = byFirstAgent(rows.map((r) => ({ ...r, first_agent_id: r.first_agent_id === null ? null : r.agent_id })));
    expect(run.per_agent.some((a) => Math.round((byFinal.get(a.agent_id)?.rate ?? 0) * 1e6) / 1e6 !== a.first_attempt_success_rate)).toBe(true);
  });

  it('pooled: success rate, first-attempt success rate, mean predicted p and Brier score equal the run metrics', () => {
    const tried = attempted(rows);
    expect(tried).toHaveLength(run.executed);
    expect(mean(rows.map((r) => (r.status === 'succeeded' ? 1 : 0)))).toBeCloseTo(run.success_rate ?? NaN, 6);
    expect(mean(tried.map((r) => (r.first_attempt_success === true ? 1 : 0)))).toBeCloseTo(run.first_attempt_success_rate ?? NaN, 6);
    expect(mean(tried.map((r) => r.predicted_success_probability))).toBeCloseTo(run.mean_predicted_p ?? NaN, 6);
    const brier = mean(tried.map((r) => (r.predicted_success_probability - (r.first_attempt_success === true ? 1 : 0)) ** 2));
    expect(brier).toBeCloseTo(run.brier ?? NaN, 6);
  });

  it('duration MAPE from first_attempt_duration_s reproduces the run, wave and report figures', () => {
    expect(mape(rows)).toBeCloseTo(run.duration_mape ?? NaN, 5);
    for (const w of [1, 2, 3]) expect(mape(rows.filter((r) => r.wave === w)), `wave ${w}`).toBeCloseTo(waves[w - 1]?.duration_mape ?? NaN, 5);
    expect(report).toContain(`| Duration MAPE (first attempts) | ${percent(mape(rows))} |`);
    // duration_s (the sum of a task's attempts) would not: retries make it much larger.
    const summed = mean(attempted(rows).map((r) => Math.abs((r as unknown as { duration_s: number }).duration_s - r.predicted_execution_time_s) / r.predicted_execution_time_s));
    expect(summed).toBeGreaterThan((run.duration_mape ?? 0) + 0.05);
  });

  it('mean waiting_s over the rows that have one equals waiting_mean_s', () => {
    expect(mean(rows.flatMap((r) => (r.waiting_s === null ? [] : [r.waiting_s])))).toBeCloseTo(run.waiting_mean_s ?? NaN, 5);
  });

  it('a task never attempted has nulls, never 0 or the epoch; every column keeps one type', () => {
    const all = readJsonl(dirs.out, 'task_outcomes.jsonl');
    const types = new Map<string, Set<string>>();
    for (const row of all) for (const [k, v] of Object.entries(row)) types.set(k, (types.get(k) ?? new Set()).add(v === null ? 'null' : typeof v));
    for (const [column, seen] of types) expect([...seen].filter((t) => t !== 'null').length, column).toBeLessThanOrEqual(1);
    const never = all.filter((r) => r.attempts === 0);
    expect(never.length).toBeGreaterThan(0); // the sample has tasks blocked before any attempt
    for (const row of never) {
      expect([row.first_agent_id, row.first_attempt_success, row.duration_s, row.first_attempt_duration_s, row.waiting_s, row.start_time, row.end_time]).toEqual([
        null, null, null, null, null, null, null,
      ]);
    }
  });
});
