/**
 * Schemas of the run-level and wave-level JSON documents (contract section 8): the manifest
 * `run.json`, `phase21_execution_summary.json`, `phase21_system_health.json`,
 * `wave_<w>/wave_summary.json` and the rows of `wave_<w>/agent_<a>/agent_metrics.jsonl`.
 */
import { z } from 'zod';
import { SCHEMA_VERSION, STRATEGY_NAMES } from '../options.ts';
import { AgentMetricsSchema, ANOMALY_TYPES, HEALTH_GRADES, HealthSchema, RunMetricsSchema, WaveMetricsSchema } from './measures.ts';
import { SIGNAL_TYPES } from './signals.ts';

const schemaVersion = z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)');
const isoTime = z.iso.datetime().describe('ISO-8601 UTC instant');
const count = z.number().int().min(0);

/** One input file as recorded in the manifest. */
export const inputFileRecordSchema = z
  .object({
    path: z.string(),
    kind: z.enum(['predicted_tasks', 'predicted_schedule', 'agents']),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    lines: count,
    accepted_rows: count,
    rejected_rows: count,
  })
  .strict();

/**
 * `run.json`: the manifest. The only artifact with wall-clock times, so the only one that
 * differs between two runs of the same inputs.
 */
export const manifestSchema = z
  .object({
    schema_version: schemaVersion,
    tool: z.literal('phase21-harness'),
    version: z.string(),
    status: z.enum(['running', 'completed', 'planned']),
    started_at: isoTime.describe('wall clock'),
    finished_at: isoTime.nullable().describe('wall clock; null while running'),
    node: z.string(),
    backend: z.string().describe('executor backend, e.g. simulated'),
    seed: z.number().int(),
    epoch: isoTime.describe('simulated time zero'),
    layout: z.enum(['tree', 'flat']),
    options: z.record(z.string(), z.unknown()).describe('every option of the run, as resolved'),
    inputs: z.array(inputFileRecordSchema),
    rejected_lines: count,
    waves: z.array(z.number().int().min(1)),
    artifacts: z.array(z.string()).describe('files written, relative to the output folder'),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;

/** One wave's headline in the execution summary. */
export const waveHeadlineSchema = z
  .object({
    wave: z.number().int().min(1),
    tasks: count,
    succeeded: count,
    failed: count,
    blocked: count,
    success_rate: z.number().min(0).max(1).nullable(),
    health_score: z.number().min(0).max(100),
    health_grade: z.enum(HEALTH_GRADES),
    makespan_s: z.number().min(0),
    start_time: isoTime,
    end_time: isoTime,
    anomalies: count,
  })
  .strict();
export type WaveHeadline = z.infer<typeof waveHeadlineSchema>;

/** `phase21_execution_summary.json`. */
export const executionSummarySchema = z
  .object({
    schema_version: schemaVersion,
    status: z.literal('completed'),
    strategy: z.enum(STRATEGY_NAMES),
    seed: z.number().int(),
    epoch: isoTime,
    start_time: isoTime,
    end_time: isoTime,
    makespan_s: z.number().min(0),
    agent_ids: z.array(z.string()).describe("the run's agents, natural order"),
    totals: z
      .object({
        waves: count,
        tasks: count,
        succeeded: count,
        failed: count,
        blocked: count,
        attempts: count,
        retries: count,
        reroutes: count,
        steals: count,
        circuit_openings: count,
        rejected_lines: count,
      })
      .strict(),
    success_rate: z.number().min(0).max(1).nullable(),
    health_score: z.number().min(0).max(100),
    health_grade: z.enum(HEALTH_GRADES),
    waves: z.array(waveHeadlineSchema),
    anomalies_by_type: z.record(z.enum(ANOMALY_TYPES), count),
    signals_by_type: z.record(z.enum(SIGNAL_TYPES), count),
  })
  .strict();
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;

/** `phase21_system_health.json`: run health, per-wave health and the trend. */
export const systemHealthSchema = z
  .object({
    schema_version: schemaVersion,
    run: z.object({ health: HealthSchema, metrics: RunMetricsSchema }).strict(),
    waves: z.array(z.object({ wave: z.number().int().min(1), health: HealthSchema, metrics: WaveMetricsSchema }).strict()),
    trend: z
      .array(z.object({ wave: z.number().int().min(1), health_score: z.number().min(0).max(100), health_grade: z.enum(HEALTH_GRADES) }).strict())
      .describe('health_score and health_grade per wave: health.score and health.grade of each wave'),
  })
  .strict();
export type SystemHealth = z.infer<typeof systemHealthSchema>;

/** `wave_<w>/wave_summary.json`. */
export const waveSummarySchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    strategy: z.enum(STRATEGY_NAMES),
    start_time: isoTime,
    end_time: isoTime,
    health: HealthSchema,
    metrics: WaveMetricsSchema,
    anomaly_ids: z.array(z.string()),
  })
  .strict();
export type WaveSummary = z.infer<typeof waveSummarySchema>;

/** A row of `wave_<w>/agent_<a>/agent_metrics.jsonl`: the agent's figures for the wave. */
export const agentMetricsRecordSchema = z.object({ schema_version: schemaVersion, wave: z.number().int().min(1), ...AgentMetricsSchema.shape }).strict();
export type AgentMetricsRecord = z.infer<typeof agentMetricsRecordSchema>;
