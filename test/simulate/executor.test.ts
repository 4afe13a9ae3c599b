import { describe, expect, it } from 'vitest';
import { drawAttempt, trueSuccessProbability } from '../../src/simulate/executor.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { pred, profile, task } from '../helpers/builders.ts';

describe('world model (contract section 3)', () => {
  it('q = clamp(p + offset - 0.05 k, 0.01, 0.99)', () => {
    expect(trueSuccessProbability(0.8, -0.15, 0)).toBeCloseTo(0.65, 12);
    expect(trueSuccessProbability(0.8, 0, 2)).toBeCloseTo(0.7, 12);
    expect(trueSuccessProbability(0.02, -0.15, 3)).toBe(0.01);
    expect(trueSuccessProbability(0.98, 0.1, 0)).toBe(0.99);
  });

  const request = (attempt: number, offset: number, speed = 1) => ({
    wave: 1,
    task: task('t', [pred('A', 0.6, 20)]),
    agent: profile('A', { reliabilityOffset: offset, speed }),
    attempt,
    p: 0.6,
    predictedTimeS: 20,
  });

  it('without noise the duration is predicted time x speed', () => {
    const rng = createKeyedRandom(3);
    expect(drawAttempt(rng, request(0, 0, 1.5), { durationNoise: 0 }).durationS).toBe(30);
  });

  it('succeeds exactly when the keyed uniform is below q', () => {
    const rng = createKeyedRandom(3);
    const u = rng.uniform({ wave: 1, taskId: 't', agentId: 'A', attempt: 0, purpose: 'success' });
    const offsetBelow = u - 0.6 - 0.001; // q = u - 0.001 -> failure
    const offsetAbove = u - 0.6 + 0.001; // q = u + 0.001 -> success
    expect(drawAttempt(rng, request(0, offsetBelow), { durationNoise: 0 }).succeeded).toBe(false);
    expect(drawAttempt(rng, request(0, offsetAbove), { durationNoise: 0 }).succeeded).toBe(true);
  });

  it('log-normal noise keeps the mean duration at predicted x speed', () => {
    const rng = createKeyedRandom(5);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      sum += drawAttempt(rng, { ...request(0, 0), task: task(`t${i}`, [pred('A', 0.6, 20)]) }, { durationNoise: 0.25 }).durationS;
    }
    // E[exp(sZ - s^2/2)] = 1; SE of the mean = 20 * sqrt(e^{s^2} - 1) / sqrt(n) ~ 0.036.
    expect(Math.abs(sum / n - 20)).toBeLessThan(0.15);
  });
});
