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
import type { CalibrationState } from '../schema/checkpoint.ts';
import { eceBootstrapInterval, type BootstrapCell, type BootstrapKey } from './bootstrap.ts';
import { equalMassBins, GRID_PER_BIN, gridEqualMassBins } from './equal-mass.ts';
import { brierDecomposition, type BinSums, type BrierDecomposition } from './murphy.ts';

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
  /** Murphy's terms over the uniform bins with Stephenson's within-bin terms (src/measure/murphy.ts); null when empty. */
  readonly decomposition: BrierDecomposition | null;
  /** Non-empty equal-mass bins (src/measure/equal-mass.ts): exact when values are kept, else from the grid. */
  readonly equalMassBins: readonly CalibrationBin[];
  /** Bootstrap 95% interval of ECE (src/measure/bootstrap.ts); null when empty or not asked for. */
  readonly eceInterval: { readonly low: number; readonly high: number } | null;
}

/** Growable parallel arrays of the pairs, for exact equal-mass bins. */
class PairValues {
  p = new Float64Array(64);
  y = new Uint8Array(64);
  length = 0;

  push(p: number, y: number): void {
    if (this.length === this.p.length) {
      const grownP = new Float64Array(this.p.length * 2);
      grownP.set(this.p);
      this.p = grownP;
      const grownY = new Uint8Array(this.y.length * 2);
      grownY.set(this.y);
      this.y = grownY;
    }
    this.p[this.length] = p;
    this.y[this.length] = y;
    this.length += 1;
  }
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
 *
 * Memory is O(nBins x GRID_PER_BIN) whatever the number of pairs: per uniform bin the count
 * and the sums of p, y, p^2, p y and p^2 y (Brier decomposition, bootstrap cells), and a fine
 * grid of GRID_PER_BIN cells per bin (count, sum p, sum y) for the run's equal-mass bins. With
 * `keepValues` it also keeps the pairs (9 bytes each) for exact equal-mass bins: for a wave,
 * never for the run.
 */
export class CalibrationAccumulator {
  readonly nBins: number;
  private readonly edges: Float64Array;
  /** Per (bin, outcome) cell, index 2 x bin + outcome: count, sum of p, sum of p^2. */
  private readonly cellCount: Float64Array;
  private readonly cellSumP: Float64Array;
  private readonly cellSumP2: Float64Array;
  /** Per bin, sum of p in the order added (as numpy's bincount, so the bins match scikit-learn bit for bit). */
  private readonly binSumP: Float64Array;
  /** The fine grid (count, sum p, sum y per cell); filled only when the pairs are not kept. */
  private readonly grid: { readonly count: Float64Array; readonly sumP: Float64Array; readonly positives: Float64Array };
  private readonly values: PairValues | null;
  private n = 0;
  private sumP = 0;
  private positives = 0;
  private squaredErrorSum = 0;
  private logLossSum = 0;

  /**
   * @param nBins - uniform bins, default 10
   * @param keepValues - keep the pairs for exact equal-mass bins (default false: grid bins)
   * @throws RangeError unless `nBins` is an integer >= 1.
   */
  constructor(nBins: number = DEFAULT_BINS, keepValues = false) {
    this.nBins = nBins;
    this.edges = uniformBinEdges(nBins);
    this.cellCount = new Float64Array(2 * nBins);
    this.cellSumP = new Float64Array(2 * nBins);
    this.cellSumP2 = new Float64Array(2 * nBins);
    this.binSumP = new Float64Array(nBins);
    const cells = keepValues ? 0 : nBins * GRID_PER_BIN;
    this.grid = { count: new Float64Array(cells), sumP: new Float64Array(cells), positives: new Float64Array(cells) };
    this.values = keepValues ? new PairValues() : null;
  }

  /** Boundary c of the fine grid: c / (nBins x GRID_PER_BIN), as numpy's linspace would give it. */
  private gridEdge(c: number): number {
    const cells = this.nBins * GRID_PER_BIN;
    return c >= cells ? 1 : c * (1 / cells);
  }

  /** Pairs added so far. */
  get count(): number {
    return this.n;
  }

  /**
   * The sums, for checkpoint.json (exact doubles; the grid's non-empty cells only).
   * @throws RangeError for an accumulator that keeps its pairs (a wave's), which has no grid
   */
  snapshot(): CalibrationState {
    if (this.values !== null) throw new RangeError('an accumulator that keeps its pairs has no snapshot');
    const bins = this.binSums();
    const grid: CalibrationState['grid'] = [];
    for (let c = 0; c < this.grid.count.length; c++) {
      const count = this.grid.count[c] ?? 0;
      if (count > 0) grid.push({ cell: c, count, sum_p: this.grid.sumP[c] ?? 0, positives: this.grid.positives[c] ?? 0 });
    }
    return {
      n: this.n,
      sum_p: this.sumP,
      positives: this.positives,
      squared_error_sum: this.squaredErrorSum,
      log_loss_sum: this.logLossSum,
      bin_count: [...bins.count],
      bin_sum_p: [...this.binSumP],
      bin_positives: [...bins.positives],
      cell_count: [...this.cellCount],
      cell_sum_p: [...this.cellSumP],
      cell_sum_p2: [...this.cellSumP2],
      grid,
    };
  }

  /**
   * An accumulator continuing from {@link snapshot}'s state (its bin count gives nBins; it keeps
   * no pairs). @throws RangeError when a grid cell is outside the grid
   */
  static restore(state: CalibrationState): CalibrationAccumulator {
    const acc = new CalibrationAccumulator(state.bin_count.length);
    acc.n = state.n;
    acc.sumP = state.sum_p;
    acc.positives = state.positives;
    acc.squaredErrorSum = state.squared_error_sum;
    acc.logLossSum = state.log_loss_sum;
    acc.binSumP.set(state.bin_sum_p);
    acc.cellCount.set(state.cell_count);
    acc.cellSumP.set(state.cell_sum_p);
    acc.cellSumP2.set(state.cell_sum_p2);
    for (const cell of state.grid) {
      if (cell.cell >= acc.grid.count.length) throw new RangeError(`calibration grid cell ${cell.cell} is outside a grid of ${acc.grid.count.length}`);
      acc.grid.count[cell.cell] = cell.count;
      acc.grid.sumP[cell.cell] = cell.sum_p;
      acc.grid.positives[cell.cell] = cell.positives;
    }
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
    const c = 2 * bin + y;
    this.cellCount[c] = (this.cellCount[c] ?? 0) + 1;
    this.cellSumP[c] = (this.cellSumP[c] ?? 0) + p;
    this.cellSumP2[c] = (this.cellSumP2[c] ?? 0) + p * p;
    this.binSumP[bin] = (this.binSumP[bin] ?? 0) + p;
    if (this.values !== null) {
      this.values.push(p, y);
      return;
    }
    const grid = this.grid;
    // The fine cell (c / cells, (c + 1) / cells], right-closed like the bins, kept inside the bin.
    const first = bin * GRID_PER_BIN;
    let cell = Math.ceil(p * grid.count.length) - 1;
    if (cell > first && p <= this.gridEdge(cell)) cell -= 1;
    else if (cell < first + GRID_PER_BIN - 1 && p > this.gridEdge(cell + 1)) cell += 1;
    cell = cell < first ? first : cell > first + GRID_PER_BIN - 1 ? first + GRID_PER_BIN - 1 : cell;
    grid.count[cell] = (grid.count[cell] ?? 0) + 1;
    grid.sumP[cell] = (grid.sumP[cell] ?? 0) + p;
    grid.positives[cell] = (grid.positives[cell] ?? 0) + y;
  }

  /** Per-bin sums from the (bin, outcome) cells. */
  private binSums(): BinSums & { readonly count: Float64Array; readonly sumP: Float64Array; readonly positives: Float64Array } {
    const k = this.nBins;
    const count = new Float64Array(k);
    const sumP = new Float64Array(k);
    const positives = new Float64Array(k);
    const sumP2 = new Float64Array(k);
    const sumPY = new Float64Array(k);
    for (let b = 0; b < k; b++) {
      const n0 = this.cellCount[2 * b] ?? 0;
      const n1 = this.cellCount[2 * b + 1] ?? 0;
      count[b] = n0 + n1;
      positives[b] = n1;
      sumPY[b] = this.cellSumP[2 * b + 1] ?? 0;
      sumP[b] = this.binSumP[b] ?? 0;
      sumP2[b] = (this.cellSumP2[2 * b] ?? 0) + (this.cellSumP2[2 * b + 1] ?? 0);
    }
    return { count, sumP, positives, sumP2, sumPY };
  }

  /** The non-empty (bin, outcome) cells, bin then outcome ascending, for the bootstrap. */
  private bootstrapCells(): BootstrapCell[] {
    const cells: BootstrapCell[] = [];
    for (let c = 0; c < 2 * this.nBins; c++) {
      const count = this.cellCount[c] ?? 0;
      if (count === 0) continue;
      const bin = c >> 1;
      const outcome = (c & 1) === 1 ? 1 : 0;
      cells.push({ bin, lower: this.edges[bin] ?? 0, upper: this.edges[bin + 1] ?? 1, outcome, count, sumP: this.cellSumP[c] ?? 0, sumP2: this.cellSumP2[c] ?? 0 });
    }
    return cells;
  }

  /**
   * Every figure of the pairs added so far (unrounded); nulls and no bins when none were.
   * @param bootstrap - seed, wave and subject of the ECE interval; without it the interval is null
   */
  summary(bootstrap?: BootstrapKey): CalibrationSummary {
    const n = this.n;
    const sums = this.binSums();
    const bins: CalibrationBin[] = [];
    let ece = 0;
    let mce = 0;
    for (let i = 0; i < this.nBins; i++) {
      const c = sums.count[i] ?? 0;
      if (c === 0) continue;
      const meanPredicted = (sums.sumP[i] ?? 0) / c;
      const observedRate = (sums.positives[i] ?? 0) / c;
      const gap = Math.abs(observedRate - meanPredicted);
      ece += (c / n) * gap;
      if (gap > mce) mce = gap;
      bins.push({ index: i, lower: this.edges[i] ?? 0, upper: this.edges[i + 1] ?? 1, count: c, meanPredicted, observedRate });
    }
    if (n === 0) {
      return { n: 0, brier: null, logLoss: null, ece: null, mce: null, meanPredicted: null, observedRate: null, bins, decomposition: null, equalMassBins: [], eceInterval: null };
    }
    const equalMass = this.values === null
      ? gridEqualMassBins(this.grid, this.nBins, (c) => this.gridEdge(c))
      : equalMassBins(this.values.p.subarray(0, this.values.length), this.values.y.subarray(0, this.values.length), this.nBins);
    return {
      n,
      brier: this.squaredErrorSum / n,
      logLoss: this.logLossSum / n,
      ece,
      mce,
      meanPredicted: this.sumP / n,
      observedRate: this.positives / n,
      bins,
      decomposition: brierDecomposition(sums),
      equalMassBins: equalMass,
      eceInterval: bootstrap === undefined ? null : eceBootstrapInterval(this.bootstrapCells(), this.nBins, bootstrap),
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
  const acc = new CalibrationAccumulator(nBins, true);
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
 * `sklearn.calibration.calibration_curve(y, p, n_bins=nBins, strategy)`: the observed rate
 * (`probTrue`) and mean prediction (`probPred`) of each non-empty bin, ascending; `strategy`
 * 'uniform' (default) or 'quantile' (equal-mass bins).
 * @throws RangeError as {@link calibrate}
 */
export function calibrationCurve(y: ArrayLike<number>, p: ArrayLike<number>, nBins: number, strategy: 'uniform' | 'quantile' = 'uniform'): { probTrue: number[]; probPred: number[] } {
  const summary = calibrate(y, p, nBins);
  const bins = strategy === 'uniform' ? summary.bins : summary.equalMassBins;
  return { probTrue: bins.map((b) => b.observedRate), probPred: bins.map((b) => b.meanPredicted) };
}
