/**
 * Writes the run's artifacts into the output folder (contract section 8). The pipeline calls
 * `writeWave` as each wave ends, so the per-wave files and `task_outcomes.jsonl` stream out
 * while later waves run; the run-level documents are written once at the end.
 *
 * Layout (relative to the output folder):
 * ```
 * run.json  phase21_execution_summary.json  phase21_system_health.json
 * phase21_learning_signals.jsonl  anomalies.jsonl  task_outcomes.jsonl  rejected.jsonl (quarantine)
 * feedback/phase16|18|20/*.jsonl
 * wave_<w>/wave_summary.json  wave_<w>/gate_decisions.jsonl
 * wave_<w>/agent_<a>/agent_assignments.jsonl | executed_tasks.jsonl | agent_metrics.jsonl
 * ```
 */
import path from 'node:path';
import type { Assignment } from '../assign/types.ts';
import { agentFolderName, waveFolderName } from '../io/paths.ts';
import { JsonlWriter, writeJson, writeJsonl } from '../io/jsonl-writer.ts';
import type { RejectedLine } from '../io/load.ts';
import { SCHEMA_VERSION, type StrategyName } from '../options.ts';
import type { AgentProfile, Task, WavePlan } from '../plan/model.ts';
import type { Anomaly, AgentMetrics, Health, WaveMetrics } from '../schema/measures.ts';
import type { Signal } from '../schema/signals.ts';
import type { AgentMetricsRecord, WaveSummary } from '../schema/summaries.ts';
import { signalsByFile } from '../signals/index.ts';
import type { GateDecision, WaveExecution } from '../simulate/types.ts';
import type { SimulatedCalendar } from '../util/time.ts';
import { assignmentRecord, executedTaskRecord, gateDecisionRecord, rejectedRecord, taskOutcomeRecord } from './records.ts';

/** File names of the run-level artifacts. */
export const ARTIFACT = {
  manifest: 'run.json',
  summary: 'phase21_execution_summary.json',
  health: 'phase21_system_health.json',
  signals: 'phase21_learning_signals.jsonl',
  anomalies: 'anomalies.jsonl',
  outcomes: 'task_outcomes.jsonl',
  rejected: 'rejected.jsonl',
} as const;

/** One finished wave, as the writer needs it. */
export interface WaveArtifacts {
  readonly plan: WavePlan;
  readonly assignments: readonly Assignment[];
  readonly execution: WaveExecution;
  readonly metrics: WaveMetrics;
  readonly health: Health;
  readonly anomalies: readonly Anomaly[];
}

/** Streams a run's artifacts into `out` (which the caller has emptied). */
export class ArtifactWriter {
  /** Opened by the first executed wave, so a dry run writes no task_outcomes.jsonl. */
  #outcomes: JsonlWriter | null = null;
  readonly #written = new Set<string>();

  constructor(
    readonly out: string,
    private readonly agents: readonly AgentProfile[],
    private readonly strategy: StrategyName,
    private readonly calendar: SimulatedCalendar,
  ) {}

  /** Files written so far, relative to `out`, each once, in order of first writing. */
  get written(): readonly string[] {
    return [...this.#written];
  }

  /** Writes a finished wave's folder and appends its rows to task_outcomes.jsonl. */
  writeWave(wave: WaveArtifacts): void {
    const { execution } = wave;
    const waveDir = waveFolderName(execution.wave);
    const tasks = new Map(wave.plan.tasks.map((task) => [task.taskId, task]));
    const byAgent = groupAssignments(wave.assignments, this.agents);
    const metricsByAgent = new Map(wave.metrics.per_agent.map((m) => [m.agent_id, m]));
    const outcomesByAgent = new Map<string, WaveExecution['outcomes'][number][]>(this.agents.map((a) => [a.agentId, []]));
    this.#outcomes ??= new JsonlWriter(this.#path(ARTIFACT.outcomes));
    for (const outcome of execution.outcomes) {
      outcomesByAgent.get(outcome.agentId)?.push(outcome);
      this.#outcomes.write(taskOutcomeRecord(outcome, this.calendar));
    }
    for (const agent of this.agents) {
      const dir = path.join(waveDir, agentFolderName(agent.agentId));
      this.#jsonl(
        path.join(dir, 'agent_assignments.jsonl'),
        (byAgent.get(agent.agentId) ?? []).map((a) => assignmentRecord(taskOf(tasks, a.taskId), a, this.strategy)),
      );
      this.#jsonl(
        path.join(dir, 'executed_tasks.jsonl'),
        (outcomesByAgent.get(agent.agentId) ?? []).map((o) => executedTaskRecord(o, this.calendar)),
      );
      const agentMetrics = metricsByAgent.get(agent.agentId);
      this.#jsonl(path.join(dir, 'agent_metrics.jsonl'), agentMetrics === undefined ? [] : [agentMetricsRecord(execution.wave, agentMetrics)]);
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
    this.json(path.join(waveDir, 'wave_summary.json'), summary);
  }

  /** Writes `wave_<w>/gate_decisions.jsonl`; `calendar` null in a dry run (no times). */
  writeGateDecisions(wave: number, decisions: readonly GateDecision[], calendar: SimulatedCalendar | null): void {
    this.#jsonl(
      path.join(waveFolderName(wave), 'gate_decisions.jsonl'),
      decisions.map((d) => gateDecisionRecord(d, calendar)),
    );
  }

  /** Writes a dry run's per-agent assignment files for one wave. */
  writePlannedWave(plan: WavePlan, assignments: readonly Assignment[]): void {
    const tasks = new Map(plan.tasks.map((task) => [task.taskId, task]));
    const byAgent = groupAssignments(assignments, this.agents);
    for (const agent of this.agents) {
      const file = path.join(waveFolderName(plan.wave), agentFolderName(agent.agentId), 'agent_assignments.jsonl');
      this.#jsonl(file, (byAgent.get(agent.agentId) ?? []).map((a) => assignmentRecord(taskOf(tasks, a.taskId), a, this.strategy)));
    }
  }

  /** Writes the signals (all, and routed to feedback/phase16|18|20) and the anomalies. */
  writeSignalsAndAnomalies(signals: readonly Signal[], anomalies: readonly Anomaly[]): void {
    this.#jsonl(ARTIFACT.signals, signals);
    for (const [file, group] of signalsByFile(signals)) this.#jsonl(file, group);
    this.#jsonl(ARTIFACT.anomalies, anomalies);
  }

  /** Writes rejected.jsonl (quarantine mode). */
  writeRejected(lines: readonly RejectedLine[]): void {
    this.#jsonl(ARTIFACT.rejected, lines.map(rejectedRecord));
  }

  /** Writes one JSON document at `relative` and records it. */
  json(relative: string, record: unknown): void {
    writeJson(this.#path(relative), record);
    this.#record(relative);
  }

  /** Closes task_outcomes.jsonl (call once, after the last wave; a no-op when no wave ran). */
  closeOutcomes(): void {
    if (this.#outcomes === null) return;
    this.#outcomes.close();
    this.#outcomes = null;
    this.#record(ARTIFACT.outcomes);
  }

  #jsonl(relative: string, records: Iterable<unknown>): void {
    writeJsonl(this.#path(relative), records);
    this.#record(relative);
  }

  #record(relative: string): void {
    this.#written.add(relative.split(path.sep).join('/'));
  }

  #path(relative: string): string {
    return path.join(this.out, relative);
  }
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
