/**
 * The schema of `tournament.json`, the document `npm run tournament` writes (contract section
 * 14, docs/tournament.md). The zod schema is the single source: the types are inferred from it
 * and `npm run schemas` publishes it as `schemas/tournament.schema.json`. Key order here is
 * the key order in the file. The document holds no path outside the tournament's folder, no
 * wall-clock time and nothing that depends on `--jobs`.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';
import type { ArtifactEntry } from '../schema/artifacts.ts';
import { TOURNAMENT_MEASURES, type MeasureName } from './measures.ts';

const count = z.number().int().nonnegative();
const nullableNumber = z.number().nullable();
const measureName = z.enum(TOURNAMENT_MEASURES.map((m) => m.measure) as [string, ...string[]]);

/** Every compared measure as a nullable number column, in TOURNAMENT_MEASURES order. */
const measureColumns = Object.fromEntries(TOURNAMENT_MEASURES.map((m) => [m.measure, nullableNumber.describe(m.description)])) as { [K in MeasureName]: z.ZodNullable<z.ZodNumber> };

/** One replication: which run, and its value of every compared measure (null: no value). */
export const TournamentRunSchema = z
  .object({
    strategy: z.string(),
    seed: z.number().int().min(1),
    run: z.string().describe('its output folder, relative to the tournament folder: runs/<strategy>/seed_<seed>'),
    ...measureColumns,
  })
  .strict();

/** A strategy's mean of one measure over its replications, with the 95% t-interval. */
export const StrategySummarySchema = z
  .object({
    strategy: z.string(),
    measure: measureName,
    n: count.describe('replications with a value'),
    mean: nullableNumber.describe('null when n = 0'),
    sd: nullableNumber.describe('sample standard deviation (divisor n - 1); null when n < 2'),
    ci_low: nullableNumber.describe('95% t-interval of the mean: mean - t(0.975, n - 1) sd / sqrt(n); null when n < 2'),
    ci_high: nullableNumber.describe('95% t-interval of the mean, upper end; null when n < 2'),
  })
  .strict();

/** Strategy b against strategy a on one measure: b - a, seed by seed. */
export const PairComparisonSchema = z
  .object({
    a: z.string().describe('the strategy listed first in --strategies'),
    b: z.string(),
    measure: measureName,
    n: count.describe('seeds where both have a value'),
    mean_difference: nullableNumber.describe('mean of b - a over the seeds; positive: b has more'),
    ci_low: nullableNumber.describe('95% paired t-interval of the mean difference; null when n < 2'),
    ci_high: nullableNumber,
    wilcoxon_n: count.describe('non-zero differences the signed ranks are taken over (zero method wilcox)'),
    wilcoxon_statistic: nullableNumber.describe('W+: the sum of the ranks of the positive differences b - a'),
    p_value: z.number().min(0).max(1).nullable().describe('two-sided Wilcoxon signed-rank p-value; null when every difference is zero'),
    wilcoxon_method: z.enum(['exact', 'normal', 'none']).describe('exact: the exact null distribution (<= 50 non-zero differences, no ties); normal: normal approximation with tie and continuity corrections; none: no test'),
  })
  .strict();

/** The whole document. */
export const tournamentSchema = z
  .object({
    schema_version: z.literal(SCHEMA_VERSION),
    strategies: z.array(z.string()).min(1).describe('as given to --strategies; every table lists them in this order'),
    replications: z.number().int().min(1),
    seeds: z.array(z.number().int().min(1)).describe('1..replications: replication i of every strategy is the plain run with --seed i (common random numbers)'),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('the run options every replication shares, from the command line and --config, by config name; paths left out'),
    confidence_level: z.number().gt(0).lt(1),
    measures: z.array(z.object({ measure: measureName, better: z.enum(['higher', 'lower']).nullable(), description: z.string() }).strict()),
    runs: z.array(TournamentRunSchema).describe('every replication, by strategy (as given) then seed'),
    summary: z.array(StrategySummarySchema).describe('per strategy (as given) and measure (as in measures)'),
    pairs: z.array(PairComparisonSchema).describe('per pair of strategies (a before b in --strategies) and measure'),
  })
  .strict();

export type TournamentDocument = z.output<typeof tournamentSchema>;
export type TournamentRun = z.output<typeof TournamentRunSchema>;
export type StrategySummary = z.output<typeof StrategySummarySchema>;
export type PairComparisonRecord = z.output<typeof PairComparisonSchema>;

/** tournament.json in the schema registry (`npm run schemas`). */
export const TOURNAMENT_DOCUMENT: ArtifactEntry = {
  artifact: 'tournament.json',
  pattern: /^tournament\.json$/,
  format: 'json',
  schema: tournamentSchema,
  schemaFile: 'tournament.schema.json',
  description: 'A strategy tournament (npm run tournament): every replication\'s measures, per strategy and measure the mean with a 95% t-interval, and per pair of strategies the paired difference with its 95% t-interval and a Wilcoxon signed-rank p-value.',
};
