/**
 * The tournament's statistics (contract section 14), pure: per strategy and measure the mean
 * with a 95% Student t-interval, and per pair of strategies the paired difference (same seed:
 * common random numbers) with its 95% t-interval and a Wilcoxon signed-rank p-value.
 *
 * Sources: the t-interval is the textbook one (mean +- t(0.975, n - 1) s / sqrt(n), s the
 * sample standard deviation); the t quantile is `@stdlib/stats-base-dists-t-quantile`. The
 * Wilcoxon signed-rank test is `@stdlib/stats-wilcoxon` (two-sided, zero method `wilcox`:
 * zero differences are dropped; exact null distribution when at most 50 non-zero differences
 * remain and no two absolute differences tie; otherwise the normal approximation with the
 * tie correction of the variance and a continuity correction of 0.5). That is
 * `scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='auto')` for the
 * cases in test/tournament/stats.test.ts, whose expected values are scipy 1.17's.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import wilcoxon from '@stdlib/stats-wilcoxon';

/** Confidence level of every interval. */
export const CONFIDENCE_LEVEL = 0.95;

/**
 * Decimal places differences are rounded to before ranking: the measures are written with at
 * most 6 decimals, so two differences equal in decimal (0.95 - 0.93 and 0.96 - 0.94) are
 * equal, not 1e-17 apart, and tie as they should (scipy's documentation warns of the same).
 */
export const DIFFERENCE_DECIMALS = 9;

/** A sample's mean with its t-interval. */
export interface MeanInterval {
  /** Values the statistics are taken over. */
  readonly n: number;
  /** Arithmetic mean; null when n = 0. */
  readonly mean: number | null;
  /** Sample standard deviation (divisor n - 1); null when n < 2. */
  readonly sd: number | null;
  /** Lower end of the 95% t-interval of the mean; null when n < 2. */
  readonly ci_low: number | null;
  /** Upper end of the 95% t-interval of the mean; null when n < 2. */
  readonly ci_high: number | null;
}

/**
 * The mean of `values` and its 95% Student t-interval: mean +- t(0.975, n - 1) x s / sqrt(n).
 * With n = 1 the mean alone (no interval); with n = 0 everything is null. A sample with no
 * spread gives the degenerate interval [mean, mean].
 *
 * Example: [1, 2, 3, 4] gives mean 2.5, s = 1.290994, interval 2.5 +- 3.182446 x 0.645497 =
 * [0.445739, 4.554261].
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci_low: null, ci_high: null };
  const mean = sumOf(values) / n;
  if (n === 1) return { n, mean, sd: null, ci_low: null, ci_high: null };
  const squares = sumOf(values.map((x) => (x - mean) ** 2));
  const sd = Math.sqrt(squares / (n - 1));
  const half = tQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, ci_low: mean - half, ci_high: mean + half };
}

/** How the Wilcoxon p-value was computed. */
export type WilcoxonMethod =
  /** The exact null distribution of W+ (at most 50 non-zero differences, no ties). */
  | 'exact'
  /** The normal approximation with tie and continuity corrections. */
  | 'normal'
  /** Every difference is zero (or there is none): no test; p-value null. */
  | 'none';

/** A two-sided Wilcoxon signed-rank test of "the differences are symmetric about 0". */
export interface WilcoxonResult {
  /** Non-zero differences the ranks are taken over (zero method `wilcox`). */
  readonly n_nonzero: number;
  /** W+: the sum of the ranks of the positive differences; null with method `none`. */
  readonly statistic: number | null;
  /** Two-sided p-value in [0, 1]; null with method `none`. */
  readonly p_value: number | null;
  readonly method: WilcoxonMethod;
}

/** At most this many non-zero differences without ties get the exact distribution (stdlib's and scipy's rule). */
export const WILCOXON_EXACT_MAX_N = 50;

/**
 * The two-sided Wilcoxon signed-rank test of `differences` (zero method `wilcox`), by
 * `@stdlib/stats-wilcoxon`: exact with at most 50 non-zero differences and no ties among their
 * absolute values, else the normal approximation with tie and continuity corrections. The
 * differences are rounded to {@link DIFFERENCE_DECIMALS} places first. The exact two-sided
 * p-value is capped at 1 (stdlib doubles a tail that may pass 0.5 when W+ is at the centre).
 * Fewer than one non-zero difference: method `none`, p-value null.
 *
 * Example: [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75] (Cureton's plant
 * heights) gives W+ = 96, exact p = 0.041260 (scipy: 0.04125976562499978).
 */
export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonResult {
  const d = differences.map((x) => roundTo(x, DIFFERENCE_DECIMALS)).filter((x) => x !== 0);
  if (d.length === 0) return { n_nonzero: 0, statistic: null, p_value: null, method: 'none' };
  const ties = new Set(d.map(Math.abs)).size !== d.length;
  const method: WilcoxonMethod = d.length <= WILCOXON_EXACT_MAX_N && !ties ? 'exact' : 'normal';
  const [only] = d;
  if (d.length === 1 && only !== undefined) {
    // stdlib needs two values; one non-zero difference has W+ in {0, 1}, each with probability 1/2.
    return { n_nonzero: 1, statistic: only > 0 ? 1 : 0, p_value: 1, method: 'exact' };
  }
  const result = wilcoxon(d, { alternative: 'two-sided', zeroMethod: 'wilcox', correction: true, exact: method === 'exact' });
  return { n_nonzero: d.length, statistic: result.statistic, p_value: Math.min(1, result.pValue), method };
}

/** The paired comparison of two strategies on one measure (b minus a, seed by seed). */
export interface PairedComparison {
  /** Seeds where both have a value. */
  readonly n: number;
  /** Mean of b - a, with its 95% t-interval (null parts as in {@link meanInterval}). */
  readonly difference: MeanInterval;
  readonly wilcoxon: WilcoxonResult;
}

/**
 * Pairs `a` and `b` by position (the same seed) and compares them: the mean of b - a with its
 * 95% t-interval (the paired t-interval), and the Wilcoxon signed-rank test of b - a. A pair
 * where either value is null is left out.
 * @throws RangeError when the two lists differ in length
 */
export function pairedComparison(a: readonly (number | null)[], b: readonly (number | null)[]): PairedComparison {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} and ${b.length}`);
  const differences: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    differences.push(roundTo(y - x, DIFFERENCE_DECIMALS));
  }
  return { n: differences.length, difference: meanInterval(differences), wilcoxon: wilcoxonSignedRank(differences) };
}

/** Sum in index order with Neumaier compensation, so the mean does not depend on rounding drift. */
function sumOf(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const x of values) {
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function roundTo(x: number, decimals: number): number {
  const factor = 10 ** decimals;
  const r = Math.sign(x) * Math.round(Math.abs(x) * factor) / factor;
  return r === 0 ? 0 : r;
}
