/**
 * The SVG renderer of every chart (contract section 14): a Vega-Lite spec in, SVG text out,
 * in Node, with no browser and no canvas.
 *
 * The spec is compiled by `vega-lite` (`compile(spec).spec`, a Vega spec) and rendered
 * headless by `vega` (`new View(parse(vegaSpec), { renderer: 'none' }).toSVG()`), the route the
 * Vega docs give for server-side export ("View API: Image Export", vega.github.io).
 *
 * Deterministic bytes: the same spec gives the same SVG on any machine, run, output folder and
 * time zone, because
 * - text widths are estimated from font size (vega-scenegraph's `estimateWidth`), never
 *   measured with a canvas that may or may not be installed;
 * - the SVG clip and gradient ids restart at 1 and 0 before every render (they are counters
 *   global to the process in vega-scenegraph, so a chart rendered second would otherwise get
 *   other ids than the same chart rendered first);
 * - {@link CHART_CONFIG} fixes the font, the background and the number locale; specs use UTC
 *   scales and `utc` time units only (a local-time scale would shift with `TZ`);
 * - data is inline (`data.values`): nothing is loaded, so nothing waits on the network.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite spec, as `vega-lite`'s types describe it. */
export type ChartSpec = TopLevelSpec;

/** The font every chart names (a generic fallback last, so any browser draws it). */
export const CHART_FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

/**
 * The Vega-Lite `config` {@link renderSvg} merges under every spec's own `config`: white
 * background, one font, no ARIA description text generated from the data (it would repeat
 * every data point inside the SVG).
 */
export const CHART_CONFIG = {
  background: 'white',
  font: CHART_FONT,
  aria: false,
  view: { stroke: '#dddddd' },
} as const;

/** vega-scenegraph internals that `vega` re-exports at run time but its typings do not declare. */
interface SceneInternals {
  readonly resetSVGDefIds: () => void;
  readonly textMetrics: { width: unknown; readonly estimateWidth: unknown };
}

function sceneInternals(): SceneInternals {
  const v = vega as unknown as Partial<SceneInternals>;
  if (typeof v.resetSVGDefIds !== 'function' || typeof v.textMetrics !== 'object') {
    throw new Error('vega no longer exports resetSVGDefIds/textMetrics: chart bytes would not be deterministic');
  }
  return v as SceneInternals;
}

const internals = sceneInternals();
// Estimated text widths, never canvas-measured ones: the same bytes with or without `canvas`.
internals.textMetrics.width = internals.textMetrics.estimateWidth;

/**
 * Vega-Lite warnings that say nothing about the chart drawn: its dataflow optimizer stopping
 * after 5 passes (the compiled spec is complete, only less optimized).
 */
const BENIGN_WARNINGS = /^Maximum optimization runs\(\d+\) reached/;

/**
 * The Vega spec `spec` compiles to, with {@link CHART_CONFIG} under the spec's own config.
 * Strict: a Vega-Lite warning (a dropped encoding, an ignored property) is an error, so a
 * chart never silently draws something other than its spec says.
 * @throws Error with vega-lite's warnings or error when the spec does not compile cleanly
 */
export function compileSpec(spec: ChartSpec): vega.Spec {
  const withConfig = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as ChartSpec;
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, _level, input) => {
    const text = Array.from(input as ArrayLike<unknown>, String).join(' ');
    if (!BENIGN_WARNINGS.test(text)) warnings.push(text);
  });
  const compiled = compile(withConfig, { logger }).spec;
  if (warnings.length > 0) throw new Error(`vega-lite: ${warnings.join('; ')}`);
  return compiled;
}

/**
 * Renders a Vega-Lite spec to SVG text: `<svg ...>...</svg>` (no XML declaration), the same
 * bytes for the same spec in any process and time zone (see the module comment).
 *
 * Give the spec fixed `width` and `height`, inline data (`data: { values }`), and UTC time
 * (`scale: { type: 'utc' }` on temporal fields, `timeUnit: 'utc...'`).
 *
 * Renders one chart at a time (the id counters are process-global): do not interleave calls.
 * The awaited part is vega's own asynchronous dataflow; nothing is read or fetched.
 *
 * @param spec - a Vega-Lite v5 spec (`vega-lite` 5.23)
 * @returns the SVG document text
 * @throws Error when the spec does not compile or render (a bug in the caller's spec)
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: 'none', logLevel: vega.Error });
  try {
    internals.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
