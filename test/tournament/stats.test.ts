/**
 * The tournament's statistics against known vectors. Expected p-values are scipy 1.17's:
 * `scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method=M)` with M = 'exact'
 * where the harness uses the exact distribution (at most 50 non-zero differences, no ties) and
 * M = 'asymptotic' where it uses the normal approximation; t quantiles are
 * `scipy.stats.t.ppf(0.975, n - 1)`.
 */
import { describe, expect, it } from 'vitest';
import { meanInterval, pairedComparison, wilcoxonSignedRank } from '../../src/tournament/stats.ts';

describe('meanInterval: mean and 95% t-interval', () => {
  it('[1, 2, 3, 4]: mean 2.5, s = 1.2909944, t(0.975, 3) = 3.1824463, [0.4457397, 4.5542603]', () => {
    const r = meanInterval([1, 2, 3, 4]);
    expect(r.n).toBe(4);
    expect(r.mean).toBe(2.5);
    expect(r.sd).toBeCloseTo(1.2909944487358056, 12);
    expect(r.ci_low).toBeCloseTo(0.4457397432394794, 10);
    expect(r.ci_high).toBeCloseTo(4.554260256760521, 10);
  });

  it('[0.2, 0.4, 0.1, 0.9, 0.5]: t(0.975, 4) = 2.7764451, [0.0332859, 0.8067141]', () => {
    const r = meanInterval([0.2, 0.4, 0.1, 0.9, 0.5]);
    expect(r.mean).toBeCloseTo(0.42, 14);
    expect(r.ci_low).toBeCloseTo(0.03328594544517827, 10);
    expect(r.ci_high).toBeCloseTo(0.8067140545548218, 10);
  });

  it('no spread: the interval is [mean, mean]', () => {
    expect(meanInterval([7, 7, 7])).toEqual({ n: 3, mean: 7, sd: 0, ci_low: 7, ci_high: 7 });
  });

  it('one value: the mean, no interval; none: all null', () => {
    expect(meanInterval([3])).toEqual({ n: 1, mean: 3, sd: null, ci_low: null, ci_high: null });
    expect(meanInterval([])).toEqual({ n: 0, mean: null, sd: null, ci_low: null, ci_high: null });
  });
});

describe('wilcoxonSignedRank: two-sided, zero method wilcox', () => {
  it("Cureton's plant heights (n = 15, no ties): exact, W+ = 96, p = 0.041259765625", () => {
    const r = wilcoxonSignedRank([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]);
    expect(r).toMatchObject({ n_nonzero: 15, statistic: 96, method: 'exact' });
    expect(r.p_value).toBeCloseTo(0.041259765625, 12);
  });

  it('[0.5, -0.2, 1.1, 0.7, 0.3]: exact, W+ = 14, p = 0.125 (4/32)', () => {
    const r = wilcoxonSignedRank([0.5, -0.2, 1.1, 0.7, 0.3]);
    expect(r).toMatchObject({ n_nonzero: 5, statistic: 14, method: 'exact' });
    expect(r.p_value).toBeCloseTo(0.125, 12);
  });

  it('all eight positive: exact, W+ = 36, p = 2/256 = 0.0078125', () => {
    const r = wilcoxonSignedRank([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r).toMatchObject({ statistic: 36, method: 'exact' });
    expect(r.p_value).toBeCloseTo(0.0078125, 12);
  });

  it('16 alternating values near the centre: exact, W+ = 77, p = 0.668548583984375', () => {
    const r = wilcoxonSignedRank([1, -2, 3, -4, 5, -6, 7, -8, 9, 10, -11, 12, -13, 14, -15, 16]);
    expect(r).toMatchObject({ n_nonzero: 16, statistic: 77, method: 'exact' });
    expect(r.p_value).toBeCloseTo(0.668548583984375, 12);
  });

  it('zeros are dropped (wilcox): [0, 2, 3, -1, -4, 0, 0, 8, 9] is n = 6 exact, W+ = 16, p = 0.3125', () => {
    const r = wilcoxonSignedRank([0, 2, 3, -1, -4, 0, 0, 8, 9]);
    expect(r).toMatchObject({ n_nonzero: 6, statistic: 16, method: 'exact' });
    expect(r.p_value).toBeCloseTo(0.3125, 12);
  });

  it('ties: normal approximation with tie and continuity corrections, W+ = 30, p = 0.103876157063085', () => {
    const r = wilcoxonSignedRank([1, 1, -2, 3, 3, 3, 4, -1]);
    expect(r).toMatchObject({ n_nonzero: 8, statistic: 30, method: 'normal' });
    expect(r.p_value).toBeCloseTo(0.103876157063085, 10);
  });

  it('60 values with ties (one zero): normal, W+ = 1234.5 over the 59 non-zero, p = 0.008430399521170024', () => {
    const d = Array.from({ length: 60 }, (_, k) => (((k + 1) * 37) % 101 - 40) / 10);
    const r = wilcoxonSignedRank(d);
    expect(r).toMatchObject({ n_nonzero: 59, statistic: 1234.5, method: 'normal' });
    expect(r.p_value).toBeCloseTo(0.008430399521170024, 10);
  });

  it('55 values without ties (more than 50): normal, W+ = 756, p = 0.9099430291803348', () => {
    const d = Array.from({ length: 55 }, (_, k) => (k + 1) * (-1) ** (k + 1));
    const r = wilcoxonSignedRank(d);
    expect(r).toMatchObject({ n_nonzero: 55, statistic: 756, method: 'normal' });
    expect(r.p_value).toBeCloseTo(0.9099430291803348, 10);
  });

  it('differences equal in decimal tie: 0.96 - 0.94 and 0.95 - 0.93 rank alike', () => {
    expect(0.96 - 0.94).not.toBe(0.95 - 0.93);
    expect(wilcoxonSignedRank([0.96 - 0.94, 0.95 - 0.93, -0.01]).method).toBe('normal');
  });

  it('every difference zero, or none: no test (method none, p null)', () => {
    expect(wilcoxonSignedRank([0, 0, 0])).toEqual({ n_nonzero: 0, statistic: null, p_value: null, method: 'none' });
    expect(wilcoxonSignedRank([])).toEqual({ n_nonzero: 0, statistic: null, p_value: null, method: 'none' });
  });

  it('one non-zero difference: exact, p = 1', () => {
    expect(wilcoxonSignedRank([0, -2])).toEqual({ n_nonzero: 1, statistic: 0, p_value: 1, method: 'exact' });
  });

  it('the exact p-value never passes 1 (W+ at the centre: [1, -2, 3, -4] has W+ = 4 = n(n+1)/4... capped)', () => {
    const r = wilcoxonSignedRank([1, -2, -3, 4]);
    expect(r.statistic).toBe(5);
    expect(r.p_value).toBe(1);
  });
});

describe('pairedComparison: b - a seed by seed', () => {
  it('mean difference, its t-interval and the Wilcoxon test of the differences', () => {
    const a = [90, 91, 92, 93, 94];
    const b = [90.5, 90.8, 93.1, 93.7, 94.3];
    const r = pairedComparison(a, b);
    // differences 0.5, -0.2, 1.1, 0.7, 0.3: the exact case above
    expect(r.n).toBe(5);
    expect(r.difference.mean).toBeCloseTo(0.48, 12);
    expect(r.wilcoxon).toMatchObject({ statistic: 14, method: 'exact' });
    expect(r.wilcoxon.p_value).toBeCloseTo(0.125, 12);
  });

  it('a seed where either side is null is left out', () => {
    const r = pairedComparison([1, null, 3], [2, 5, null]);
    expect(r.n).toBe(1);
    expect(r.difference.mean).toBe(1);
  });

  it('lists of different lengths are a bug', () => {
    expect(() => pairedComparison([1], [1, 2])).toThrow(RangeError);
  });
});
