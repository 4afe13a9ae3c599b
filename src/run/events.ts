/**
 * The run's events (contract section 12) and their events.jsonl records: run and wave
 * boundaries, checkpoints, circuit transitions and reroutes, in simulated-time order.
 */
import { SCHEMA_VERSION } from '../options.ts';
import type { EventRecord } from '../schema/events.ts';
import type { SimulationEvent } from '../simulate/types.ts';
import { isJsonPlain, jsonQuote, round } from '../util/json.ts';
import type { SimulatedCalendar } from '../util/time.ts';

/** One event of the run; `timeS` is simulated seconds since the epoch. */
export type RunEvent =
  | { readonly type: 'run_started' | 'run_completed'; readonly timeS: number }
  | { readonly type: 'run_aborted' | 'run_canceled'; readonly timeS: number; readonly reason: string }
  | { readonly type: 'wave_started' | 'wave_completed' | 'checkpoint_written'; readonly wave: number; readonly timeS: number }
  | (SimulationEvent & { readonly wave: number });

/** The events.jsonl record of `event`, the `seq`-th of the file (from 1). */
export function eventRecord(seq: number, event: RunEvent, calendar: SimulatedCalendar): EventRecord {
  const record: EventRecord = {
    schema_version: SCHEMA_VERSION,
    seq,
    type: event.type,
    time: calendar.iso(event.timeS),
    time_s: round(event.timeS),
    wave: null,
    agent_id: null,
    task_id: null,
    from_agent_id: null,
    to_agent_id: null,
    reason: null,
  };
  switch (event.type) {
    case 'run_started':
    case 'run_completed':
      return record;
    case 'run_aborted':
    case 'run_canceled':
      return { ...record, reason: event.reason };
    case 'wave_started':
    case 'wave_completed':
    case 'checkpoint_written':
      return { ...record, wave: event.wave };
    case 'circuit_opened':
    case 'circuit_half_open':
    case 'circuit_closed':
      return { ...record, wave: event.wave, agent_id: event.agentId };
    case 'task_rerouted':
    case 'task_stolen':
      return { ...record, wave: event.wave, task_id: event.taskId, from_agent_id: event.fromAgentId, to_agent_id: event.toAgentId };
  }
}

/** `"text"` as JSON, or `null`. */
function jsonString(text: string | null): string {
  return text === null ? 'null' : jsonQuote(text);
}

/**
 * `jsonLine(eventRecord(seq, event, calendar))`, built as text: a run can have hundreds of
 * thousands of reroutes (one event each), and this is several times faster than building and
 * serializing an object. `time` is the event's `time` and `time_s` already formatted.
 */
function eventLine(seq: number, event: RunEvent | SimulationEvent, wave: number | null, time: string, timeS: number): string {
  let agent: string | null = null;
  let taskId: string | null = null;
  let from: string | null = null;
  let to: string | null = null;
  let reason: string | null = null;
  switch (event.type) {
    case 'run_started':
    case 'run_completed':
      break;
    case 'run_aborted':
    case 'run_canceled':
      reason = event.reason;
      break;
    case 'wave_started':
    case 'wave_completed':
    case 'checkpoint_written':
      break;
    case 'circuit_opened':
    case 'circuit_half_open':
    case 'circuit_closed':
      agent = event.agentId;
      break;
    case 'task_rerouted':
    case 'task_stolen':
      taskId = event.taskId;
      from = event.fromAgentId;
      to = event.toAgentId;
      break;
  }
  return (
    `{"schema_version":"${SCHEMA_VERSION}","seq":${seq},"type":"${event.type}","time":"${time}","time_s":${timeS},` +
    `"wave":${wave === null ? 'null' : wave},"agent_id":${jsonString(agent)},"task_id":${jsonString(taskId)},` +
    `"from_agent_id":${jsonString(from)},"to_agent_id":${jsonString(to)},"reason":${jsonString(reason)}}\n`
  );
}

/** What every events.jsonl line starts with, up to its seq. */
const LINE_HEAD = `{"schema_version":"${SCHEMA_VERSION}","seq":`;

/**
 * Numbers events and hands their events.jsonl lines to `sink`.
 *
 * Speed (issue 10): a circuit opening reroutes its whole queue at one simulated time, so at 10^6
 * rows almost every line is a `task_rerouted` (3.8 million) and most share their time, wave and
 * agents with the line before. A task event whose task id needs no escaping is assembled from
 * five pieces: the head, the seq, the text from `"type"` to `"task_id":"` (kept while type,
 * time and wave stay the same), the task id, and the text from its closing quote to the end (kept
 * per pair of agents). Every other event goes through {@link eventLine}. test/run/events.test.ts
 * checks both give `jsonLine(eventRecord(...))`'s bytes.
 */
export class EventLog {
  #lastTimeS = Number.NaN;
  #lastTime = '';
  #lastRounded = 0;
  /** The text from `,"type"` to `"task_id":"` of the last task event, and what it was built from. */
  #middle = '';
  #middleType = '';
  #middleWave: number | null = null;
  #middleTimeS = Number.NaN;
  /** `","from_agent_id":F,"to_agent_id":T,"reason":null}\n` by from agent, then to agent. */
  readonly #tails = new Map<string, Map<string, string>>();

  /** @param written - records already in the file (0 for a fresh run; the checkpoint's count on resume) */
  constructor(
    private readonly calendar: SimulatedCalendar,
    private readonly sink: (line: string) => void,
    private written = 0,
  ) {}

  /** Records in the file so far (the last seq). */
  get count(): number {
    return this.written;
  }

  add(event: RunEvent): void {
    this.#emit(event, 'wave' in event ? event.wave : null);
  }

  /** An engine event of wave `wave` (the same record as {@link add} of it with its wave). */
  addSimulation(event: SimulationEvent, wave: number): void {
    this.#emit(event, wave);
  }

  #emit(event: RunEvent | SimulationEvent, wave: number | null): void {
    this.written += 1;
    // Reroutes come in bursts at one time (a circuit opens and its queue moves): format it once.
    if (event.timeS !== this.#lastTimeS) {
      this.#lastTimeS = event.timeS;
      this.#lastTime = this.calendar.iso(event.timeS);
      this.#lastRounded = round(event.timeS);
    }
    if ((event.type === 'task_rerouted' || event.type === 'task_stolen') && isJsonPlain(event.taskId)) {
      this.sink(`${LINE_HEAD}${this.written}${this.#middleOf(event.type, wave)}${event.taskId}${this.#tailOf(event.fromAgentId, event.toAgentId)}`);
      return;
    }
    this.sink(eventLine(this.written, event, wave, this.#lastTime, this.#lastRounded));
  }

  /** `,"type":…,"task_id":"` for a task event of `type` in `wave` at the last time formatted. */
  #middleOf(type: string, wave: number | null): string {
    if (type !== this.#middleType || wave !== this.#middleWave || this.#lastTimeS !== this.#middleTimeS) {
      this.#middleType = type;
      this.#middleWave = wave;
      this.#middleTimeS = this.#lastTimeS;
      this.#middle = `,"type":"${type}","time":"${this.#lastTime}","time_s":${this.#lastRounded},"wave":${wave === null ? 'null' : wave},"agent_id":null,"task_id":"`;
    }
    return this.#middle;
  }

  /** `","from_agent_id":…,"reason":null}\n` for a move from `from` to `to`. */
  #tailOf(from: string, to: string): string {
    let byTo = this.#tails.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.#tails.set(from, byTo);
    }
    let tail = byTo.get(to);
    if (tail === undefined) {
      tail = `","from_agent_id":${jsonQuote(from)},"to_agent_id":${jsonQuote(to)},"reason":null}\n`;
      byTo.set(to, tail);
    }
    return tail;
  }
}
