/**
 * The Murphy decomposition of the Brier score over bins (Murphy 1973, "A new vector partition
 * of the probability score", J. Appl. Meteor. 12), with the two within-bin terms of
 * Stephenson, Coelho and Jolliffe 2008 ("Two extra components in the Brier score
 * decomposition", Wea. Forecasting 23) that make it exact for binned forecasts:
 *
 *   BS = REL - RES + UNC + WBV - WBC
 *   REL = (1/n) sum_k n_k (pbar_k - obar_k)^2          reliability (lower is better)
 *   RES = (1/n) sum_k n_k (obar_k - obar)^2            resolution (higher is better)
 *   UNC = obar (1 - obar)                              uncertainty (of the outcomes alone)
 *   WBV = (1/n) sum_k sum_{j in k} (p_j - pbar_k)^2    within-bin variance of the forecasts
 *   WBC = (2/n) sum_k sum_{j in k} (o_j - obar_k)(p_j - pbar_k)   within-bin covariance
 *
 * where n_k, pbar_k and obar_k are bin k's count, mean forecast and observed rate, and obar the
 * overall rate. When every bin holds one forecast value, WBV = WBC = 0 and Murphy's three terms
 * alone sum to the Brier score. Everything comes from per-bin sums (count, sum p, sum y,
 * sum p^2, sum p y), so it is O(bins) from an accumulator.
 */

/** Per-bin sums of a sample of (p, y) pairs, indexed by bin. */
export interface BinSums {
  readonly count: ArrayLike<number>;
  readonly sumP: ArrayLike<number>;
  readonly positives: ArrayLike<number>;
  readonly sumP2: ArrayLike<number>;
  readonly sumPY: ArrayLike<number>;
}

/** The five terms, unrounded. */
export interface BrierDecomposition {
  readonly reliability: number;
  readonly resolution: number;
  readonly uncertainty: number;
  readonly withinBinVariance: number;
  readonly withinBinCovariance: number;
}

/**
 * The decomposition from per-bin sums; null when the sample is empty.
 * WBV is clamped at 0 (a rounding residue of sum p^2 - n pbar^2 can be a few ulps below).
 */
export function brierDecomposition(sums: BinSums): BrierDecomposition | null {
  let n = 0;
  let positives = 0;
  const bins = sums.count.length;
  for (let k = 0; k < bins; k++) {
    n += sums.count[k] ?? 0;
    positives += sums.positives[k] ?? 0;
  }
  if (n === 0) return null;
  const obar = positives / n;
  let rel = 0;
  let res = 0;
  let wbv = 0;
  let wbc = 0;
  for (let k = 0; k < bins; k++) {
    const nk = sums.count[k] ?? 0;
    if (nk === 0) continue;
    const pbar = (sums.sumP[k] ?? 0) / nk;
    const ok = (sums.positives[k] ?? 0) / nk;
    rel += nk * (pbar - ok) * (pbar - ok);
    res += nk * (ok - obar) * (ok - obar);
    wbv += Math.max(0, (sums.sumP2[k] ?? 0) - nk * pbar * pbar);
    wbc += (sums.sumPY[k] ?? 0) - nk * pbar * ok;
  }
  return { reliability: rel / n, resolution: res / n, uncertainty: obar * (1 - obar), withinBinVariance: wbv / n, withinBinCovariance: (2 * wbc) / n };
}
