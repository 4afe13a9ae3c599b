import { describe, expect, it } from 'vitest';
import {
  CalibrationAccumulator,
  binIndex,
  brierScore,
  calibrate,
  calibrationCurve,
  expectedCalibrationError,
  logLoss,
  maxCalibrationError,
  reliabilityBins,
  uniformBinEdges,
} from '../../src/measure/calibration.ts';
import { calibrationFields } from '../../src/measure/calibration-fields.ts';

/** Reference for numpy's searchsorted(edges[1:-1], p, side='left'): inner edges strictly below p. */
function searchsortedLeft(p: number, edges: Float64Array): number {
  let count = 0;
  for (let i = 1; i < edges.length - 1; i++) if ((edges[i] ?? 0) < p) count++;
  return count;
}

describe('calibrationCurve', () => {
  it("reproduces scikit-learn's calibration_curve docstring example (3 bins)", () => {
    const y = [0, 0, 0, 0, 1, 1, 1, 1, 1];
    const p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0];
    const { probTrue, probPred } = calibrationCurve(y, p, 3);
    // Bins [0, 1/3], (1/3, 2/3], (2/3, 1]: {.1,.2,.3} -> 0/3, {.4,.65} -> 1/2, {.7,.8,.9,1} -> 4/4.
    expect(probTrue).toEqual([0, 0.5, 1]);
    expect(probPred).toHaveLength(3);
    expect(probPred[0]).toBeCloseTo(0.2, 12);
    expect(probPred[1]).toBeCloseTo(0.525, 12);
    expect(probPred[2]).toBeCloseTo(0.85, 12);
  });

  it('leaves empty bins out', () => {
    const { probTrue, probPred } = calibrationCurve([1, 0], [0.95, 0.05], 10);
    expect(probTrue).toEqual([0, 1]);
    expect(probPred).toEqual([0.05, 0.95]);
  });
});

describe('bin edges', () => {
  const edges = uniformBinEdges(10);

  it('are numpy linspace(0, 1, 11): i x 0.1 in float64, last exactly 1', () => {
    expect(edges[3]).toBe(0.30000000000000004);
    expect(edges[7]).toBe(0.7000000000000001);
    expect(edges[10]).toBe(1);
  });

  it('put 0 and 0.1 in the first bin, 0.1000001 in the second, 1.0 in the last', () => {
    expect(binIndex(0, edges)).toBe(0);
    expect(binIndex(0.1, edges)).toBe(0);
    expect(binIndex(0.1000001, edges)).toBe(1);
    // 0.3 x 10 = 3.0000000000000004 guesses bin 3; edge 3 is 0.30000000000000004 >= 0.3: bin 2.
    expect(binIndex(0.3, edges)).toBe(2);
    expect(() => uniformBinEdges(0)).toThrow(new RangeError('nBins must be an integer >= 1, got 0'));
    expect(() => uniformBinEdges(2.5)).toThrow(new RangeError('nBins must be an integer >= 1, got 2.5'));
    expect(binIndex(1, edges)).toBe(9);
  });

  it('put a value on an inner edge into the lower bin, like sklearn >= 1.1', () => {
    expect(binIndex(0.2, edges)).toBe(1);
    expect(binIndex(0.3, edges)).toBe(2);
    expect(binIndex(0.30000000000000004, edges)).toBe(2);
    expect(binIndex(0.7, edges)).toBe(6);
    expect(binIndex(0.9, edges)).toBe(8);
    expect(binIndex(0.9000001, edges)).toBe(9);
  });

  it('agrees with a brute-force searchsorted on a dense grid and around every edge', () => {
    for (const nBins of [1, 3, 7, 10, 13]) {
      const e = uniformBinEdges(nBins);
      const values: number[] = [];
      for (let k = 0; k <= 2000; k++) values.push(k / 2000);
      for (const edge of e) values.push(edge, edge + 1e-12, edge - 1e-12, edge + Number.EPSILON, edge - Number.EPSILON / 2);
      for (const v of values) {
        if (v < 0 || v > 1) continue;
        expect(binIndex(v, e), `p=${v}, bins=${nBins}`).toBe(searchsortedLeft(v, e));
      }
    }
  });

  it('reports bins with their edges, count, mean prediction and observed rate', () => {
    const bins = reliabilityBins([1, 0, 1], [0.1, 0.1000001, 1]);
    expect(bins.map((b) => [b.index, b.count])).toEqual([[0, 1], [1, 1], [9, 1]]);
    expect(bins[0]).toMatchObject({ lower: 0, upper: 0.1, meanPredicted: 0.1, observedRate: 1 });
    expect(bins[2]).toMatchObject({ lower: 0.9, upper: 1, meanPredicted: 1, observedRate: 1 });
  });
});

describe('Brier score and log loss', () => {
  // y = [1, 0, 1, 0], p = [0.8, 0.3, 0.6, 0.1]
  const y = [1, 0, 1, 0];
  const p = [0.8, 0.3, 0.6, 0.1];

  it('Brier = mean (p - y)^2 = (0.04 + 0.09 + 0.16 + 0.01) / 4 = 0.075', () => {
    expect(brierScore(y, p)).toBeCloseTo(0.075, 15);
  });

  it('log loss = -(ln .8 + ln .7 + ln .6 + ln .9) / 4 = 0.2990011587', () => {
    expect(logLoss(y, p)).toBeCloseTo(0.2990011587, 9);
  });

  it('clips p to [1e-15, 1 - 1e-15]: a certain miss costs -ln(1e-15) = 34.5387763949', () => {
    expect(logLoss([1], [0])).toBeCloseTo(34.538776394910684, 9);
    // p = 1 is clipped to 1 - 1e-15, which is 1 - 9.992007221626409e-16 in float64 (as in numpy).
    // -ln(9.992007221626409e-16) = 34.53957599234088
    expect(logLoss([0], [1])).toBeCloseTo(34.53957599234088, 9);
    expect(logLoss([1, 0], [0, 1])).toBeCloseTo((34.538776394910684 + 34.53957599234088) / 2, 9);
    expect(logLoss([1], [1])).toBeCloseTo(0, 12);
    expect(logLoss([1], [1])).toBeGreaterThan(0);
  });
});

describe('ECE and MCE', () => {
  // Bin 0: p .05, y 0 -> gap .05 (1 sample); bin 1: p .15 x2, y 1,0 -> gap .35 (2);
  // bin 9: p .95 x4, y 1,1,1,0 -> gap .20 (4). ECE = (.05 + .70 + .80) / 7 = 1.55 / 7; MCE = .35.
  const y = [0, 1, 0, 1, 1, 1, 0];
  const p = [0.05, 0.15, 0.15, 0.95, 0.95, 0.95, 0.95];

  it('weights each bin gap by its share of samples', () => {
    expect(expectedCalibrationError(y, p)).toBeCloseTo(1.55 / 7, 12);
  });

  it('MCE is the largest bin gap', () => {
    expect(maxCalibrationError(y, p)).toBeCloseTo(0.35, 12);
  });

  it('summary carries n, mean prediction, observed rate and Brier', () => {
    const s = calibrate(y, p);
    expect(s.n).toBe(7);
    expect(s.meanPredicted).toBeCloseTo((0.05 + 0.3 + 3.8) / 7, 12);
    expect(s.observedRate).toBeCloseTo(4 / 7, 12);
    // (.0025 + .7225 + .0225 + 3 x .0025 + .9025) / 7
    expect(s.brier).toBeCloseTo(1.6575 / 7, 12);
  });

  it('a perfectly calibrated sample has ECE 0', () => {
    expect(expectedCalibrationError([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0);
  });
});

describe('empty input and bad input', () => {
  it('gives null metrics and no bins on empty input', () => {
    expect(calibrate([], [])).toEqual({
      n: 0, brier: null, logLoss: null, ece: null, mce: null, meanPredicted: null, observedRate: null, bins: [], decomposition: null, equalMassBins: [], eceInterval: null,
    });
    expect(calibrationFields(calibrate([], []))).toEqual({
      brier: null, log_loss: null, ece: null, mce: null, reliability_bins: [],
      brier_reliability: null, brier_resolution: null, brier_uncertainty: null, brier_within_bin_variance: null, brier_within_bin_covariance: null,
      ece_ci_low: null, ece_ci_high: null, reliability_bins_equal_mass: [],
    });
  });

  it('rejects mismatched lengths, p outside [0, 1], NaN, outcomes other than 0/1 and bad bin counts', () => {
    expect(() => calibrate([1], [])).toThrow(new RangeError('y and p differ in length: 1 vs 0'));
    expect(() => calibrate([1], [1.5])).toThrow(new RangeError('predicted probability must be in [0, 1], got 1.5'));
    expect(() => calibrate([1], [-0.1])).toThrow(new RangeError('predicted probability must be in [0, 1], got -0.1'));
    expect(() => calibrate([1], [Number.NaN])).toThrow(new RangeError('predicted probability must be in [0, 1], got NaN'));
    expect(() => calibrate([2], [0.5])).toThrow(new RangeError('outcome must be 0 or 1, got 2'));
    expect(() => calibrate([1], [0.5], 0)).toThrow(RangeError);
    expect(() => new CalibrationAccumulator(2.5)).toThrow(RangeError);
  });
});

describe('CalibrationAccumulator', () => {
  it('gives the same figures from booleans as calibrate from 0/1 arrays', () => {
    const acc = new CalibrationAccumulator(10, true);
    const y = [1, 0, 1, 1, 0];
    const p = [0.9, 0.2, 0.55, 0.55, 1];
    y.forEach((yi, i) => {
      acc.add(p[i] ?? 0, yi === 1);
    });
    expect(acc.count).toBe(5);
    expect(acc.summary()).toEqual(calibrate(y, p));
  });

  it('record fields round to 6 decimals and use snake_case', () => {
    const fields = calibrationFields(calibrate([1, 0, 0], [1 / 3, 1 / 3, 1 / 3]));
    expect(fields.reliability_bins).toEqual([{ lower: 0.3, upper: 0.4, count: 3, mean_predicted_p: 0.333333, first_attempt_success_rate: 0.333333 }]);
    expect(fields.ece).toBe(0);
    // Brier = (4/9 + 1/9 + 1/9) / 3 = 2/9
    expect(fields.brier).toBe(0.222222);
  });
});
