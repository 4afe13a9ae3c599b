/**
 * Zod schemas (and the TypeScript types inferred from them) of the measure records:
 * reliability bins, per-agent and per-wave/run metrics, health, and anomalies
 * (contract section 6). Keys are the snake_case artifact keys, in the order the builders
 * write them; `z.toJSONSchema` turns these into the published JSON Schemas.
 *
 * Conventions: times in simulated seconds (`_s`), rates and probabilities in [0, 1], counts
 * are non-negative integers, derived floats are rounded to 6 decimals, and a figure that is
 * undefined on an empty sample is `null` (see docs/metrics.md).
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';

const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(1);
const seconds = z.number().nonnegative();

/** One non-empty reliability bin: uniform bin `(lower, upper]` (the first is `[0, upper]`). */
export const ReliabilityBinSchema = z.object({
  lower: rate,
  upper: rate,
  count: count.min(1),
  /** Mean predicted probability of the bin's samples. */
  mean_predicted_p: rate,
  /** Share of the bin's samples whose first attempt succeeded (outcome 1). */
  first_attempt_success_rate: rate,
});
export type ReliabilityBin = z.infer<typeof ReliabilityBinSchema>;

/** The calibration figures of a sample of (predicted p, first-attempt outcome) pairs. */
export const CalibrationFieldsShape = {
  brier: z.number().min(0).max(1).nullable(),
  log_loss: z.number().nonnegative().nullable(),
  ece: rate.nullable(),
  mce: rate.nullable(),
  reliability_bins: z.array(ReliabilityBinSchema),
  /** Murphy's reliability over the uniform bins: (1/n) sum n_k (mean p_k - rate_k)^2; null when n = 0. */
  brier_reliability: rate.nullable(),
  /** Murphy's resolution: (1/n) sum n_k (rate_k - rate)^2; null when n = 0. */
  brier_resolution: rate.nullable(),
  /** Murphy's uncertainty: rate (1 - rate); null when n = 0. */
  brier_uncertainty: rate.nullable(),
  /** Stephenson et al. 2008 within-bin variance of p; brier = reliability - resolution + uncertainty + this - covariance. */
  brier_within_bin_variance: rate.nullable(),
  /** Stephenson et al. 2008 within-bin covariance term, (2/n) sum (y - rate_k)(p - mean p_k). */
  brier_within_bin_covariance: z.number().min(-1).max(1).nullable(),
  /** Bootstrap 95% percentile interval of ece (1,000 resamples of the (bin, outcome) counts); null when n = 0 or not computed. */
  ece_ci_low: rate.nullable(),
  ece_ci_high: rate.nullable(),
  /** Non-empty equal-mass (quantile) bins; lower and upper are percentile edges (both in the first bin). */
  reliability_bins_equal_mass: z.array(ReliabilityBinSchema),
};

/** One agent's figures in a wave (or summed over the run). See docs/metrics.md. */
export const AgentMetricsSchema = z.object({
  agent_id: z.string(),
  /** Tasks that ended on this agent (its final agent). */
  tasks: count,
  succeeded: count,
  failed: count,
  blocked: count,
  /** succeeded / tasks; null when tasks = 0. */
  success_rate: rate.nullable(),
  /** Attempts the agent ran (simulation's count). */
  attempts: count,
  successful_attempts: count,
  /** successful_attempts / attempts; null when attempts = 0. */
  attempt_success_rate: rate.nullable(),
  /** Attempts on this agent that were retries (attempt index >= 1). */
  retries: count,
  busy_s: seconds,
  open_s: seconds,
  circuit_openings: count,
  /** Tasks this agent took from other agents' queues (work stealing). */
  steals: count,
  /** busy_s / makespan_s; 0 when makespan is 0. */
  utilization: rate,
  /** First attempts the agent ran: executed tasks whose first attempt ran on it (the agent their predicted p is for). */
  first_attempts: count,
  /** Mean predicted p of those tasks; null when there are none. */
  mean_predicted_p: rate.nullable(),
  /** Share of those tasks whose first attempt succeeded; null when there are none. */
  first_attempt_success_rate: rate.nullable(),
  /** first_attempt_success_rate - mean_predicted_p; null when there are none. */
  calibration_gap: z.number().min(-1).max(1).nullable(),
  /** Mean duration of the attempts this agent ran, seconds; null when it ran none. */
  mean_attempt_duration_s: seconds.nullable(),
});
export type AgentMetrics = z.infer<typeof AgentMetricsSchema>;

/** The figures shared by wave and run metrics (contract section 6), in artifact key order. */
export const MetricsCoreShape = {
  tasks: count,
  succeeded: count,
  failed: count,
  blocked: count,
  /** Tasks with at least one attempt. */
  executed: count,
  /** succeeded / tasks; null when tasks = 0. */
  success_rate: rate.nullable(),
  /** 1 - sum(open_s) / (agents x makespan_s); 1 when makespan or agents is 0. */
  availability: rate,
  /** 1 - ece; 1 when no task executed. */
  accuracy: rate,
  /** mean busy_s / max busy_s over agents; 1 when nothing ran. */
  load_balance: rate,
  /** Mean predicted p of executed tasks (contract section 6's "confidence"); null when none executed. */
  mean_predicted_p: rate.nullable(),
  /** Share of executed tasks whose first attempt succeeded; null when none executed. */
  first_attempt_success_rate: rate.nullable(),
  /** first_attempt_success_rate - mean_predicted_p; null when none executed. */
  calibration_gap: z.number().min(-1).max(1).nullable(),
  makespan_s: seconds,
  /** sum(busy_s) / (agents x makespan_s); 0 when makespan or agents is 0. */
  utilization: rate,
  /** Mean of first attempt start - ready over executed tasks, seconds; null when none executed. */
  waiting_mean_s: seconds.nullable(),
  /** 95th percentile (linear interpolation, type 7) of the same; null when none executed. */
  waiting_p95_s: seconds.nullable(),
  attempts: count,
  /** Attempts beyond each task's first. */
  retries: count,
  reroutes: count,
  /** Tasks an idle agent took from another's queue (work stealing, contract 4.6); apart from reroutes. */
  steals: count,
  circuit_openings: count,
  ...CalibrationFieldsShape,
  /**
   * Mean over executed tasks of |first attempt duration - predicted time| / predicted time, the
   * prediction being for the first attempt's agent; a ratio (0.2 = 20%); null when none executed.
   */
  duration_mape: z.number().nonnegative().nullable(),
  per_agent: z.array(AgentMetricsSchema),
};

/** Metrics of one wave: embedded in `wave_<w>/wave_summary.json` and the health file. */
const { per_agent: perAgentShape, ...MetricsCoreFigures } = MetricsCoreShape;
export const WaveMetricsSchema = z.object({
  wave: z.number().int().min(1),
  ...MetricsCoreFigures,
  /** Heaviest dependency chain, each task at its least predicted time x speed (contract 10); null when not computed. */
  critical_path_s: seconds.nullable(),
  /** max(critical_path_s, least total work / total slots); null when not computed. */
  makespan_lower_bound_s: seconds.nullable(),
  /** makespan_lower_bound_s / makespan_s; null when the makespan is 0 or the bound is not computed. */
  makespan_efficiency: z.number().nonnegative().nullable(),
  per_agent: perAgentShape,
});
export type WaveMetrics = z.infer<typeof WaveMetricsSchema>;

/** Metrics of the whole run, from every task pooled (not a mean of wave metrics). */
export const RunMetricsSchema = z.object({ waves: count, ...MetricsCoreShape });
export type RunMetrics = z.infer<typeof RunMetricsSchema>;

/** The figures of either kind that every metric consumer reads. */
export type MetricsCore = Omit<WaveMetrics, 'wave' | 'critical_path_s' | 'makespan_lower_bound_s' | 'makespan_efficiency'>;

/** Health grades, best first (contract section 6). */
export const HEALTH_GRADES = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR'] as const;
export type HealthGrade = (typeof HEALTH_GRADES)[number];

/** The four inputs of the health score, as used (null success rate counted as 1: see docs/metrics.md). */
export const HealthComponentsSchema = z.object({
  success_rate: rate,
  availability: rate,
  accuracy: rate,
  load_balance: rate,
});
export type HealthComponents = z.infer<typeof HealthComponentsSchema>;

/** Health of a wave or the run: score in [0, 100] with 2 decimals, grade and components. */
export const HealthSchema = z.object({
  score: z.number().min(0).max(100),
  grade: z.enum(HEALTH_GRADES),
  components: HealthComponentsSchema,
});
export type Health = z.infer<typeof HealthSchema>;

/** Anomaly types in the contract's table order (the order of `anomalies.jsonl` within a wave). */
export const ANOMALY_TYPES = ['agent_failure', 'coordination_issue', 'prediction_drift', 'load_imbalance'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** Anomaly severities. */
export const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];

const anomalyBase = {
  schema_version: z.literal(SCHEMA_VERSION),
  /** `w<wave>-<type>-<subject>`, e.g. `w2-agent_failure-agent_1`. */
  anomaly_id: z.string(),
  wave: z.number().int().min(1),
};

/**
 * Evidence of every anomaly: the figures its rule read, under the names they have in the
 * metrics, and `thresholds`: the threshold applied to each figure, under the figure's own name
 * (the direction of each comparison is in docs/metrics.md and in the message).
 */

/** `agent_failure` (HIGH): low attempt success rate over enough attempts, or an opened circuit. */
export const AgentFailureAnomalySchema = z.object({
  ...anomalyBase,
  type: z.literal('agent_failure'),
  severity: z.literal('HIGH'),
  subject: z.string(),
  message: z.string(),
  evidence: z.object({
    attempts: count,
    successful_attempts: count,
    attempt_success_rate: rate.nullable(),
    circuit_openings: count,
    thresholds: z.object({
      /** The fewest attempts for the rate rule to apply. */
      attempts: count,
      /** Fires when attempt_success_rate is below this. */
      attempt_success_rate: rate,
    }),
  }),
});

/** `coordination_issue` (MEDIUM): reroutes plus blocked tasks above a share of the wave's tasks. */
export const CoordinationIssueAnomalySchema = z.object({
  ...anomalyBase,
  type: z.literal('coordination_issue'),
  severity: z.literal('MEDIUM'),
  subject: z.literal('all'),
  message: z.string(),
  evidence: z.object({
    tasks: count,
    reroutes: count,
    blocked: count,
    /** (reroutes + blocked) / tasks; above 1 when tasks are rerouted more than once. */
    reroutes_blocked_share: z.number().nonnegative(),
    /** Fires when reroutes_blocked_share is above this. */
    thresholds: z.object({ reroutes_blocked_share: rate }),
  }),
});

/**
 * `prediction_drift` (MEDIUM): enough executed tasks and a large calibration gap or ECE, for
 * the wave (`subject` all) or for one agent's first attempts (`subject` the agent; gap rule
 * only, `ece` null).
 */
export const PredictionDriftAnomalySchema = z.object({
  ...anomalyBase,
  type: z.literal('prediction_drift'),
  severity: z.literal('MEDIUM'),
  subject: z.string(),
  message: z.string(),
  evidence: z.object({
    /** Calibration sample size: the wave's executed tasks, or the agent's first attempts. */
    n: count,
    mean_predicted_p: rate,
    first_attempt_success_rate: rate,
    /** |first_attempt_success_rate - mean_predicted_p|. */
    abs_calibration_gap: rate,
    ece: rate.nullable(),
    thresholds: z.object({
      /** The sample size from which both rules apply (an agent below it: docs/metrics.md). */
      n: count,
      /** Fires when abs_calibration_gap is above this. */
      abs_calibration_gap: rate,
      /** Fires when ece is above this (the wave only). */
      ece: rate,
    }),
  }),
});

/** `load_imbalance` (LOW): the busiest agent far above the mean busy time. */
export const LoadImbalanceAnomalySchema = z.object({
  ...anomalyBase,
  type: z.literal('load_imbalance'),
  severity: z.literal('LOW'),
  subject: z.literal('all'),
  message: z.string(),
  evidence: z.object({
    busiest_agent_id: z.string(),
    max_busy_s: seconds,
    mean_busy_s: seconds,
    /** max_busy_s / mean_busy_s. */
    max_mean_busy_ratio: z.number().nonnegative(),
    /** Fires when max_mean_busy_ratio is above this. */
    thresholds: z.object({ max_mean_busy_ratio: z.number().nonnegative() }),
  }),
});

/** One line of `anomalies.jsonl`. */
export const AnomalySchema = z.discriminatedUnion('type', [
  AgentFailureAnomalySchema,
  CoordinationIssueAnomalySchema,
  PredictionDriftAnomalySchema,
  LoadImbalanceAnomalySchema,
]);
export type Anomaly = z.infer<typeof AnomalySchema>;
