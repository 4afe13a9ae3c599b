/**
 * `checkpoint.json` (contract section 12): everything the next wave needs, written after each
 * wave, so `--resume` continues an interrupted run exactly where an uninterrupted one would
 * be. Deterministic like every artifact: no wall-clock time, no path outside the output
 * folder; two runs with the same inputs, options and seed write the same bytes.
 *
 * Numbers that feed later arithmetic (clock, sums, busy time) are the exact doubles, not
 * rounded: JSON prints a double in its shortest round-trip form, so reading it back gives the
 * same bits and the resumed run the same results.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';
import { chartStateSchema } from './charts.ts';
import { AnomalySchema, HealthSchema, WaveMetricsSchema } from './measures.ts';

const schemaVersion = z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)');
const count = z.number().int().min(0);
const exact = z.number().describe('an exact double (not rounded)');

/** One agent's circuit breaker. */
export const breakerStateSchema = z.discriminatedUnion('state', [
  z
    .object({
      agent_id: z.string(),
      state: z.literal('closed'),
      policy: z.enum(['sampling', 'consecutive']),
      consecutive_failures: count.describe('consecutive breaker: failures in a row; 0 under sampling'),
      window: z.array(z.boolean()).describe('sampling breaker: the last finished attempts, oldest first, true = failed; [] under consecutive'),
    })
    .strict(),
  z.object({ agent_id: z.string(), state: z.literal('open'), opened_at_s: exact, half_open_at_s: exact, down_since_s: exact }).strict(),
  z.object({ agent_id: z.string(), state: z.literal('half_open'), probe_in_flight: z.boolean(), down_since_s: exact }).strict(),
]);

/** The outcome of a task a later wave depends on. */
export const decidedTaskSchema = z.object({ wave: count, task_id: z.string(), status: z.enum(['succeeded', 'failed', 'blocked']) }).strict();
export type BreakerStateRecord = z.infer<typeof breakerStateSchema>;

/** The strategy's run-long state (src/assign/types.ts `StrategyState`), maps as ordered lists. */
export const strategyStateSchema = z
  .object({
    rotation: count.describe('index of the next agent in the round-robin rotation'),
    work_s: z.array(z.object({ agent_id: z.string(), work_s: exact }).strict()).describe('work per agent so far, in the map\'s order'),
    records: z.array(z.object({ agent_id: z.string(), successes: count, attempts: count }).strict()),
    waves_recorded: count,
  })
  .strict();
export type StrategyStateRecord = z.infer<typeof strategyStateSchema>;

/** Waiting times so far (src/measure/waiting.ts): compensated sum and the largest values. */
export const waitingStateSchema = z
  .object({
    n: count,
    sum_s: exact,
    correction_s: exact.describe('Neumaier correction term of the sum'),
    capacity: count.describe('largest values kept: enough for the exact 95th percentile of the run'),
    top_s: z.array(exact).describe('the largest waiting times, ascending'),
  })
  .strict();
export type WaitingState = z.infer<typeof waitingStateSchema>;

/** Calibration sums (src/measure/calibration.ts), per uniform bin. */
export const calibrationStateSchema = z
  .object({
    n: count,
    sum_p: exact,
    positives: count,
    squared_error_sum: exact,
    log_loss_sum: exact,
    bin_count: z.array(count),
    bin_sum_p: z.array(exact),
    bin_positives: z.array(count),
  })
  .strict();
export type CalibrationState = z.infer<typeof calibrationStateSchema>;

/** One agent's run-level sums (src/measure/metrics.ts). */
export const agentSumsSchema = z
  .object({
    agent_id: z.string(),
    tasks: count,
    succeeded: count,
    failed: count,
    blocked: count,
    attempts: count,
    successful_attempts: count,
    retries: count,
    busy_s: exact,
    open_s: exact,
    circuit_openings: count,
    steals: count,
    first_attempts: count,
    sum_predicted: exact,
    first_successes: count,
    attempt_duration_sum_s: exact,
    attempt_runs: count,
  })
  .strict();
export type AgentSumsState = z.infer<typeof agentSumsSchema>;

/** The run-level metrics accumulator: the run's measures are a function of this alone. */
export const metricsStateSchema = z
  .object({
    waves: count,
    start_s: exact.nullable().describe('first wave start; null before any wave'),
    end_s: exact.nullable().describe('last wave end; null before any wave'),
    tasks: count,
    succeeded: count,
    failed: count,
    blocked: count,
    executed: count,
    attempts: count,
    retries: count,
    reroutes: count,
    steals: count,
    circuit_openings: count,
    ape_sum: exact.describe('sum of absolute percentage duration errors'),
    waiting: waitingStateSchema,
    calibration: calibrationStateSchema,
    agents: z.array(agentSumsSchema),
  })
  .strict();
export type MetricsState = z.infer<typeof metricsStateSchema>;

/** A finished wave, as the run summaries need it. */
export const waveResultSchema = z
  .object({
    wave: z.number().int().min(1),
    start_s: exact,
    end_s: exact,
    health: HealthSchema,
    metrics: WaveMetricsSchema,
    anomalies: z.array(AnomalySchema),
    attempts_by_source: z.object({ simulated: count, recorded: count, subprocess: count }).strict(),
  })
  .strict();
export type WaveResultRecord = z.infer<typeof waveResultSchema>;

/** A file written so far: its length and SHA-256 (for a stream, of its first `bytes` bytes). */
export const fileDigestSchema = z
  .object({
    path: z.string().describe('relative to the output folder, /-separated'),
    bytes: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    stream: z.boolean().describe('true for a file that grows wave by wave and stays at its temporary name (.<name>.tmp) until the run ends'),
  })
  .strict();
export type FileDigestRecord = z.infer<typeof fileDigestSchema>;

/** `checkpoint.json`. */
export const checkpointSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1).describe('the last finished wave'),
    waves_finished: count.describe('waves finished so far, in run order'),
    clock_s: exact.describe('simulated time at the end of the last finished wave, seconds since the epoch'),
    events_written: count.describe('records in events.jsonl so far (the last seq)'),
    breakers: z.array(breakerStateSchema).describe('every agent, in the run\'s agent order'),
    cooldowns: z.array(z.string()).describe('agents whose open circuit waits for its cooldown, in the order the timers were set'),
    decided: z.array(decidedTaskSchema).describe('outcomes of finished tasks that a later wave depends on (depends_on)'),
    strategy: strategyStateSchema,
    metrics: metricsStateSchema,
    waves: z.array(waveResultSchema),
    charts: chartStateSchema.describe('the chart data of the waves so far (src/charts/collector.ts, docs/charts.md)'),
    files: z.array(fileDigestSchema).describe('every file written so far but run.json and checkpoint.json, by path'),
  })
  .strict();
export type Checkpoint = z.infer<typeof checkpointSchema>;
