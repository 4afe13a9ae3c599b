import { describe, expect, it } from 'vitest';
import { createKeyedRandom, cyrb53, encodeKey, type DrawKey } from '../../src/simulate/rng.ts';
import { mulberry32 } from '../helpers/random.ts';

const key: DrawKey = { wave: 1, taskId: 'task_1_1', agentId: 'agent_0', attempt: 0, purpose: 'success' };

describe('keyed random', () => {
  it('is a pure function of (seed, key)', () => {
    const a = createKeyedRandom(21);
    const b = createKeyedRandom(21);
    // Drawing other keys in between changes nothing: no hidden stream position.
    const first = a.uniform(key);
    a.uniform({ ...key, taskId: 'other' });
    expect(a.uniform(key)).toBe(first);
    expect(b.uniform(key)).toBe(first);
  });
  it('changes with every field of the key and with the seed', () => {
    const rng = createKeyedRandom(21);
    const base = rng.uniform(key);
    const variants: DrawKey[] = [
      { ...key, wave: 2 },
      { ...key, taskId: 'task_1_2' },
      { ...key, agentId: 'agent_1' },
      { ...key, attempt: 1 },
      { ...key, purpose: 'jitter' },
    ];
    for (const v of variants) expect(rng.uniform(v)).not.toBe(base);
    expect(createKeyedRandom(22).uniform(key)).not.toBe(base);
  });
  it('gives every small seed its own draws (no cancellation between seed and key)', () => {
    const draws = new Set([0, 1, 2, 3, 4, 5, 10, 11, 21, 100].map((seed) => createKeyedRandom(seed).uniform(key)));
    expect(draws.size).toBe(10);
  });
  it('encodes keys unambiguously', () => {
    expect(encodeKey(1, { ...key, taskId: 'a|1', agentId: 'b' })).not.toBe(encodeKey(1, { ...key, taskId: 'a', agentId: '1|b' }));
  });
  it('a draw is cyrb53 of the encoded key over 2^53, bit for bit, on 20,000 random keys and seeds', () => {
    const random = mulberry32(20261126);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const texts = ['', 'a', 'task_1_1', 'a|1', '1:b', 'é', '😀', '\ud800', 'x'.repeat(300), 'agent_3'];
    const numbers = [0, 1, 9, 10, 99, 100, 12_345, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 3, 1.5, -1, 1e21];
    const seeds = [0, 1, 21, -7, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const generators = new Map(seeds.map((seed) => [seed, createKeyedRandom(seed)]));
    for (let i = 0; i < 20_000; i++) {
      const seed = pick(seeds);
      const k: DrawKey = {
        wave: random() < 0.8 ? Math.floor(random() * 1000) : pick(numbers),
        taskId: random() < 0.7 ? `task_${String(Math.floor(random() * 1e6))}` : pick(texts),
        agentId: random() < 0.7 ? `agent_${String(Math.floor(random() * 16))}` : pick(texts),
        attempt: random() < 0.8 ? Math.floor(random() * 5) : pick(numbers),
        purpose: pick(['success', 'duration', 'jitter', 'duration-u1', '', 'ü']),
      };
      const rng = generators.get(seed) as ReturnType<typeof createKeyedRandom>;
      expect(rng.uniform(k)).toBe(cyrb53(encodeKey(seed, k)) / 2 ** 53);
      const u1 = 1 - cyrb53(encodeKey(seed, { ...k, purpose: `${k.purpose}-u1` })) / 2 ** 53;
      const u2 = cyrb53(encodeKey(seed, { ...k, purpose: `${k.purpose}-u2` })) / 2 ** 53;
      expect(rng.normal(k)).toBe(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
  });
  it('matches the published cyrb53 reference values', () => {
    // Reference values from bryc's cyrb53 README: cyrb53('a') and cyrb53('b').
    expect(cyrb53('a')).toBe(7929297801672961);
    expect(cyrb53('b')).toBe(8684336938537663);
  });
  it('gives uniforms in [0, 1) with mean near 1/2 and normals with mean 0, variance 1', () => {
    const rng = createKeyedRandom(7);
    const n = 20000;
    let sum = 0;
    let sumZ = 0;
    let sumZ2 = 0;
    for (let i = 0; i < n; i++) {
      const k = { ...key, taskId: `t${i}` };
      const u = rng.uniform(k);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      const z = rng.normal({ ...k, purpose: 'duration' });
      sumZ += z;
      sumZ2 += z * z;
    }
    // Standard errors: uniform mean 0.002, normal mean 0.007, variance 0.01; bounds are ~4-5 SE.
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sumZ / n)).toBeLessThan(0.035);
    expect(Math.abs(sumZ2 / n - 1)).toBeLessThan(0.05);
  });
  it('rejects a seed that is not a safe integer', () => {
    expect(() => createKeyedRandom(1.5)).toThrow(RangeError);
  });
});
