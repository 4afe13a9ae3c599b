/**
 * The chart specs (src/charts/specs.ts) drawn for real, and the self-contained HTML report
 * (src/report/html.ts): hostile text is escaped, nothing is loaded, every chart is inlined.
 */
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/render.ts';
import { agentTimeSpec, ganttSpec, healthSpec, laneOf, reliabilitySpec } from '../../src/charts/specs.ts';
import { escapeHtml, prepareHtmlReport, renderHtmlReport } from '../../src/report/html.ts';
import { table } from '../../src/report/markdown-util.ts';
import { SCHEMA_VERSION } from '../../src/options.ts';
import type { ChartData } from '../../src/schema/charts.ts';

const HOSTILE = ['<script>alert(1)</script>', '"&amp;<b>', "a'b"];
const EPOCH = Date.UTC(2026, 1, 1);

/** The number of marks (`<path>` items) in each mark group of `role` in an SVG. */
function marks(svg: string, role: string): number[] {
  const groups = svg.match(new RegExp(`<g class="mark-[a-z]+ role-${role}[^"]*"[^>]*>(.*?)</g>`, 'gs')) ?? [];
  return groups.map((g) => g.match(/<path /g)?.length ?? 0);
}

describe('laneOf', () => {
  it('puts each attempt in the lowest lane free at its start', () => {
    // a 0-10 lane 0; b 5-15 overlaps a: lane 1; c 10-20 starts as a ends: lane 0; d 12-13 overlaps b and c: lane 2.
    expect(laneOf([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 10, end: 20 }, { start: 12, end: 13 }])).toEqual([0, 1, 0, 2]);
    expect(laneOf([])).toEqual([]);
  });
});

describe('chart specs, rendered', () => {
  const attempts: ChartData = {
    schema_version: SCHEMA_VERSION,
    wave: 3,
    start_s: 100,
    end_s: 160,
    agents: HOSTILE,
    kind: 'attempts',
    attempts: [
      [0, 100, 110, 1],
      [0, 105, 120, 0],
      [2, 130, 145, 1],
    ],
    open: [[1, 110, 150]],
  };

  it('draws one bar per attempt and one stripe per circuit-open span, hostile agent ids escaped', async () => {
    const svg = await renderSvg(ganttSpec(attempts, EPOCH));
    // Layer 1: the three attempts; layer 2: the open span plus the two empty edge spans.
    expect(marks(svg, 'mark')).toEqual([3, 3]);
    expect(svg).not.toContain('<script');
    // Escaped (and cut by vega's label limit with an ellipsis).
    expect(svg).toContain('>&lt;script&gt;alert(1)&lt;/scr…<');
    expect(svg).toContain('>Wave 3: 3 attempts by agent<');
    // The axis shows the simulated clock in UTC: the epoch plus 100 s is 00:01:40.
    expect(svg).toContain('>00:01:40<');
  });

  it('draws a bucket aggregate as one cell per non-empty agent x bucket', async () => {
    const buckets: ChartData = { schema_version: SCHEMA_VERSION, wave: 1, start_s: 0, end_s: 60, agents: ['a', 'b'], kind: 'buckets', attempts: 4000, bucket_s: 1, cells: [[0, 0, 1000, 2000, 0], [1, 12, 0.5, 0, 1], [1, 13, 0.5, 0, 0]], open: [] };
    const svg = await renderSvg(ganttSpec(buckets, EPOCH));
    expect(marks(svg, 'mark')).toEqual([3, 2]);
    expect(svg).toContain('>Wave 1: 4000 attempts, aggregated in 3 agent x time cells<');
  });

  it('draws health, reliability and agent time with every series and bin count', async () => {
    const health = await renderSvg(healthSpec([
      { wave: 1, score: 83.85, success_rate: 0.9, availability: 1, accuracy: 0.8, load_balance: 0.7 },
      { wave: 2, score: 86.49, success_rate: 0.95, availability: 1, accuracy: 0.85, load_balance: 0.75 },
    ]));
    for (const series of ['health', 'success rate', 'availability', 'accuracy', 'load balance']) expect(health).toContain(`>${series}<`);
    const reliability = await renderSvg(reliabilitySpec([
      { title: 'run', bins: [{ lower: 0.8, upper: 0.9, count: 17, meanPredictedP: 0.85, successRate: 0.8 }] },
      { title: HOSTILE[0] ?? '', bins: [{ lower: 0.5, upper: 0.6, count: 4, meanPredictedP: 0.55, successRate: 0.5 }] },
    ]));
    expect(reliability).toContain('>17<');
    expect(reliability).toContain('>4<');
    expect(reliability).not.toContain('<script');
    const time = await renderSvg(agentTimeSpec([{ agent_id: 'a', busy_s: 30, open_s: 5 }, { agent_id: 'b', busy_s: 10, open_s: 0 }], 40));
    // busy, idle (40 - busy) and open per agent: 6 bars, one a zero-width open bar for b.
    expect(marks(time, 'mark')).toEqual([6]);
  });
});

describe('renderHtmlReport', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

  it('inlines each chart the Markdown shows and escapes every hostile text', () => {
    const md = [
      '# Report <script>',
      table(['agent', 'note'], HOSTILE.map((h) => [h, '<img src="https://evil.example/x.png">'])),
      '![Health by wave](charts/health.svg)',
      'See https://evil.example/a and [a link](https://evil.example/b) and ![remote](https://evil.example/c.png) <iframe src="//evil.example">',
      '<script>alert(2)</script>',
      '',
    ].join('\n\n');
    const html = renderHtmlReport(md, new Map([['charts/health.svg', svg]]));
    expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(html).toContain(`<figure class="chart" id="chart-1" data-chart="charts/health.svg">${svg}<figcaption>Health by wave</figcaption></figure>`);
    expect(html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    // The id `"&amp;<b>` shows as written: its `&` is escaped in the Markdown (`&amp;amp;`),
    // so the HTML holds `&amp;amp;`, which a browser shows as `&amp;`.
    expect(html).toContain('<td>&quot;&amp;amp;&lt;b&gt;</td>');
    expect(html).toContain('<td>&lt;img src=&quot;https://evil.example/x.png&quot;&gt;</td>');
    expect(html).toContain('<title>Report &lt;script&gt;</title>');
    // No script, no element that loads or links anything; URLs survive only as text.
    expect(html).not.toMatch(/<script|<img|<iframe|<a |<link|\ssrc="|\shref="|url\(/i);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('remote');
  });

  it('a page prepared before the charts are drawn and filled after is the same page', () => {
    const other = svg.replace('10', '20');
    const md = ['# R', '![Health](charts/health.svg)', '![Gantt](charts/gantt_wave_1.svg) and ![again](charts/health.svg)', '![not drawn](charts/x.svg)', ''].join('\n\n');
    const charts = new Map([
      ['charts/health.svg', svg],
      ['charts/gantt_wave_1.svg', other],
    ]);
    const draft = prepareHtmlReport(md, new Set(charts.keys()));
    const html = draft.fill(charts);
    expect(html).toBe(renderHtmlReport(md, charts));
    expect(html).toContain(`data-chart="charts/gantt_wave_1.svg">${other}<figcaption>Gantt</figcaption>`);
    expect(html).toContain(`id="chart-3" data-chart="charts/health.svg">${svg}<figcaption>again</figcaption>`);
    expect(html).toContain('not drawn');
    expect(() => draft.fill(new Map([['charts/health.svg', svg]]))).toThrow(new RangeError('no SVG for charts/gantt_wave_1.svg'));
  });

  it('text with a NUL character in it (untrusted) still gets each chart in its place', () => {
    const md = ['# R', 'task `a\u0000b` failed', '![Health](charts/health.svg)', ''].join('\n\n');
    const charts = new Map([['charts/health.svg', svg]]);
    const html = prepareHtmlReport(md, new Set(charts.keys())).fill(charts);
    expect(html).toContain(`data-chart="charts/health.svg">${svg}<figcaption>Health</figcaption>`);
    expect(html).toContain('a\u0000b');
    expect(html).toBe(renderHtmlReport(md, charts));
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
