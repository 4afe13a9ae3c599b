/**
 * Zod schemas (and inferred types) of the learning-signal records (contract section 7): one
 * line of `phase21_learning_signals.jsonl` and of the feedback files. Keys are the snake_case
 * artifact keys, in the order the builders in src/signals/ write them. Content fields are
 * described in docs/metrics.md.
 */
import { z } from 'zod';
import { SCHEMA_VERSION, STRATEGY_NAMES } from '../options.ts';
import { AgentMetricsSchema, CalibrationFieldsShape } from './measures.ts';

const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(1);
const seconds = z.number().nonnegative();

/** Signal types in the contract's table order (the order of signals within a wave). */
export const SIGNAL_TYPES = ['agent_performance', 'multi_agent_coordination', 'heuristic_feedback', 'prediction_validation'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** Confidence tiers by sample size n: < 3 gives 0.5, 3-10 gives 0.7, > 10 gives 0.9. */
export const SignalConfidenceSchema = z.union([z.literal(0.5), z.literal(0.7), z.literal(0.9)]);
export type SignalConfidence = z.infer<typeof SignalConfidenceSchema>;

const signalBase = {
  schema_version: z.literal(SCHEMA_VERSION),
  /** `w<wave>-<signal_type>-<subject>`, e.g. `w2-prediction_validation-agent_1`. */
  signal_id: z.string(),
};

/** agent_performance content: one agent's figures in one wave (AgentMetrics without its id). */
export const AgentPerformanceContentSchema = AgentMetricsSchema.omit({ agent_id: true });
export type AgentPerformanceContent = z.infer<typeof AgentPerformanceContentSchema>;

/** multi_agent_coordination content: how the strategy spread one wave's work. */
export const CoordinationContentSchema = z.object({
  strategy: z.enum(STRATEGY_NAMES),
  tasks: count,
  agents: z.array(z.object({ agent_id: z.string(), tasks: count, busy_s: seconds })),
  /** mean busy / max busy (load-balance efficiency); 1 when nothing ran. */
  load_balance: rate,
  /** max busy / mean busy; null when no agent was busy. */
  max_mean_busy_ratio: z.number().nonnegative().nullable(),
  /** Population standard deviation / mean of busy time over agents; null when no agent was busy. */
  busy_cv: z.number().nonnegative().nullable(),
  makespan_s: seconds,
  utilization: rate,
  waiting_mean_s: seconds.nullable(),
  waiting_p95_s: seconds.nullable(),
  /** The wave's critical path, makespan lower bound and bound / makespan (contract 10). */
  critical_path_s: z.number().nonnegative().nullable(),
  makespan_lower_bound_s: z.number().nonnegative().nullable(),
  makespan_efficiency: z.number().nonnegative().nullable(),
  reroutes: count,
  steals: count,
  blocked: count,
  circuit_openings: count,
});
export type CoordinationContent = z.infer<typeof CoordinationContentSchema>;

/** Outcome counts of one risk level (risk of the prediction for the first-attempt/blocking agent). */
export const RiskOutcomeSchema = z.object({
  risk: z.enum(['LOW', 'MEDIUM', 'HIGH']),
  tasks: count,
  succeeded: count,
  failed: count,
  blocked: count,
  success_rate: rate.nullable(),
});
export type RiskOutcome = z.infer<typeof RiskOutcomeSchema>;

/** heuristic_feedback content: how Phase 20's plan held in one wave. */
export const HeuristicContentSchema = z.object({
  tasks: count,
  executed: count,
  /** As in the wave metrics: mean |first attempt duration - predicted time| / predicted time; null when none executed. */
  duration_mape: z.number().nonnegative().nullable(),
  /** Share of executed tasks whose first attempt took within 20% of the predicted time; null when none executed. */
  within_20pct_share: rate.nullable(),
  /** Tasks the schedule placed on a suggested agent. */
  suggested_tasks: count,
  /** Share of those that ended on their suggested agent; null when none had a suggestion. */
  kept_on_suggested_share: rate.nullable(),
  /** Phase 20's planned span of the wave (max planned end - min planned start); null without a schedule. */
  planned_makespan_s: seconds.nullable(),
  makespan_s: seconds,
  /** makespan_s / planned_makespan_s; null when the plan has no positive span. */
  makespan_ratio: z.number().nonnegative().nullable(),
  /** Always three entries: LOW, MEDIUM, HIGH. */
  outcomes_by_risk: z.array(RiskOutcomeSchema),
});
export type HeuristicContent = z.infer<typeof HeuristicContentSchema>;

/** prediction_validation content: calibration of predicted p against first-attempt outcomes. */
export const PredictionValidationContentSchema = z.object({
  /** Calibration sample size: executed tasks (for an agent: those whose first attempt ran on it). */
  n: count,
  mean_predicted_p: rate.nullable(),
  /** Share of the sample whose first attempt succeeded. */
  first_attempt_success_rate: rate.nullable(),
  /** first_attempt_success_rate - mean_predicted_p (observed minus predicted). */
  calibration_gap: z.number().min(-1).max(1).nullable(),
  ...CalibrationFieldsShape,
});
export type PredictionValidationContent = z.infer<typeof PredictionValidationContentSchema>;

function signalSchema<T extends SignalType, P extends 16 | 18 | 20, C extends z.ZodType>(type: T, phase: P, content: C) {
  return z.object({
    ...signalBase,
    signal_type: z.literal(type),
    target_phase: z.literal(phase),
    wave: z.number().int().min(1),
    subject: z.string(),
    confidence: SignalConfidenceSchema,
    content,
    recommendations: z.array(z.string()),
  });
}

export const AgentPerformanceSignalSchema = signalSchema('agent_performance', 18, AgentPerformanceContentSchema);
export const CoordinationSignalSchema = signalSchema('multi_agent_coordination', 18, CoordinationContentSchema);
export const HeuristicSignalSchema = signalSchema('heuristic_feedback', 16, HeuristicContentSchema);
export const PredictionValidationSignalSchema = signalSchema('prediction_validation', 20, PredictionValidationContentSchema);

/** One learning signal: a line of `phase21_learning_signals.jsonl` and of one feedback file. */
export const SignalSchema = z.discriminatedUnion('signal_type', [
  AgentPerformanceSignalSchema,
  CoordinationSignalSchema,
  HeuristicSignalSchema,
  PredictionValidationSignalSchema,
]);
export type Signal = z.infer<typeof SignalSchema>;
export type AgentPerformanceSignal = z.infer<typeof AgentPerformanceSignalSchema>;
export type CoordinationSignal = z.infer<typeof CoordinationSignalSchema>;
export type HeuristicSignal = z.infer<typeof HeuristicSignalSchema>;
export type PredictionValidationSignal = z.infer<typeof PredictionValidationSignalSchema>;
