/**
 * `prediction_validation` signals (contract section 7, to Phase 20): per wave, one for the
 * whole wave (subject `all`) and one per agent. The sample is every executed task's predicted p
 * paired with its first attempt's outcome; an agent's sample is the tasks whose first attempt
 * ran on it (the agent the prediction is for). Confidence by the sample size n.
 */
import { SCHEMA_VERSION } from '../options.ts';
import type { WaveMetrics } from '../schema/measures.ts';
import type { PredictionValidationContent, PredictionValidationSignal } from '../schema/signals.ts';
import type { KeyedRandom } from '../simulate/rng.ts';
import type { WaveExecution } from '../simulate/types.ts';
import { round } from '../util/json.ts';
import { CalibrationAccumulator, type CalibrationSummary } from '../measure/calibration.ts';
import { calibrationFields } from '../measure/calibration-fields.ts';
import { ALL, TARGET_PHASE, confidenceFor, signalId } from './common.ts';
import { predictionValidationRecommendations } from './recommendations.ts';

/** Content from a calibration summary (rounded; nulls on an empty sample). */
export function validationContent(summary: CalibrationSummary): PredictionValidationContent {
  const { meanPredicted, observedRate } = summary;
  return {
    n: summary.n,
    mean_predicted_p: meanPredicted === null ? null : round(meanPredicted),
    first_attempt_success_rate: observedRate === null ? null : round(observedRate),
    calibration_gap: meanPredicted === null || observedRate === null ? null : round(observedRate - meanPredicted),
    ...calibrationFields(summary),
  };
}

/** Content of the whole wave, from its metrics (the same figures, no second pass). */
export function waveValidationContent(metrics: WaveMetrics): PredictionValidationContent {
  return {
    n: metrics.executed,
    mean_predicted_p: metrics.mean_predicted_p,
    first_attempt_success_rate: metrics.first_attempt_success_rate,
    calibration_gap: metrics.calibration_gap,
    brier: metrics.brier,
    log_loss: metrics.log_loss,
    ece: metrics.ece,
    mce: metrics.mce,
    reliability_bins: metrics.reliability_bins,
    brier_reliability: metrics.brier_reliability,
    brier_resolution: metrics.brier_resolution,
    brier_uncertainty: metrics.brier_uncertainty,
    brier_within_bin_variance: metrics.brier_within_bin_variance,
    brier_within_bin_covariance: metrics.brier_within_bin_covariance,
    ece_ci_low: metrics.ece_ci_low,
    ece_ci_high: metrics.ece_ci_high,
    reliability_bins_equal_mass: metrics.reliability_bins_equal_mass,
  };
}

function signal(wave: number, subject: string, content: PredictionValidationContent): PredictionValidationSignal {
  return {
    schema_version: SCHEMA_VERSION,
    signal_id: signalId(wave, 'prediction_validation', subject),
    signal_type: 'prediction_validation',
    target_phase: TARGET_PHASE.prediction_validation,
    wave,
    subject,
    confidence: confidenceFor(content.n),
    content,
    recommendations: predictionValidationRecommendations(subject, wave, content),
  };
}

/**
 * The wave's signals: `all` first, then one per agent of `metrics.per_agent` (natural order).
 * An agent's equal-mass bins are exact (its pairs are kept for the wave).
 * @param random - the run's keyed generator: each agent's ECE interval is keyed (wave, agent);
 *   without it the agents' intervals are null (the `all` signal copies the wave's metrics)
 * @throws RangeError when a first attempt ran on an agent not in `metrics.per_agent`
 */
export function predictionValidationSignals(execution: WaveExecution, metrics: WaveMetrics, random?: KeyedRandom): PredictionValidationSignal[] {
  const perAgent = new Map<string, CalibrationAccumulator>();
  for (const agent of metrics.per_agent) perAgent.set(agent.agent_id, new CalibrationAccumulator(undefined, true));
  for (const outcome of execution.outcomes) {
    const first = outcome.attempts[0];
    if (first === undefined) continue;
    const acc = perAgent.get(first.agentId);
    if (acc === undefined) throw new RangeError(`wave ${execution.wave}: agent ${JSON.stringify(first.agentId)} is not among the run's agents`);
    acc.add(outcome.predictedP, first.succeeded);
  }
  const signals = [signal(metrics.wave, ALL, waveValidationContent(metrics))];
  for (const [agentId, acc] of perAgent) {
    const summary = acc.summary(random === undefined ? undefined : { random, wave: metrics.wave, subject: agentId });
    signals.push(signal(metrics.wave, agentId, validationContent(summary)));
  }
  return signals;
}
