/**
 * The calibration figures of a {@link CalibrationSummary} as the fields of a metric or signal
 * record (contract sections 6 and 7): snake_case names, every figure rounded to 6 decimals with
 * `round` of src/util/json.ts, nulls kept (an empty sample has no figures).
 */
import { round } from '../util/json.ts';
import type { ReliabilityBin } from '../schema/measures.ts';
import type { CalibrationBin, CalibrationSummary } from './calibration.ts';

/** The calibration part of a metric or signal record: rounded (6 decimals), nulls kept. */
export interface CalibrationFields {
  brier: number | null;
  log_loss: number | null;
  ece: number | null;
  mce: number | null;
  reliability_bins: ReliabilityBin[];
  brier_reliability: number | null;
  brier_resolution: number | null;
  brier_uncertainty: number | null;
  brier_within_bin_variance: number | null;
  brier_within_bin_covariance: number | null;
  ece_ci_low: number | null;
  ece_ci_high: number | null;
  reliability_bins_equal_mass: ReliabilityBin[];
}

function binRecord(b: CalibrationBin): ReliabilityBin {
  return { lower: round(b.lower), upper: round(b.upper), count: b.count, mean_predicted_p: round(b.meanPredicted), first_attempt_success_rate: round(b.observedRate) };
}

function roundOrNull(x: number | undefined): number | null {
  return x === undefined ? null : round(x);
}

/** Turns a summary into record fields (snake_case, rounded with `round` of src/util/json.ts). */
export function calibrationFields(summary: CalibrationSummary): CalibrationFields {
  return {
    brier: summary.brier === null ? null : round(summary.brier),
    log_loss: summary.logLoss === null ? null : round(summary.logLoss),
    ece: summary.ece === null ? null : round(summary.ece),
    mce: summary.mce === null ? null : round(summary.mce),
    reliability_bins: summary.bins.map(binRecord),
    brier_reliability: roundOrNull(summary.decomposition?.reliability),
    brier_resolution: roundOrNull(summary.decomposition?.resolution),
    brier_uncertainty: roundOrNull(summary.decomposition?.uncertainty),
    brier_within_bin_variance: roundOrNull(summary.decomposition?.withinBinVariance),
    brier_within_bin_covariance: roundOrNull(summary.decomposition?.withinBinCovariance),
    ece_ci_low: roundOrNull(summary.eceInterval?.low),
    ece_ci_high: roundOrNull(summary.eceInterval?.high),
    reliability_bins_equal_mass: summary.equalMassBins.map(binRecord),
  };
}
