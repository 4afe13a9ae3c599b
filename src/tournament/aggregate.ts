/**
 * Builds `tournament.json` from the replications' measures (contract section 14), pure: the
 * same results give the same document whatever order the runs finished in (rows are sorted by
 * strategy as given, then seed). Figures are rounded to 6 decimals (src/util/json.ts),
 * p-values to 6 significant digits (a small p-value keeps its size).
 */
import { SCHEMA_VERSION } from '../options.ts';
import { round } from '../util/json.ts';
import { TOURNAMENT_MEASURES, type MeasureName, type MeasureValues } from './measures.ts';
import type { PairComparisonRecord, StrategySummary, TournamentDocument, TournamentRun } from './schema.ts';
import { CONFIDENCE_LEVEL, meanInterval, pairedComparison } from './stats.ts';

/** One replication's result. */
export interface ReplicationResult {
  readonly strategy: string;
  readonly seed: number;
  /** Its folder relative to the tournament's: `runs/<strategy>/seed_<i>`. */
  readonly run: string;
  readonly values: MeasureValues;
}

/** What the document is built from. */
export interface TournamentInput {
  /** As given, without repeats. */
  readonly strategies: readonly string[];
  readonly replications: number;
  /** The shared run options by config name (paths left out), in the order to print. */
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  /** Every replication's result, in any order. */
  readonly results: readonly ReplicationResult[];
}

const roundOrNull = (x: number | null): number | null => (x === null ? null : round(x));
const pRound = (p: number | null): number | null => (p === null ? null : Number(p.toPrecision(6)));

/**
 * The tournament document.
 * @throws RangeError when a (strategy, seed) of the plan has no result, or has two
 */
export function buildTournament(input: TournamentInput): TournamentDocument {
  const seeds = Array.from({ length: input.replications }, (_, i) => i + 1);
  const byKey = new Map<string, ReplicationResult>();
  for (const r of input.results) {
    const key = `${r.strategy}\u0000${r.seed}`;
    if (byKey.has(key)) throw new RangeError(`two results for ${r.strategy} seed ${r.seed}`);
    byKey.set(key, r);
  }
  const ordered = input.strategies.map((strategy) =>
    seeds.map((seed) => {
      const r = byKey.get(`${strategy}\u0000${seed}`);
      if (r === undefined) throw new RangeError(`no result for ${strategy} seed ${seed}`);
      return r;
    }),
  );
  const runs: TournamentRun[] = ordered.flat().map((r) => ({
    strategy: r.strategy,
    seed: r.seed,
    run: r.run,
    ...(Object.fromEntries(TOURNAMENT_MEASURES.map((m) => [m.measure, roundOrNull(r.values[m.measure])])) as MeasureValues),
  }));
  const column = (results: readonly ReplicationResult[], measure: MeasureName): (number | null)[] => results.map((r) => r.values[measure]);

  const summary: StrategySummary[] = [];
  input.strategies.forEach((strategy, s) => {
    const results = ordered[s] ?? [];
    for (const { measure } of TOURNAMENT_MEASURES) {
      const values = column(results, measure).filter((x): x is number => x !== null);
      const stats = meanInterval(values);
      summary.push({ strategy, measure, n: stats.n, mean: roundOrNull(stats.mean), sd: roundOrNull(stats.sd), ci_low: roundOrNull(stats.ci_low), ci_high: roundOrNull(stats.ci_high) });
    }
  });

  const pairs: PairComparisonRecord[] = [];
  input.strategies.forEach((a, i) => {
    input.strategies.slice(i + 1).forEach((b, k) => {
      const j = i + 1 + k;
      for (const { measure } of TOURNAMENT_MEASURES) {
        const cmp = pairedComparison(column(ordered[i] ?? [], measure), column(ordered[j] ?? [], measure));
        pairs.push({
          a,
          b,
          measure,
          n: cmp.n,
          mean_difference: roundOrNull(cmp.difference.mean),
          ci_low: roundOrNull(cmp.difference.ci_low),
          ci_high: roundOrNull(cmp.difference.ci_high),
          wilcoxon_n: cmp.wilcoxon.n_nonzero,
          wilcoxon_statistic: cmp.wilcoxon.statistic,
          p_value: pRound(cmp.wilcoxon.p_value),
          wilcoxon_method: cmp.wilcoxon.method,
        });
      }
    });
  });

  return {
    schema_version: SCHEMA_VERSION,
    strategies: [...input.strategies],
    replications: input.replications,
    seeds,
    options: { ...input.options },
    confidence_level: CONFIDENCE_LEVEL,
    measures: TOURNAMENT_MEASURES.map((m) => ({ measure: m.measure, better: m.better, description: m.description })),
    runs,
    summary,
    pairs,
  };
}
