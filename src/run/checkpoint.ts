/**
 * checkpoint.json (contract section 12; schema in src/schema/checkpoint.ts): the state after a
 * finished wave, built from the run's live state and turned back into it on `--resume`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { strategyStateOf, strategyStateRecord } from '../assign/state.ts';
import type { StrategyState } from '../assign/types.ts';
import type { FileDigest } from '../io/atomic.ts';
import { SCHEMA_VERSION } from '../options.ts';
import type { WaveResult } from '../report/summaries.ts';
import type { ChartState } from '../schema/charts.ts';
import { checkpointSchema, type BreakerStateRecord, type Checkpoint, type MetricsState, type WaveResultRecord } from '../schema/checkpoint.ts';
import type { BreakerState } from '../simulate/breaker.ts';
import type { SimulationSnapshot } from '../simulate/types.ts';

/** The live state a checkpoint is made of. */
export interface CheckpointState {
  readonly waves: readonly WaveResult[];
  readonly clockS: number;
  readonly eventsWritten: number;
  readonly simulation: SimulationSnapshot;
  readonly strategy: StrategyState;
  readonly metrics: MetricsState;
  /** The chart data so far (src/charts/collector.ts). */
  readonly charts: ChartState;
  /** Whole files written so far (run.json and checkpoint.json excluded). */
  readonly files: readonly FileDigest[];
  /** The streams' digests so far. */
  readonly streams: readonly FileDigest[];
}

/**
 * The checkpoint.json document of `state`.
 * @throws RangeError when no wave has finished (there is nothing to checkpoint)
 */
export function buildCheckpoint(state: CheckpointState): Checkpoint {
  const last = state.waves.at(-1);
  if (last === undefined) throw new RangeError('no finished wave to checkpoint');
  const files = [...state.files.map((f) => ({ ...f, stream: false })), ...state.streams.map((f) => ({ ...f, stream: true }))];
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    schema_version: SCHEMA_VERSION,
    wave: last.execution.wave,
    waves_finished: state.waves.length,
    clock_s: state.clockS,
    events_written: state.eventsWritten,
    breakers: state.simulation.breakers.map(({ agentId, state: breaker }) => breakerRecord(agentId, breaker)),
    cooldowns: [...state.simulation.cooldowns],
    decided: state.simulation.decided.map((d) => ({ wave: d.wave, task_id: d.taskId, status: d.status })),
    strategy: strategyStateRecord(state.strategy),
    metrics: state.metrics,
    waves: state.waves.map(waveResultRecord),
    charts: state.charts,
    files: files.map(({ path: p, bytes, sha256, stream }) => ({ path: p, bytes, sha256, stream })),
  };
}

function breakerRecord(agentId: string, state: BreakerState): BreakerStateRecord {
  switch (state.kind) {
    case 'closed':
      return state.count.policy === 'consecutive'
        ? { agent_id: agentId, state: 'closed', policy: 'consecutive', consecutive_failures: state.count.consecutiveFailures, window: [] }
        : { agent_id: agentId, state: 'closed', policy: 'sampling', consecutive_failures: 0, window: [...state.count.outcomes] };
    case 'open':
      return { agent_id: agentId, state: 'open', opened_at_s: state.openedAtS, half_open_at_s: state.halfOpenAtS, down_since_s: state.downSinceS };
    case 'half-open':
      return { agent_id: agentId, state: 'half_open', probe_in_flight: state.probeInFlight, down_since_s: state.downSinceS };
  }
}

function breakerOf(record: BreakerStateRecord): BreakerState {
  switch (record.state) {
    case 'closed':
      return record.policy === 'consecutive'
        ? { kind: 'closed', count: { policy: 'consecutive', consecutiveFailures: record.consecutive_failures } }
        : { kind: 'closed', count: { policy: 'sampling', outcomes: [...record.window] } };
    case 'open':
      return { kind: 'open', openedAtS: record.opened_at_s, halfOpenAtS: record.half_open_at_s, downSinceS: record.down_since_s };
    case 'half_open':
      return { kind: 'half-open', probeInFlight: record.probe_in_flight, downSinceS: record.down_since_s };
  }
}

function waveResultRecord(w: WaveResult): WaveResultRecord {
  return { wave: w.execution.wave, start_s: w.execution.startS, end_s: w.execution.endS, health: w.health, metrics: w.metrics, anomalies: [...w.anomalies], attempts_by_source: { ...w.sources } };
}

/** The live state back from a checkpoint (the files are verified by the caller). */
export interface RestoredState {
  readonly waves: WaveResult[];
  readonly clockS: number;
  readonly eventsWritten: number;
  readonly simulation: SimulationSnapshot;
  readonly strategy: StrategyState;
  readonly metrics: MetricsState;
  readonly charts: ChartState;
  readonly files: FileDigest[];
  readonly streams: FileDigest[];
}

/** Turns a checkpoint back into the run's state. */
export function restoreCheckpoint(checkpoint: Checkpoint): RestoredState {
  const digest = (f: Checkpoint['files'][number]): FileDigest => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 });
  return {
    waves: checkpoint.waves.map((w) => ({ execution: { wave: w.wave, startS: w.start_s, endS: w.end_s }, metrics: w.metrics, health: w.health, anomalies: w.anomalies, sources: w.attempts_by_source })),
    clockS: checkpoint.clock_s,
    eventsWritten: checkpoint.events_written,
    simulation: {
      breakers: checkpoint.breakers.map((b) => ({ agentId: b.agent_id, state: breakerOf(b) })),
      cooldowns: [...checkpoint.cooldowns],
      decided: checkpoint.decided.map((d) => ({ wave: d.wave, taskId: d.task_id, status: d.status })),
    },
    strategy: strategyStateOf(checkpoint.strategy),
    metrics: checkpoint.metrics,
    charts: checkpoint.charts,
    files: checkpoint.files.filter((f) => !f.stream).map(digest),
    streams: checkpoint.files.filter((f) => f.stream).map(digest),
  };
}

/**
 * Reads `<out>/checkpoint.json`.
 * @returns null when there is none; a problem when it is not a valid checkpoint
 */
export function readCheckpoint(out: string): Checkpoint | { readonly problem: string } | null {
  const file = path.join(out, 'checkpoint.json');
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return null;
  if (!stat.isFile()) return { problem: 'checkpoint.json is not a regular file' };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { problem: 'checkpoint.json is not JSON' };
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) return { problem: `checkpoint.json is not a checkpoint of this version: ${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}` };
  return parsed.data;
}
