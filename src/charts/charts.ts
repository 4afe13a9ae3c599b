/**
 * The run's charts (contract section 14): which charts, their file names under
 * `<report-dir>/charts/`, and their SVG, rendered at the end of the run from the health file,
 * the chart state (src/charts/collector.ts) and each wave's `wave_<w>/chart_data.json`, one
 * chart at a time.
 */
import type { ChartData } from '../schema/charts.ts';
import type { SystemHealth } from '../schema/summaries.ts';
import type { ChartCollector } from './collector.ts';
import { renderSvg } from './render.ts';
import { agentTimeSpec, ganttSpec, healthSpec, reliabilitySpec } from './specs.ts';

/** The folder of the charts inside `--report-dir` (the Markdown report links `charts/<file>`). */
export const CHARTS_DIR = 'charts';

/** Gantt charts shown in the reports (the first waves); the SVG of every wave is written all the same. */
export const MAX_REPORTED_GANTT = 30;

/** One rendered chart. */
export interface ChartFile {
  /** File name inside {@link CHARTS_DIR}, e.g. `health.svg`. */
  readonly file: string;
  /** What the chart shows (alt text in the report). */
  readonly title: string;
  /** Which report section shows it. */
  readonly section: 'health' | 'agents' | 'waves';
  readonly svg: string;
}

/** The chart file names a run with these waves writes, in report order. */
export function chartFileNames(waves: readonly number[]): string[] {
  return ['health.svg', 'reliability.svg', 'agent_time.svg', ...waves.map(ganttFileName)];
}

/** `gantt_wave_<w>.svg`. */
export function ganttFileName(wave: number): string {
  return `gantt_wave_${wave}.svg`;
}

/** What the charts are drawn from. */
export interface RunChartsInput {
  /** `phase21_system_health.json`. */
  readonly health: SystemHealth;
  readonly collector: ChartCollector;
  /** `--epoch`, epoch milliseconds: the Gantt charts' time zero. */
  readonly epochMs: number;
  /** The waves run, in order. */
  readonly waves: readonly number[];
  /** `wave_<w>/chart_data.json` of a wave run. */
  readonly readChartData: (wave: number) => ChartData;
  /** Called with each chart as soon as it is rendered (to write it). */
  readonly write: (chart: ChartFile) => void;
}

/**
 * Renders every chart of the run, in report order, handing each to `write` at once: health by
 * wave, the reliability diagram (the run's bins from the health file, then each agent's),
 * busy/idle/open time per agent, then one Gantt chart per wave. Deterministic bytes
 * (src/charts/render.ts).
 * @returns the charts the reports show (all but the Gantt charts past {@link MAX_REPORTED_GANTT}), in report order
 */
export async function renderRunCharts(input: RunChartsInput): Promise<ChartFile[]> {
  const { health, collector } = input;
  const run = health.run.metrics;
  const shown: ChartFile[] = [];
  const emit = (chart: ChartFile, show: boolean): void => {
    input.write(chart);
    if (show) shown.push(chart);
  };
  const points = health.waves.map((w) => ({ wave: w.wave, score: w.health.score, ...w.health.components }));
  emit({ file: 'health.svg', title: 'Health and its four parts by wave', section: 'health', svg: await renderSvg(healthSpec(points)) }, true);
  const panels = [
    { title: 'run', bins: run.reliability_bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, meanPredictedP: b.mean_predicted_p, successRate: b.first_attempt_success_rate })) },
    ...collector.reliability().map((r) => ({ title: r.agentId, bins: r.bins })),
  ];
  emit({ file: 'reliability.svg', title: 'Reliability diagram: the run and each agent, with bin counts', section: 'agents', svg: await renderSvg(reliabilitySpec(panels)) }, true);
  emit({ file: 'agent_time.svg', title: 'Busy, idle and circuit-open time per agent', section: 'agents', svg: await renderSvg(agentTimeSpec(run.per_agent, run.makespan_s)) }, true);
  for (const [i, wave] of input.waves.entries()) {
    const svg = await renderSvg(ganttSpec(input.readChartData(wave), input.epochMs));
    emit({ file: ganttFileName(wave), title: `Gantt chart of wave ${wave}`, section: 'waves', svg }, i < MAX_REPORTED_GANTT);
  }
  return shown;
}
