/**
 * Learning signals of a run (contract section 7) and the feedback file each one goes to.
 *
 * Order: by wave (ascending), then type in the contract's table order (agent_performance,
 * multi_agent_coordination, heuristic_feedback, prediction_validation), then subject (`all`
 * first, then agents in natural order). Ids are `w<wave>-<type>-<subject>`.
 */
import type { StrategyName } from '../options.ts';
import type { WavePlan } from '../plan/model.ts';
import type { WaveMetrics } from '../schema/measures.ts';
import type { Signal, SignalType } from '../schema/signals.ts';
import type { WaveExecution } from '../simulate/types.ts';
import type { KeyedRandom } from '../simulate/rng.ts';
import { agentPerformanceSignals } from './agent_performance.ts';
import { heuristicSignal } from './heuristic_feedback.ts';
import { coordinationSignal } from './multi_agent_coordination.ts';
import { predictionValidationSignals } from './prediction_validation.ts';

export { confidenceFor, signalId, TARGET_PHASE } from './common.ts';
export { RECOMMENDATION_THRESHOLDS } from './recommendations.ts';

/** The feedback files, relative to the output folder (contract section 8), in phase order. */
export const FEEDBACK_FILES = [
  'feedback/phase16/heuristic_feedback.jsonl',
  'feedback/phase18/coordination_feedback.jsonl',
  'feedback/phase20/prediction_validation_feedback.jsonl',
] as const;
export type FeedbackFile = (typeof FEEDBACK_FILES)[number];

const FILE_OF: Record<SignalType, FeedbackFile> = {
  heuristic_feedback: 'feedback/phase16/heuristic_feedback.jsonl',
  agent_performance: 'feedback/phase18/coordination_feedback.jsonl',
  multi_agent_coordination: 'feedback/phase18/coordination_feedback.jsonl',
  prediction_validation: 'feedback/phase20/prediction_validation_feedback.jsonl',
};

/** The feedback file a signal goes to (every signal also goes to phase21_learning_signals.jsonl). */
export function signalFile(signal: Pick<Signal, 'signal_type'>): FeedbackFile {
  return FILE_OF[signal.signal_type];
}

/** What {@link buildSignals} reads. */
export interface SignalInput {
  /** The run's wave plans (risk and suggested placements); one per executed wave. */
  readonly waves: readonly WavePlan[];
  /** The simulated waves, any order. */
  readonly executions: readonly WaveExecution[];
  /** `computeWaveMetrics` of each execution, any order. */
  readonly waveMetrics: readonly WaveMetrics[];
  /** The strategy the run used. */
  readonly strategy: StrategyName;
  /** The run's keyed generator, for the agents' ECE intervals (null intervals without it). */
  readonly random?: KeyedRandom;
}

/**
 * Every signal of the run, in the order described above.
 * @throws RangeError when an execution has no plan or no metrics with its wave number, or an
 *   outcome names a task or agent the plan/metrics do not know
 */
export function buildSignals(input: SignalInput): Signal[] {
  const plans = new Map(input.waves.map((w) => [w.wave, w]));
  const metricsOf = new Map(input.waveMetrics.map((m) => [m.wave, m]));
  const executions = [...input.executions].sort((a, b) => a.wave - b.wave);
  const signals: Signal[] = [];
  for (const execution of executions) {
    const plan = plans.get(execution.wave);
    const metrics = metricsOf.get(execution.wave);
    if (plan === undefined) throw new RangeError(`no plan for wave ${execution.wave}`);
    if (metrics === undefined) throw new RangeError(`no metrics for wave ${execution.wave}`);
    signals.push(
      ...agentPerformanceSignals(metrics),
      coordinationSignal(metrics, input.strategy),
      heuristicSignal(plan, execution, metrics),
      ...predictionValidationSignals(execution, metrics, input.random),
    );
  }
  return signals;
}

/** Signals grouped by feedback file, each group in signal order; every file present (maybe empty). */
export function signalsByFile(signals: readonly Signal[]): Map<FeedbackFile, Signal[]> {
  const groups = new Map<FeedbackFile, Signal[]>(FEEDBACK_FILES.map((f) => [f, []]));
  for (const signal of signals) groups.get(signalFile(signal))?.push(signal);
  return groups;
}
