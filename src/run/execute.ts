/**
 * An executed run, wave by wave (contract sections 4 and 12): after each wave its files, its
 * signals and events, then checkpoint.json; between waves the abort policy and the cancel
 * signal are looked at; at the end the streams are renamed into place and the run-level
 * documents, the report and the final run.json are written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { initialStrategyState, recordWave } from '../assign/state.ts';
import type { StrategyState } from '../assign/types.ts';
import { CHARTS_DIR, GanttAhead, queueRunLevelCharts, renderRunCharts, reportedCharts } from '../charts/charts.ts';
import { ChartCollector } from '../charts/collector.ts';
import { OutputError } from '../errors.ts';
import type { FileDigest } from '../io/atomic.ts';
import { waveFolderName } from '../io/paths.ts';
import { detectAnomalies } from '../measure/anomalies.ts';
import { healthOf } from '../measure/health.ts';
import { computeWaveMetrics, RunMetricsAccumulator } from '../measure/metrics.ts';
import type { WavePlan } from '../plan/model.ts';
import { ARTIFACT, ArtifactWriter } from '../report/artifacts.ts';
import { HTML_REPORT_FILE, prepareHtmlReport } from '../report/html.ts';
import { renderRunReport } from '../report/markdown.ts';
import { buildExecutionSummary, buildSystemHealth, type RunResults, type WaveResult } from '../report/summaries.ts';
import type { Signal } from '../schema/signals.ts';
import { chartDataSchema, type ChartData, type ChartState } from '../schema/charts.ts';
import type { ResumeRecord } from '../schema/summaries.ts';
import { buildSignals } from '../signals/index.ts';
import { Simulation } from '../simulate/engine.ts';
import { createKeyedRandom } from '../simulate/rng.ts';
import type { SimulationSnapshot } from '../simulate/types.ts';
import type { Scheduler } from '../ports.ts';
import { percent, plural } from '../util/format.ts';
import type { WorldInstance } from '../worlds/registry.ts';
import { WaveCanceledError } from '../worlds/subprocess/realtime-scheduler.ts';
import { scaleDelays } from '../worlds/time-scale.ts';
import { countSources } from '../worlds/sources.ts';
import { buildCheckpoint } from './checkpoint.ts';
import { EventLog } from './events.ts';
import type { RunResult } from './result.ts';
import { RunSession, type Beginning, type RunContext } from './session.ts';

/** The state an interrupted run continues from (from its checkpoint, files verified). */
export interface Continuation {
  readonly waves: WaveResult[];
  readonly clockS: number;
  readonly eventsWritten: number;
  readonly simulation: SimulationSnapshot;
  readonly strategy: StrategyState;
  readonly metrics: RunMetricsAccumulator;
  readonly signals: Signal[];
  /** The chart data of the finished waves. */
  readonly charts: ChartState;
  readonly files: readonly FileDigest[];
  readonly streams: readonly FileDigest[];
  /** Files the manifest lists that the checkpoint does not: removed before continuing. */
  readonly discard: readonly string[];
  /** Files kept (checkpoint.json and the checkpoint's files) whose temporary names are removed. */
  readonly keep: readonly string[];
}

/** The live state of a run between waves. */
interface LiveState {
  /** The world's executor and scheduler; closed when the run stops, however it stops. */
  readonly world: WorldInstance;
  readonly scheduler: Scheduler;
  readonly simulation: Simulation;
  readonly metrics: RunMetricsAccumulator;
  readonly waves: WaveResult[];
  readonly signals: Signal[];
  readonly events: EventLog;
  /** The chart data gathered wave by wave (src/charts/collector.ts). */
  readonly charts: ChartCollector;
  /** Each wave's Gantt chart, queued on the chart worker as the wave ends. */
  readonly gantt: GanttAhead;
  strategy: StrategyState;
  /** The wave being simulated (for engine events). */
  currentWave: number;
}

/**
 * Why the run stops after `wave`: (failed + blocked) / tasks above `rate`; null to go on.
 * The policy applies after every wave, the last included (docs/decisions.md).
 */
export function abortReason(wave: WaveResult, rate: number | null): string | null {
  if (rate === null) return null;
  const { tasks, failed, blocked } = wave.metrics;
  if (tasks === 0) return null;
  const share = (failed + blocked) / tasks;
  if (share <= rate) return null;
  return `${failed + blocked} of ${plural(tasks, 'task')} of wave ${wave.execution.wave} failed or were blocked (${percent(share)}), above --abort-on-failure-rate ${rate}`;
}

/**
 * Gives the event loop one full turn, poll phase included, so a SIGINT or SIGTERM that arrived
 * while the last wave held the loop reaches its listener before the cancel signal is read:
 * Node reads pending signals in the poll phase, and one `setImmediate` resumes in the check
 * phase of the same turn, so it takes two.
 */
async function fullTurn(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

/** `SIGINT`/`SIGTERM` from the signal (or its reason), else `canceled`. */
function cancelReason(signal: unknown): string {
  const reason = signal instanceof AbortSignal ? (signal.reason as unknown) : signal;
  return typeof reason === 'string' ? reason : 'canceled';
}

/**
 * Runs (or continues) every wave and writes every artifact.
 * @param resume - the resume record for run.json, with `continuation` when a checkpoint exists
 * @throws OutputError on a fault of the environment (run.json then says `failed`)
 */
export async function executeRun(ctx: RunContext, beginning: Beginning, resume: ResumeRecord | null, continuation: Continuation | null): Promise<RunResult> {
  const { options, loaded } = ctx;
  const { plan } = loaded;
  const session = new RunSession(ctx, beginning, resume);
  const writer = new ArtifactWriter(session.folder, plan.agents, ctx.strategy.name, ctx.calendar);
  let state: LiveState | null = null;
  try {
    if (continuation === null) {
      if (beginning.kind === 'fresh') session.beginFresh();
      else {
        session.writeManifest({ status: 'running', reason: null, wavesFinished: 0, artifacts: null });
        session.discard(session.listed.filter((f) => f !== ARTIFACT.manifest));
      }
      writer.openStreams();
      if (options.onInvalid === 'quarantine') writer.writeRejected(loaded.rejected);
      state = freshState(ctx, writer);
      state.events.add({ type: 'run_started', timeS: 0 });
    } else {
      session.writeManifest({ status: 'running', reason: null, wavesFinished: continuation.waves.length, artifacts: null });
      const problems = writer.resume(continuation.files, continuation.streams);
      if (problems.length > 0) throw new OutputError(`--resume: ${problems.join('; ')}`);
      session.discard(continuation.discard, continuation.keep);
      state = resumedState(ctx, writer, continuation);
    }
    for (;;) {
      const last = state.waves.at(-1);
      const abort = last === undefined ? null : abortReason(last, options.abortOnFailureRate);
      if (abort !== null) return await finish(ctx, session, writer, state, 'aborted', abort);
      const index = state.waves.length;
      if (index >= plan.waves.length) return await finish(ctx, session, writer, state, 'completed', null);
      await fullTurn();
      const lost = ctx.lockLost();
      if (lost !== null) throw new OutputError(`--out: another run took over the lock of ${options.out} (${lost.message}); stopping without writing more`);
      if (ctx.signal?.aborted === true) return await cancel(ctx, session, writer, state, cancelReason(ctx.signal));
      try {
        // One wave's tasks in memory at a time (contract section 15): read again from the input here.
        await runWave(ctx, writer, state, await plan.loadWave(index));
      } catch (error: unknown) {
        // A real-time world stops a wave under way on SIGINT/SIGTERM: the run ends canceled at
        // the checkpoint of the last finished wave; the world's close (below) reaps its processes.
        if (error instanceof WaveCanceledError) return await cancel(ctx, session, writer, state, cancelReason(error.reason));
        throw error;
      }
    }
  } catch (error: unknown) {
    writer.abandonStreams();
    // The folder is someone else's once the lock is lost: write nothing more.
    if (ctx.lockLost() !== null) throw error;
    writer.abandon();
    const note = session.recordFailure(error, state?.waves.length ?? 0);
    if (note !== null && error instanceof OutputError) throw new OutputError(`${error.message}\n${note}`, { cause: error });
    throw error;
  } finally {
    await writer.close();
    await state?.world.close();
  }
}

function freshState(ctx: RunContext, writer: ArtifactWriter): LiveState {
  const tasks = ctx.loaded.plan.waves.reduce((n, w) => n + w.taskCount, 0);
  return liveState(ctx, writer, {
    clockS: 0,
    eventsWritten: 0,
    simulation: null,
    strategy: initialStrategyState(ctx.loaded.plan.agents),
    metrics: new RunMetricsAccumulator(ctx.loaded.plan.agents, tasks),
    waves: [],
    signals: [],
    charts: null,
  });
}

function resumedState(ctx: RunContext, writer: ArtifactWriter, c: Continuation): LiveState {
  return liveState(ctx, writer, { ...c, simulation: c.simulation });
}

function liveState(
  ctx: RunContext,
  writer: ArtifactWriter,
  from: {
    clockS: number;
    eventsWritten: number;
    simulation: SimulationSnapshot | null;
    strategy: StrategyState;
    metrics: RunMetricsAccumulator;
    waves: WaveResult[];
    signals: Signal[];
    charts: ChartState | null;
  },
): LiveState {
  const { options, loaded } = ctx;
  const rng = createKeyedRandom(options.seed);
  const world = ctx.world.create({ rng, startS: from.clockS, signal: ctx.signal });
  const { scheduler, executor } = world;
  const events = new EventLog(ctx.calendar, writer.eventStream(), from.eventsWritten);
  const holder: { state: LiveState | null } = { state: null };
  const agentIds = loaded.plan.agents.map((a) => a.agentId);
  const charts = from.charts === null ? new ChartCollector(agentIds) : new ChartCollector(agentIds, from.charts);
  const simulation = new Simulation({
    ...scaleDelays(options, ctx.world.timeScale ?? 1),
    agents: loaded.plan.agents,
    rng,
    scheduler,
    executor,
    remember: (ref) => loaded.plan.dependedOnLater(ref),
    ...(from.simulation === null ? {} : { initial: from.simulation }),
    onEvent: (event) => {
      events.addSimulation(event, holder.state?.currentWave ?? 0);
      charts.onEvent(event);
    },
    // The charts follow circuits only: reroutes and steals go to the log without an event object.
    onTaskMoved: (type, taskId, fromAgentId, toAgentId, timeS) => {
      events.addTaskMove(type, taskId, fromAgentId, toAgentId, timeS, holder.state?.currentWave ?? 0);
    },
  });
  const gantt = new GanttAhead(ctx.charts, ctx.calendar.epochMs);
  const state: LiveState = { world, scheduler, simulation, metrics: from.metrics, waves: from.waves, signals: from.signals, events, charts, gantt, strategy: from.strategy, currentWave: 0 };
  holder.state = state;
  return state;
}

async function runWave(ctx: RunContext, writer: ArtifactWriter, state: LiveState, wave: WavePlan): Promise<void> {
  const { plan } = ctx.loaded;
  const index = state.waves.length;
  ctx.progress.waveStarted(wave.wave, index + 1, plan.waves.length, wave.tasks.length);
  state.currentWave = wave.wave;
  state.events.add({ type: 'wave_started', wave: wave.wave, timeS: state.scheduler.now() });
  const assignment = ctx.strategy.assignWave(wave, plan.agents, state.strategy);
  const result = await state.simulation.runWave({
    wave,
    assignment,
    strategy: ctx.strategy,
    onProgress: (done, total) => {
      ctx.progress.waveProgress(done, total);
    },
  });
  const { execution } = result;
  state.strategy = recordWave(result.strategyState, execution);
  const random = createKeyedRandom(ctx.options.seed);
  const metrics = computeWaveMetrics(execution, plan.agents, wave, random);
  const health = healthOf(metrics);
  const anomalies = detectAnomalies(metrics);
  await writer.settleParquet();
  // The wave's files are fsynced together with the streams before checkpoint.json (commitWave).
  writer.folder.deferSyncs();
  writer.writeWave({ plan: wave, assignments: assignment.assignments, execution, metrics, health, anomalies });
  const signals = buildSignals({ waves: [wave], executions: [execution], waveMetrics: [metrics], strategy: ctx.strategy.name, random });
  writer.appendSignals(signals);
  state.signals.push(...signals);
  state.metrics.addWave(execution);
  const chartData = state.charts.addWave(execution);
  writer.json(chartDataFile(wave.wave), chartData);
  state.gantt.addWave(wave.wave, chartData);
  state.waves.push({ execution: { wave: execution.wave, startS: execution.startS, endS: execution.endS }, metrics, health, anomalies, sources: countSources(execution) });
  const endS = state.scheduler.now();
  state.events.add({ type: 'wave_completed', wave: wave.wave, timeS: endS });
  state.events.add({ type: 'checkpoint_written', wave: wave.wave, timeS: endS });
  const streams = await writer.commitWave();
  const checkpoint = buildCheckpoint({
    waves: state.waves,
    clockS: endS,
    eventsWritten: state.events.count,
    simulation: state.simulation.snapshot(),
    strategy: state.strategy,
    metrics: state.metrics.snapshot(),
    charts: state.charts.snapshot(),
    files: writer.files,
    streams,
  });
  writer.json(ARTIFACT.checkpoint, checkpoint);
  await writer.folder.syncDirsTogether();
  ctx.progress.waveFinished(wave.wave, { successRate: metrics.success_rate ?? 0, health: health.score, makespanS: metrics.makespan_s });
}

/** `wave_<w>/chart_data.json`. */
function chartDataFile(wave: number): string {
  return `${waveFolderName(wave)}/chart_data.json`;
}

/**
 * A wave's chart data as this run wrote it (the file is the run's own, verified on resume).
 * @throws OutputError when it cannot be read or is not chart data
 */
function readChartData(out: string, file: string): ChartData {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
  } catch (error: unknown) {
    throw new OutputError(`--out: cannot read ${file} back: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = chartDataSchema.safeParse(json);
  if (!parsed.success) throw new OutputError(`--out: ${file} changed while the run held the folder: ${parsed.error.issues[0]?.message ?? 'not chart data'}`);
  return parsed.data;
}

/** The run-level documents, the report and the final manifest (completed or aborted). */
async function finish(ctx: RunContext, session: RunSession, writer: ArtifactWriter, state: LiveState, status: 'completed' | 'aborted', reason: string | null): Promise<RunResult> {
  const { options, loaded } = ctx;
  const timeS = state.scheduler.now();
  state.events.add(reason === null ? { type: 'run_completed', timeS } : { type: 'run_aborted', timeS, reason });
  ctx.progress.stage('measure', 'run metrics, signals and report');
  const metrics = state.metrics.metrics(createKeyedRandom(options.seed));
  const anomalies = state.waves.flatMap((w) => w.anomalies);
  const results: RunResults = {
    strategy: ctx.strategy.name,
    world: ctx.world.name,
    seed: options.seed,
    agents: loaded.plan.agents.map((a) => a.agentId),
    waves: state.waves,
    metrics,
    health: healthOf(metrics),
    anomalies,
    signals: state.signals,
    rejectedLines: loaded.rejected.length,
    status,
    reason,
  };
  const summary = buildExecutionSummary(results, ctx.calendar);
  const health = buildSystemHealth(results);
  // The chart worker draws the run-level charts while this thread writes the last files and the report.
  const runLevel = queueRunLevelCharts(state.gantt.renderer, health, state.charts);
  await writer.finishStreams();
  writer.folder.deferSyncs();
  writer.writeAnomalies(anomalies);
  writer.json(ARTIFACT.summary, summary);
  writer.json(ARTIFACT.health, health);
  await writer.folder.commit();
  ctx.progress.stage('report', 'charts, Markdown and HTML report');
  const waves = state.waves.map((w) => w.execution.wave);
  const shown = reportedCharts(waves);
  const report = renderRunReport({ summary, health, anomalies, signals: state.signals, charts: shown });
  const html = prepareHtmlReport(report, new Set(shown.map((c) => `${CHARTS_DIR}/${c.file}`)));
  const charts = await renderRunCharts({
    health,
    runLevel,
    collector: state.charts,
    ahead: state.gantt,
    waves,
    readChartData: (wave) => readChartData(ctx.options.out, chartDataFile(wave)),
    write: (chart) => {
      session.writeReportCompanion(`${CHARTS_DIR}/${chart.file}`, chart.svg);
    },
  });
  session.writeReportCompanion(HTML_REPORT_FILE, html.fill(new Map(charts.map((c) => [`${CHARTS_DIR}/${c.file}`, c.svg]))));
  const reportFiles = await session.writeReport(report);
  const artifacts = [...writer.written, ...reportFiles].sort();
  session.writeManifest({ status, reason, wavesFinished: state.waves.length, artifacts });
  return resultOf(ctx, state, status, results.health);
}

/** Stops after the last finished wave: streams renamed into place, run.json `canceled`. */
async function cancel(ctx: RunContext, session: RunSession, writer: ArtifactWriter, state: LiveState, signalName: string): Promise<RunResult> {
  const reason = `canceled by ${signalName}; --resume continues it`;
  state.events.add({ type: 'run_canceled', timeS: state.scheduler.now(), reason });
  await writer.finishStreams();
  session.writeManifest({ status: 'canceled', reason, wavesFinished: state.waves.length, artifacts: null });
  ctx.progress.warn(`${reason} (${plural(state.waves.length, 'wave')} of ${ctx.loaded.plan.waves.length} finished)`);
  return resultOf(ctx, state, 'canceled', healthOf(state.metrics.metrics()));
}

function resultOf(ctx: RunContext, state: LiveState, status: RunResult['status'], health: ReturnType<typeof healthOf>): RunResult {
  const m = state.metrics.metrics();
  return {
    status,
    waves: state.waves.length,
    tasks: m.tasks,
    succeeded: m.succeeded,
    failed: m.failed,
    blocked: m.blocked,
    rejectedLines: ctx.loaded.rejected.length,
    successRate: m.success_rate,
    health: m.tasks === 0 ? null : health.score,
    grade: m.tasks === 0 ? null : health.grade,
    outDir: ctx.options.out,
    reportPath: ctx.reportFile,
  };
}
