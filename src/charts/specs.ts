/**
 * The Vega-Lite specs of the run's charts (contract section 14), pure functions of the run's
 * documents and the chart data of src/charts/collector.ts. Every spec has a fixed size (a
 * function of the data's shape only), inline data, fixed colour domains (so a colour means the
 * same in every run) and UTC time, as src/charts/render.ts requires.
 */
import type { ChartSpec } from './render.ts';
import type { ReliabilityPoint } from './collector.ts';
import type { ChartData } from '../schema/charts.ts';

/** Width of every chart's plot area, pixels. */
export const CHART_WIDTH = 720;

/** Series of the health chart, in legend order: the score and its four parts (contract section 6). */
export const HEALTH_SERIES = ['health', 'success rate', 'availability', 'accuracy', 'load balance'] as const;

/** Outcome colours of the Gantt chart (and the circuit-open stripe). */
export const OUTCOME_COLOURS = { succeeded: '#2ca02c', failed: '#d62728', 'circuit open': '#444444' } as const;

/** Reliability panels drawn: the run and the first agents in run order up to this many panels. */
export const MAX_RELIABILITY_PANELS = 25;

/** One wave of the health chart: the score (0-100) and its four parts (shares in [0, 1]). */
export interface HealthPoint {
  readonly wave: number;
  readonly score: number;
  readonly success_rate: number;
  readonly availability: number;
  readonly accuracy: number;
  readonly load_balance: number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Health and its four parts across waves, all on 0-100 (the parts as percentages): one line
 * per series, a point per wave.
 */
export function healthSpec(points: readonly HealthPoint[]): ChartSpec {
  const values = points.flatMap((p) => [
    { wave: p.wave, series: 'health', value: p.score },
    { wave: p.wave, series: 'success rate', value: p.success_rate * 100 },
    { wave: p.wave, series: 'availability', value: p.availability * 100 },
    { wave: p.wave, series: 'accuracy', value: p.accuracy * 100 },
    { wave: p.wave, series: 'load balance', value: p.load_balance * 100 },
  ]);
  return {
    title: 'Health and its parts by wave',
    width: CHART_WIDTH,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'wave', type: 'quantitative', title: 'wave', axis: points.length <= 30 ? { values: points.map((p) => p.wave), format: 'd' } : { tickMinStep: 1, format: 'd' }, scale: { zero: false, nice: false } },
      // Not from 0: scores of 83.85 and 86.49 must look different (the domain follows the data, within 0-100).
      y: { field: 'value', type: 'quantitative', title: 'score / percent', scale: { zero: false, nice: true, domainMax: 100 } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [...HEALTH_SERIES], range: ['#000000', '#1f77b4', '#ff7f0e', '#9467bd', '#8c564b'] } },
      strokeWidth: { condition: { test: "datum.series === 'health'", value: 3 }, value: 1.5 },
    },
  };
}

/** One reliability panel: the run's bins or an agent's. */
export interface ReliabilityPanel {
  readonly title: string;
  readonly bins: readonly ReliabilityPoint[];
}

/**
 * The reliability diagram: per panel (the run, then each agent), first-attempt success rate
 * against mean predicted p per non-empty uniform bin, the diagonal of perfect calibration, and
 * each bin's count written beside its point.
 */
export function reliabilitySpec(panels: readonly ReliabilityPanel[]): ChartSpec {
  const shown = panels.slice(0, MAX_RELIABILITY_PANELS);
  const values = shown.flatMap((panel, i) => [
    { panel: i, name: panel.title, kind: 'diagonal', p: 0, rate: 0, count: null },
    { panel: i, name: panel.title, kind: 'diagonal', p: 1, rate: 1, count: null },
    ...panel.bins.map((b) => ({ panel: i, name: panel.title, kind: 'bin', p: b.meanPredictedP, rate: b.successRate, count: b.count })),
  ]);
  const unit = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '.1f', tickCount: 5 } };
  return {
    title: 'Reliability: first-attempt success rate by predicted p (uniform bins, n = tasks in bin)',
    data: { values },
    facet: { field: 'panel', type: 'ordinal', title: null, header: { labelExpr: 'panelNames[datum.value]', labelLimit: 180 } },
    columns: 5,
    params: [{ name: 'panelNames', value: shown.map((p) => p.title) }],
    spec: {
      width: 150,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'diagonal'" }],
          mark: { type: 'line', color: '#999999', strokeDash: [4, 3] },
          encoding: { x: { field: 'p', ...unit, title: 'mean predicted p' }, y: { field: 'rate', ...unit, title: 'success rate' } },
        },
        {
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: { type: 'line', point: true, color: '#1f77b4' },
          encoding: { x: { field: 'p', ...unit }, y: { field: 'rate', ...unit } },
        },
        {
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: { type: 'text', dy: -8, fontSize: 8, color: '#333333' },
          encoding: { x: { field: 'p', ...unit }, y: { field: 'rate', ...unit }, text: { field: 'count', type: 'quantitative', format: 'd' } },
        },
      ],
    },
  };
}

/**
 * Lanes for one agent's attempts so overlapping attempts (several slots) do not cover each
 * other: interval partitioning, each attempt (by start, then end) in the lowest lane free at
 * its start.
 */
export function laneOf(attempts: readonly { readonly start: number; readonly end: number }[]): number[] {
  const order = attempts.map((_, i) => i).sort((a, b) => (attempts[a]?.start ?? 0) - (attempts[b]?.start ?? 0) || (attempts[a]?.end ?? 0) - (attempts[b]?.end ?? 0) || a - b);
  const laneEnds: number[] = [];
  const lanes = new Array<number>(attempts.length).fill(0);
  for (const i of order) {
    const a = attempts[i];
    if (a === undefined) continue;
    let lane = laneEnds.findIndex((end) => end <= a.start);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = a.end;
    lanes[i] = lane;
  }
  return lanes;
}

/**
 * A wave's Gantt chart on the simulated clock (UTC instants of `--epoch` plus simulated
 * seconds): one row per agent; attempts as bars coloured by outcome, in lanes where they
 * overlap; or, for an aggregated wave, one cell per agent and time bucket whose colour is the
 * share of the attempts ended in it that failed (grey: none ended) and whose opacity is the
 * mean number of attempts running; circuit-open spans as a dark stripe across the row.
 * @param epochMs - `--epoch`, epoch milliseconds
 */
export function ganttSpec(wave: ChartData, epochMs: number): ChartSpec {
  const { agents } = wave;
  const at = (s: number): number => epochMs + Math.round(s * 1000);
  const x = { field: 'start', type: 'temporal' as const, title: 'simulated time (UTC)', scale: { type: 'utc' as const }, axis: { format: '%H:%M:%S', labelOverlap: true } };
  const y = { field: 'agent', type: 'nominal' as const, title: 'agent', sort: [...agents], scale: { domain: [...agents] } };
  // The wave's start and end as empty spans: the time axis covers the whole wave (an explicit
  // temporal domain conflicts across layers in vega-lite 5), and the legend always shows the stripe.
  const edge = agents[0] ?? '';
  const open = [
    { agent: edge, start: at(wave.start_s), end: at(wave.start_s) },
    ...wave.open.map(([agent, start, end]) => ({ agent: agents[agent] ?? String(agent), start: at(start), end: at(end) })),
    { agent: edge, start: at(wave.end_s), end: at(wave.end_s) },
  ];
  const openLayer = {
    data: { values: open },
    mark: { type: 'bar' as const, height: { band: 0.2 } },
    encoding: { color: { datum: 'circuit open', type: 'nominal' as const, scale: { domain: ['circuit open'], range: [OUTCOME_COLOURS['circuit open']] }, legend: { title: null } } },
  };
  let lanes = 1;
  let main: Record<string, unknown>;
  let title: string;
  if (wave.kind === 'attempts') {
    const rows = wave.attempts.map(([agent, start, end, ok]) => ({ agent, start, end, ok }));
    const laneByRow = new Array<number>(rows.length).fill(0);
    agents.forEach((_, a) => {
      const mine = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.agent === a);
      laneOf(mine.map(({ r }) => ({ start: r.start, end: r.end }))).forEach((lane, k) => {
        const i = mine[k]?.i;
        if (i !== undefined) laneByRow[i] = lane;
        lanes = Math.max(lanes, lane + 1);
      });
    });
    const values = rows.map((r, i) => ({ agent: agents[r.agent] ?? String(r.agent), lane: laneByRow[i] ?? 0, start: at(r.start), end: at(r.end), outcome: r.ok === 1 ? 'succeeded' : 'failed' }));
    main = {
      data: { values },
      mark: { type: 'bar', stroke: 'white', strokeWidth: 0.3 },
      encoding: {
        yOffset: { field: 'lane', type: 'ordinal', scale: { domain: Array.from({ length: lanes }, (_, i) => i) } },
        color: { field: 'outcome', type: 'nominal', title: 'attempt', scale: { domain: ['succeeded', 'failed'], range: [OUTCOME_COLOURS.succeeded, OUTCOME_COLOURS.failed] } },
      },
    };
    title = `Wave ${wave.wave}: ${rows.length} attempts by agent`;
  } else {
    const values = wave.cells.map(([agent, bucket, runningS, ok, bad]) => ({
      agent: agents[agent] ?? String(agent),
      start: at(wave.start_s + bucket * wave.bucket_s),
      end: at(wave.start_s + (bucket + 1) * wave.bucket_s),
      failed_share: ok + bad === 0 ? -1 : bad / (ok + bad),
      running: Math.round((runningS / wave.bucket_s) * 1000) / 1000,
    }));
    main = {
      data: { values },
      mark: { type: 'rect' },
      encoding: {
        color: {
          condition: { test: 'datum.failed_share < 0', value: '#9e9e9e' },
          field: 'failed_share',
          type: 'quantitative',
          title: 'failed share',
          scale: { domain: [0, 1], range: [OUTCOME_COLOURS.succeeded, OUTCOME_COLOURS.failed] },
        },
        opacity: { field: 'running', type: 'quantitative', title: 'attempts running', scale: { zero: true, range: [0.15, 1] } },
      },
    };
    title = `Wave ${wave.wave}: ${wave.attempts} attempts, aggregated in ${values.length} agent x time cells`;
  }
  const rowPx = clamp(lanes * 6, 24, 80);
  return {
    title,
    width: CHART_WIDTH,
    height: clamp(agents.length * rowPx, 60, 1200),
    encoding: { x, x2: { field: 'end' }, y },
    layer: [main, openLayer],
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as ChartSpec;
}

/** One agent's time over the run, seconds. */
export interface AgentTime {
  readonly agent_id: string;
  readonly busy_s: number;
  readonly open_s: number;
}

/**
 * Busy, idle and circuit-open time per agent over the run: idle = makespan - busy (no attempt
 * running; open time overlaps it), as grouped horizontal bars.
 * @param makespanS - the run's makespan, seconds
 */
export function agentTimeSpec(agents: readonly AgentTime[], makespanS: number): ChartSpec {
  const values = agents.flatMap((a) => [
    { agent: a.agent_id, measure: 'busy', seconds: a.busy_s },
    { agent: a.agent_id, measure: 'idle', seconds: Math.max(0, makespanS - a.busy_s) },
    { agent: a.agent_id, measure: 'circuit open', seconds: a.open_s },
  ]);
  const ids = agents.map((a) => a.agent_id);
  return {
    title: 'Busy, idle and circuit-open time per agent (seconds of the run)',
    width: CHART_WIDTH,
    height: clamp(agents.length * 30, 60, 1500),
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'agent', type: 'nominal', title: 'agent', sort: ids, scale: { domain: ids } },
      yOffset: { field: 'measure', type: 'nominal', scale: { domain: ['busy', 'idle', 'circuit open'] } },
      x: { field: 'seconds', type: 'quantitative', title: 'seconds' },
      color: { field: 'measure', type: 'nominal', title: null, scale: { domain: ['busy', 'idle', 'circuit open'], range: ['#1f77b4', '#c7c7c7', OUTCOME_COLOURS['circuit open']] } },
    },
  };
}
