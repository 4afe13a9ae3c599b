/**
 * `tournament.md`: the tournament for a reader (contract section 14). Built from the
 * tournament document alone, so its bytes follow from the results: no path outside the
 * tournament folder, no wall-clock time, nothing that depends on `--jobs`.
 */
import { code, fixed, NA, table } from '../report/markdown-util.ts';
import { HEADLINE_MEASURE, TOURNAMENT_MEASURES, type MeasureName } from './measures.ts';
import type { PairComparisonRecord, StrategySummary, TournamentDocument } from './schema.ts';
import { DIFFERENCE_DECIMALS, WILCOXON_EXACT_MAX_N } from './stats.ts';

/** The chart's file name, linked from the report. */
export const CHART_FILE = 'tournament.svg';

/** Decimals a measure prints with: points 2, seconds and counts 1, shares and scores 4. */
export function decimalsOf(measure: MeasureName): number {
  if (measure === 'health_score') return 2;
  if (measure === 'makespan_s' || measure === 'waiting_mean_s' || measure === 'reroutes' || measure === 'steals') return 1;
  return 4;
}

const interval = (low: number | null, high: number | null, decimals: number): string => (low === null || high === null ? NA : `[${fixed(low, decimals)}, ${fixed(high, decimals)}]`);

/** A p-value: 4 decimals, or `< 0.0001`. */
export function pText(p: number | null): string {
  if (p === null) return NA;
  return p < 0.0001 ? '< 0.0001' : fixed(p, 4);
}

/** The signed text of a difference: `+1.25`, `-0.50`, `0.00`. */
function signed(x: number | null, decimals: number): string {
  if (x === null) return NA;
  const text = fixed(x, decimals);
  return text.startsWith('-') || Number(text) === 0 ? text : `+${text}`;
}

/** The whole report, ending with a newline. */
export function renderTournamentMarkdown(doc: TournamentDocument): string {
  const out: string[] = [];
  out.push('# Strategy tournament', '');
  out.push(
    `${doc.strategies.length} strategies x ${doc.replications} replications (seeds 1..${doc.replications}). ` +
      'Replication i of every strategy is the plain run with `--seed i`: common random numbers, so two strategies meet the same luck and their difference is measured seed by seed.',
    '',
  );
  out.push(`Strategies: ${doc.strategies.map(code).join(', ')}.`, '');
  const options = Object.entries(doc.options);
  out.push(options.length === 0 ? 'Run options: the defaults.' : `Run options: ${options.map(([k, v]) => code(`${k}=${String(v)}`)).join(', ')}.`, '');

  out.push(`## Ranking by ${HEADLINE_MEASURE}`, '');
  out.push(`![${HEADLINE_MEASURE}: mean and 95% interval per strategy](${CHART_FILE})`, '');
  const headline = doc.summary.filter((s) => s.measure === HEADLINE_MEASURE);
  const ranked = headline.map((s, i) => ({ s, i })).sort((x, y) => (y.s.mean ?? -Infinity) - (x.s.mean ?? -Infinity) || x.i - y.i);
  const d = decimalsOf(HEADLINE_MEASURE);
  out.push(
    table(
      ['rank', 'strategy', 'mean', '95% interval', 'sd', 'n'],
      ranked.map(({ s }, rank) => [String(rank + 1), s.strategy, fixed(s.mean, d), interval(s.ci_low, s.ci_high, d), fixed(s.sd, d), String(s.n)]),
      [0, 2, 4, 5],
    ),
    '',
  );

  out.push('## Every measure', '');
  out.push('Mean over the replications, with its 95% t-interval.', '');
  for (const spec of TOURNAMENT_MEASURES) {
    const dm = decimalsOf(spec.measure);
    const rows = doc.summary.filter((s) => s.measure === spec.measure);
    out.push(`### ${spec.measure}`, '', `${spec.description}; ${spec.better === null ? 'neither direction is better' : `${spec.better} is better`}.`, '');
    out.push(table(['strategy', 'mean', '95% interval', 'sd', 'n'], rows.map((s: StrategySummary) => [s.strategy, fixed(s.mean, dm), interval(s.ci_low, s.ci_high, dm), fixed(s.sd, dm), String(s.n)]), [1, 3, 4]), '');
  }

  out.push('## Paired differences', '');
  if (doc.pairs.length === 0) {
    out.push('One strategy: no pair to compare.', '');
  } else {
    out.push('For each pair, b minus a seed by seed: the mean difference with its 95% paired t-interval, and the two-sided Wilcoxon signed-rank test of the differences (W+ over the non-zero ones).', '');
    for (const spec of TOURNAMENT_MEASURES) {
      const dm = decimalsOf(spec.measure);
      const rows = doc.pairs.filter((p) => p.measure === spec.measure);
      out.push(`### ${spec.measure}`, '');
      out.push(
        table(
          ['a', 'b', 'mean b - a', '95% interval', 'n', 'W+', 'p', 'method'],
          rows.map((p: PairComparisonRecord) => [p.a, p.b, signed(p.mean_difference, dm), interval(p.ci_low, p.ci_high, dm), String(p.n), p.wilcoxon_statistic === null ? NA : fixed(p.wilcoxon_statistic, 1), pText(p.p_value), p.wilcoxon_method]),
          [2, 3, 4, 5, 6],
        ),
        '',
      );
    }
  }

  out.push('## Method', '');
  out.push(
    '- Interval of a mean: mean +- t(0.975, n - 1) x sd / sqrt(n), sd the sample standard deviation; none with one replication.',
    '- Paired difference: the same interval over the per-seed differences b - a.',
    `- Wilcoxon signed-rank test (\`@stdlib/stats-wilcoxon\`), two-sided: zero differences are dropped (zero method \`wilcox\`); exact null distribution with at most ${WILCOXON_EXACT_MAX_N} non-zero differences and no tied absolute differences, else the normal approximation with the tie correction and a continuity correction of 0.5. Differences are rounded to ${DIFFERENCE_DECIMALS} decimals before ranking. \`none\`: every difference is zero, no test.`,
    '- p-values are not adjusted for the number of pairs and measures compared.',
    `- Every replication's figures are in \`tournament.json\` (\`runs\`); its files are in \`runs/<strategy>/seed_<i>/\`.`,
    '',
  );
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
