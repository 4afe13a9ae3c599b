/**
 * tournament.json and tournament.md from hand-made results: order independence (the runs may
 * finish in any order), hand-worked means, intervals and paired differences, and the schema.
 */
import { describe, expect, it } from 'vitest';
import { buildTournament, type ReplicationResult } from '../../src/tournament/aggregate.ts';
import { renderTournamentMarkdown } from '../../src/tournament/markdown.ts';
import type { MeasureValues } from '../../src/tournament/measures.ts';
import { tournamentSchema } from '../../src/tournament/schema.ts';
import { SCHEMA_VERSION } from '../../src/options.ts';

const values = (health: number, extra: Partial<MeasureValues> = {}): MeasureValues => ({
  health_score: health,
  success_rate: 0.9,
  availability: 1,
  accuracy: 0.95,
  load_balance: 0.8,
  makespan_s: 100,
  waiting_mean_s: 5,
  brier: 0.2,
  ece: 0.05,
  reroutes: 0,
  steals: 3,
  ...extra,
});

/** Health per seed 1..4: a = 90, 91, 92, 93 and b = 90.5, 90.8, 93.1, 93.7 (differences 0.5, -0.2, 1.1, 0.7). */
const HEALTH = { a: [90, 91, 92, 93], b: [90.5, 90.8, 93.1, 93.7] } as const;

function results(): ReplicationResult[] {
  const out: ReplicationResult[] = [];
  for (const strategy of ['load_balanced', 'round_robin'] as const) {
    const health = strategy === 'load_balanced' ? HEALTH.a : HEALTH.b;
    health.forEach((h, i) => {
      out.push({ strategy, seed: i + 1, run: `runs/${strategy}/seed_${i + 1}`, values: values(h, strategy === 'round_robin' && i === 0 ? { brier: null } : {}) });
    });
  }
  return out;
}

const input = (rs: readonly ReplicationResult[]) => ({ strategies: ['load_balanced', 'round_robin'], replications: 4, options: { waves: 2 }, results: rs });

describe('buildTournament', () => {
  it('the same document whatever order the results come in', () => {
    const forward = buildTournament(input(results()));
    const backward = buildTournament(input([...results()].reverse()));
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    expect(forward.runs.map((r) => `${r.strategy}/${String(r.seed)}`)).toEqual(['load_balanced/1', 'load_balanced/2', 'load_balanced/3', 'load_balanced/4', 'round_robin/1', 'round_robin/2', 'round_robin/3', 'round_robin/4']);
  });

  it('means and t-intervals per strategy, by hand', () => {
    const doc = buildTournament(input(results()));
    expect(doc.schema_version).toBe(SCHEMA_VERSION);
    expect(doc.seeds).toEqual([1, 2, 3, 4]);
    const a = doc.summary.find((s) => s.strategy === 'load_balanced' && s.measure === 'health_score');
    // mean 91.5, s = sqrt(5/3) = 1.290994, half-width 3.182446 x 1.290994 / 2 = 2.054260
    expect(a).toEqual({ strategy: 'load_balanced', measure: 'health_score', n: 4, mean: 91.5, sd: 1.290994, ci_low: 89.44574, ci_high: 93.55426 });
    const flat = doc.summary.find((s) => s.strategy === 'load_balanced' && s.measure === 'makespan_s');
    expect(flat).toMatchObject({ n: 4, mean: 100, sd: 0, ci_low: 100, ci_high: 100 });
    // round_robin's brier is null on seed 1: 3 values
    expect(doc.summary.find((s) => s.strategy === 'round_robin' && s.measure === 'brier')?.n).toBe(3);
  });

  it('the paired difference b - a: mean 0.525, t-interval, Wilcoxon exact W+ = 9, p = 0.25', () => {
    const doc = buildTournament(input(results()));
    const pair = doc.pairs.find((p) => p.measure === 'health_score');
    // differences 0.5, -0.2, 1.1, 0.7: mean 0.525, s = sqrt(0.8875 / 3) = 0.543906, half 3.182446 x 0.543906 / 2 = 0.865475
    // ranks of |d|: 0.2 -> 1, 0.5 -> 2, 0.7 -> 3, 1.1 -> 4; W+ = 2 + 3 + 4 = 9; exact two-sided p = 2 x 2/16 = 0.25
    expect(pair).toEqual({ a: 'load_balanced', b: 'round_robin', measure: 'health_score', n: 4, mean_difference: 0.525, ci_low: -0.340475, ci_high: 1.390475, wilcoxon_n: 4, wilcoxon_statistic: 9, p_value: 0.25, wilcoxon_method: 'exact' });
    // every makespan equal: no test
    expect(doc.pairs.find((p) => p.measure === 'makespan_s')).toMatchObject({ n: 4, mean_difference: 0, wilcoxon_n: 0, p_value: null, wilcoxon_method: 'none' });
    // a null on one side leaves that seed out
    expect(doc.pairs.find((p) => p.measure === 'brier')?.n).toBe(3);
  });

  it('passes its own schema', () => {
    expect(tournamentSchema.safeParse(buildTournament(input(results()))).success).toBe(true);
  });

  it('a missing or doubled replication is a bug', () => {
    expect(() => buildTournament(input(results().slice(1)))).toThrow('no result for load_balanced seed 1');
    expect(() => buildTournament(input([...results(), ...results().slice(0, 1)]))).toThrow('two results for load_balanced seed 1');
  });
});

describe('renderTournamentMarkdown', () => {
  const md = renderTournamentMarkdown(buildTournament(input(results())));

  it('ranks by health_score and links the chart', () => {
    // round_robin: mean 92.025, s = sqrt(7.7875 / 3) = 1.611159, half 3.182446 x 1.611159 / 2 = 2.563700
    expect(md).toContain('![health_score: mean and 95% interval per strategy](tournament.svg)');
    expect(md).toContain('| 1 | round_robin | 92.03 | [89.46, 94.59] | 1.61 | 4 |');
    expect(md).toContain('| 2 | load_balanced | 91.50 | [89.45, 93.55] | 1.29 | 4 |');
    expect(md).toContain('Run options: `waves=2`.');
  });

  it('shows each paired difference with its interval, W+, p and method', () => {
    expect(md).toContain('| load_balanced | round_robin | +0.53 | [-0.34, 1.39] | 4 | 9.0 | 0.2500 | exact |');
    expect(md).toContain('| load_balanced | round_robin | 0.0 | [0.0, 0.0] | 4 | n/a | n/a | none |');
  });
});
