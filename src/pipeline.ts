/**
 * The whole run, stage by stage (docs/architecture.md):
 *
 *   check outputs, lock -> load (io, schema) -> plan -> per wave: assign -> simulate ->
 *   measure -> write, checkpoint -> signals -> summaries -> report
 *
 * I/O happens at the ends: reading the input (all of it validated before anything is
 * written), and writing artifacts through the atomic layer (src/io/atomic.ts). The middle is
 * pure functions and the simulated engine, whose time and randomness are injected. The wave
 * loop, checkpoints, resume and cancel live in src/run/.
 */
import path from 'node:path';
import { getStrategy, UnknownStrategyError } from './assign/registry.ts';
import type { Strategy } from './assign/types.ts';
import { formatDiagnostic, UsageError } from './errors.ts';
import { errorAt, inputError } from './io/diagnostics.ts';
import { inProcessRenderer, startChartWorker, type ChartRenderer } from './charts/renderer.ts';
import { scanInput, type ScanResult } from './io/load.ts';
import { acquireOutputLock, type OutputLock } from './io/lock.ts';
import { checkOutputLocations, createFolders, inspectOutputDir, removeCreatedFolders } from './io/output-dir.ts';
import { NODE_OUTPUT_FS } from './io/output-fs.ts';
import { FALLBACK_EPOCH, type RunOptions } from './options.ts';
import { ArtifactWriter } from './report/artifacts.ts';
import { planWaves } from './report/plan.ts';
import { renderPlanReport } from './report/plan-markdown.ts';
import { executeRun } from './run/execute.ts';
import type { RunEnvironment, RunResult } from './run/result.ts';
import { checkResumeInputs, examineForResume, finishedResult, loadContinuation, resumeRecord } from './run/resume.ts';
import { RunSession, type Beginning, type RunContext } from './run/session.ts';
import { horizonProblem } from './simulate/horizon.ts';
import { escapeText } from './util/escape.ts';
import { plural } from './util/format.ts';
import { epochRangeProblem, parseInstant, SimulatedCalendar } from './util/time.ts';
import { getWorld, UnknownWorldError, type PreparedWorld } from './worlds/registry.ts';

export type { HealthGrade } from './schema/measures.ts';
export type { RunEnvironment, RunResult } from './run/result.ts';

/** File name of the run report inside `--report-dir`. */
export const REPORT_FILE = 'PHASE_21_AUTONOMOUS_EXECUTION.md';
/** File name of the dry-run plan report inside `--report-dir`. */
export const PLAN_REPORT_FILE = 'PHASE_21_EXECUTION_PLAN.md';

/**
 * Runs Phase 21 end to end: checks where it will write and locks the output folder, loads and
 * validates the input, then (unless `--dry-run`) simulates every wave, writing each wave's
 * files and a checkpoint as it ends, and finally the run documents and the report (contract
 * sections 8 and 12). With `--resume` it continues the interrupted run in the output folder.
 *
 * Until the input has been validated nothing is written (a created `--out` is removed again).
 * Afterwards run.json always says how the run ended: `completed`, `aborted`, `canceled`, or
 * `failed` with the reason.
 *
 * @throws UsageError for an unknown strategy, a bad epoch, or `--resume` with `--dry-run`
 * @throws InputError when the input is invalid: nothing is written
 * @throws OutputError when an output location cannot be used (not writable, under a file, a
 *   symbolic link, held by another run, not ours to empty) or the disk fails while writing
 * @throws ResumeError when `--resume` finds a run it may not continue
 */
export async function runPhase21(options: RunOptions, env: RunEnvironment): Promise<RunResult> {
  const startedAt = env.clock.now();
  const strategy = strategyOf(options.strategy);
  if (options.resume && options.dryRun) throw new UsageError('--resume: a dry run has nothing to resume; drop --dry-run or --resume');
  const reportFile = path.join(options.reportDir, options.dryRun ? PLAN_REPORT_FILE : REPORT_FILE);
  checkOutputLocations({ out: options.out, reportDir: options.reportDir, reportFile });
  const outputFs = env.outputFs ?? NODE_OUTPUT_FS;
  const created = createFolders(options.out, outputFs, '--out');
  let lock: OutputLock | null = null;
  let world: PreparedWorld | null = null;
  let charts: ChartRenderer | null = null;
  let wrote = false;
  try {
    lock = await acquireOutputLock(options.out, startedAt);
    const folder = inspectOutputDir(options.out);
    const target = options.resume ? examineForResume(folder, options, env.version) : null;
    if (target?.kind === 'finished') {
      env.progress.stage('resume', `the run in ${options.out} ${target.manifest.status === 'completed' ? 'already completed' : 'was already aborted'}; it is left as it is`);
      return finishedResult(options.out, target.manifest);
    }
    if (target?.kind === 'nothing') env.progress.stage('resume', `nothing to resume in ${options.out}; starting the run`);
    // Started before the input loads, so the chart worker loads vega meanwhile.
    charts = options.dryRun ? inProcessRenderer() : (env.charts ?? startChartWorker)();
    const input = await load(options, env);
    const calendar = new SimulatedCalendar(resolveEpochMs(options.epoch, input.plan.latestTimestamp));
    const beyond = horizonProblem(input.plan, options, calendar.epochMs);
    if (beyond !== null) throw inputError([errorAt(options.input, null, '(simulated time)', beyond)]);
    world = await prepareWorld(options, input, env, env.runId ?? (() => `run-${startedAt.getTime()}`));
    // The files the world read are inputs too: run.json records them and --resume checks them.
    const loaded: ScanResult = world.inputs.length === 0 ? input : { ...input, files: [...input.files, ...world.inputs] };
    const ctx: RunContext = {
      options,
      clock: env.clock,
      progress: env.progress,
      version: env.version,
      signal: env.signal,
      outputFs,
      loaded,
      strategy,
      world,
      calendar,
      startedAt,
      reportFile,
      lockLost: () => lock?.lost() ?? null,
      charts,
    };
    if (target?.kind === 'unfinished') {
      checkResumeInputs(options.out, target.manifest, loaded);
      const continuation = loadContinuation(options.out, loaded, target.listed);
      const next = loaded.plan.waves[continuation?.waves.length ?? 0]?.wave ?? null;
      env.progress.stage('resume', next === null ? 'every wave had finished; writing the run documents' : `continuing from wave ${next}`);
      wrote = true;
      const beginning: Beginning = { kind: 'resume', manifest: target.manifest, listed: target.listed };
      return await executeRun(ctx, beginning, resumeRecord(target.manifest, startedAt, next), continuation);
    }
    const beginning: Beginning = { kind: 'fresh', listed: folder.kind === 'ours' ? folder.listed : [] };
    wrote = true;
    return options.dryRun ? await planOnly(ctx, beginning) : await executeRun(ctx, beginning, null, null);
  } finally {
    await charts?.close();
    await world?.close?.();
    await lock?.release();
    if (!wrote) removeCreatedFolders(created, outputFs);
  }
}

async function load(options: RunOptions, env: RunEnvironment): Promise<ScanResult> {
  env.progress.stage('load', `reading ${escapeText(options.input)}`);
  const loaded = await scanInput({
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
  return loaded;
}

/** `3 waves, 600 tasks, 4 agents (2400 prediction rows, 2 lines rejected, 1 path not read)`. */
function describePlan(loaded: ScanResult): string {
  const { plan } = loaded;
  const tasks = plan.waves.reduce((n, w) => n + w.taskCount, 0);
  const rows = loaded.files.filter((f) => f.kind === 'predicted_tasks').reduce((n, f) => n + f.acceptedRows, 0);
  const rejected = loaded.rejected.length === 0 ? '' : `, ${plural(loaded.rejected.length, 'line')} rejected`;
  const skipped = loaded.skippedPaths.length === 0 ? '' : `, ${plural(loaded.skippedPaths.length, 'path')} not read`;
  return `${plural(plan.waves.length, 'wave')}, ${plural(tasks, 'task')}, ${plural(plan.agents.length, 'agent')} (${plural(rows, 'prediction row')}${rejected}${skipped})`;
}

/**
 * The `--world` from the registry, prepared (its files read and validated) before anything is written.
 * @throws UsageError for a world not in the registry or not built, or an option it lacks
 * @throws InputError for a bad file the world reads (`--outcomes`)
 */
async function prepareWorld(options: RunOptions, loaded: ScanResult, env: RunEnvironment, runId: () => string): Promise<PreparedWorld> {
  if (options.outcomes !== null && options.world !== 'replay') throw new UsageError(`--outcomes: only read by --world replay (the world is ${options.world}); drop --outcomes or add --world replay`);
  try {
    const world = await getWorld(options.world).prepare({ options, plan: loaded.plan, progress: env.progress, runId });
    if (world.name !== 'simulated') env.progress.stage('world', `${world.name}: ${world.detail}`);
    return world;
  } catch (error: unknown) {
    if (error instanceof UnknownWorldError) throw new UsageError(`--world: ${error.message}`);
    throw error;
  }
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

/** `--dry-run`: assignments, gate decisions for first attempts, a plan report; no execution files. */
async function planOnly(ctx: RunContext, beginning: Beginning): Promise<RunResult> {
  const { options, loaded, strategy, calendar } = ctx;
  const { plan } = loaded;
  const session = new RunSession(ctx, beginning, null);
  try {
    session.beginFresh();
    const writer = new ArtifactWriter(session.folder, plan.agents, strategy.name, calendar);
    const planned = await planWaves(plan, strategy, options.gates, (wave) => {
      writer.writePlannedWave(wave.plan, wave.assignments);
      writer.writeGateDecisions(wave.plan.wave, wave.decisions, null);
    });
    if (options.onInvalid === 'quarantine') writer.writeRejected(loaded.rejected);
    const reportInOut = await session.writeReport(
      renderPlanReport({
        strategy: strategy.name,
        seed: options.seed,
        epoch: calendar.epoch,
        agents: plan.agents.map((a) => a.agentId),
        waves: planned,
      }),
    );
    const artifacts = [...writer.written, ...reportInOut];
    session.writeManifest({ status: 'planned', reason: null, wavesFinished: 0, artifacts });
    const tasks = planned.reduce((n, w) => n + w.tasks, 0);
    const blocked = planned.reduce((n, w) => n + w.blocked.length, 0);
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
      reportPath: ctx.reportFile,
    };
  } catch (error: unknown) {
    session.recordFailure(error, 0);
    throw error;
  }
}
