/**
 * Writes the run's artifacts into the output folder (contract section 8), every file through
 * the atomic layer (src/io/atomic.ts): whole files are written under a temporary name and
 * renamed; the files that grow wave by wave (task_outcomes.jsonl, events.jsonl, the signals
 * and feedback files) are streams kept at their temporary name until the run ends.
 *
 * Layout (relative to the output folder):
 * ```
 * run.json  checkpoint.json  events.jsonl  phase21_execution_summary.json  phase21_system_health.json
 * phase21_learning_signals.jsonl  anomalies.jsonl  task_outcomes.jsonl  rejected.jsonl (quarantine)
 * feedback/phase16|18|20/*.jsonl
 * wave_<w>/wave_summary.json  wave_<w>/gate_decisions.jsonl
 * wave_<w>/agent_<a>/agent_assignments.jsonl | executed_tasks.jsonl | agent_metrics.jsonl
 * ```
 */
import type { Assignment } from '../assign/types.ts';
import { tempPathOf, type FileDigest, type OutputFolder, type StreamFile } from '../io/atomic.ts';
import type { RejectedLine } from '../io/load.ts';
import { agentFolderName, waveFolderName } from '../io/paths.ts';
import { SCHEMA_VERSION, type StrategyName } from '../options.ts';
import type { AgentProfile, Task, WavePlan } from '../plan/model.ts';
import type { Anomaly, AgentMetrics, Health, WaveMetrics } from '../schema/measures.ts';
import type { Signal } from '../schema/signals.ts';
import type { AgentMetricsRecord, WaveSummary } from '../schema/summaries.ts';
import { FEEDBACK_FILES, signalsByFile } from '../signals/index.ts';
import type { GateDecision, WaveExecution } from '../simulate/types.ts';
import { jsonDocument, jsonLine } from '../util/json.ts';
import type { SimulatedCalendar } from '../util/time.ts';
import { OutcomesParquetThread } from './parquet-thread.ts';
import { assignmentRecord, executedTaskRecord, gateDecisionRecord, rejectedRecord, taskOutcomeRecord } from './records.ts';

/** File names of the run-level artifacts. */
export const ARTIFACT = {
  manifest: 'run.json',
  checkpoint: 'checkpoint.json',
  events: 'events.jsonl',
  summary: 'phase21_execution_summary.json',
  health: 'phase21_system_health.json',
  signals: 'phase21_learning_signals.jsonl',
  anomalies: 'anomalies.jsonl',
  outcomes: 'task_outcomes.jsonl',
  outcomesParquet: 'task_outcomes.parquet',
  rejected: 'rejected.jsonl',
} as const;

/** The per-agent files of a wave, in writing order. */
const AGENT_FILES = ['agent_assignments.jsonl', 'executed_tasks.jsonl', 'agent_metrics.jsonl'] as const;

/** The streams of an executed run: files that grow wave by wave. */
export const STREAMS: readonly string[] = [ARTIFACT.events, ARTIFACT.outcomes, ARTIFACT.signals, ...FEEDBACK_FILES];

/** What a run will write, for the manifest of an unfinished run. */
export interface PlannedOutput {
  readonly waves: readonly number[];
  readonly agents: readonly AgentProfile[];
  readonly dryRun: boolean;
  readonly quarantine: boolean;
}

/**
 * Every file a run may write into the output folder (run.json included), sorted: the list the
 * manifest carries while the run is unfinished, so that the folder can be emptied after a kill.
 */
export function plannedArtifacts(plan: PlannedOutput): string[] {
  const files: string[] = [ARTIFACT.manifest];
  if (plan.quarantine) files.push(ARTIFACT.rejected);
  for (const wave of plan.waves) {
    const waveDir = waveFolderName(wave);
    files.push(`${waveDir}/gate_decisions.jsonl`);
    for (const agent of plan.agents) {
      const dir = `${waveDir}/${agentFolderName(agent.agentId)}`;
      if (plan.dryRun) files.push(`${dir}/agent_assignments.jsonl`);
      else files.push(...AGENT_FILES.map((f) => `${dir}/${f}`));
    }
    if (!plan.dryRun) files.push(`${waveDir}/wave_summary.json`, `${waveDir}/chart_data.json`);
  }
  if (!plan.dryRun) {
    files.push(ARTIFACT.checkpoint, ARTIFACT.summary, ARTIFACT.health, ARTIFACT.anomalies, ARTIFACT.outcomesParquet, ...STREAMS);
  }
  return files.sort();
}

/** One finished wave, as the writer needs it. */
export interface WaveArtifacts {
  readonly plan: WavePlan;
  readonly assignments: readonly Assignment[];
  readonly execution: WaveExecution;
  readonly metrics: WaveMetrics;
  readonly health: Health;
  readonly anomalies: readonly Anomaly[];
}

/** Streams a run's artifacts into the output folder (which the caller has emptied, or cut back on resume). */
export class ArtifactWriter {
  /** Whole files at their final names, by path. */
  readonly #files = new Map<string, FileDigest>();
  readonly #streams = new Map<string, StreamFile>();
  /** Streams renamed to their final names by {@link finishStreams}. */
  readonly #finished = new Map<string, FileDigest>();
  /** Whole files written since checkpoint.json was last written (the unfinished wave's). */
  #sinceCheckpoint: string[] = [];
  /**
   * task_outcomes.parquet, written beside task_outcomes.jsonl (by a worker thread,
   * src/report/parquet-thread.ts) but not checkpointed: `--resume` rebuilds it from the JSONL's
   * finished waves (src/report/parquet.ts).
   */
  #parquet: OutcomesParquetThread | null = null;
  /** Every Parquet worker started, closed by {@link close}. */
  readonly #threads: OutcomesParquetThread[] = [];

  constructor(
    readonly folder: OutputFolder,
    private readonly agents: readonly AgentProfile[],
    private readonly strategy: StrategyName,
    private readonly calendar: SimulatedCalendar,
  ) {}

  /** Files at their final names, relative to the folder, sorted (run.json and checkpoint.json once written). */
  get written(): string[] {
    return [...this.#files.keys(), ...this.#finished.keys()].sort();
  }

  /** Whole files written so far but run.json and checkpoint.json, with their digests. */
  get files(): readonly FileDigest[] {
    return [...this.#files.values()].filter((f) => f.path !== ARTIFACT.manifest && f.path !== ARTIFACT.checkpoint);
  }

  /** Opens every stream at its temporary name, empty (a fresh run). */
  openStreams(): void {
    for (const name of STREAMS) this.#streams.set(name, this.folder.openStream(name));
    this.#openParquet();
  }

  #openParquet(): OutcomesParquetThread {
    const thread = new OutcomesParquetThread(this.folder.openStream(ARTIFACT.outcomesParquet));
    this.#threads.push(thread);
    this.#parquet = thread;
    return thread;
  }

  /**
   * Writes the Parquet bytes of every wave written so far, once the worker has encoded them: the
   * run calls it before writing each wave, so the file-system calls come in a fixed order
   * (src/report/parquet-thread.ts).
   * @throws OutputError on a fault of the environment; Error when the worker failed (a bug)
   */
  async settleParquet(): Promise<void> {
    await this.#parquet?.settle();
  }

  /** Stops the Parquet worker, however the run ended (resolves once its thread has stopped). Never throws. */
  async close(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.close()));
  }

  /**
   * Takes over the files of an interrupted run: `files` (whole files, already verified) are
   * recorded as written; each stream is reopened and cut back to its digest.
   * @returns the problems found (a stream missing, shorter or different); empty when all is well
   */
  resume(files: readonly FileDigest[], streams: readonly FileDigest[]): string[] {
    for (const file of files) this.#files.set(file.path, file);
    const problems: string[] = [];
    for (const name of STREAMS) {
      const digest = streams.find((s) => s.path === name);
      if (digest === undefined) {
        problems.push(`checkpoint.json records no ${name}`);
        continue;
      }
      const stream = this.folder.reopenStream(name, digest);
      if ('problem' in stream) problems.push(stream.problem);
      else this.#streams.set(name, stream);
    }
    const outcomes = streams.find((s) => s.path === ARTIFACT.outcomes);
    if (problems.length === 0 && outcomes !== undefined) {
      this.#openParquet().replay(this.folder.resolve(tempPathOf(ARTIFACT.outcomes)), outcomes.bytes);
    }
    return problems;
  }

  /** Writes a finished wave's folder and appends its rows to task_outcomes.jsonl. */
  writeWave(wave: WaveArtifacts): void {
    const { execution } = wave;
    const waveDir = waveFolderName(execution.wave);
    const tasks = new Map(wave.plan.tasks.map((task) => [task.taskId, task]));
    const byAgent = groupAssignments(wave.assignments, this.agents);
    const metricsByAgent = new Map(wave.metrics.per_agent.map((m) => [m.agent_id, m]));
    const outcomesByAgent = new Map<string, WaveExecution['outcomes'][number][]>(this.agents.map((a) => [a.agentId, []]));
    const outcomes = this.#stream(ARTIFACT.outcomes);
    const parquet = this.#parquet;
    for (const outcome of execution.outcomes) {
      outcomesByAgent.get(outcome.agentId)?.push(outcome);
      const line = jsonLine(taskOutcomeRecord(outcome, this.calendar));
      outcomes.append(line);
      parquet?.addLine(line);
    }
    parquet?.endWave();
    for (const agent of this.agents) {
      const dir = `${waveDir}/${agentFolderName(agent.agentId)}`;
      this.jsonl(
        `${dir}/agent_assignments.jsonl`,
        (byAgent.get(agent.agentId) ?? []).map((a) => assignmentRecord(taskOf(tasks, a.taskId), a, this.strategy)),
      );
      this.jsonl(
        `${dir}/executed_tasks.jsonl`,
        (outcomesByAgent.get(agent.agentId) ?? []).map((o) => executedTaskRecord(o, this.calendar)),
      );
      const agentMetrics = metricsByAgent.get(agent.agentId);
      this.jsonl(`${dir}/agent_metrics.jsonl`, agentMetrics === undefined ? [] : [agentMetricsRecord(execution.wave, agentMetrics)]);
    }
    this.writeGateDecisions(execution.wave, execution.gateDecisions, this.calendar);
    const summary: WaveSummary = {
      schema_version: SCHEMA_VERSION,
      wave: execution.wave,
      strategy: this.strategy,
      start_time: this.calendar.iso(execution.startS),
      end_time: this.calendar.iso(execution.endS),
      health: wave.health,
      metrics: wave.metrics,
      anomaly_ids: wave.anomalies.map((a) => a.anomaly_id),
    };
    this.json(`${waveDir}/wave_summary.json`, summary);
  }

  /** Writes `wave_<w>/gate_decisions.jsonl`; `calendar` null in a dry run (no times). */
  writeGateDecisions(wave: number, decisions: readonly GateDecision[], calendar: SimulatedCalendar | null): void {
    this.jsonl(
      `${waveFolderName(wave)}/gate_decisions.jsonl`,
      decisions.map((d) => gateDecisionRecord(d, calendar)),
    );
  }

  /** Writes a dry run's per-agent assignment files for one wave. */
  writePlannedWave(plan: WavePlan, assignments: readonly Assignment[]): void {
    const tasks = new Map(plan.tasks.map((task) => [task.taskId, task]));
    const byAgent = groupAssignments(assignments, this.agents);
    for (const agent of this.agents) {
      const file = `${waveFolderName(plan.wave)}/${agentFolderName(agent.agentId)}/agent_assignments.jsonl`;
      this.jsonl(file, (byAgent.get(agent.agentId) ?? []).map((a) => assignmentRecord(taskOf(tasks, a.taskId), a, this.strategy)));
    }
  }

  /** Appends one wave's signals to phase21_learning_signals.jsonl and to their feedback files. */
  appendSignals(signals: readonly Signal[]): void {
    const all = this.#stream(ARTIFACT.signals);
    for (const signal of signals) all.append(jsonLine(signal));
    for (const [file, group] of signalsByFile(signals)) {
      const stream = this.#stream(file);
      for (const signal of group) stream.append(jsonLine(signal));
    }
  }

  /** events.jsonl's stream, open from {@link openStreams} (or `resume`) to `finishStreams`: the event log's sink. */
  eventStream(): StreamFile {
    return this.#stream(ARTIFACT.events);
  }

  /** Writes anomalies.jsonl. */
  writeAnomalies(anomalies: readonly Anomaly[]): void {
    this.jsonl(ARTIFACT.anomalies, anomalies);
  }

  /** Writes rejected.jsonl (quarantine mode). */
  writeRejected(lines: readonly RejectedLine[]): void {
    this.jsonl(ARTIFACT.rejected, lines.map(rejectedRecord));
  }

  /** Writes one JSON document at `relative` and records it. */
  json(relative: string, record: unknown): void {
    this.#files.set(relative, this.folder.writeFile(relative, [jsonDocument(record)]));
    // Once checkpoint.json is written, the wave's files are the checkpoint's; until then (its
    // write failing on a full disk included) they are the unfinished wave's, which abandon removes.
    if (relative === ARTIFACT.checkpoint) this.#sinceCheckpoint = [];
    else this.#sinceCheckpoint.push(relative);
  }

  /** Writes JSON Lines at `relative` (an empty file for none) and records it. */
  jsonl(relative: string, records: Iterable<unknown>): void {
    this.#files.set(relative, this.folder.writeFile(relative, mapIterable(records, jsonLine)));
    this.#sinceCheckpoint.push(relative);
  }

  /**
   * Flushes every open stream and fsyncs them together with the whole files written since
   * `folder.deferSyncs()` (a wave's), then renames those files into place (OutputFolder.commit),
   * so checkpoint.json, written next, names only durable files.
   * @returns the streams' digests so far, in {@link STREAMS} order
   */
  async commitWave(): Promise<FileDigest[]> {
    return this.folder.commit(STREAMS.map((name) => this.#stream(name)));
  }

  /**
   * A failing run: closes the streams (not renamed) and removes the whole files written since
   * the last checkpoint, which `--resume` would discard anyway (on a full disk this frees the
   * room for run.json to record the failure). Never throws.
   */
  abandon(): void {
    this.abandonStreams();
    for (const file of this.#sinceCheckpoint) {
      try {
        this.folder.removeFile(file);
        // A file whose fsync was deferred may still be at its temporary name.
        this.folder.removeFile(tempPathOf(file));
        this.#files.delete(file);
      } catch {
        // Best effort: the run is failing already.
      }
    }
    this.#sinceCheckpoint = [];
  }

  /**
   * Renames every stream to its final name (end of run, or cancel); task_outcomes.parquet once
   * its worker has written the footer.
   */
  async finishStreams(): Promise<void> {
    // The Parquet worker may still be reading task_outcomes.jsonl at its temporary name (--resume).
    await this.#parquet?.settle();
    const streams = STREAMS.flatMap((name) => this.#streams.get(name) ?? []);
    for (const digest of await this.folder.finishTogether(streams)) {
      this.#finished.set(digest.path, digest);
      this.#streams.delete(digest.path);
    }
    if (this.#parquet !== null) {
      const parquet = this.#parquet;
      await parquet.finish();
      this.#finished.set(ARTIFACT.outcomesParquet, parquet.stream.finish());
      this.#parquet = null;
    }
  }

  /** Closes the open streams without renaming them (a failing run); never throws. */
  abandonStreams(): void {
    this.folder.abandonDeferred();
    for (const stream of this.#streams.values()) stream.abandon();
    this.#streams.clear();
    this.#parquet?.stream.abandon();
    void this.#parquet?.close();
    this.#parquet = null;
  }

  #stream(name: string): StreamFile {
    const stream = this.#streams.get(name);
    if (stream === undefined) throw new RangeError(`stream ${name} is not open`);
    return stream;
  }
}

function* mapIterable<T>(items: Iterable<T>, f: (item: T) => string): Generator<string> {
  for (const item of items) yield f(item);
}

function agentMetricsRecord(wave: number, metrics: AgentMetrics): AgentMetricsRecord {
  return { schema_version: SCHEMA_VERSION, wave, ...metrics };
}

function groupAssignments(assignments: readonly Assignment[], agents: readonly AgentProfile[]): Map<string, Assignment[]> {
  const groups = new Map<string, Assignment[]>(agents.map((a) => [a.agentId, []]));
  for (const assignment of assignments) groups.get(assignment.agentId)?.push(assignment);
  return groups;
}

function taskOf(tasks: ReadonlyMap<string, Task>, taskId: string): Task {
  const task = tasks.get(taskId);
  if (task === undefined) throw new RangeError(`assignment names unknown task ${taskId}`);
  return task;
}
