/**
 * The bootstrap 95% interval of ECE (contract section 14), bounded in time and memory whatever
 * the number of pairs: it resamples cell counts, not rows.
 *
 * Method (docs/metrics.md, "ECE interval"). The pairs fall into cells (uniform bin k, outcome
 * y), 2 x 10 at most. A row bootstrap draws n rows with replacement; the numbers of drawn rows
 * per cell are then Multinomial(n; m_c / n) exactly, and that is how the counts are drawn here
 * (sequential binomials). ECE over fixed bins is sum_k |sum of y - sum of p| / n over the bins,
 * so besides the counts it needs each cell's resampled sum of p: a row bootstrap takes the
 * mean of k_c values drawn with replacement from the cell, whose law has the cell's mean and
 * variance s_c^2 / k_c; it is drawn here as Normal(mean_c, s_c^2 / k_c) (the central limit
 * law of that mean), clamped to the bin's edges. So the counts are the row bootstrap's exactly,
 * and the within-cell means are exact when p is constant within each cell and its normal limit
 * otherwise (a small term: the bins are 0.1 wide, so s_c <= 0.05). Cost: O(resamples x cells x
 * sqrt(n)) time (the binomial's inversion walks from its mode), O(resamples) memory; the ln k!
 * of the binomial's pmf at its mode are kept once computed (below 2^17: 1 MB at most), the same
 * values, so the same variates.
 *
 * Randomness: the keyed generator (src/simulate/rng.ts) gives each interval (seed, wave,
 * subject) its own 96-bit stream seed; within it, draws come from sfc32 (Chris Doty-Humphrey's
 * Small Fast Counting generator, PractRand-clean), in a fixed order, so an interval is a pure
 * function of (seed, wave, subject, the cell sums).
 */
import type { KeyedRandom } from '../simulate/rng.ts';

/** Resamples of every ECE interval (a fixed number, so the bytes do not depend on anything else). */
export const BOOTSTRAP_RESAMPLES = 1000;

/** Coverage of the percentile interval. */
export const BOOTSTRAP_LEVEL = 0.95;

/** One (bin, outcome) cell: how many pairs, and the sum and sum of squares of their p. */
export interface BootstrapCell {
  /** Uniform bin index. */
  readonly bin: number;
  /** Bin edges: a resampled mean stays within them. */
  readonly lower: number;
  readonly upper: number;
  /** The outcome of the cell's pairs, 0 or 1. */
  readonly outcome: 0 | 1;
  readonly count: number;
  readonly sumP: number;
  readonly sumP2: number;
}

/** Who the interval is for: part of its random key. */
export interface BootstrapKey {
  readonly random: KeyedRandom;
  /** The wave, or 0 for the whole run. */
  readonly wave: number;
  /** An agent id, or `all`. */
  readonly subject: string;
}

/** A sequential uniform stream on [0, 1). */
export type UniformStream = () => number;

/**
 * sfc32 (Doty-Humphrey, PractRand; public domain) seeded with three 32-bit words, counter 1,
 * 15 outputs discarded. Returns uniforms k / 2^32.
 */
export function sfc32(seedA: number, seedB: number, seedC: number): UniformStream {
  let a = seedA >>> 0;
  let b = seedB >>> 0;
  let c = seedC >>> 0;
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** The stream of one interval: three keyed draws (purpose `ece-bootstrap-a|b|c`) seed sfc32. */
export function bootstrapStream(key: BootstrapKey): UniformStream {
  const word = (purpose: string): number =>
    Math.floor(key.random.uniform({ wave: key.wave, taskId: '', agentId: key.subject, attempt: 0, purpose }) * 4294967296);
  return sfc32(word('ece-bootstrap-a'), word('ece-bootstrap-b'), word('ece-bootstrap-c'));
}

const LOG_FACTORIAL_TABLE = ((): Float64Array => {
  const t = new Float64Array(256);
  for (let k = 2; k < 256; k++) t[k] = (t[k - 1] ?? 0) + Math.log(k);
  return t;
})();

/** ln(k!) for an integer k >= 0: a table below 256, Stirling's series (to 1/k^5) above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k] ?? 0;
  const inv = 1 / k;
  const inv2 = inv * inv;
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/** Arguments below this have their {@link logFactorial} kept once computed (1 MB at most). */
const LOG_FACTORIAL_CACHED = 1 << 17;

/** {@link logFactorial} of each argument below {@link LOG_FACTORIAL_CACHED} computed so far (NaN: not yet); grown on demand. */
let logFactorialCache = new Float64Array(0);

/** {@link logFactorial}, the same values, computed once per argument below {@link LOG_FACTORIAL_CACHED}. */
function logFactorialCached(k: number): number {
  if (k >= LOG_FACTORIAL_CACHED) return logFactorial(k);
  if (k >= logFactorialCache.length) {
    const grown = new Float64Array(Math.min(LOG_FACTORIAL_CACHED, Math.max(1024, 2 ** Math.ceil(Math.log2(k + 1))))).fill(Number.NaN);
    grown.set(logFactorialCache);
    logFactorialCache = grown;
  }
  const known = logFactorialCache[k] as number;
  if (!Number.isNaN(known)) return known;
  const value = logFactorial(k);
  logFactorialCache[k] = value;
  return value;
}

/**
 * A Binomial(n, p) variate from one uniform u, by inversion in the order mode, mode + 1,
 * mode - 1, mode + 2, ... (any fixed order of the outcomes inverts exactly; this one takes
 * O(sqrt(n p (1 - p))) steps). The pmf starts at the mode from log factorials and walks by the
 * ratio of neighbours.
 */
export function binomialFromUniform(n: number, p: number, u: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const q = 1 - p;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const pm = Math.exp(logFactorialCached(n) - logFactorialCached(mode) - logFactorialCached(n - mode) + mode * Math.log(p) + (n - mode) * Math.log(q));
  let rest = u - pm;
  if (rest < 0) return mode;
  const ratio = p / q;
  let hi = mode;
  let lo = mode;
  let pHi = pm;
  let pLo = pm;
  for (;;) {
    const upOpen = hi < n && pHi > 0;
    const downOpen = lo > 0 && pLo > 0;
    if (!upOpen && !downOpen) return mode; // rounding left u unspent: the mode is the likeliest
    if (upOpen) {
      pHi *= ((n - hi) / (hi + 1)) * ratio;
      hi += 1;
      rest -= pHi;
      if (rest < 0) return hi;
    }
    if (downOpen) {
      pLo *= (lo / (n - lo + 1)) / ratio;
      lo -= 1;
      rest -= pLo;
      if (rest < 0) return lo;
    }
  }
}

/** Standard normal by Box-Muller from two uniforms of the stream. */
function normal(next: UniformStream): number {
  const u1 = 1 - next();
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Quantile of sorted values with linear interpolation between order statistics (Hyndman and
 * Fan type 7, numpy's default). @param sorted - ascending, non-empty
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(sorted.length - 1, lo + 1)] ?? a;
  return a + (h - lo) * (b - a);
}

/** One resample's ECE. */
function resampleEce(cells: readonly BootstrapCell[], n: number, nBins: number, next: UniformStream, sumY: Float64Array, sumP: Float64Array): number {
  sumY.fill(0);
  sumP.fill(0);
  let left = n;
  let massLeft = n;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === undefined) continue;
    const u = next();
    const k = i === cells.length - 1 ? left : binomialFromUniform(left, cell.count / massLeft, u);
    left -= k;
    massLeft -= cell.count;
    const z = normal(next);
    if (k === 0) continue;
    const mean = cell.sumP / cell.count;
    const variance = Math.max(0, cell.sumP2 / cell.count - mean * mean);
    const drawn = Math.min(cell.upper, Math.max(cell.lower, mean + Math.sqrt(variance / k) * z));
    sumP[cell.bin] = (sumP[cell.bin] ?? 0) + k * drawn;
    if (cell.outcome === 1) sumY[cell.bin] = (sumY[cell.bin] ?? 0) + k;
  }
  let ece = 0;
  for (let b = 0; b < nBins; b++) ece += Math.abs((sumY[b] ?? 0) - (sumP[b] ?? 0));
  return ece / n;
}

/**
 * The percentile bootstrap interval of ECE over fixed uniform bins ({@link BOOTSTRAP_RESAMPLES}
 * resamples, type-7 quantiles at 2.5% and 97.5%); null when there are no pairs.
 * @param cells - the non-empty (bin, outcome) cells, in a fixed order (bin, then outcome)
 * @param nBins - the number of uniform bins
 * @param key - seed, wave and subject of the interval's random stream
 */
export function eceBootstrapInterval(cells: readonly BootstrapCell[], nBins: number, key: BootstrapKey, resamples: number = BOOTSTRAP_RESAMPLES): { low: number; high: number } | null {
  const n = cells.reduce((s, c) => s + c.count, 0);
  if (n === 0) return null;
  const next = bootstrapStream(key);
  const values = new Float64Array(resamples);
  const sumY = new Float64Array(nBins);
  const sumP = new Float64Array(nBins);
  for (let r = 0; r < resamples; r++) values[r] = resampleEce(cells, n, nBins, next, sumY, sumP);
  values.sort();
  const tail = (1 - BOOTSTRAP_LEVEL) / 2;
  return { low: quantileSorted(values, tail), high: quantileSorted(values, 1 - tail) };
}
