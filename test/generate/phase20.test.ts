import { afterEach, describe, expect, it } from 'vitest';
import {
  createGenerator,
  createTimestampFormatter,
  DEFAULT_BASE_TIME,
  normalQuantile,
  parseBaseTime,
  validateConfig,
  type GeneratorConfig,
  type PredictionRow,
} from '../../src/generate/phase20.ts';
import { riskFromProbability } from '../../src/plan/model.ts';

const base: GeneratorConfig = { waves: 3, tasks: 400, agents: 4, seed: 20, baseTime: DEFAULT_BASE_TIME };

/** Every prediction of `config`, grouped per task (agents in index order). */
function allPredictions(config: GeneratorConfig): PredictionRow[][] {
  const gen = createGenerator(config);
  const perTask: PredictionRow[][] = [];
  for (let w = 1; w <= config.waves; w++) {
    for (let i = 1; i <= config.tasks; i++) {
      const task = gen.task(w, i);
      perTask.push(gen.agents.map((a) => gen.prediction(task, a.index)));
    }
  }
  return perTask;
}

describe('parseBaseTime', () => {
  it('turns ISO instants into microseconds since the Unix epoch', () => {
    expect(parseBaseTime('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseBaseTime('1970-01-01T00:00:01.5Z')).toBe(1_500_000);
    expect(parseBaseTime('1970-01-01T00:00:00.000007+00:00')).toBe(7);
    expect(parseBaseTime(DEFAULT_BASE_TIME)).toBe(1_795_219_200_000_000);
  });
  it('applies the zone offset', () => {
    expect(parseBaseTime('2026-11-21T02:00:00+02:00')).toBe(1_795_219_200_000_000);
    expect(parseBaseTime('2026-11-20T19:30:00.000000-04:30')).toBe(1_795_219_200_000_000);
  });
  it.each([
    '2026-11-21 00:00:00Z',
    '2026-11-21T00:00:00',
    '2026-02-30T00:00:00Z',
    '2026-11-21T24:00:00Z',
    '1969-12-31T23:59:59Z',
    '2026-11-21T00:00:00.1234567Z',
  ])('rejects %s', (text) => {
    expect(() => parseBaseTime(text)).toThrow(RangeError);
  });
});

describe('createTimestampFormatter', () => {
  it('prints UTC with six fraction digits and +00:00, across second boundaries', () => {
    const format = createTimestampFormatter();
    expect(format(1_234_567)).toBe('1970-01-01T00:00:01.234567+00:00');
    expect(format(999_999)).toBe('1970-01-01T00:00:00.999999+00:00');
    expect(format(1_000_000)).toBe('1970-01-01T00:00:01.000000+00:00');
    expect(format(1_795_219_200_000_018)).toBe('2026-11-21T00:00:00.000018+00:00');
    expect(format(1_795_219_200_000_000 + 86_399_999_999)).toBe('2026-11-21T23:59:59.999999+00:00');
  });
});

describe('normalQuantile', () => {
  it('matches the standard normal quantiles (values from Python statistics.NormalDist)', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845400536, 7);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 7);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 7);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 6);
  });
  it('stays finite at the ends of [0, 1)', () => {
    expect(Number.isFinite(normalQuantile(0))).toBe(true);
    expect(normalQuantile(0)).toBeLessThan(-7);
  });
});

describe('validateConfig', () => {
  it.each([
    [{ waves: 0 }, /waves/],
    [{ tasks: 1.5 }, /tasks/],
    [{ agents: -1 }, /agents/],
    [{ seed: 0.5 }, /seed/],
    [{ baseTime: 'yesterday' }, /base time/],
    [{ baseTime: '2200-12-31T23:59:00Z', tasks: 10_000_000 }, /2200/],
  ])('rejects %o', (change, message) => {
    expect(() => { validateConfig({ ...base, ...change }); }).toThrow(message);
  });
});

describe('generated predictions', () => {
  const perTask = allPredictions(base);
  const rows = perTask.flat();

  it('keeps p in [0.05, 0.97] with most mass in 0.55-0.9', () => {
    const ps = rows.map((r) => r.p);
    expect(Math.min(...ps)).toBeGreaterThanOrEqual(0.05);
    expect(Math.max(...ps)).toBeLessThanOrEqual(0.97);
    const core = ps.filter((p) => p >= 0.55 && p <= 0.9).length / ps.length;
    expect(core).toBeGreaterThan(0.7);
    for (const p of ps) expect(Math.round(p * 1e4) / 1e4).toBe(p);
  });

  it('labels risk by Phase 20 rule except for about 5% of rows', () => {
    const disagree = rows.filter((r) => r.risk !== riskFromProbability(r.p)).length / rows.length;
    expect(disagree).toBeGreaterThan(0.03);
    expect(disagree).toBeLessThan(0.07);
    // A disagreeing label is always a neighbour of the rule's label.
    for (const r of rows) {
      const rule = riskFromProbability(r.p);
      if (r.risk !== rule) expect(r.risk === 'MEDIUM' || rule === 'MEDIUM').toBe(true);
    }
  });

  it('gives a few percent of tasks predictions the safety gates refuse on every agent', () => {
    const refused = (r: PredictionRow): boolean => r.p < 0.1 || (r.risk === 'HIGH' && r.p < 0.3);
    const share = perTask.filter((preds) => preds.every(refused)).length / perTask.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.08);
  });

  it('differs between agents for most tasks, and per agent on average', () => {
    const varied = perTask.filter((preds) => new Set(preds.map((r) => r.p)).size > 1).length;
    expect(varied / perTask.length).toBeGreaterThan(0.95);
    const meanP = [0, 1, 2, 3].map((a) => perTask.reduce((s, preds) => s + (preds[a]?.p ?? 0), 0) / perTask.length);
    expect(new Set(meanP.map((m) => m.toFixed(3))).size).toBe(4);
    const times = new Set(perTask[0]?.map((r) => r.timeS));
    expect(times.size).toBe(4);
  });

  it('draws times around a 20-60 s base scaled by the agent, rounded to 2 decimals', () => {
    for (const r of rows) {
      expect(r.timeS).toBeGreaterThan(20 * 0.85 * Math.exp(-0.5));
      expect(r.timeS).toBeLessThan(60 * 1.25 * Math.exp(0.5));
      expect(Math.round(r.timeS * 100) / 100).toBe(r.timeS);
    }
  });

  it('assigns priorities 1/2/3 about 20/60/20%', () => {
    const gen = createGenerator(base);
    const counts = [0, 0, 0, 0];
    for (let i = 1; i <= 2000; i++) counts[gen.task(1, i).priority] = (counts[gen.task(1, i).priority] ?? 0) + 1;
    expect((counts[1] ?? 0) / 2000).toBeCloseTo(0.2, 1);
    expect((counts[2] ?? 0) / 2000).toBeCloseTo(0.6, 1);
    expect((counts[3] ?? 0) / 2000).toBeCloseTo(0.2, 1);
  });

  it('suggests the agent with the best p, ties to the first', () => {
    const config = { ...base, waves: 1, tasks: 3000 };
    const gen = createGenerator(config);
    const ties: string[] = [];
    for (let i = 1; i <= config.tasks; i++) {
      const task = gen.task(1, i);
      const ps = gen.agents.map((a) => gen.prediction(task, a.index).p);
      const best = Math.max(...ps);
      if (ps.filter((p) => p === best).length > 1) ties.push(task.taskId);
      expect(gen.suggestedAgent(task)).toBe(ps.indexOf(best));
    }
    expect(ties.length).toBeGreaterThanOrEqual(3);
    // task_1_1042: p = 0.8746, 0.7151, 0.8746, 0.8696: agents 0 and 2 tie, agent 0 wins.
    const tied = gen.task(1, 1042);
    expect(gen.agents.map((a) => gen.probability(tied, a.index))).toEqual([0.8746, 0.7151, 0.8746, 0.8696]);
    expect(gen.suggestedAgent(tied)).toBe(0);
  });

  it('keys every draw by task and agent, not by how many tasks there are', () => {
    const small = createGenerator({ ...base, tasks: 10 });
    const large = createGenerator({ ...base, tasks: 50 });
    const other = createGenerator({ ...base, seed: 21 });
    const a = small.prediction(small.task(2, 3), 1);
    const b = large.prediction(large.task(2, 3), 1);
    expect(b.p).toBe(a.p);
    expect(b.timeS).toBe(a.timeS);
    expect(b.reasoning).toBe(a.reasoning);
    expect(other.prediction(other.task(2, 3), 1).p).not.toBe(a.p);
  });

  it('reads the same task traits from a wave table as from single draws', () => {
    const gen = createGenerator(base);
    const table = gen.waveTasks(2);
    for (const i of [1, 17, 400]) expect(table.get(i)).toEqual(gen.task(2, i));
    expect(() => table.get(401)).toThrow(RangeError);
  });
});

describe('time-zone independence', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  it('gives the same timestamps in any local time zone', () => {
    const stamps = (): string[] => allPredictions({ ...base, waves: 1, tasks: 3 }).flat().map((r) => r.timestamp);
    process.env.TZ = 'UTC';
    const utc = stamps();
    process.env.TZ = 'Pacific/Chatham';
    expect(stamps()).toEqual(utc);
    expect(utc[0]).toBe('2026-11-21T00:00:00.000000+00:00');
  });
});
