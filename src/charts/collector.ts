/**
 * The chart data of a run, gathered wave by wave while each wave's execution is in memory
 * (docs/charts.md). {@link ChartCollector.addWave} returns the wave's Gantt data, which the run
 * writes to `wave_<w>/chart_data.json` at once and reads back when it renders the charts at its
 * end, so no wave's data stays in memory. What crosses a wave boundary (open circuits, each
 * agent's reliability sums) is {@link ChartCollector.snapshot}, carried by checkpoint.json, so a
 * resumed run draws the same bytes.
 *
 * Per wave: every attempt (agent, start, end, outcome) when the wave has at most
 * {@link GANTT_MAX_ATTEMPTS}, else an aggregate over {@link GANTT_BUCKETS} equal time buckets per
 * agent (attempt-seconds running, attempts that succeeded and failed, by the bucket they ended
 * in); and the circuit-open spans (open or half-open, as `open_s` counts them) within the wave.
 * Per agent: the uniform reliability bins of its first attempts (the agent the predicted p is
 * for, as in the health file's bins).
 */
import { binIndex, DEFAULT_BINS, uniformBinEdges } from '../measure/calibration.ts';
import { predictionAgentOf } from '../measure/metrics.ts';
import { SCHEMA_VERSION } from '../options.ts';
import type { ChartData, ChartState } from '../schema/charts.ts';
import type { SimulationEvent, WaveExecution } from '../simulate/types.ts';

/** Largest wave drawn attempt by attempt; above it the Gantt chart shows the bucket aggregate. */
export const GANTT_MAX_ATTEMPTS = 2000;

/** Time buckets per wave in the aggregated Gantt chart. */
export const GANTT_BUCKETS = 60;

/** `s` rounded to the millisecond (chart data is gathered and checkpointed at this precision). */
export function toMs(s: number): number {
  return Math.round(s * 1000) / 1000;
}

type Span = [number, number, number];

interface Bins {
  readonly count: number[];
  readonly sumP: number[];
  readonly positives: number[];
}

function emptyBins(n: number): Bins {
  return { count: new Array<number>(n).fill(0), sumP: new Array<number>(n).fill(0), positives: new Array<number>(n).fill(0) };
}

/** Gathers the chart data of a run (see the module comment). */
export class ChartCollector {
  readonly agents: readonly string[];
  readonly #index: Map<string, number>;
  readonly #edges = uniformBinEdges(DEFAULT_BINS);
  readonly #openSince: (number | null)[];
  readonly #bins: Bins[];
  /** Spans closed during the current wave. */
  #spans: Span[] = [];

  /**
   * @param agents - the run's agent ids, in run order
   * @param state - a checkpoint's chart state to continue from
   * @throws RangeError when `state` names other agents than `agents`
   */
  constructor(agents: readonly string[], state?: ChartState) {
    this.agents = [...agents];
    this.#index = new Map(agents.map((a, i) => [a, i]));
    if (state === undefined) {
      this.#openSince = agents.map(() => null);
      this.#bins = agents.map(() => emptyBins(DEFAULT_BINS));
      return;
    }
    const named = state.reliability.map((r) => r.agent_id);
    if (named.length !== agents.length || named.some((a, i) => a !== agents[i]) || state.open_since_s.length !== agents.length) {
      throw new RangeError('the checkpoint\'s chart data names other agents than the run');
    }
    this.#openSince = [...state.open_since_s];
    this.#bins = state.reliability.map((r) => ({ count: [...r.bin_count], sumP: [...r.bin_sum_p], positives: [...r.bin_positives] }));
  }

  #agent(id: string): number {
    const i = this.#index.get(id);
    if (i === undefined) throw new RangeError(`agent ${id} is not one of the run's agents`);
    return i;
  }

  /** Follows the circuits: call with every simulation event, in order. Other events are ignored. */
  onEvent(event: SimulationEvent): void {
    if (event.type === 'circuit_opened') {
      const i = this.#agent(event.agentId);
      if (this.#openSince[i] === null) this.#openSince[i] = event.timeS;
    } else if (event.type === 'circuit_closed') {
      const i = this.#agent(event.agentId);
      const since = this.#openSince[i] ?? null;
      if (since !== null) this.#spans.push([i, since, event.timeS]);
      this.#openSince[i] = null;
    }
  }

  /**
   * Adds a finished wave (after its events went through {@link onEvent}).
   * @returns the wave's Gantt data (`wave_<w>/chart_data.json`)
   */
  addWave(execution: WaveExecution): ChartData {
    const { startS, endS } = execution;
    const spans = [...this.#spans];
    this.#openSince.forEach((since, i) => {
      if (since !== null) spans.push([i, since, endS]);
    });
    this.#spans = [];
    const open: Span[] = [];
    for (const [agent, from, to] of spans) {
      const a = Math.max(from, startS);
      const b = Math.min(to, endS);
      if (b > a) open.push([agent, toMs(a), toMs(b)]);
    }
    open.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let attempts = 0;
    for (const outcome of execution.outcomes) attempts += outcome.attempts.length;
    const base: Pick<ChartData, 'schema_version' | 'wave' | 'start_s' | 'end_s' | 'agents'> = { schema_version: SCHEMA_VERSION, wave: execution.wave, start_s: toMs(startS), end_s: toMs(endS), agents: [...this.agents] };
    const data: ChartData = attempts <= GANTT_MAX_ATTEMPTS ? { ...base, kind: 'attempts', attempts: this.#attempts(execution), open } : { ...base, kind: 'buckets', ...this.#buckets(execution, attempts), open };
    for (const outcome of execution.outcomes) {
      const first = outcome.attempts[0];
      if (first === undefined) continue;
      const bins = this.#bins[this.#agent(predictionAgentOf(outcome))];
      if (bins === undefined) continue;
      const b = binIndex(outcome.predictedP, this.#edges);
      bins.count[b] = (bins.count[b] ?? 0) + 1;
      bins.sumP[b] = (bins.sumP[b] ?? 0) + outcome.predictedP;
      bins.positives[b] = (bins.positives[b] ?? 0) + (first.succeeded ? 1 : 0);
    }
    return data;
  }

  #attempts(execution: WaveExecution): [number, number, number, 0 | 1][] {
    const out: [number, number, number, 0 | 1][] = [];
    for (const outcome of execution.outcomes) {
      for (const a of outcome.attempts) out.push([this.#agent(a.agentId), toMs(a.startS), toMs(a.endS), a.succeeded ? 1 : 0]);
    }
    return out;
  }

  #buckets(execution: WaveExecution, attempts: number): { attempts: number; bucket_s: number; cells: [number, number, number, number, number][] } {
    const { startS, endS } = execution;
    const bucketS = endS > startS ? (endS - startS) / GANTT_BUCKETS : 1;
    const running = new Float64Array(this.agents.length * GANTT_BUCKETS);
    const ok = new Float64Array(this.agents.length * GANTT_BUCKETS);
    const bad = new Float64Array(this.agents.length * GANTT_BUCKETS);
    const bucketOf = (t: number): number => Math.min(GANTT_BUCKETS - 1, Math.max(0, Math.floor((t - startS) / bucketS)));
    for (const outcome of execution.outcomes) {
      for (const a of outcome.attempts) {
        const row = this.#agent(a.agentId) * GANTT_BUCKETS;
        const last = bucketOf(a.endS);
        for (let b = bucketOf(a.startS); b <= last; b++) {
          const lo = startS + b * bucketS;
          const overlap = Math.min(a.endS, lo + bucketS) - Math.max(a.startS, lo);
          if (overlap > 0) running[row + b] = (running[row + b] ?? 0) + overlap;
        }
        if (a.succeeded) ok[row + last] = (ok[row + last] ?? 0) + 1;
        else bad[row + last] = (bad[row + last] ?? 0) + 1;
      }
    }
    const cells: [number, number, number, number, number][] = [];
    for (let i = 0; i < running.length; i++) {
      const r = running[i] ?? 0;
      const s = ok[i] ?? 0;
      const f = bad[i] ?? 0;
      if (r > 0 || s > 0 || f > 0) cells.push([Math.floor(i / GANTT_BUCKETS), i % GANTT_BUCKETS, toMs(r), s, f]);
    }
    return { attempts, bucket_s: bucketS, cells };
  }

  /** Per agent (run order): its reliability bins so far (non-empty bins only). */
  reliability(): { readonly agentId: string; readonly bins: readonly ReliabilityPoint[] }[] {
    return this.agents.map((agentId, i) => {
      const bins = this.#bins[i] ?? emptyBins(DEFAULT_BINS);
      const points: ReliabilityPoint[] = [];
      bins.count.forEach((c, b) => {
        if (c > 0) points.push({ lower: this.#edges[b] ?? 0, upper: this.#edges[b + 1] ?? 1, count: c, meanPredictedP: (bins.sumP[b] ?? 0) / c, successRate: (bins.positives[b] ?? 0) / c });
      });
      return { agentId, bins: points };
    });
  }

  /** The whole state, for checkpoint.json (exact doubles). */
  snapshot(): ChartState {
    return {
      open_since_s: [...this.#openSince],
      reliability: this.agents.map((agentId, i) => {
        const b = this.#bins[i] ?? emptyBins(DEFAULT_BINS);
        return { agent_id: agentId, bin_count: [...b.count], bin_sum_p: [...b.sumP], bin_positives: [...b.positives] };
      }),
    };
  }
}

/** One non-empty reliability bin: uniform `(lower, upper]`, its count, mean predicted p and success rate of first attempts. */
export interface ReliabilityPoint {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredictedP: number;
  readonly successRate: number;
}
