/**
 * The report's Calibration section (contract sections 6 and 14): the run's Brier score with its
 * Murphy decomposition, ECE with its bootstrap 95% interval, and the reliability bins, uniform
 * beside equal-mass. Pure; reads only the run metrics of the health file.
 */
import type { RunMetrics, ReliabilityBin } from '../schema/measures.ts';
import { BOOTSTRAP_RESAMPLES } from '../measure/bootstrap.ts';
import { code, fixed, table } from './markdown-util.ts';

function binRows(bins: readonly ReliabilityBin[]): string[][] {
  return bins.map((b) => [`${fixed(b.lower, 3)}-${fixed(b.upper, 3)}`, String(b.count), fixed(b.mean_predicted_p, 3), fixed(b.first_attempt_success_rate, 3)]);
}

/**
 * The section's blocks. Figures print with 4 decimals (as the executive summary's Brier and
 * ECE); bin edges and rates with 3.
 */
export function calibrationSection(m: RunMetrics): string[] {
  if (m.brier === null) return ['No task was executed, so there is nothing to calibrate.'];
  const interval = m.ece_ci_low === null || m.ece_ci_high === null ? 'no interval' : `95% interval ${fixed(m.ece_ci_low, 4)} to ${fixed(m.ece_ci_high, 4)}`;
  const out = [
    `Over ${m.executed} executed tasks (predicted p against the first attempt's outcome), the Brier score is ` +
      `${fixed(m.brier, 4)} and ECE ${fixed(m.ece, 4)} (${interval}, a percentile bootstrap of ${BOOTSTRAP_RESAMPLES} ` +
      `resamples of the bin counts). The Brier score splits into reliability - resolution + uncertainty over the ten uniform bins ` +
      `(Murphy 1973), plus the within-bin variance minus the within-bin covariance (Stephenson et al. 2008), which make the sum exact.`,
    table(
      ['term', 'value'],
      [
        ['reliability (lower is better)', fixed(m.brier_reliability, 4)],
        ['resolution (higher is better)', fixed(m.brier_resolution, 4)],
        ['uncertainty (of the outcomes)', fixed(m.brier_uncertainty, 4)],
        ['within-bin variance', fixed(m.brier_within_bin_variance, 4)],
        ['within-bin covariance', fixed(m.brier_within_bin_covariance, 4)],
        ['Brier score', fixed(m.brier, 4)],
      ],
      [1],
    ),
    `Reliability bins, uniform (${code('reliability_bins')}):`,
    table(['bin', 'tasks', 'mean predicted p', 'first-attempt success rate'], binRows(m.reliability_bins), [1, 2, 3]),
    `Equal-mass bins (${code('reliability_bins_equal_mass')}; for the run their edges come from a 0.001-wide grid, see docs/metrics.md):`,
    table(['bin', 'tasks', 'mean predicted p', 'first-attempt success rate'], binRows(m.reliability_bins_equal_mass), [1, 2, 3]),
  ];
  return out;
}
