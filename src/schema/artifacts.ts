/**
 * The registry of the run's artifacts (contract section 8): for every file the harness writes
 * into the output folder, the path pattern it lives at, whether it is one JSON document or JSON
 * Lines, the zod schema of a document/line, and the name of its published JSON Schema in
 * `schemas/`. This is the one list every tool can use: `npm run schemas` generates `schemas/`
 * from it, and the schema tests check every file of a real run against it.
 *
 * Paths are relative to the output folder with `/` separators. The Markdown report lives in
 * `--report-dir`, outside the output folder, and has no schema.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';
import { chartDataSchema } from './charts.ts';
import { checkpointSchema } from './checkpoint.ts';
import { eventRecordSchema } from './events.ts';
import { AnomalySchema } from './measures.ts';
import { assignmentRecordSchema, executedTaskRecordSchema, gateDecisionRecordSchema, rejectedRecordSchema, taskOutcomeRecordSchema } from './records.ts';
import {
  AgentPerformanceSignalSchema,
  CoordinationSignalSchema,
  HeuristicSignalSchema,
  PredictionValidationSignalSchema,
  SignalSchema,
} from './signals.ts';
import { agentMetricsRecordSchema, executionSummarySchema, manifestSchema, systemHealthSchema, waveSummarySchema } from './summaries.ts';

/** `json`: the file is one JSON document; `jsonl`: one JSON record per line (the schema describes a line). */
export type ArtifactFormat = 'json' | 'jsonl';

/** One registered artifact. */
export interface ArtifactEntry {
  /**
   * The artifact's path relative to the output folder, with `<w>` for a wave number and `<a>`
   * for an agent folder suffix, e.g. `wave_<w>/agent_<a>/executed_tasks.jsonl`. Used as the
   * JSON Schema `title`.
   */
  readonly artifact: string;
  /** Matches the artifact's `/`-separated path relative to the output folder, whole. */
  readonly pattern: RegExp;
  readonly format: ArtifactFormat;
  /** The zod schema of the document (`json`) or of one line (`jsonl`). */
  readonly schema: z.ZodType;
  /** File name of the generated JSON Schema inside `schemas/`: `<artifact base name>.schema.json`. */
  readonly schemaFile: string;
  /** One or two sentences on what the file holds (the JSON Schema `description`). */
  readonly description: string;
}

/** `wave_<w>`: a wave folder (waves are integers >= 1, see src/io/paths.ts). */
const WAVE = String.raw`wave_[1-9][0-9]*`;
/** `agent_<a>`: an agent folder (`agent_` plus the rest of an id matching AGENT_ID_PATTERN). */
const AGENT = String.raw`agent_[A-Za-z0-9._-]*`;

function exact(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function under(folderPattern: string, file: string): RegExp {
  return new RegExp(`^${folderPattern}/${file.replace(/\./g, '\\.')}$`);
}

function entry(artifact: string, pattern: RegExp, schema: z.ZodType, description: string): ArtifactEntry {
  const base = artifact.slice(artifact.lastIndexOf('/') + 1);
  const format: ArtifactFormat = base.endsWith('.jsonl') ? 'jsonl' : 'json';
  const stem = base.slice(0, base.lastIndexOf('.'));
  return { artifact, pattern, format, schema, schemaFile: `${stem}.schema.json`, description };
}

/** Phase 18 receives both of its signal types in one file. */
const Phase18SignalSchema = z.discriminatedUnion('signal_type', [AgentPerformanceSignalSchema, CoordinationSignalSchema]);

/**
 * Every artifact of the output folder, in the order of contract section 8. Patterns are
 * mutually exclusive: a path matches at most one entry (the schema tests hold every file of a
 * real run to exactly one).
 */
export const ARTIFACTS: readonly ArtifactEntry[] = [
  entry('run.json', exact('run.json'), manifestSchema, 'The run manifest: options, seed, input files with sha256 and row counts, versions, wall-clock start and end, status. The only artifact that differs between two runs of the same inputs.'),
  entry('phase21_execution_summary.json', exact('phase21_execution_summary.json'), executionSummarySchema, 'Headline figures of the run: totals, health and grade, one headline per wave, anomaly and signal counts by type.'),
  entry('phase21_system_health.json', exact('phase21_system_health.json'), systemHealthSchema, 'Run and per-wave health with the metrics behind it, and the health trend across waves.'),
  entry('phase21_learning_signals.jsonl', exact('phase21_learning_signals.jsonl'), SignalSchema, 'Every learning signal of the run (contract section 7), one per line.'),
  entry('anomalies.jsonl', exact('anomalies.jsonl'), AnomalySchema, 'Anomalies detected per wave (contract section 6), one per line.'),
  entry('events.jsonl', exact('events.jsonl'), eventRecordSchema, 'Every event of the run in simulated-time order (contract section 12): run and wave started/completed, checkpoint written, circuit opened/half-open/closed, task rerouted, run aborted/canceled. task_stolen is reserved for work stealing and not written by this version.'),
  entry('checkpoint.json', exact('checkpoint.json'), checkpointSchema, 'The state after the last finished wave (contract section 12): clock, breakers, strategy state, run-level accumulators, finished waves, and the length and sha256 of every file written so far. --resume continues from it.'),
  entry('task_outcomes.jsonl', exact('task_outcomes.jsonl'), taskOutcomeRecordSchema, 'One flat row per task, every wave, for notebooks.'),
  entry('rejected.jsonl', exact('rejected.jsonl'), rejectedRecordSchema, 'Quarantine mode only: every bad input line, verbatim, with its file, line and reasons.'),
  entry('feedback/phase16/heuristic_feedback.jsonl', exact('feedback/phase16/heuristic_feedback.jsonl'), HeuristicSignalSchema, 'heuristic_feedback signals for Phase 16: how Phase 20\'s plan held, one per wave.'),
  entry('feedback/phase18/coordination_feedback.jsonl', exact('feedback/phase18/coordination_feedback.jsonl'), Phase18SignalSchema, 'agent_performance and multi_agent_coordination signals for Phase 18.'),
  entry('feedback/phase20/prediction_validation_feedback.jsonl', exact('feedback/phase20/prediction_validation_feedback.jsonl'), PredictionValidationSignalSchema, 'prediction_validation signals for Phase 20: calibration of predicted p against first-attempt outcomes.'),
  entry('wave_<w>/wave_summary.json', under(WAVE, 'wave_summary.json'), waveSummarySchema, 'One wave: its simulated start and end, health, metrics and the ids of its anomalies.'),
  entry('wave_<w>/chart_data.json', under(WAVE, 'chart_data.json'), chartDataSchema, 'The data of the wave\'s Gantt chart (reports/charts/gantt_wave_<w>.svg): every attempt (agent, start, end, outcome), or for a wave of more than 2,000 attempts a per-agent, per-time-bucket aggregate; and the circuit-open spans.'),
  entry('wave_<w>/gate_decisions.jsonl', under(WAVE, 'gate_decisions.jsonl'), gateDecisionRecordSchema, 'The safety gates\' verdict before every attempt of the wave (first attempts only in a dry run).'),
  entry('wave_<w>/agent_<a>/agent_assignments.jsonl', under(`${WAVE}/${AGENT}`, 'agent_assignments.jsonl'), assignmentRecordSchema, 'The strategy\'s placement of each task of the wave on this agent.'),
  entry('wave_<w>/agent_<a>/executed_tasks.jsonl', under(`${WAVE}/${AGENT}`, 'executed_tasks.jsonl'), executedTaskRecordSchema, 'One row per task of the wave that ended on this agent: status, attempts, start and end, waiting, retry delays, gate, reroutes and the attempt log.'),
  entry('wave_<w>/agent_<a>/agent_metrics.jsonl', under(`${WAVE}/${AGENT}`, 'agent_metrics.jsonl'), agentMetricsRecordSchema, 'This agent\'s figures in the wave (one line).'),
];

/**
 * The registered artifacts whose pattern matches `relativePath` (relative to the output
 * folder; `\` is read as `/`). A registered file gives exactly one entry; an unknown file none.
 */
export function artifactsMatching(relativePath: string): ArtifactEntry[] {
  const posix = relativePath.split('\\').join('/');
  return ARTIFACTS.filter((a) => a.pattern.test(posix));
}

/** JSON Schema dialect of the published schemas. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** A JSON Schema document, as produced by {@link artifactJsonSchema}. */
export type JsonSchemaDocument = Record<string, unknown>;

/**
 * The published JSON Schema of an artifact: `$schema` (draft 2020-12), `$id`
 * (`urn:phase21-harness:schema:<stem>`), `title` (the artifact path), `description` (with
 * the schema version and, for JSON Lines, that it describes one line), then what
 * `z.toJSONSchema` (zod 4, output types, draft 2020-12, reused subschemas inlined) makes of the
 * zod schema. Deterministic: the same registry gives the same object, key order included.
 *
 * @throws Error (from zod) when the schema holds a type JSON Schema cannot express
 */
export function artifactJsonSchema(artifact: ArtifactEntry): JsonSchemaDocument {
  const generated: JsonSchemaDocument = z.toJSONSchema(artifact.schema, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'throw',
    reused: 'inline',
  });
  const rest = Object.fromEntries(Object.entries(generated).filter(([key]) => !['$schema', '$id', 'title', 'description'].includes(key)));
  const shape = artifact.format === 'jsonl' ? `JSON Lines: this schema describes one line of ${artifact.artifact}.` : 'One JSON document.';
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:phase21-harness:schema:${artifact.schemaFile.replace(/\.schema\.json$/, '')}`,
    title: artifact.artifact,
    description: `${artifact.description} ${shape} Artifact schema version ${SCHEMA_VERSION}.`,
    ...rest,
  };
}
