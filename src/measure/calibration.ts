/**
 * Calibration of predicted probabilities against binary outcomes: Brier score, log loss,
 * reliability bins, ECE and MCE (contract section 6; formulas and sources in docs/metrics.md).
 *
 * Everything is one pass, O(n), with O(bins) memory: {@link CalibrationAccumulator} takes
 * pairs one at a time (so callers never build arrays of 10^6 pairs), and the array functions
 * below are thin wrappers over it. Argument order follows scikit-learn: `(y, p)`.
 *
 * Binning reproduces `sklearn.calibration.calibration_curve(strategy='uniform')` of
 * scikit-learn >= 1.1: edges `np.linspace(0, 1, nBins + 1)` (edge i = i x (1 / nBins) in
 * float64) and `np.searchsorted(edges[1:-1], p)` with numpy's default `side='left'`, so a
 * value exactly on an inner edge falls into the LOWER bin: `[0, e1], (e1, e2], ..., (e_{n-1}, 1]`.
 */
import { round } from '../util/json.ts';
import type { CalibrationState } from '../schema/checkpoint.ts';
import type { ReliabilityBin } from '../schema/measures.ts';

/** Bins used by every metric of the harness (contract section 6). */
export const DEFAULT_BINS = 10;

/** Log loss clips p to [eps, 1 - eps] with this eps (contract section 6; scikit-learn < 1.2 default). */
export const LOG_LOSS_EPSILON = 1e-15;

/** One non-empty bin, unrounded. */
export interface CalibrationBin {
  /** Bin index, 0 = lowest. */
  readonly index: number;
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/** Every calibration figure of a sample; figures are null when the sample is empty. */
export interface CalibrationSummary {
  readonly n: number;
  /** Mean (p - y)^2 (Brier 1950). */
  readonly brier: number | null;
  /** -mean(y ln p + (1 - y) ln(1 - p)), p clipped to [1e-15, 1 - 1e-15]. */
  readonly logLoss: number | null;
  /** Sum over non-empty bins of (count / n) |observed - mean predicted| (Naeini et al. 2015). */
  readonly ece: number | null;
  /** Max over non-empty bins of |observed - mean predicted| (Naeini et al. 2015). */
  readonly mce: number | null;
  readonly meanPredicted: number | null;
  /** Share of outcomes equal to 1. */
  readonly observedRate: number | null;
  /** Non-empty bins, ascending. */
  readonly bins: readonly CalibrationBin[];
}

/**
 * The `nBins + 1` uniform edges of [0, 1], bit for bit as `np.linspace(0, 1, nBins + 1)`.
 * @throws RangeError unless `nBins` is an integer >= 1.
 */
export function uniformBinEdges(nBins: number): Float64Array {
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`nBins must be an integer >= 1, got ${nBins}`);
  const edges = new Float64Array(nBins + 1);
  const step = 1 / nBins;
  for (let i = 0; i < nBins; i++) edges[i] = i * step;
  edges[nBins] = 1;
  return edges;
}

/**
 * The bin of `p` for `edges` from {@link uniformBinEdges}: the number of inner edges strictly
 * below p (numpy `searchsorted(edges[1:-1], p, side='left')`). O(1): a guess from p x nBins,
 * corrected against the exact edges.
 */
export function binIndex(p: number, edges: Float64Array): number {
  const nBins = edges.length - 1;
  let i = Math.min(nBins - 1, Math.max(0, Math.ceil(p * nBins) - 1));
  while (i > 0 && p <= (edges[i] ?? 0)) i--;
  while (i < nBins - 1 && p > (edges[i + 1] ?? 1)) i++;
  return i;
}

/**
 * Accumulates (p, outcome) pairs; {@link summary} gives every calibration figure.
 * Memory is O(nBins) whatever the number of pairs.
 */
export class CalibrationAccumulator {
  readonly nBins: number;
  private readonly edges: Float64Array;
  private readonly binCount: Float64Array;
  private readonly binSumP: Float64Array;
  private readonly binPositives: Float64Array;
  private n = 0;
  private sumP = 0;
  private positives = 0;
  private squaredErrorSum = 0;
  private logLossSum = 0;

  /** @throws RangeError unless `nBins` is an integer >= 1. */
  constructor(nBins: number = DEFAULT_BINS) {
    this.nBins = nBins;
    this.edges = uniformBinEdges(nBins);
    this.binCount = new Float64Array(nBins);
    this.binSumP = new Float64Array(nBins);
    this.binPositives = new Float64Array(nBins);
  }

  /** Pairs added so far. */
  get count(): number {
    return this.n;
  }

  /** The sums, for checkpoint.json (exact doubles). */
  snapshot(): CalibrationState {
    return {
      n: this.n,
      sum_p: this.sumP,
      positives: this.positives,
      squared_error_sum: this.squaredErrorSum,
      log_loss_sum: this.logLossSum,
      bin_count: [...this.binCount],
      bin_sum_p: [...this.binSumP],
      bin_positives: [...this.binPositives],
    };
  }

  /** An accumulator continuing from {@link snapshot}'s state (its bin count gives nBins). */
  static restore(state: CalibrationState): CalibrationAccumulator {
    const acc = new CalibrationAccumulator(state.bin_count.length);
    acc.n = state.n;
    acc.sumP = state.sum_p;
    acc.positives = state.positives;
    acc.squaredErrorSum = state.squared_error_sum;
    acc.logLossSum = state.log_loss_sum;
    acc.binCount.set(state.bin_count);
    acc.binSumP.set(state.bin_sum_p);
    acc.binPositives.set(state.bin_positives);
    return acc;
  }

  /**
   * Adds one pair.
   * @param p - predicted probability of outcome 1, in [0, 1]
   * @param outcome - true / 1 for a positive outcome, false / 0 otherwise
   * @throws RangeError when p is not a number in [0, 1] or outcome is a number other than 0 or 1
   */
  add(p: number, outcome: boolean | number): void {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`predicted probability must be in [0, 1], got ${p}`);
    if (typeof outcome === 'number' && outcome !== 0 && outcome !== 1) throw new RangeError(`outcome must be 0 or 1, got ${outcome}`);
    const y = outcome === true || outcome === 1 ? 1 : 0;
    const bin = binIndex(p, this.edges);
    this.n += 1;
    this.sumP += p;
    this.positives += y;
    this.squaredErrorSum += (p - y) * (p - y);
    const clipped = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p));
    this.logLossSum -= y === 1 ? Math.log(clipped) : Math.log(1 - clipped);
    this.binCount[bin] = (this.binCount[bin] ?? 0) + 1;
    this.binSumP[bin] = (this.binSumP[bin] ?? 0) + p;
    this.binPositives[bin] = (this.binPositives[bin] ?? 0) + y;
  }

  /** Every figure of the pairs added so far (unrounded); nulls and no bins when none were. */
  summary(): CalibrationSummary {
    const n = this.n;
    const bins: CalibrationBin[] = [];
    let ece = 0;
    let mce = 0;
    for (let i = 0; i < this.nBins; i++) {
      const c = this.binCount[i] ?? 0;
      if (c === 0) continue;
      const meanPredicted = (this.binSumP[i] ?? 0) / c;
      const observedRate = (this.binPositives[i] ?? 0) / c;
      const gap = Math.abs(observedRate - meanPredicted);
      ece += (c / n) * gap;
      if (gap > mce) mce = gap;
      bins.push({ index: i, lower: this.edges[i] ?? 0, upper: this.edges[i + 1] ?? 1, count: c, meanPredicted, observedRate });
    }
    if (n === 0) return { n: 0, brier: null, logLoss: null, ece: null, mce: null, meanPredicted: null, observedRate: null, bins };
    return {
      n,
      brier: this.squaredErrorSum / n,
      logLoss: this.logLossSum / n,
      ece,
      mce,
      meanPredicted: this.sumP / n,
      observedRate: this.positives / n,
      bins,
    };
  }
}

/**
 * Every calibration figure of parallel arrays of outcomes and predictions.
 * @param y - outcomes, each 0 or 1
 * @param p - predicted probabilities, each in [0, 1]
 * @param nBins - uniform bins; default 10
 * @throws RangeError when lengths differ or a value is out of range
 */
export function calibrate(y: ArrayLike<number>, p: ArrayLike<number>, nBins: number = DEFAULT_BINS): CalibrationSummary {
  if (y.length !== p.length) throw new RangeError(`y and p differ in length: ${y.length} vs ${p.length}`);
  const acc = new CalibrationAccumulator(nBins);
  for (let i = 0; i < y.length; i++) acc.add(p[i] ?? Number.NaN, y[i] ?? Number.NaN);
  return acc.summary();
}

/** Brier score, mean (p - y)^2 (Brier 1950); null on empty input. @throws RangeError as {@link calibrate} */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number | null {
  return calibrate(y, p).brier;
}

/**
 * Log loss as scikit-learn's `log_loss` with eps = 1e-15 (the default before 1.2); null on
 * empty input. @throws RangeError as {@link calibrate}
 */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number | null {
  return calibrate(y, p).logLoss;
}

/** Non-empty uniform bins (default 10). @throws RangeError as {@link calibrate} */
export function reliabilityBins(y: ArrayLike<number>, p: ArrayLike<number>, nBins: number = DEFAULT_BINS): readonly CalibrationBin[] {
  return calibrate(y, p, nBins).bins;
}

/** Expected calibration error over uniform bins (default 10); null on empty input. */
export function expectedCalibrationError(y: ArrayLike<number>, p: ArrayLike<number>, nBins: number = DEFAULT_BINS): number | null {
  return calibrate(y, p, nBins).ece;
}

/** Maximum calibration error over uniform bins (default 10); null on empty input. */
export function maxCalibrationError(y: ArrayLike<number>, p: ArrayLike<number>, nBins: number = DEFAULT_BINS): number | null {
  return calibrate(y, p, nBins).mce;
}

/**
 * `sklearn.calibration.calibration_curve(y, p, n_bins=nBins, strategy='uniform')`: the
 * observed rate (`probTrue`) and mean prediction (`probPred`) of each non-empty bin, ascending.
 * @throws RangeError as {@link calibrate}
 */
export function calibrationCurve(y: ArrayLike<number>, p: ArrayLike<number>, nBins: number): { probTrue: number[]; probPred: number[] } {
  const bins = calibrate(y, p, nBins).bins;
  return { probTrue: bins.map((b) => b.observedRate), probPred: bins.map((b) => b.meanPredicted) };
}

/** The calibration part of a metric or signal record: rounded (6 decimals), nulls kept. */
export interface CalibrationFields {
  brier: number | null;
  log_loss: number | null;
  ece: number | null;
  mce: number | null;
  reliability_bins: ReliabilityBin[];
}

/** Turns a summary into record fields (snake_case, rounded with `round` of src/util/json.ts). */
export function calibrationFields(summary: CalibrationSummary): CalibrationFields {
  return {
    brier: summary.brier === null ? null : round(summary.brier),
    log_loss: summary.logLoss === null ? null : round(summary.logLoss),
    ece: summary.ece === null ? null : round(summary.ece),
    mce: summary.mce === null ? null : round(summary.mce),
    reliability_bins: summary.bins.map((b) => ({
      lower: round(b.lower),
      upper: round(b.upper),
      count: b.count,
      mean_predicted_p: round(b.meanPredicted),
      first_attempt_success_rate: round(b.observedRate),
    })),
  };
}
