import { describe, expect, it } from 'vitest';
import { gradeOf, healthOf } from '../../src/measure/health.ts';
import { computeRunMetrics, computeWaveMetrics } from '../../src/measure/metrics.ts';
import { HealthSchema } from '../../src/schema/measures.ts';
import { AGENTS, WAVE_1, WAVE_2 } from './fixture.ts';

function uniform(x: number) {
  return { success_rate: x, availability: x, accuracy: x, load_balance: x };
}

describe('healthOf', () => {
  it('weights 0.40 / 0.20 / 0.20 / 0.20 and rounds to 2 decimals', () => {
    // 100 x (0.4 x 0.6 + 0.2 x 0.916667 + 0.2 x 0.55 + 0.2 x 0.9) = 71.33334
    const h = healthOf(computeWaveMetrics(WAVE_1, AGENTS));
    expect(h).toEqual({ score: 71.33, grade: 'GOOD', components: { success_rate: 0.6, availability: 0.916667, accuracy: 0.55, load_balance: 0.9 } });
    expect(HealthSchema.parse(h)).toEqual(h);
  });

  it('scores the run from pooled metrics', () => {
    // 100 x (0.4 x 0.666667 + 0.2 x 0.95 + 0.2 x 0.54 + 0.2 x 0.864583) = 73.75834
    expect(healthOf(computeRunMetrics([WAVE_1, WAVE_2], AGENTS)).score).toBe(73.76);
    // wave 2: 100 x (0.4 x 1 + 0.2 x 1 + 0.2 x 0.5 + 0.2 x 0.5) = 80
    expect(healthOf(computeWaveMetrics(WAVE_2, AGENTS))).toMatchObject({ score: 80, grade: 'GOOD' });
  });

  it('is 100 when every component is 1 and 0 when every one is 0', () => {
    expect(healthOf(uniform(1)).score).toBe(100);
    expect(healthOf(uniform(0))).toMatchObject({ score: 0, grade: 'POOR' });
  });

  it('grades at each boundary: 90 / 70 / 50 inclusive', () => {
    expect(healthOf(uniform(0.9))).toMatchObject({ score: 90, grade: 'EXCELLENT' });
    expect(healthOf(uniform(0.8999))).toMatchObject({ score: 89.99, grade: 'GOOD' });
    expect(healthOf(uniform(0.7))).toMatchObject({ score: 70, grade: 'GOOD' });
    expect(healthOf(uniform(0.6999))).toMatchObject({ score: 69.99, grade: 'FAIR' });
    expect(healthOf(uniform(0.5))).toMatchObject({ score: 50, grade: 'FAIR' });
    expect(healthOf(uniform(0.4999))).toMatchObject({ score: 49.99, grade: 'POOR' });
  });

  it('grades the rounded score: 89.996 rounds to 90.00, which is EXCELLENT', () => {
    // 100 x (0.4 x 0.8999 + 0.2 x 0.9 x 3) = 89.996
    const h = healthOf({ success_rate: 0.8999, availability: 0.9, accuracy: 0.9, load_balance: 0.9 });
    expect(h).toMatchObject({ score: 90, grade: 'EXCELLENT' });
  });

  it('counts a null success rate (no tasks) as 1', () => {
    expect(healthOf({ success_rate: null, availability: 1, accuracy: 1, load_balance: 1 })).toMatchObject({ score: 100, components: { success_rate: 1 } });
  });
});

describe('gradeOf', () => {
  it('maps scores to grades', () => {
    expect([100, 90, 89.99, 70, 69.99, 50, 49.99, 0].map(gradeOf)).toEqual(['EXCELLENT', 'EXCELLENT', 'GOOD', 'GOOD', 'FAIR', 'FAIR', 'POOR', 'POOR']);
  });
});
