/**
 * Pure builders of the run-level documents: the execution summary, the system-health file and
 * the manifest (src/schema/summaries.ts).
 */
import type { InputFileInfo } from '../io/load.ts';
import { SCHEMA_VERSION, type RunOptions, type StrategyName, type WorldName } from '../options.ts';
import { ATTEMPT_SOURCES, type AttemptSourceCounts } from '../ports.ts';
import { ANOMALY_TYPES, type Anomaly, type Health, type RunMetrics, type WaveMetrics } from '../schema/measures.ts';
import { SIGNAL_TYPES, type Signal } from '../schema/signals.ts';
import type { ExecutionSummary, Manifest, ManifestOptions, ResumeRecord, SystemHealth, WaveHeadline } from '../schema/summaries.ts';
import type { WaveExecution } from '../simulate/types.ts';
import type { SimulatedCalendar } from '../util/time.ts';

/** A finished wave's figures, as the summaries need them. */
export interface WaveResult {
  readonly execution: Pick<WaveExecution, 'wave' | 'startS' | 'endS'>;
  readonly metrics: WaveMetrics;
  readonly health: Health;
  readonly anomalies: readonly Anomaly[];
  /** The wave's attempts by where their outcome came from (contract section 11). */
  readonly sources: AttemptSourceCounts;
}

/** Everything the run-level summaries are built from. */
export interface RunResults {
  readonly strategy: StrategyName;
  /** Where attempts ran (contract section 11). */
  readonly world: WorldName;
  readonly seed: number;
  readonly agents: readonly string[];
  readonly waves: readonly WaveResult[];
  readonly metrics: RunMetrics;
  readonly health: Health;
  readonly anomalies: readonly Anomaly[];
  readonly signals: readonly Signal[];
  readonly rejectedLines: number;
  /** `completed`, or `aborted` when `--abort-on-failure-rate` stopped the run after its last wave here. */
  readonly status: 'completed' | 'aborted';
  /** Why the run was aborted; null when completed. */
  readonly reason: string | null;
}

/** How often each of `keys` occurs in `values`; every key present, in `keys` order. */
function tally<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const value of values) counts[value]++;
  return counts;
}

/** The sum of `counts` per source; every source present, in {@link ATTEMPT_SOURCES} order. */
export function sumSources(counts: readonly AttemptSourceCounts[]): AttemptSourceCounts {
  const sum = Object.fromEntries(ATTEMPT_SOURCES.map((s) => [s, 0])) as Record<keyof AttemptSourceCounts, number>;
  for (const c of counts) for (const s of ATTEMPT_SOURCES) sum[s] += c[s];
  return sum;
}

/** `phase21_execution_summary.json`. */
export function buildExecutionSummary(results: RunResults, calendar: SimulatedCalendar): ExecutionSummary {
  const first = results.waves[0]?.execution;
  const last = results.waves.at(-1)?.execution;
  const m = results.metrics;
  const waves: WaveHeadline[] = results.waves.map(({ execution, metrics, health, anomalies, sources }) => ({
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
    attempts_by_source: { ...sumSources([sources]) },
  }));
  return {
    schema_version: SCHEMA_VERSION,
    status: results.status,
    reason: results.reason,
    strategy: results.strategy,
    seed: results.seed,
    world: results.world,
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
      attempts_by_source: { ...sumSources(results.waves.map((w) => w.sources)) },
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
  readonly reason: string | null;
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
  readonly wavesFinished: number;
  readonly report: string;
  readonly artifacts: readonly string[];
  readonly resumes: readonly ResumeRecord[];
}

/**
 * Every option of the run under its long command-line name in snake_case (the `--config`
 * keys of contract section 12), units as the options take them.
 */
export function manifestOptions(o: RunOptions): ManifestOptions {
  return {
    input: o.input,
    out: o.out,
    report_dir: o.reportDir,
    agents_file: o.agentsFile,
    on_invalid: o.onInvalid,
    waves: o.waves,
    strategy: o.strategy,
    seed: o.seed,
    duration_noise: o.durationNoise,
    world: o.world,
    outcomes: o.outcomes,
    epoch: o.epoch,
    retry: o.retry.policy,
    jitter: o.retry.jitter,
    max_attempts: o.retry.maxAttempts,
    backoff_base: o.retry.baseS,
    backoff_cap: o.retry.capS,
    breaker: o.breaker.policy,
    breaker_window: o.breaker.window,
    breaker_min_attempts: o.breaker.minAttempts,
    breaker_failure_rate: o.breaker.failureRate,
    breaker_threshold: o.breaker.threshold,
    breaker_cooldown: o.breaker.cooldownS,
    min_probability: o.gates.minProbability,
    high_risk_floor: o.gates.highRiskFloor,
    allow_high_risk: o.gates.allowHighRisk,
    wave_deadline: o.gates.waveDeadlineS,
    steal: o.steal,
    dry_run: o.dryRun,
    abort_on_failure_rate: o.abortOnFailureRate,
    time_scale: o.timeScale,
    subprocess: {
      command: o.subprocess.command === null ? null : [...o.subprocess.command],
      timeout_s: o.subprocess.timeoutS,
      kill_grace_s: o.subprocess.killGraceS,
      max_output_bytes: o.subprocess.maxOutputBytes,
      env_names: Object.keys(o.subprocess.env).sort(),
    },
    min_health: o.minHealth,
    resume: o.resume,
    quiet: o.quiet,
    json: o.json,
    debug: o.debug,
  };
}

/**
 * Options that cannot change a byte of any artifact, so `--resume` may differ in them: where
 * the output folder is named from (it is the same folder), console output, and the exit-code
 * threshold. Every other option must equal the interrupted run's.
 */
export const RESUME_EXEMPT_OPTIONS: readonly (keyof ManifestOptions)[] = ['out', 'quiet', 'json', 'debug', 'resume', 'min_health'];

/** `run.json`: options, inputs with sha256, versions, wall-clock start/end, status. */
export function buildManifest(options: RunOptions, facts: ManifestFacts): Manifest {
  return {
    schema_version: SCHEMA_VERSION,
    tool: 'phase21-harness',
    version: facts.version,
    status: facts.status,
    reason: facts.reason,
    started_at: facts.startedAt.toISOString(),
    finished_at: facts.finishedAt === null ? null : facts.finishedAt.toISOString(),
    node: facts.node,
    backend: facts.backend,
    seed: options.seed,
    epoch: facts.epoch,
    layout: facts.layout,
    options: manifestOptions(options),
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
    waves_finished: facts.wavesFinished,
    report: facts.report,
    artifacts: [...facts.artifacts],
    resumes: [...facts.resumes],
  };
}
