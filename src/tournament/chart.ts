/**
 * `tournament.svg`: per strategy, the mean of the headline measure (health_score) with its 95%
 * interval, as a vega-lite specification (points with error bars, one row per strategy, in
 * the order given) rendered to SVG. Deterministic: the spec depends on the document alone.
 */
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
export function tournamentChartSpec(doc: TournamentDocument): Record<string, unknown> {
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
        mark: { type: 'rule', strokeWidth: 2 },
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

const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number): string => String(Math.round(x * 100) / 100);

/**
 * The chart as SVG text: {@link tournamentChartSpec} drawn directly (rows of an interval line
 * and a mean dot on a shared x axis with 5 ticks). Resolves with the same bytes for the same
 * document.
 */
export function renderTournamentChart(doc: TournamentDocument): Promise<string> {
  const rows = chartRows(doc);
  const values = rows.flatMap((r) => [r.mean, r.ci_low, r.ci_high]).filter((x): x is number => x !== null);
  let lo = values.length === 0 ? 0 : Math.min(...values);
  let hi = values.length === 0 ? 1 : Math.max(...values);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const left = 140;
  const width = 480;
  const top = 40;
  const step = 28;
  const height = rows.length * step;
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * width;
  const parts: string[] = [];
  const total = { w: left + width + 20, h: top + height + 50 };
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${total.w}" height="${total.h}" viewBox="0 0 ${total.w} ${total.h}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${total.w}" height="${total.h}" fill="white"/>`);
  parts.push(`<text x="${left}" y="20" font-size="13" font-weight="bold">${xml(String(tournamentChartSpec(doc).title))}</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(`<line x1="${num(x(v))}" y1="${top}" x2="${num(x(v))}" y2="${top + height}" stroke="#ddd"/>`);
    parts.push(`<text x="${num(x(v))}" y="${top + height + 16}" text-anchor="middle">${num(v)}</text>`);
  }
  parts.push(`<text x="${left + width / 2}" y="${top + height + 36}" text-anchor="middle">${xml(HEADLINE_MEASURE)}</text>`);
  rows.forEach((r, i) => {
    const y = top + i * step + step / 2;
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${xml(r.strategy)}</text>`);
    if (r.ci_low !== null && r.ci_high !== null) parts.push(`<line x1="${num(x(r.ci_low))}" y1="${y}" x2="${num(x(r.ci_high))}" y2="${y}" stroke="#4c78a8" stroke-width="2"/>`);
    if (r.mean !== null) parts.push(`<circle cx="${num(x(r.mean))}" cy="${y}" r="5" fill="#4c78a8"/>`);
  });
  parts.push('</svg>');
  return Promise.resolve(`${parts.join('\n')}\n`);
}
