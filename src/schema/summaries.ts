/**
 * Schemas of the run-level and wave-level JSON documents (contract section 8): the manifest
 * `run.json`, `phase21_execution_summary.json`, `phase21_system_health.json`,
 * `wave_<w>/wave_summary.json` and the rows of `wave_<w>/agent_<a>/agent_metrics.jsonl`.
 */
import { z } from 'zod';
import { BREAKER_POLICIES, JITTER_MODES, ON_INVALID, RETRY_POLICIES, SCHEMA_VERSION, STRATEGY_NAMES, WORLD_NAMES } from '../options.ts';
import { AgentMetricsSchema, ANOMALY_TYPES, HEALTH_GRADES, HealthSchema, RunMetricsSchema, WaveMetricsSchema } from './measures.ts';
import { SIGNAL_TYPES } from './signals.ts';

const schemaVersion = z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)');
const isoTime = z.iso.datetime().describe('ISO-8601 UTC instant');
const count = z.number().int().min(0);
/** Attempts by where their outcome came from (contract section 11); every source present. */
const attemptsBySource = z
  .object({ simulated: count, recorded: count, subprocess: count })
  .strict()
  .describe('attempts by where their outcome came from: simulated = drawn (contract section 3), recorded = --outcomes (replay world), subprocess = a real command');

/** One input file as recorded in the manifest. */
export const inputFileRecordSchema = z
  .object({
    path: z.string(),
    kind: z.enum(['predicted_tasks', 'predicted_schedule', 'agents', 'outcomes']).describe('outcomes: the --outcomes file of --world replay'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    lines: count,
    accepted_rows: count,
    rejected_rows: count,
  })
  .strict();

/** Run states (contract section 12); `planned` is a dry run's. */
export const RUN_STATES = ['running', 'completed', 'aborted', 'canceled', 'failed', 'planned'] as const;
export type RunState = (typeof RUN_STATES)[number];

/**
 * The options of a run as run.json records them: every option under its long command-line
 * name in snake_case, which is also its key in a `--config` file (contract section 12), so a
 * manifest's `options` can be read back as a config. Units are those of the options (seconds).
 */
export const manifestOptionsSchema = z
  .object({
    input: z.string(),
    out: z.string(),
    report_dir: z.string(),
    agents_file: z.string().nullable(),
    on_invalid: z.enum(ON_INVALID),
    waves: z.number().int().min(1).nullable(),
    strategy: z.enum(STRATEGY_NAMES),
    seed: z.number().int(),
    duration_noise: z.number().min(0),
    world: z.enum(WORLD_NAMES),
    outcomes: z.string().nullable().describe('--world replay: the outcomes file, as given; null = none'),
    epoch: z.string().nullable().describe('as given; null = from the input (the resolved epoch is the manifest\'s epoch)'),
    retry: z.enum(RETRY_POLICIES),
    jitter: z.enum(JITTER_MODES),
    max_attempts: z.number().int().min(1),
    backoff_base: z.number().min(0).describe('seconds'),
    backoff_cap: z.number().min(0).describe('seconds'),
    breaker: z.enum(BREAKER_POLICIES),
    breaker_window: z.number().int().min(1),
    breaker_min_attempts: z.number().int().min(1),
    breaker_failure_rate: z.number().gt(0).max(1),
    breaker_threshold: z.number().int().min(1),
    breaker_cooldown: z.number().min(0).describe('seconds'),
    min_probability: z.number().min(0).max(1),
    high_risk_floor: z.number().min(0).max(1),
    allow_high_risk: z.boolean(),
    wave_deadline: z.number().nullable().describe('seconds; null = none'),
    steal: z.boolean(),
    dry_run: z.boolean(),
    abort_on_failure_rate: z.number().min(0).max(1).nullable(),
    time_scale: z.number().gt(0).describe('subprocess world: factor of every delay waited in real time'),
    subprocess: z
      .object({
        command: z.array(z.string()).nullable().describe('argv for agents without their own; null = none'),
        timeout_s: z.number().gt(0),
        kill_grace_s: z.number().min(0),
        max_output_bytes: z.number().int().min(0),
        env_names: z.array(z.string()).describe("names of the variables of the config's env, sorted; their values are left out (they may be secrets)"),
      })
      .strict()
      .describe("the config file's subprocess settings (contract section 12)"),
    min_health: z.number().nullable(),
    resume: z.boolean(),
    quiet: z.boolean(),
    json: z.boolean(),
    debug: z.boolean(),
  })
  .strict();
export type ManifestOptions = z.infer<typeof manifestOptionsSchema>;

/** One `--resume` of the run (wall clock), in order. */
export const resumeRecordSchema = z
  .object({
    resumed_at: isoTime.describe('wall clock'),
    previous_status: z.enum(['running', 'failed', 'canceled']).describe('the state the run was left in (running: it was killed)'),
    from_wave: z.number().int().min(1).nullable().describe('the first wave run after resuming; null when every wave had finished'),
  })
  .strict();
export type ResumeRecord = z.infer<typeof resumeRecordSchema>;

/**
 * `run.json`: the manifest. The only artifact with wall-clock times and paths as given, so
 * the only one that differs between two runs of the same inputs. `artifacts` lists, while the
 * run is unfinished (running, failed, canceled), every file the folder may hold from it (so the
 * next run can empty the folder after a kill); once it has finished, the files it wrote.
 */
export const manifestSchema = z
  .object({
    schema_version: schemaVersion,
    tool: z.literal('phase21-harness'),
    version: z.string(),
    status: z.enum(RUN_STATES),
    reason: z.string().nullable().describe('why the run failed, was aborted or was canceled; null otherwise'),
    started_at: isoTime.describe('wall clock'),
    finished_at: isoTime.nullable().describe('wall clock; null while running'),
    node: z.string(),
    backend: z.string().describe('executor backend, e.g. simulated'),
    seed: z.number().int(),
    epoch: isoTime.describe('simulated time zero'),
    layout: z.enum(['tree', 'flat']),
    options: manifestOptionsSchema,
    inputs: z.array(inputFileRecordSchema),
    rejected_lines: count,
    waves: z.array(z.number().int().min(1)).describe('the waves the run plans, ascending'),
    waves_finished: count.describe('waves finished so far'),
    report: z.string().describe('the report file, as given'),
    artifacts: z.array(z.string()).describe('files relative to the output folder, sorted (see above)'),
    resumes: z.array(resumeRecordSchema),
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
    attempts_by_source: attemptsBySource,
  })
  .strict();
export type WaveHeadline = z.infer<typeof waveHeadlineSchema>;

/** `phase21_execution_summary.json`. */
export const executionSummarySchema = z
  .object({
    schema_version: schemaVersion,
    status: z.enum(['completed', 'aborted']).describe('aborted: --abort-on-failure-rate stopped the run; the figures cover the waves that ran'),
    reason: z.string().nullable().describe('why the run was aborted; null when completed'),
    strategy: z.enum(STRATEGY_NAMES),
    seed: z.number().int(),
    world: z.enum(WORLD_NAMES).describe('where attempts ran (contract section 11)'),
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
        attempts_by_source: attemptsBySource,
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
