/**
 * The whole run, stage by stage (docs/architecture.md):
 *
 *   load (io, schema) -> plan -> per wave: assign -> simulate -> measure -> write
 *   -> signals -> summaries -> report
 *
 * I/O happens at the ends: reading the input (all of it validated before anything is
 * written), and writing artifacts. The middle is pure functions and the simulated engine, whose
 * time and randomness are injected.
 */
import path from 'node:path';
import { getStrategy, UnknownStrategyError } from './assign/registry.ts';
import { initialStrategyState, recordWave } from './assign/state.ts';
import type { Strategy, StrategyState } from './assign/types.ts';
import { formatDiagnostic, UsageError } from './errors.ts';
import { writeText } from './io/jsonl-writer.ts';
import { errorAt, inputError } from './io/diagnostics.ts';
import { loadInput, type LoadResult } from './io/load.ts';
import { checkOutputDir, resetOutputDir } from './io/output-dir.ts';
import { detectAnomalies } from './measure/anomalies.ts';
import { healthOf } from './measure/health.ts';
import { computeRunMetrics, computeWaveMetrics } from './measure/metrics.ts';
import { FALLBACK_EPOCH, type RunOptions } from './options.ts';
import type { AgentProfile, RunPlan } from './plan/model.ts';
import type { ProgressSink, WallClock } from './ports.ts';
import { ARTIFACT, ArtifactWriter } from './report/artifacts.ts';
import { renderRunReport } from './report/markdown.ts';
import { planWaves } from './report/plan.ts';
import { renderPlanReport } from './report/plan-markdown.ts';
import { buildExecutionSummary, buildManifest, buildSystemHealth, type RunResults, type WaveResult } from './report/summaries.ts';
import type { HealthGrade } from './schema/measures.ts';
import { buildSignals } from './signals/index.ts';
import { Simulation } from './simulate/engine.ts';
import { horizonProblem } from './simulate/horizon.ts';
import { SimulatedExecutor } from './simulate/executor.ts';
import { createKeyedRandom } from './simulate/rng.ts';
import { VirtualScheduler } from './simulate/scheduler.ts';
import type { WaveExecution } from './simulate/types.ts';
import { escapeText } from './util/escape.ts';
import { plural } from './util/format.ts';
import { epochRangeProblem, parseInstant, SimulatedCalendar } from './util/time.ts';

export type { HealthGrade } from './schema/measures.ts';

/** File name of the run report inside `--report-dir`. */
export const REPORT_FILE = 'PHASE_21_AUTONOMOUS_EXECUTION.md';
/** File name of the dry-run plan report inside `--report-dir`. */
export const PLAN_REPORT_FILE = 'PHASE_21_EXECUTION_PLAN.md';

/** What a finished command reports to the CLI for its closing line and `--json`. */
export interface RunResult {
  /**
   * `completed` for a full run, `planned` for `--dry-run`, `aborted` when
   * `--abort-on-failure-rate` stopped it, `canceled` when {@link RunEnvironment.signal} fired
   * (contract section 12).
   */
  readonly status: 'completed' | 'planned' | 'aborted' | 'canceled';
  readonly waves: number;
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Tasks refused by a gate (in a dry run: first attempts the gates would refuse). */
  readonly blocked: number;
  /** Lines left out and written to rejected.jsonl (quarantine mode). */
  readonly rejectedLines: number;
  /** succeeded / tasks over the run; null for a dry run. */
  readonly successRate: number | null;
  /** Run health in [0, 100]; null for a dry run. */
  readonly health: number | null;
  readonly grade: HealthGrade | null;
  /** The output folder and the report file, as given/derived from the options. */
  readonly outDir: string;
  readonly reportPath: string;
}

/** Injected effects of a run. */
export interface RunEnvironment {
  readonly clock: WallClock;
  readonly progress: ProgressSink;
  /** Version string recorded in run.json (the package version). */
  readonly version: string;
  /**
   * Cancels the run (SIGINT or SIGTERM in the CLI): the run stops after the checkpoint of the
   * last finished wave and resolves with status `canceled`. Optional; tests omit it.
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs Phase 21 end to end: loads and validates the input, then (unless `--dry-run`) simulates
 * every wave and writes every artifact of contract section 8 and the report.
 *
 * @throws InputError when the input is invalid: nothing is written
 * @throws UsageError for an unknown strategy or an output folder that is not safe to replace
 */
export async function runPhase21(options: RunOptions, env: RunEnvironment): Promise<RunResult> {
  const startedAt = env.clock.now();
  const strategy = strategyOf(options.strategy);
  checkOutputDir(options.out);
  env.progress.stage('load', `reading ${escapeText(options.input)}`);
  const loaded = await loadInput({
    input: options.input,
    agentsFile: options.agentsFile,
    waves: options.waves,
    onInvalid: options.onInvalid,
    onProgress: (readBytes, totalBytes, lines) => {
      env.progress.loadProgress(readBytes, totalBytes, lines);
    },
  });
  for (const warning of loaded.warnings) env.progress.warn(formatDiagnostic(warning));
  env.progress.stage('plan', describePlan(loaded));
  const calendar = new SimulatedCalendar(resolveEpochMs(options.epoch, loaded.plan.latestTimestamp));
  const beyond = horizonProblem(loaded.plan, options, calendar.epochMs);
  if (beyond !== null) throw inputError([errorAt(options.input, null, '(simulated time)', beyond)]);
  resetOutputDir(options.out);
  const context: RunContext = { options, env, loaded, strategy, calendar, startedAt };
  return options.dryRun ? planOnly(context) : execute(context);
}

interface RunContext {
  readonly options: RunOptions;
  readonly env: RunEnvironment;
  readonly loaded: LoadResult;
  readonly strategy: Strategy;
  readonly calendar: SimulatedCalendar;
  readonly startedAt: Date;
}

/** `3 waves, 600 tasks, 4 agents (2400 prediction rows, 2 lines rejected, 1 path not read)`. */
function describePlan(loaded: LoadResult): string {
  const { plan } = loaded;
  const tasks = plan.waves.reduce((n, w) => n + w.tasks.length, 0);
  const rows = loaded.files.filter((f) => f.kind === 'predicted_tasks').reduce((n, f) => n + f.acceptedRows, 0);
  const rejected = loaded.rejected.length === 0 ? '' : `, ${plural(loaded.rejected.length, 'line')} rejected`;
  const skipped = loaded.skippedPaths.length === 0 ? '' : `, ${plural(loaded.skippedPaths.length, 'path')} not read`;
  return `${plural(plan.waves.length, 'wave')}, ${plural(tasks, 'task')}, ${plural(plan.agents.length, 'agent')} (${plural(rows, 'prediction row')}${rejected}${skipped})`;
}

/** @throws UsageError naming the known strategies */
function strategyOf(name: string): Strategy {
  try {
    return getStrategy(name);
  } catch (error: unknown) {
    if (error instanceof UnknownStrategyError) throw new UsageError(`--strategy: ${error.message}`);
    throw error;
  }
}

/** `--epoch`, else the latest input timestamp, else 2000-01-01 (contract section 8). */
function resolveEpochMs(epoch: string | null, latestTimestamp: string | null): number {
  const text = epoch ?? latestTimestamp ?? FALLBACK_EPOCH;
  const ms = parseInstant(text);
  if (ms === null) throw new UsageError(`--epoch: not an ISO-8601 instant: ${text}`);
  const outside = epochRangeProblem(ms);
  if (outside !== null) throw new UsageError(`--epoch: ${outside}, got ${text}`);
  return ms;
}

async function execute(ctx: RunContext): Promise<RunResult> {
  const { options, env, loaded, strategy, calendar } = ctx;
  const { plan } = loaded;
  const writer = new ArtifactWriter(options.out, plan.agents, strategy.name, calendar);
  writeManifest(ctx, writer, 'running', null);

  const scheduler = new VirtualScheduler();
  const rng = createKeyedRandom(options.seed);
  const executor = new SimulatedExecutor(rng, { durationNoise: options.durationNoise }, scheduler);
  const simulation = new Simulation({ ...options, agents: plan.agents, rng, scheduler, executor });
  let state: StrategyState = initialStrategyState(plan.agents);
  const executions: WaveExecution[] = [];
  const waves: WaveResult[] = [];

  for (const [index, wave] of plan.waves.entries()) {
    env.progress.waveStarted(wave.wave, index + 1, plan.waves.length, wave.tasks.length);
    const assignment = strategy.assignWave(wave, plan.agents, state);
    const result = await simulation.runWave({
      wave,
      assignment,
      strategy,
      onProgress: (done, total) => {
        env.progress.waveProgress(done, total);
      },
    });
    const { execution } = result;
    state = recordWave(result.strategyState, execution);
    const metrics = computeWaveMetrics(execution, plan.agents);
    const health = healthOf(metrics);
    const anomalies = detectAnomalies(metrics);
    writer.writeWave({ plan: wave, assignments: assignment.assignments, execution, metrics, health, anomalies });
    // Gate decisions are on disk now; keep only what the run-level measures read.
    executions.push({ ...execution, gateDecisions: [] });
    waves.push({ execution, metrics, health, anomalies });
    env.progress.waveFinished(wave.wave, { successRate: metrics.success_rate ?? 0, health: health.score, makespanS: metrics.makespan_s });
  }
  writer.closeOutcomes();

  env.progress.stage('measure', 'run metrics, signals and report');
  const results = summarise(ctx, plan, executions, waves);
  writer.writeSignalsAndAnomalies(results.signals, results.anomalies);
  if (options.onInvalid === 'quarantine') writer.writeRejected(loaded.rejected);
  const summary = buildExecutionSummary(results, calendar);
  const health = buildSystemHealth(results);
  writer.json(ARTIFACT.summary, summary);
  writer.json(ARTIFACT.health, health);
  const reportPath = path.join(options.reportDir, REPORT_FILE);
  writeText(reportPath, renderRunReport({ summary, health, anomalies: results.anomalies, signals: results.signals }));
  writeManifest(ctx, writer, 'completed', env.clock.now());

  const m = results.metrics;
  return {
    status: 'completed',
    waves: plan.waves.length,
    tasks: m.tasks,
    succeeded: m.succeeded,
    failed: m.failed,
    blocked: m.blocked,
    rejectedLines: loaded.rejected.length,
    successRate: m.success_rate,
    health: results.health.score,
    grade: results.health.grade,
    outDir: options.out,
    reportPath,
  };
}

/** Run-level measures, anomalies and signals from the finished waves. */
function summarise(ctx: RunContext, plan: RunPlan, executions: readonly WaveExecution[], waves: readonly WaveResult[]): RunResults {
  const metrics = computeRunMetrics(executions, plan.agents);
  const signals = buildSignals({ waves: plan.waves, executions, waveMetrics: waves.map((w) => w.metrics), strategy: ctx.strategy.name });
  return {
    strategy: ctx.strategy.name,
    seed: ctx.options.seed,
    agents: plan.agents.map((a: AgentProfile) => a.agentId),
    waves,
    metrics,
    health: healthOf(metrics),
    anomalies: waves.flatMap((w) => w.anomalies),
    signals,
    rejectedLines: ctx.loaded.rejected.length,
  };
}

/** `--dry-run`: assignments, gate decisions for first attempts, a plan report; no execution files. */
function planOnly(ctx: RunContext): RunResult {
  const { options, env, loaded, strategy, calendar } = ctx;
  const { plan } = loaded;
  const writer = new ArtifactWriter(options.out, plan.agents, strategy.name, calendar);
  writeManifest(ctx, writer, 'running', null);
  const planned = planWaves(plan, strategy, options.gates);
  for (const wave of planned) {
    writer.writePlannedWave(wave.plan, wave.assignments);
    writer.writeGateDecisions(wave.plan.wave, wave.decisions, null);
  }
  if (options.onInvalid === 'quarantine') writer.writeRejected(loaded.rejected);
  const reportPath = path.join(options.reportDir, PLAN_REPORT_FILE);
  writeText(
    reportPath,
    renderPlanReport({
      strategy: strategy.name,
      seed: options.seed,
      epoch: calendar.epoch,
      agents: plan.agents.map((a) => a.agentId),
      waves: planned.map((w) => w.summary),
    }),
  );
  writeManifest(ctx, writer, 'planned', env.clock.now());
  const tasks = planned.reduce((n, w) => n + w.plan.tasks.length, 0);
  const blocked = planned.reduce((n, w) => n + w.summary.blocked.length, 0);
  return {
    status: 'planned',
    waves: plan.waves.length,
    tasks,
    succeeded: 0,
    failed: 0,
    blocked,
    rejectedLines: loaded.rejected.length,
    successRate: null,
    health: null,
    grade: null,
    outDir: options.out,
    reportPath,
  };
}

function writeManifest(ctx: RunContext, writer: ArtifactWriter, status: 'running' | 'completed' | 'planned', finishedAt: Date | null): void {
  // The first (running) manifest is already among the files written, so it lists itself.
  const artifacts = status === 'running' ? [] : [...writer.written].sort();
  const manifest = buildManifest(ctx.options, {
    status,
    version: ctx.env.version,
    startedAt: ctx.startedAt,
    finishedAt,
    node: process.version,
    backend: 'simulated',
    epoch: ctx.calendar.epoch,
    layout: ctx.loaded.layout,
    inputs: ctx.loaded.files,
    rejectedLines: ctx.loaded.rejected.length,
    waves: ctx.loaded.plan.waves.map((w) => w.wave),
    artifacts,
  });
  writer.json(ARTIFACT.manifest, manifest);
}
