/**
 * Hand-made Phase 21 output folders for the compare tests: the four files the comparison reads
 * (run.json, phase21_system_health.json, anomalies.jsonl, task_outcomes.jsonl with the columns of
 * contract section 8, `first_agent_id` included), built from a few task rows. The health file's
 * figures are given per test; they are not derived from the rows, so each test states the numbers
 * its expectations rest on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type CliIo } from '../../src/cli/main.ts';

/** One task row as the tests write it (the comparison's columns; the rest get fixed values). */
export interface TaskRow {
  readonly wave: number;
  readonly task_id: string;
  readonly status: 'succeeded' | 'failed' | 'blocked';
  readonly agent_id?: string | null;
  readonly first_agent_id?: string | null;
  readonly attempts?: number;
  readonly first_attempt_success?: boolean | null;
  readonly gate?: string | null;
}

/** A row with the defaults filled: agent_0, one attempt, first attempt as the status says. */
export function row(wave: number, taskId: string, status: TaskRow['status'], over: Partial<TaskRow> = {}): TaskRow {
  const blocked = status === 'blocked';
  return {
    wave,
    task_id: taskId,
    status,
    agent_id: 'agent_0',
    first_agent_id: blocked ? null : 'agent_0',
    attempts: blocked ? 0 : status === 'succeeded' ? 1 : 4,
    first_attempt_success: blocked ? null : status === 'succeeded',
    gate: blocked ? 'min_probability' : null,
    ...over,
  };
}

/** The full task_outcomes.jsonl record of a row, in the contract's column order. */
export function outcomeRecord(r: TaskRow): Record<string, unknown> {
  const blocked = r.status === 'blocked';
  return {
    schema_version: '1.0.0',
    wave: r.wave,
    task_id: r.task_id,
    agent_id: r.agent_id ?? null,
    first_agent_id: r.first_agent_id ?? null,
    suggested_agent_id: null,
    status: r.status,
    attempts: r.attempts ?? 0,
    first_attempt_success: r.first_attempt_success ?? null,
    predicted_success_probability: 0.8,
    predicted_execution_time_s: 30,
    duration_s: blocked ? null : 31.5,
    first_attempt_duration_s: blocked ? null : 31.5,
    waiting_s: 0,
    start_time: blocked ? null : '2026-01-01T00:00:00.000Z',
    end_time: blocked ? null : '2026-01-01T00:00:31.500Z',
    gate: r.gate ?? null,
    reroutes: 0,
  };
}

/** One anomaly line. */
export interface AnomalyRow {
  readonly wave: number;
  readonly type: 'agent_failure' | 'coordination_issue' | 'prediction_drift' | 'load_imbalance';
  readonly subject: string;
}

const SEVERITY = { agent_failure: 'HIGH', coordination_issue: 'MEDIUM', prediction_drift: 'MEDIUM', load_imbalance: 'LOW' } as const;

/** What a hand-made run folder holds. */
export interface RunSpec {
  readonly rows: readonly TaskRow[];
  /** run.json status; default completed. */
  readonly status?: string;
  readonly seed?: number;
  readonly version?: string;
  /** run.json options; default a small camelCase set as today's harness writes. */
  readonly options?: Record<string, unknown>;
  /** run.json inputs: [path, kind, sha256]. */
  readonly inputs?: readonly (readonly [string, string, string])[];
  /** Run health score; default 80. */
  readonly health?: number;
  /** Run success rate in the health file; default succeeded / tasks of `rows`. */
  readonly successRate?: number | null;
  /** Extra run metrics (after success_rate), e.g. { makespan_s: 100 }. */
  readonly metrics?: Record<string, unknown>;
  /** Per-wave health scores, by wave; default the run's. */
  readonly waveHealth?: Readonly<Record<number, number>>;
  /** Per-agent metrics over the run, by agent id. */
  readonly agents?: Readonly<Record<string, Record<string, unknown>>>;
  readonly anomalies?: readonly AnomalyRow[];
}

export const SHA = (c: string): string => c.repeat(64).slice(0, 64);

/** The inputs every hand-made run has unless told otherwise. */
export const DEFAULT_INPUTS: readonly (readonly [string, string, string])[] = [
  ['in/wave_1/agent_0/predicted_tasks.jsonl', 'predicted_tasks', SHA('a')],
  ['in/wave_1/agent_1/predicted_tasks.jsonl', 'predicted_tasks', SHA('b')],
];

/** The options every hand-made run has unless told otherwise (today's camelCase keys). */
export const DEFAULT_RUN_OPTIONS: Record<string, unknown> = {
  input: 'in',
  out: 'out',
  reportDir: 'reports',
  strategy: 'load_balanced',
  retry: { policy: 'exponential', maxAttempts: 4 },
  seed: 21,
  quiet: false,
};

/** Writes the folder `dir` for `spec` and returns `dir`. */
export function writeRun(dir: string, spec: RunSpec): string {
  mkdirSync(dir, { recursive: true });
  const waves = [...new Set(spec.rows.map((r) => r.wave))].sort((x, y) => x - y);
  const seed = spec.seed ?? 21;
  const manifest = {
    schema_version: '1.0.0',
    tool: 'phase21-harness',
    version: spec.version ?? '0.1.0',
    status: spec.status ?? 'completed',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:01.000Z',
    node: 'v20.20.2',
    backend: 'simulated',
    seed,
    epoch: '2026-01-01T00:00:00.000Z',
    layout: 'tree',
    options: spec.options ?? { ...DEFAULT_RUN_OPTIONS, seed },
    inputs: (spec.inputs ?? DEFAULT_INPUTS).map(([p, kind, sha256]) => ({ path: p, kind, sha256, lines: 1, accepted_rows: 1, rejected_rows: 0 })),
    rejected_lines: 0,
    waves,
    artifacts: [],
  };
  writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const succeeded = spec.rows.filter((r) => r.status === 'succeeded').length;
  const rate = spec.successRate !== undefined ? spec.successRate : spec.rows.length === 0 ? null : succeeded / spec.rows.length;
  const perAgent = Object.entries(spec.agents ?? {}).map(([agent_id, m]) => ({ agent_id, ...m }));
  const metrics = (extra: Record<string, unknown>): Record<string, unknown> => ({ tasks: spec.rows.length, success_rate: rate, ...spec.metrics, ...extra, per_agent: perAgent, reliability_bins: [] });
  const health = spec.health ?? 80;
  const healthDoc = {
    schema_version: '1.0.0',
    run: { health: { score: health, grade: 'GOOD' }, metrics: metrics({ waves: waves.length }) },
    waves: waves.map((wave) => ({ wave, health: { score: spec.waveHealth?.[wave] ?? health, grade: 'GOOD' }, metrics: { wave, ...metrics({}) } })),
    trend: [],
  };
  writeFileSync(path.join(dir, 'phase21_system_health.json'), `${JSON.stringify(healthDoc, null, 2)}\n`);
  const anomalies = (spec.anomalies ?? []).map((x) => ({
    schema_version: '1.0.0',
    anomaly_id: `w${x.wave}-${x.type}-${x.subject}`,
    wave: x.wave,
    type: x.type,
    severity: SEVERITY[x.type],
    subject: x.subject,
    message: `${x.type} of ${x.subject} in wave ${x.wave}`,
    evidence: {},
  }));
  writeFileSync(path.join(dir, 'anomalies.jsonl'), anomalies.map((a) => `${JSON.stringify(a)}\n`).join(''));
  writeFileSync(path.join(dir, 'task_outcomes.jsonl'), spec.rows.map((r) => `${JSON.stringify(outcomeRecord(r))}\n`).join(''));
  return dir;
}

/** Collecting fake streams for `main`: not a terminal, empty environment, clock at 0. */
export function captureIo(): { io: CliIo; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) > 0 },
      stderr: { write: (s: string) => err.push(s) > 0 },
      env: {},
      isTTY: false,
      now: () => 0,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** Runs `npm run compare -- ...argv` through the CLI entry (`main(['compare', ...argv])`) on collecting streams. */
export async function runCompareCli(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(['compare', ...argv], io.io, { version: 'test' });
  return { code, out: io.out(), err: io.err() };
}
