/**
 * The ECE bootstrap's resamples are the same numbers after its speed-up (issue 10: ln k! kept
 * once computed, src/measure/bootstrap.ts) as with the code before it, kept here verbatim as
 * the reference (it computes every ln k! afresh). Equal to the last bit, on hand-made edge
 * cells and on random cell sets.
 */
import { describe, expect, it } from 'vitest';
import { binomialFromUniform, bootstrapStream, logFactorial, BOOTSTRAP_LEVEL, eceBootstrapInterval, quantileSorted, type BootstrapCell, type BootstrapKey, type UniformStream } from '../../src/measure/bootstrap.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';

/** binomialFromUniform of commit 6499483: ln k! computed afresh for every draw. */
function referenceBinomial(n: number, p: number, u: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const q = 1 - p;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const pm = Math.exp(logFactorial(n) - logFactorial(mode) - logFactorial(n - mode) + mode * Math.log(p) + (n - mode) * Math.log(q));
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
    if (!upOpen && !downOpen) return mode;
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

/** The resample of commit 6499483, with its binomial inlined from the same commit. */
function referenceResample(cells: readonly BootstrapCell[], n: number, nBins: number, next: UniformStream, sumY: Float64Array, sumP: Float64Array): number {
  sumY.fill(0);
  sumP.fill(0);
  let left = n;
  let massLeft = n;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === undefined) continue;
    const u = next();
    const k = i === cells.length - 1 ? left : referenceBinomial(left, cell.count / massLeft, u);
    left -= k;
    massLeft -= cell.count;
    const u1 = 1 - next();
    const u2 = next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
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

function referenceInterval(cells: readonly BootstrapCell[], nBins: number, key: BootstrapKey, resamples: number): { low: number; high: number } | null {
  const n = cells.reduce((s, c) => s + c.count, 0);
  if (n === 0) return null;
  const next = bootstrapStream(key);
  const values = new Float64Array(resamples);
  const sumY = new Float64Array(nBins);
  const sumP = new Float64Array(nBins);
  for (let r = 0; r < resamples; r++) values[r] = referenceResample(cells, n, nBins, next, sumY, sumP);
  values.sort();
  const tail = (1 - BOOTSTRAP_LEVEL) / 2;
  return { low: quantileSorted(values, tail), high: quantileSorted(values, 1 - tail) };
}

/** Random non-empty cells over `nBins` bins (bin, then outcome), counts from 1 to `maxCount`. */
function randomCells(next: UniformStream, nBins: number, maxCount: number): BootstrapCell[] {
  const cells: BootstrapCell[] = [];
  for (let bin = 0; bin < nBins; bin++) {
    const lower = bin / nBins;
    const upper = (bin + 1) / nBins;
    for (const outcome of [0, 1] as const) {
      if (next() < 0.3) continue;
      const count = 1 + Math.floor(next() * maxCount);
      let sumP = 0;
      let sumP2 = 0;
      for (let i = 0; i < Math.min(count, 50); i++) {
        const p = lower + (upper - lower) * next();
        sumP += p;
        sumP2 += p * p;
      }
      const scale = count / Math.min(count, 50);
      cells.push({ bin, lower, upper, outcome, count, sumP: sumP * scale, sumP2: sumP2 * scale });
    }
  }
  return cells;
}

describe('ECE bootstrap: the same resamples as before the speed-up', () => {
  const random = createKeyedRandom(7);

  it('on edge cells: one cell, one pair, a constant p (zero variance), p at the bin edges', () => {
    const cases: BootstrapCell[][] = [
      [{ bin: 3, lower: 0.3, upper: 0.4, outcome: 1, count: 1, sumP: 0.35, sumP2: 0.1225 }],
      [
        { bin: 0, lower: 0, upper: 0.1, outcome: 0, count: 5, sumP: 0, sumP2: 0 },
        { bin: 9, lower: 0.9, upper: 1, outcome: 1, count: 5, sumP: 5, sumP2: 5 },
      ],
      [
        { bin: 2, lower: 0.2, upper: 0.3, outcome: 0, count: 400, sumP: 120, sumP2: 36 },
        { bin: 2, lower: 0.2, upper: 0.3, outcome: 1, count: 600, sumP: 180, sumP2: 54 },
      ],
    ];
    for (const [i, cells] of cases.entries()) {
      const key = { random, wave: i, subject: 'all' };
      expect(eceBootstrapInterval(cells, 10, key, 300)).toEqual(referenceInterval(cells, 10, key, 300));
    }
  });

  it('binomialFromUniform gives the reference variates, cached ln k! or not (n up to past the cache, 2^17)', () => {
    const next = bootstrapStream({ random, wave: 98, subject: 'binomial' });
    for (let i = 0; i < 20_000; i++) {
      const n = [1, 7, 255, 256, 3_000, 131_071, 131_072, 500_000][i % 8] as number;
      const p = next();
      const u = next();
      expect(binomialFromUniform(n, p, u)).toBe(referenceBinomial(n, p, u));
    }
  });

  it('on 200 random cell sets, from a few pairs to 10^6 per cell, with 10 and 15 bins', () => {
    const next = bootstrapStream({ random, wave: 99, subject: 'cells' });
    for (let s = 0; s < 200; s++) {
      const nBins = s % 2 === 0 ? 10 : 15;
      const cells = randomCells(next, nBins, [3, 40, 2_000, 1_000_000][s % 4] as number);
      const key = { random, wave: s, subject: `agent_${s % 5}` };
      const got = eceBootstrapInterval(cells, nBins, key, 200);
      const want = referenceInterval(cells, nBins, key, 200);
      expect(got, `cell set ${s}`).toEqual(want);
      if (cells.length > 0) expect(got).not.toBeNull();
    }
  });
});
