/**
 * The calibration extras of contract section 14: the Murphy decomposition of the Brier score
 * (with Stephenson et al.'s within-bin terms), equal-mass bins (exact, and from the run's grid),
 * and the bootstrap interval of ECE.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, calibrationCurve, CalibrationAccumulator } from '../../src/measure/calibration.ts';
import { calibrationFields } from '../../src/measure/calibration-fields.ts';
import { binomialFromUniform, eceBootstrapInterval, quantileSorted, sfc32, type BootstrapCell } from '../../src/measure/bootstrap.ts';
import { numpyPercentile } from '../../src/measure/equal-mass.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';

/** Murphy's three terms plus the two within-bin terms, recombined. */
function recombined(y: number[], p: number[]): { brier: number; sum: number; threeTerms: number } {
  const s = calibrate(y, p);
  const d = s.decomposition;
  if (d === null || s.brier === null) throw new Error('empty sample');
  return {
    brier: s.brier,
    threeTerms: d.reliability - d.resolution + d.uncertainty,
    sum: d.reliability - d.resolution + d.uncertainty + d.withinBinVariance - d.withinBinCovariance,
  };
}

/** A deterministic sample: p from `pick(u)`, outcome 1 with probability truth(p). */
function sample(n: number, seed: number, pick: (u: number) => number, truth: (p: number) => number): { y: number[]; p: number[] } {
  const rng = createKeyedRandom(seed);
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = { wave: 1, taskId: `t${i}`, agentId: 'a', attempt: 0 };
    const pi = pick(rng.uniform({ ...key, purpose: 'p' }));
    p.push(pi);
    y.push(rng.uniform({ ...key, purpose: 'y' }) < truth(pi) ? 1 : 0);
  }
  return { y, p };
}

describe('Murphy decomposition of the Brier score', () => {
  it('hand-worked, one forecast value per bin', () => {
    // Pairs (0.2, 0), (0.2, 1), (0.8, 1), (0.8, 1), (0.8, 0): n = 5, obar = 3/5.
    // Brier = (.04 + .64 + .04 + .04 + .64) / 5 = .28. UNC = .6 x .4 = .24.
    // Bin of 0.2: n 2, obar .5; bin of 0.8: n 3, obar 2/3.
    // REL = (2 (.2 - .5)^2 + 3 (.8 - 2/3)^2) / 5 = (.18 + 4/75) / 5 = 7/150.
    // RES = (2 (.5 - .6)^2 + 3 (2/3 - .6)^2) / 5 = (.02 + 1/75) / 5 = 1/150.
    // REL - RES + UNC = 6/150 + .24 = .28.
    const s = calibrate([0, 1, 1, 1, 0], [0.2, 0.2, 0.8, 0.8, 0.8]);
    expect(s.brier).toBeCloseTo(0.28, 15);
    expect(s.decomposition?.reliability).toBeCloseTo(7 / 150, 15);
    expect(s.decomposition?.resolution).toBeCloseTo(1 / 150, 15);
    expect(s.decomposition?.uncertainty).toBeCloseTo(0.24, 15);
    expect(s.decomposition?.withinBinVariance).toBeCloseTo(0, 15);
    expect(s.decomposition?.withinBinCovariance).toBeCloseTo(0, 15);
    expect(calibrationFields(s)).toMatchObject({
      brier_reliability: 0.046667, brier_resolution: 0.006667, brier_uncertainty: 0.24, brier_within_bin_variance: 0, brier_within_bin_covariance: 0,
    });
  });

  it('hand-worked, two forecasts in one bin: the within-bin terms make up the difference', () => {
    // Pairs (0.72, 1), (0.78, 0), both in (0.7, 0.8]: pbar .75, obar .5.
    // Brier = (.28^2 + .78^2) / 2 = (.0784 + .6084) / 2 = .3434.
    // REL = (.75 - .5)^2 = .0625; RES = 0; UNC = .25.
    // WBV = (.03^2 + .03^2) / 2 = .0009; WBC = (2/2) ((1 - .5)(.72 - .75) + (0 - .5)(.78 - .75)) = -.03.
    // .0625 - 0 + .25 + .0009 + .03 = .3434, while Murphy's three terms alone give .3125.
    const s = calibrate([1, 0], [0.72, 0.78]);
    const d = s.decomposition;
    expect(s.brier).toBeCloseTo(0.3434, 14);
    expect(d?.reliability).toBeCloseTo(0.0625, 14);
    expect(d?.resolution).toBeCloseTo(0, 14);
    expect(d?.uncertainty).toBeCloseTo(0.25, 14);
    expect(d?.withinBinVariance).toBeCloseTo(0.0009, 14);
    expect(d?.withinBinCovariance).toBeCloseTo(-0.03, 14);
    const r = recombined([1, 0], [0.72, 0.78]);
    expect(r.threeTerms).toBeCloseTo(0.3125, 14);
  });

  it('is exact with three terms when every bin holds one forecast value (10^4 pairs, to 1e-12)', () => {
    const values = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    const { y, p } = sample(10_000, 3, (u) => values[Math.floor(u * values.length)] ?? 0.5, (pi) => Math.min(1, pi * 1.2));
    const r = recombined(y, p);
    expect(Math.abs(r.threeTerms - r.brier)).toBeLessThan(1e-12);
    expect(Math.abs(r.sum - r.brier)).toBeLessThan(1e-12);
  });

  it('is exact with the within-bin terms for continuous forecasts (10^4 pairs, to 1e-12)', () => {
    const { y, p } = sample(10_000, 4, (u) => u, (pi) => pi * pi);
    const r = recombined(y, p);
    expect(Math.abs(r.sum - r.brier)).toBeLessThan(1e-12);
    expect(Math.abs(r.threeTerms - r.brier)).toBeGreaterThan(1e-4);
  });

  it('uncertainty is obar (1 - obar), whatever the forecasts', () => {
    const { y, p } = sample(1_000, 5, (u) => u, () => 0.3);
    const obar = y.reduce((a, b) => a + b, 0) / y.length;
    expect(calibrate(y, p).decomposition?.uncertainty).toBeCloseTo(obar * (1 - obar), 15);
    expect(calibrate([1, 1, 1], [0.2, 0.5, 0.9]).decomposition?.uncertainty).toBe(0);
  });

  it('the run accumulator gives the same terms after a checkpoint round trip', () => {
    const { y, p } = sample(2_000, 6, (u) => u, (pi) => pi);
    const acc = new CalibrationAccumulator();
    y.forEach((yi, i) => {
      acc.add(p[i] ?? 0, yi);
    });
    const restored = CalibrationAccumulator.restore(JSON.parse(JSON.stringify(acc.snapshot())) as ReturnType<CalibrationAccumulator['snapshot']>);
    expect(restored.summary()).toEqual(acc.summary());
    expect(acc.summary().decomposition).toEqual(calibrate(y, p).decomposition);
  });
});

describe('equal-mass bins', () => {
  // A vector checked with scikit-learn 1.6.1 and numpy 2.4.6:
  //   calibration_curve(Y, P, n_bins=10, strategy='quantile') and brier_score_loss(Y, P).
  const P = [
    0.655, 0.632, 0.679, 0.173, 0.707, 0.739, 0.794, 0.58, 0.209, 0.871, 0.111, 0.731, 0.279, 0.919, 0.419, 0.82, 0.158, 0.377, 0.973,
    0.754, 0.436, 0.819, 0.536, 0.7, 0.589, 0.691, 0.7, 0.382, 0.418, 0.431, 0.252, 0.667, 0.286, 0.418, 0.803, 0.538, 0.613,
  ];
  const Y = [1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0];

  it('match scikit-learn calibration_curve(strategy="quantile") bit for bit', () => {
    expect(calibrationCurve(Y, P, 10, 'quantile')).toEqual({
      probTrue: [0, 0.5, 0.3333333333333333, 0.25, 0.5, 0.6666666666666666, 1, 0.6666666666666666, 1, 1],
      probPred: [0.16275, 0.2985, 0.40599999999999997, 0.4555, 0.5800000000000001, 0.6513333333333333, 0.6924999999999999, 0.7256666666666667, 0.7925, 0.8957499999999999],
    });
    expect(calibrate(Y, P).brier).toBe(0.1601575405405405);
    expect(calibrationCurve(Y, P, 10, 'uniform')).toEqual({
      probTrue: [0, 0.5, 0, 0.4, 0.5, 0.75, 0.8, 1, 1],
      probPred: [0.14733333333333332, 0.2565, 0.3795, 0.4244, 0.5607500000000001, 0.667125, 0.745, 0.8282499999999999, 0.946],
    });
  });

  it('leave out the empty bins of repeated edges, a value on an edge going to the lower bin (scikit-learn 1.6.1)', () => {
    // np.percentile(p, [0, 25, 50, 75, 100]) = [0.1, 0.175, 0.5, 0.6, 1.0]: the four 0.5s are in
    // (0.175, 0.5], nothing in (0.5, 0.6].
    const p = [0.1, 0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 1.0];
    const y = [0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1];
    expect(calibrationCurve(y, p, 4, 'quantile')).toEqual({
      probTrue: [0.3333333333333333, 0.6666666666666666, 1],
      probPred: [0.10000000000000002, 0.39999999999999997, 0.9333333333333332],
    });
    const sorted = Float64Array.from(p).sort();
    expect([0, 0.25, 0.5, 0.75, 1].map((q) => numpyPercentile(sorted, q))).toEqual([0.1, 0.17500000000000002, 0.5, 0.6, 1]);
    expect(calibrate(y, p, 4).equalMassBins.map((b) => [b.lower, b.upper, b.count])).toEqual([[0.1, 0.17500000000000002, 3], [0.17500000000000002, 0.5, 6], [0.6, 1, 3]]);
  });

  it('from the run grid: one value per bin gives the exact bins', () => {
    const acc = new CalibrationAccumulator();
    const p = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    p.forEach((pi, i) => {
      acc.add(pi, i % 2);
    });
    const bins = acc.summary().equalMassBins;
    expect(bins.map((b) => b.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(bins.map((b) => b.meanPredicted)).toEqual(p);
    // Each bin spans the 0.001-wide grid cell holding its value: 0.05 is in (0.049, 0.05].
    expect(bins[0]?.lower).toBeCloseTo(0.049, 12);
    expect(bins[0]?.upper).toBeCloseTo(0.05, 12);
  });

  it('from the run grid: edges within 0.001 of the percentiles and counts near n / 10 on 10^4 pairs', () => {
    const { y, p } = sample(10_000, 7, (u) => u * u, (pi) => pi);
    const acc = new CalibrationAccumulator();
    y.forEach((yi, i) => {
      acc.add(p[i] ?? 0, yi);
    });
    const grid = acc.summary().equalMassBins;
    const exact = calibrate(y, p).equalMassBins;
    expect(grid).toHaveLength(10);
    expect(grid.reduce((n, b) => n + b.count, 0)).toBe(10_000);
    for (let k = 0; k < 9; k++) expect(Math.abs((grid[k]?.upper ?? 0) - (exact[k]?.upper ?? 0))).toBeLessThanOrEqual(0.001 + 1e-12);
    for (const b of grid) expect(Math.abs(b.count - 1_000)).toBeLessThan(60);
  });
});

describe('ECE bootstrap interval', () => {
  const random = createKeyedRandom(21);

  it('is the same for the same seed, wave and subject, and differs for another', () => {
    const { y, p } = sample(500, 8, (u) => u, (pi) => pi * 0.8);
    const acc = new CalibrationAccumulator();
    y.forEach((yi, i) => {
      acc.add(p[i] ?? 0, yi);
    });
    const a = acc.summary({ random, wave: 1, subject: 'all' }).eceInterval;
    expect(acc.summary({ random: createKeyedRandom(21), wave: 1, subject: 'all' }).eceInterval).toEqual(a);
    expect(acc.summary({ random: createKeyedRandom(22), wave: 1, subject: 'all' }).eceInterval).not.toEqual(a);
    expect(acc.summary({ random, wave: 2, subject: 'all' }).eceInterval).not.toEqual(a);
    expect(acc.summary({ random, wave: 1, subject: 'agent_1' }).eceInterval).not.toEqual(a);
    expect(acc.summary().eceInterval).toBeNull();
    expect(new CalibrationAccumulator().summary({ random, wave: 1, subject: 'all' }).eceInterval).toBeNull();
  });

  it('matches the binomial law where ECE is one |rate - p|: p = 0.3 always, 600 of 1,000 succeed', () => {
    // ECE = |0.6 - 0.3| = 0.3; the resampled rate is Binomial(1000, 0.6) / 1000, sd sqrt(.24 / 1000) = .01549,
    // so the 95% interval is about 0.3 +- 1.96 x .01549 = [0.2696, 0.3304].
    const cells: BootstrapCell[] = [
      { bin: 2, lower: 0.2, upper: 0.3, outcome: 0, count: 400, sumP: 120, sumP2: 36 },
      { bin: 2, lower: 0.2, upper: 0.3, outcome: 1, count: 600, sumP: 180, sumP2: 54 },
    ];
    const ci = eceBootstrapInterval(cells, 10, { random, wave: 0, subject: 'all' });
    expect(ci?.low).toBeGreaterThan(0.2696 - 0.004);
    expect(ci?.low).toBeLessThan(0.2696 + 0.004);
    expect(ci?.high).toBeGreaterThan(0.3304 - 0.004);
    expect(ci?.high).toBeLessThan(0.3304 + 0.004);
  });

  it('covers the population ECE in about 95% of samples when miscalibration dominates (200 samples of 400)', () => {
    // p uniform on (0.3, 0.4] (one bin), truth p + 0.2: the population ECE is 0.2.
    let covered = 0;
    for (let s = 0; s < 200; s++) {
      const { y, p } = sample(400, 100 + s, (u) => 0.3 + 0.1 * (1 - u), (pi) => pi + 0.2);
      const acc = new CalibrationAccumulator();
      y.forEach((yi, i) => {
        acc.add(p[i] ?? 0, yi);
      });
      const ci = acc.summary({ random, wave: s, subject: 'all' }).eceInterval;
      if (ci !== null && ci.low <= 0.2 && 0.2 <= ci.high) covered += 1;
    }
    expect(covered / 200).toBeGreaterThan(0.89);
    expect(covered / 200).toBeLessThan(0.99);
  });

  it('stays bounded on 10^7 pairs: it resamples cell counts', () => {
    const cells: BootstrapCell[] = [];
    for (let k = 0; k < 10; k++) {
      const lower = k / 10;
      const mid = lower + 0.05;
      cells.push({ bin: k, lower, upper: lower + 0.1, outcome: 0, count: 500_000, sumP: 500_000 * mid, sumP2: 500_000 * mid * mid });
      cells.push({ bin: k, lower, upper: lower + 0.1, outcome: 1, count: 500_000, sumP: 500_000 * mid, sumP2: 500_000 * mid * mid });
    }
    const ci = eceBootstrapInterval(cells, 10, { random, wave: 0, subject: 'all' });
    // Population ECE: sum over bins of 0.1 |0.5 - mid| = 0.1 (.45 + .35 + .25 + .15 + .05) x 2 = 0.25.
    expect(ci?.low).toBeGreaterThan(0.249);
    expect(ci?.high).toBeLessThan(0.251);
  });
});

describe('bootstrap building blocks', () => {
  it('binomialFromUniform inverts the binomial law exactly: n = 5, p = 0.3 on a grid of u', () => {
    // pmf of Binomial(5, 0.3): .16807, .36015, .3087, .1323, .02835, .00243
    const pmf = [0.16807, 0.36015, 0.3087, 0.1323, 0.02835, 0.00243];
    const counts = [0, 0, 0, 0, 0, 0];
    const steps = 100_000;
    for (let i = 0; i < steps; i++) {
      const k = binomialFromUniform(5, 0.3, (i + 0.5) / steps);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    counts.forEach((c, k) => {
      expect(c / steps).toBeCloseTo(pmf[k] ?? -1, 4);
    });
  });

  it('binomialFromUniform has mean n p and variance n p q for n = 10^6', () => {
    const next = sfc32(1, 2, 3);
    const draws = Array.from({ length: 4_000 }, () => binomialFromUniform(1_000_000, 0.2, next()));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);
    expect(Math.abs(mean - 200_000)).toBeLessThan(4 * Math.sqrt(160_000 / 4_000));
    expect(variance / 160_000).toBeGreaterThan(0.9);
    expect(variance / 160_000).toBeLessThan(1.1);
    expect([binomialFromUniform(0, 0.5, 0.3), binomialFromUniform(7, 0, 0.3), binomialFromUniform(7, 1, 0.3)]).toEqual([0, 0, 7]);
  });

  it('quantileSorted is numpy type 7 and sfc32 is a fixed stream', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
    const a = sfc32(7, 8, 9);
    const b = sfc32(7, 8, 9);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
