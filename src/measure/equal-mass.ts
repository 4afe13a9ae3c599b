/**
 * Equal-mass (quantile) reliability bins, beside the uniform ones (contract section 14).
 *
 * Exact: {@link equalMassBins} reproduces `sklearn.calibration.calibration_curve(y, p,
 * n_bins, strategy='quantile')` (scikit-learn >= 1.1): edges `np.percentile(p, linspace(0, 1,
 * n_bins + 1) * 100)` with numpy's default linear method (Hyndman and Fan type 7, numpy's
 * arithmetic step for step), each p in bin `searchsorted(edges[1:-1], p)` (a value on an inner
 * edge falls into the lower bin), empty bins (repeated edges) left out. Used wherever the
 * sample is in memory (a wave, an agent in a wave). O(n log n) for the sort.
 *
 * Approximate: {@link gridEqualMassBins} builds them from a fine grid of counts, for the run,
 * which does not hold its pairs: every uniform bin split into {@link GRID_PER_BIN} cells; an
 * equal-mass bin closes at the first cell where the cumulative count reaches k n / n_bins. Its
 * edges are cell boundaries (so within 1/(n_bins x GRID_PER_BIN) = 0.001 of the percentiles),
 * and its count, mean p and observed rate are exact for the bin as drawn.
 */
import type { CalibrationBin } from './calibration.ts';

/** Cells per uniform bin in the run's grid. */
export const GRID_PER_BIN = 100;

/** numpy `_lerp(a, b, t)`: a + (b - a) t below t = 0.5, b - (b - a)(1 - t) from there. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * `np.percentile(sorted, quantile * 100)` for an ascending non-empty array, with numpy's
 * arithmetic: q = (quantile x 100) / 100, virtual index n q + (1 - q) - 1, clamped to the ends.
 */
export function numpyPercentile(sorted: Float64Array, quantile: number): number {
  const n = sorted.length;
  const q = (quantile * 100) / 100;
  const v = n * q + (1 + q * (1 - 1 - 1)) - 1;
  if (v >= n - 1) return sorted[n - 1] ?? Number.NaN;
  if (v < 0) return sorted[0] ?? Number.NaN;
  const lo = Math.floor(v);
  return lerp(sorted[lo] ?? Number.NaN, sorted[lo + 1] ?? Number.NaN, v - lo);
}

/** `np.linspace(0, 1, nBins + 1)`: i x (1 / nBins), the last exactly 1. */
function linspace01(nBins: number): number[] {
  const step = 1 / nBins;
  return Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * step));
}

/**
 * Exact equal-mass bins of parallel arrays (scikit-learn's quantile strategy; see above).
 * `lower` and `upper` are the bin's percentile edges. Empty input gives no bins.
 * @param p - predicted probabilities in [0, 1]
 * @param y - outcomes 0 or 1, same length
 */
export function equalMassBins(p: Float64Array, y: Uint8Array, nBins: number): CalibrationBin[] {
  const n = p.length;
  if (n === 0) return [];
  const sorted = Float64Array.from(p).sort();
  const edges = linspace01(nBins).map((q) => numpyPercentile(sorted, q));
  const count = new Float64Array(nBins);
  const sumP = new Float64Array(nBins);
  const positives = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const v = p[i] ?? 0;
    // searchsorted(edges[1:-1], v, side='left'): the inner edges strictly below v.
    let lo = 0;
    let hi = nBins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((edges[mid + 1] ?? 1) < v) lo = mid + 1;
      else hi = mid;
    }
    count[lo] = (count[lo] ?? 0) + 1;
    sumP[lo] = (sumP[lo] ?? 0) + v;
    positives[lo] = (positives[lo] ?? 0) + (y[i] ?? 0);
  }
  const bins: CalibrationBin[] = [];
  for (let k = 0; k < nBins; k++) {
    const c = count[k] ?? 0;
    if (c === 0) continue;
    bins.push({ index: k, lower: edges[k] ?? 0, upper: edges[k + 1] ?? 1, count: c, meanPredicted: (sumP[k] ?? 0) / c, observedRate: (positives[k] ?? 0) / c });
  }
  return bins;
}

/** The fine grid's sums, cell c = uniform bin x GRID_PER_BIN + sub-cell. */
export interface GridSums {
  readonly count: ArrayLike<number>;
  readonly sumP: ArrayLike<number>;
  readonly positives: ArrayLike<number>;
}

/**
 * Approximate equal-mass bins from the grid (see above). `lower` and `upper` are the outer
 * boundaries of the bin's first and last non-empty cells.
 * @param cellEdge - boundary c of the grid (0 .. cells), ascending
 */
export function gridEqualMassBins(grid: GridSums, nBins: number, cellEdge: (c: number) => number): CalibrationBin[] {
  const cells = grid.count.length;
  let n = 0;
  for (let c = 0; c < cells; c++) n += grid.count[c] ?? 0;
  const bins: CalibrationBin[] = [];
  if (n === 0) return bins;
  let k = 0;
  let cumulative = 0;
  let open: { first: number; last: number; count: number; sumP: number; positives: number } | null = null;
  for (let c = 0; c < cells; c++) {
    const count = grid.count[c] ?? 0;
    if (count === 0) continue;
    open ??= { first: c, last: c, count: 0, sumP: 0, positives: 0 };
    open.last = c;
    open.count += count;
    open.sumP += grid.sumP[c] ?? 0;
    open.positives += grid.positives[c] ?? 0;
    cumulative += count;
    if (k < nBins - 1 && cumulative >= ((k + 1) * n) / nBins) {
      bins.push(closeBin(k, open, cellEdge));
      open = null;
      while (k < nBins - 1 && cumulative >= ((k + 1) * n) / nBins) k++;
    }
  }
  if (open !== null) bins.push(closeBin(k, open, cellEdge));
  return bins;
}

function closeBin(index: number, b: { first: number; last: number; count: number; sumP: number; positives: number }, cellEdge: (c: number) => number): CalibrationBin {
  return { index, lower: cellEdge(b.first), upper: cellEdge(b.last + 1), count: b.count, meanPredicted: b.sumP / b.count, observedRate: b.positives / b.count };
}
