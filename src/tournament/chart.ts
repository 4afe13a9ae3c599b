/**
 * `tournament.svg`: per strategy, the mean of the headline measure (health_score) with its 95%
 * interval, as a vega-lite specification (points with error bars, one row per strategy, in
 * the order given) rendered to SVG. Deterministic: the spec depends on the document alone.
 */
import { renderSvg, type ChartSpec } from '../charts/render.ts';
import { HEADLINE_MEASURE } from './measures.ts';
import type { TournamentDocument } from './schema.ts';

/** One row of the chart's data. */
export interface ChartRow {
  readonly strategy: string;
  readonly mean: number | null;
  readonly ci_low: number | null;
  readonly ci_high: number | null;
}

/** The chart's rows: the headline measure's summary per strategy, in the order given. */
export function chartRows(doc: TournamentDocument): ChartRow[] {
  return doc.summary.filter((s) => s.measure === HEADLINE_MEASURE).map((s) => ({ strategy: s.strategy, mean: s.mean, ci_low: s.ci_low ?? s.mean, ci_high: s.ci_high ?? s.mean }));
}

/**
 * The vega-lite (v5) specification: a layer of error bars (ci_low to ci_high) and points (the
 * mean) per strategy, strategies on the y axis in the order given, the measure on x.
 */
export function tournamentChartSpec(doc: TournamentDocument): ChartSpec {
  const rows = chartRows(doc);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${HEADLINE_MEASURE}: mean and 95% interval over ${doc.replications} replication${doc.replications === 1 ? '' : 's'}`,
    width: 480,
    height: { step: 28 },
    data: { values: rows },
    encoding: {
      y: { field: 'strategy', type: 'nominal', sort: rows.map((r) => r.strategy), title: 'strategy' },
    },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2, color: '#4c78a8' },
        encoding: {
          x: { field: 'ci_low', type: 'quantitative', scale: { zero: false }, title: HEADLINE_MEASURE },
          x2: { field: 'ci_high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: { x: { field: 'mean', type: 'quantitative' } },
      },
    ],
  };
}

/**
 * The chart as SVG text: {@link tournamentChartSpec} rendered by the charts renderer
 * (src/charts/render.ts: vega-lite compiled and rendered by vega in Node), the same bytes for
 * the same document in any process and time zone.
 * @throws Error when the spec does not compile or render (a bug)
 */
export function renderTournamentChart(doc: TournamentDocument): Promise<string> {
  return renderSvg(tournamentChartSpec(doc));
}
