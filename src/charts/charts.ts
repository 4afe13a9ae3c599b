/**
 * The run's charts (contract section 14): which charts, their file names under
 * `<report-dir>/charts/`, and their SVG. Each wave's Gantt chart is queued on the
 * {@link ChartRenderer} as soon as the wave's chart data exist ({@link GanttAhead}), so a
 * worker draws it while the next wave simulates; the run-level charts are rendered at the end
 * from the health file and the chart state (src/charts/collector.ts), and the Gantt charts not
 * drawn ahead from each wave's `wave_<w>/chart_data.json`.
 */
import type { ChartData } from '../schema/charts.ts';
import type { SystemHealth } from '../schema/summaries.ts';
import type { ChartCollector } from './collector.ts';
import type { ChartRenderer } from './renderer.ts';
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

/**
 * Gantt charts drawn ahead, at most: a run of many waves keeps no more SVG text than this many
 * charts in memory until its end (a Gantt chart is at most about 1 MB, src/charts/collector.ts);
 * the later waves' charts are drawn at the end from their chart_data.json.
 */
export const MAX_GANTT_AHEAD = 32;

/** Gantt charts of the waves drawn while the run goes on (see the module comment). */
export class GanttAhead {
  readonly #svg = new Map<number, Promise<string>>();

  /**
   * @param renderer - where the charts are drawn
   * @param epochMs - `--epoch`, epoch milliseconds: the Gantt charts' time zero
   */
  constructor(
    readonly renderer: ChartRenderer,
    readonly epochMs: number,
  ) {}

  /** Queues the Gantt chart of `wave` (unless {@link MAX_GANTT_AHEAD} are held already). */
  addWave(wave: number, data: ChartData): void {
    if (this.#svg.size >= MAX_GANTT_AHEAD) return;
    const svg = this.renderer.render(ganttSpec(data, this.epochMs));
    // Awaited at the end of the run; a run that stops earlier never reads it.
    svg.catch(() => undefined);
    this.#svg.set(wave, svg);
  }

  /** The SVG of `wave`'s Gantt chart, drawn ahead (and then let go of) or queued now from `data()`. */
  take(wave: number, data: () => ChartData): Promise<string> {
    const ready = this.#svg.get(wave);
    this.#svg.delete(wave);
    return ready ?? this.renderer.render(ganttSpec(data(), this.epochMs));
  }
}

/** The run-level charts (health, reliability, agent time), in report order, with their report entries. */
const RUN_LEVEL = [
  { file: 'health.svg', title: 'Health and its four parts by wave', section: 'health' },
  { file: 'reliability.svg', title: 'Reliability diagram: the run and each agent, with bin counts', section: 'agents' },
  { file: 'agent_time.svg', title: 'Busy, idle and circuit-open time per agent', section: 'agents' },
] as const;

/** A chart as the report links it (no SVG): its file, alt text and section. */
export type ChartEntry = Omit<ChartFile, 'svg'>;

/**
 * The charts the reports show for a run of `waves` (in order), without their SVG: what
 * {@link renderRunCharts} returns, known before any chart is drawn, so the report can be
 * written while the charts render.
 */
export function reportedCharts(waves: readonly number[]): ChartEntry[] {
  return [...RUN_LEVEL, ...waves.slice(0, MAX_REPORTED_GANTT).map((wave) => ganttEntry(wave))];
}

function ganttEntry(wave: number): ChartEntry {
  return { file: ganttFileName(wave), title: `Gantt chart of wave ${wave}`, section: 'waves' };
}

/** The three run-level charts' SVG, being drawn, in {@link RUN_LEVEL} order. */
export type RunLevelCharts = readonly [Promise<string>, Promise<string>, Promise<string>];

/**
 * Queues the three run-level charts on `renderer` now (health by wave, the reliability diagram
 * with the run's bins from the health file then each agent's, busy/idle/open time per agent):
 * the run asks for them as soon as the health file's content is known, and the worker draws
 * them while the run writes its last files. Rejections are left for {@link renderRunCharts}.
 */
export function queueRunLevelCharts(renderer: ChartRenderer, health: SystemHealth, collector: ChartCollector): RunLevelCharts {
  const run = health.run.metrics;
  const points = health.waves.map((w) => ({ wave: w.wave, score: w.health.score, ...w.health.components }));
  const panels = [
    { title: 'run', bins: run.reliability_bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, meanPredictedP: b.mean_predicted_p, successRate: b.first_attempt_success_rate })) },
    ...collector.reliability().map((r) => ({ title: r.agentId, bins: r.bins })),
  ];
  const charts: RunLevelCharts = [renderer.render(healthSpec(points)), renderer.render(reliabilitySpec(panels)), renderer.render(agentTimeSpec(run.per_agent, run.makespan_s))];
  for (const svg of charts) svg.catch(() => undefined);
  return charts;
}

/** What the charts are drawn from. */
export interface RunChartsInput {
  /** The Gantt charts drawn ahead, and the renderer of the others. */
  readonly ahead: GanttAhead;
  /** `phase21_system_health.json`. */
  readonly health: SystemHealth;
  readonly collector: ChartCollector;
  /** The run-level charts, when {@link queueRunLevelCharts} queued them already; else queued now. */
  readonly runLevel?: RunLevelCharts;
  /** The waves run, in order. */
  readonly waves: readonly number[];
  /** `wave_<w>/chart_data.json` of a wave run. */
  readonly readChartData: (wave: number) => ChartData;
  /** Called with each chart as soon as it is rendered (to write it). */
  readonly write: (chart: ChartFile) => void;
}

/** Gantt charts requested from the renderer ahead of the one being written, at the end of the run. */
const GANTT_IN_FLIGHT = 4;

/**
 * Renders every chart of the run, in report order, handing each to `write` at once: health by
 * wave, the reliability diagram (the run's bins from the health file, then each agent's),
 * busy/idle/open time per agent, then one Gantt chart per wave. Deterministic bytes
 * (src/charts/render.ts). The three run-level charts (unless {@link queueRunLevelCharts} queued
 * them earlier) and the first Gantt charts not drawn ahead are queued together, so a worker
 * renders while this thread writes.
 * @returns the charts the reports show (all but the Gantt charts past {@link MAX_REPORTED_GANTT}), in report order
 * @throws Error when a chart does not render (a bug) or the renderer stopped
 */
export async function renderRunCharts(input: RunChartsInput): Promise<ChartFile[]> {
  const { health, collector, ahead } = input;
  const runLevel = input.runLevel ?? queueRunLevelCharts(ahead.renderer, health, collector);
  const shown: ChartFile[] = [];
  const emit = (chart: ChartFile, show: boolean): void => {
    input.write(chart);
    if (show) shown.push(chart);
  };
  const gantt = new Map<number, Promise<string>>();
  const request = (i: number): void => {
    const wave = input.waves[i];
    if (wave === undefined) return;
    const svg = ahead.take(wave, () => input.readChartData(wave));
    svg.catch(() => undefined);
    gantt.set(i, svg);
  };
  for (let i = 0; i < GANTT_IN_FLIGHT; i++) request(i);
  for (const [i, entry] of RUN_LEVEL.entries()) emit({ ...entry, svg: await (runLevel[i] as Promise<string>) }, true);
  for (const [i, wave] of input.waves.entries()) {
    request(i + GANTT_IN_FLIGHT);
    const svg = await (gantt.get(i) as Promise<string>);
    gantt.delete(i);
    emit({ ...ganttEntry(wave), svg }, i < MAX_REPORTED_GANTT);
  }
  return shown;
}
