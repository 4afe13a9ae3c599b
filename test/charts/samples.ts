/** Sample Vega-Lite specs shared by the chart tests. */
import type { ChartSpec } from '../../src/charts/render.ts';

/**
 * A temporal chart over UTC instants near midnight (so a local-time scale would move ticks
 * and labels by the time zone), with clipping (`clip: true`, which makes vega emit clip ids).
 */
export function sampleTimeSpec(): ChartSpec {
  const t0 = Date.UTC(2026, 0, 1, 23, 30);
  return {
    width: 400,
    height: 120,
    data: {
      values: [
        { agent: 'a1', start: t0, end: t0 + 600_000, outcome: 'succeeded' },
        { agent: 'a2', start: t0 + 300_000, end: t0 + 3_600_000, outcome: 'failed' },
      ],
    },
    mark: { type: 'bar', clip: true },
    encoding: {
      y: { field: 'agent', type: 'nominal' },
      x: { field: 'start', type: 'temporal', scale: { type: 'utc' }, axis: { format: '%H:%M' } },
      x2: { field: 'end' },
      color: { field: 'outcome', type: 'nominal' },
    },
  };
}

/** A plain bar chart with its own clip (a second chart to render between two of the first). */
export function sampleBarSpec(): ChartSpec {
  return {
    width: 200,
    height: 100,
    data: { values: [{ k: 'x', v: 1 }, { k: 'y', v: 3 }] },
    mark: { type: 'bar', clip: true },
    encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
  };
}
