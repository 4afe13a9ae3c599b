/**
 * Pure builders of the run-level documents: the execution summary, the system-health file and
 * the manifest (src/schema/summaries.ts).
 */
import type { InputFileInfo } from '../io/load.ts';
import { SCHEMA_VERSION, type RunOptions, type StrategyName } from '../options.ts';
import { ANOMALY_TYPES, type Anomaly, type Health, type RunMetrics, type WaveMetrics } from '../schema/measures.ts';
import { SIGNAL_TYPES, type Signal } from '../schema/signals.ts';
import type { ExecutionSummary, Manifest, SystemHealth, WaveHeadline } from '../schema/summaries.ts';
import type { WaveExecution } from '../simulate/types.ts';
import type { SimulatedCalendar } from '../util/time.ts';

/** A finished wave's figures, as the summaries need them. */
export interface WaveResult {
  readonly execution: Pick<WaveExecution, 'wave' | 'startS' | 'endS'>;
  readonly metrics: WaveMetrics;
  readonly health: Health;
  readonly anomalies: readonly Anomaly[];
}

/** Everything the run-level summaries are built from. */
export interface RunResults {
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly agents: readonly string[];
  readonly waves: readonly WaveResult[];
  readonly metrics: RunMetrics;
  readonly health: Health;
  readonly anomalies: readonly Anomaly[];
  readonly signals: readonly Signal[];
  readonly rejectedLines: number;
}

/** How often each of `keys` occurs in `values`; every key present, in `keys` order. */
function tally<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const value of values) counts[value]++;
  return counts;
}

/** `phase21_execution_summary.json`. */
export function buildExecutionSummary(results: RunResults, calendar: SimulatedCalendar): ExecutionSummary {
  const first = results.waves[0]?.execution;
  const last = results.waves.at(-1)?.execution;
  const m = results.metrics;
  const waves: WaveHeadline[] = results.waves.map(({ execution, metrics, health, anomalies }) => ({
    wave: execution.wave,
    tasks: metrics.tasks,
    succeeded: metrics.succeeded,
    failed: metrics.failed,
    blocked: metrics.blocked,
    success_rate: metrics.success_rate,
    health_score: health.score,
    health_grade: health.grade,
    makespan_s: metrics.makespan_s,
    start_time: calendar.iso(execution.startS),
    end_time: calendar.iso(execution.endS),
    anomalies: anomalies.length,
  }));
  return {
    schema_version: SCHEMA_VERSION,
    status: 'completed',
    strategy: results.strategy,
    seed: results.seed,
    epoch: calendar.epoch,
    start_time: calendar.iso(first?.startS ?? 0),
    end_time: calendar.iso(last?.endS ?? 0),
    makespan_s: m.makespan_s,
    agent_ids: [...results.agents],
    totals: {
      waves: results.waves.length,
      tasks: m.tasks,
      succeeded: m.succeeded,
      failed: m.failed,
      blocked: m.blocked,
      attempts: m.attempts,
      retries: m.retries,
      reroutes: m.reroutes,
      steals: m.steals,
      circuit_openings: m.circuit_openings,
      rejected_lines: results.rejectedLines,
    },
    success_rate: m.success_rate,
    health_score: results.health.score,
    health_grade: results.health.grade,
    waves,
    anomalies_by_type: tally(ANOMALY_TYPES, results.anomalies.map((a) => a.type)),
    signals_by_type: tally(SIGNAL_TYPES, results.signals.map((s) => s.signal_type)),
  };
}

/** `phase21_system_health.json`. */
export function buildSystemHealth(results: RunResults): SystemHealth {
  return {
    schema_version: SCHEMA_VERSION,
    run: { health: results.health, metrics: results.metrics },
    waves: results.waves.map(({ execution, health, metrics }) => ({ wave: execution.wave, health, metrics })),
    trend: results.waves.map(({ execution, health }) => ({ wave: execution.wave, health_score: health.score, health_grade: health.grade })),
  };
}

/** What the manifest records beyond the options. */
export interface ManifestFacts {
  readonly status: Manifest['status'];
  readonly version: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly node: string;
  readonly backend: string;
  readonly epoch: string;
  readonly layout: Manifest['layout'];
  readonly inputs: readonly InputFileInfo[];
  readonly rejectedLines: number;
  readonly waves: readonly number[];
  readonly artifacts: readonly string[];
}

/** `run.json`: options, inputs with sha256, versions, wall-clock start/end, status. */
export function buildManifest(options: RunOptions, facts: ManifestFacts): Manifest {
  return {
    schema_version: SCHEMA_VERSION,
    tool: 'phase21-harness',
    version: facts.version,
    status: facts.status,
    started_at: facts.startedAt.toISOString(),
    finished_at: facts.finishedAt === null ? null : facts.finishedAt.toISOString(),
    node: facts.node,
    backend: facts.backend,
    seed: options.seed,
    epoch: facts.epoch,
    layout: facts.layout,
    options: { ...options },
    inputs: facts.inputs.map((f) => ({
      path: f.path,
      kind: f.kind,
      sha256: f.sha256,
      lines: f.lines,
      accepted_rows: f.acceptedRows,
      rejected_rows: f.rejectedRows,
    })),
    rejected_lines: facts.rejectedLines,
    waves: [...facts.waves],
    artifacts: [...facts.artifacts],
  };
}
