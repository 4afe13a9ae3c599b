/**
 * McNemar's exact test on paired binary outcomes (contract section 13), and the binomial lower
 * tail it rests on, computed without overflow or underflow for b + c up to 10^6 and beyond.
 *
 * For pairs (outcome in A, outcome in B), b counts pairs that succeeded in A only and c pairs that
 * succeeded in B only. Under the null hypothesis (no difference between A and B) each discordant
 * pair is A-only with probability 1/2, so min(b, c) is the lower tail of X ~ Binomial(b + c, 1/2)
 * and the two-sided exact p-value is min(1, 2 P(X <= min(b, c))), with p = 1 when b + c = 0. This
 * is the definition of statsmodels' `mcnemar(table, exact=True)` and R's `binom.test(b, b + c)`
 * (for p = 1/2 the two agree).
 */

/** Below this many trials the tail is summed from exact powers of two (bit-exact for small n). */
const DIRECT_MAX_N = 1000;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** A term this small relative to the running sum no longer changes it. */
const NEGLIGIBLE = 1e-17;

/** The result of {@link mcnemarExact}. */
export interface McNemarResult {
  /** Pairs that succeeded in A and not in B. */
  readonly b: number;
  /** Pairs that succeeded in B and not in A. */
  readonly c: number;
  /** Two-sided exact p-value in (0, 1]. */
  readonly pValue: number;
}

/**
 * McNemar's exact test: p = min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2); p = 1 when
 * b + c = 0 (statsmodels `mcnemar(exact=True)`; Fagerland, Lydersen and Laake 2013).
 * Examples: (b, c) = (1, 9) gives 0.021484375, (5, 5) gives 1, (0, 6) gives 0.03125.
 *
 * @param b discordant pairs that succeeded in A only (integer >= 0)
 * @param c discordant pairs that succeeded in B only (integer >= 0)
 * @throws RangeError when b or c is not a non-negative safe integer
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  checkCount('b', b);
  checkCount('c', c);
  const n = b + c;
  if (n === 0) return { b, c, pValue: 1 };
  const pValue = Math.min(1, 2 * binomialHalfLowerTail(Math.min(b, c), n));
  return { b, c, pValue };
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), for 0 <= k <= n/2 (the lower half, where the terms grow
 * towards k). For n <= 1000 the terms are C(n, j) 2^-n built up from the exact 2^-n by the ratio
 * (n - j) / (j + 1), so small cases are exact to the last bit. Above, the largest term P(X = k)
 * comes from Loader's saddle-point formula (C. Loader, "Fast and accurate computation of binomial
 * probabilities", 2000, the method of R's dbinom), which has no cancellation, and the sum runs
 * down from it by the ratio j / (n - j + 1) until a term no longer changes it: relative error
 * about 1e-13 at n = 10^6, never an overflow or underflow of the result's scale.
 *
 * @throws RangeError when n or k is not a safe integer with 0 <= k <= n / 2
 */
export function binomialHalfLowerTail(k: number, n: number): number {
  checkCount('n', n);
  checkCount('k', k);
  if (2 * k > n) throw new RangeError(`k: must be at most n / 2 (got k = ${k}, n = ${n})`);
  if (n <= DIRECT_MAX_N) {
    let term = 2 ** -n;
    let sum = term;
    for (let j = 0; j < k; j++) {
      term = (term * (n - j)) / (j + 1);
      sum += term;
    }
    return sum;
  }
  // Sum the ratios term_j / term_k for j = k, k-1, ..., 0; they shrink going down.
  let ratio = 1;
  let sum = 1;
  for (let j = k; j > 0; j--) {
    ratio = (ratio * j) / (n - j + 1);
    sum += ratio;
    if (ratio < sum * NEGLIGIBLE) break;
  }
  return Math.exp(logBinomialHalfPmf(k, n)) * sum;
}

/**
 * log P(X = k) for X ~ Binomial(n, 1/2), by Loader's saddle point:
 * log p = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n/2) - bd0(n - k, n/2)
 * + 0.5 log(n / (2 pi k (n - k))), and n log(1/2) for k = 0 or k = n.
 */
export function logBinomialHalfPmf(k: number, n: number): number {
  if (k === 0 || k === n) return -n * Math.LN2;
  const half = n / 2;
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, half) - bd0(n - k, half);
  return lc + 0.5 * Math.log(n / (2 * Math.PI * k * (n - k)));
}

/**
 * The error of Stirling's formula, log(n!) - (n + 1/2) log n + n - log sqrt(2 pi), for an integer
 * n >= 1: exact (from n! itself, exact in float64 up to 18!) for n <= 15, else the asymptotic
 * series 1/(12n) - 1/(360n^3) + 1/(1260n^5) - 1/(1680n^7) + 1/(1188n^9), truncated as in Loader
 * (2000).
 */
export function stirlerr(n: number): number {
  if (n <= 15) {
    let factorial = 1;
    for (let i = 2; i <= n; i++) factorial *= i;
    return Math.log(factorial) - (n + 0.5) * Math.log(n) + n - HALF_LOG_2PI;
  }
  const s0 = 1 / 12;
  const s1 = 1 / 360;
  const s2 = 1 / 1260;
  const s3 = 1 / 1680;
  const s4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (s0 - s1 / nn) / n;
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/**
 * The deviance term x log(x / np) + np - x, by a series when x is near np (where the direct
 * formula cancels), as in Loader (2000).
 */
export function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name}: must be a non-negative safe integer (got ${value})`);
}
