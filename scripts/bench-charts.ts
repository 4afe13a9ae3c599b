/**
 * `npx tsx scripts/bench-charts.ts OUT_DIR REPORT_DIR [--repeat N]`
 *
 * Times what the charts and the HTML report add to a finished run (issue 9, "Speed"): renders
 * the run's charts from its own files (`phase21_system_health.json`, `checkpoint.json`,
 * `wave_<w>/chart_data.json`) and the HTML report from its Markdown report, N times (default 3),
 * and prints each time in milliseconds with the bytes produced. Nothing is written. Wall-clock
 * time is read here, in a script, never in the harness.
 *
 * Exit 0 after printing; 2 when a folder or file is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GanttAhead, renderRunCharts } from '../src/charts/charts.ts';
import { ChartCollector } from '../src/charts/collector.ts';
import { inProcessRenderer } from '../src/charts/renderer.ts';
import { renderHtmlReport } from '../src/report/html.ts';
import { chartDataSchema } from '../src/schema/charts.ts';
import { checkpointSchema } from '../src/schema/checkpoint.ts';
import { systemHealthSchema } from '../src/schema/summaries.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { repeat: { type: 'string', default: '3' } } });
const [out, reportDir] = positionals;
const repeat = Number(values.repeat);
const report = reportDir === undefined ? '' : path.join(reportDir, 'PHASE_21_AUTONOMOUS_EXECUTION.md');
if (out === undefined || reportDir === undefined || !fs.existsSync(path.join(out, 'checkpoint.json')) || !fs.existsSync(report) || !Number.isInteger(repeat) || repeat < 1) {
  process.stderr.write('usage: npx tsx scripts/bench-charts.ts OUT_DIR REPORT_DIR [--repeat N] (a finished run\'s folders)\n');
  process.exit(2);
}
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const health = systemHealthSchema.parse(readJson(path.join(out, 'phase21_system_health.json')));
const checkpoint = checkpointSchema.parse(readJson(path.join(out, 'checkpoint.json')));
const markdown = fs.readFileSync(report, 'utf8');

for (let i = 0; i < repeat; i++) {
  const collector = new ChartCollector(checkpoint.charts.reliability.map((r) => r.agent_id), checkpoint.charts);
  const started = performance.now();
  let bytes = 0;
  const charts = await renderRunCharts({
    health,
    collector,
    ahead: new GanttAhead(inProcessRenderer(), Date.parse('2026-01-01T00:00:00Z')),
    waves: health.waves.map((w) => w.wave),
    readChartData: (w) => chartDataSchema.parse(readJson(path.join(out, `wave_${w}`, 'chart_data.json'))),
    write: (chart) => {
      bytes += chart.svg.length;
    },
  });
  const rendered = performance.now();
  const html = renderHtmlReport(markdown, new Map(charts.map((c) => [`charts/${c.file}`, c.svg])));
  const done = performance.now();
  process.stdout.write(`charts ${(rendered - started).toFixed(0)} ms (${charts.length} charts, ${bytes} bytes of SVG), html ${(done - rendered).toFixed(0)} ms (${html.length} bytes)\n`);
}
