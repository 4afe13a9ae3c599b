/**
 * `PHASE_21_AUTONOMOUS_EXECUTION.html` (contract sections 8 and 14): the Markdown report
 * rendered to one self-contained HTML page, its charts inlined as SVG.
 *
 * Route: the Markdown of src/report/markdown.ts is the one source of the report's content, and
 * `marked` (GitHub-flavoured Markdown) renders it, so the two can never say different things.
 * The page loads nothing: CSS is inline, there is no script, and no URL is emitted at all:
 * - an image `charts/<file>.svg` the run rendered becomes that SVG inline; any other image
 *   becomes its alt text;
 * - a link becomes its text (the report's links are relative file names, meaningless once the
 *   page is moved);
 * - raw HTML in the Markdown (which can only come from untrusted text such as a task id,
 *   since the report writes none) is shown as text, escaped;
 * - every other text is escaped by marked (`&`, `<`, `>`, `"`, `'`).
 * Bare URLs in untrusted text are not turned into links (GFM autolinks come out as text).
 */
import { Marked, type Tokens } from 'marked';

/** The HTML report's file name, beside the Markdown report. */
export const HTML_REPORT_FILE = 'PHASE_21_AUTONOMOUS_EXECUTION.html';

/** The page's style sheet (inline). */
const STYLE = [
  'body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222;line-height:1.45}',
  'table{border-collapse:collapse;margin:1em 0;font-size:0.85em}',
  'th,td{border:1px solid #ccc;padding:0.25em 0.5em}',
  'th{background:#f0f0f0}',
  'code{background:#f4f4f4;padding:0 0.2em}',
  'figure.chart{margin:1em 0;overflow-x:auto}',
  'figure.chart figcaption{font-size:0.85em;color:#555}',
].join('\n');

/** HTML text escape: `&`, `<`, `>`, `"` and `'`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The HTML page of a Markdown report.
 * @param markdown - the report's Markdown (src/report/markdown.ts)
 * @param charts - SVG text by the image path the Markdown names (`charts/health.svg`)
 * @returns a complete HTML5 document, ending with a newline
 */
export function renderHtmlReport(markdown: string, charts: ReadonlyMap<string, string>): string {
  return prepareHtmlReport(markdown, new Set(charts.keys())).fill(charts);
}

/** An HTML report rendered but for its charts' SVG: {@link HtmlReportDraft.fill} inserts them. */
export interface HtmlReportDraft {
  /**
   * The page, with each chart's SVG text in place: the bytes {@link renderHtmlReport} gives.
   * @param charts - SVG text by image path; every path given to {@link prepareHtmlReport} that the Markdown names
   * @throws RangeError when a chart the page shows is missing
   */
  fill(charts: ReadonlyMap<string, string>): string;
}

/**
 * Where a chart's SVG goes in a draft: NUL, which the report's Markdown does not contain; if it
 * does (untrusted text), the draft has more NULs than charts and `fill` renders the page again.
 */
const HOLE = '\u0000';

/**
 * Renders the Markdown report to HTML before the charts are drawn (the run writes the page
 * while the chart worker draws): an image whose path is in `charts` becomes a figure whose SVG
 * {@link HtmlReportDraft.fill} inserts later.
 * @param charts - the image paths (`charts/health.svg`) that will have SVG text
 */
export function prepareHtmlReport(markdown: string, charts: ReadonlySet<string>): HtmlReportDraft {
  const holes: string[] = [];
  const page = renderPage(markdown, (href) => {
    if (!charts.has(href)) return null;
    holes.push(href);
    return HOLE;
  });
  const parts = page.split(HOLE);
  // A NUL that reached the page some other way: render again with the SVG in place.
  const exact = parts.length === holes.length + 1;
  return {
    fill(svgs) {
      const svgOf = (href: string): string => {
        const svg = svgs.get(href);
        if (svg === undefined) throw new RangeError(`no SVG for ${href}`);
        return svg;
      };
      if (!exact) return renderPage(markdown, (href) => (charts.has(href) ? svgOf(href) : null));
      let out = parts[0] ?? '';
      for (const [i, href] of holes.entries()) out += svgOf(href) + (parts[i + 1] ?? '');
      return out;
    },
  };
}

/** The page of `markdown`; `svgOf(href)` gives an image's SVG text (or a placeholder), null for none (its alt text is shown). */
function renderPage(markdown: string, svgOf: (href: string) => string | null): string {
  let chartIndex = 0;
  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(token.text);
      },
      image(token: Tokens.Image): string {
        const svg = svgOf(token.href);
        if (svg === null) return escapeHtml(token.text);
        chartIndex += 1;
        return `<figure class="chart" id="chart-${chartIndex}" data-chart="${escapeHtml(token.href)}">${svg}<figcaption>${escapeHtml(token.text)}</figcaption></figure>`;
      },
      link(token: Tokens.Link): string {
        return this.parser.parseInline(token.tokens);
      },
    },
  });
  const body = marked.parse(markdown) as string;
  const title = /^# (.*)$/m.exec(markdown)?.[1] ?? 'Report';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script, no network: a policy the browser enforces on top of the page loading nothing.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    body.trimEnd(),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
