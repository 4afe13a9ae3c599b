/**
 * The run's events (contract section 12) and their events.jsonl records: run and wave
 * boundaries, checkpoints, circuit transitions and reroutes, in simulated-time order.
 */
import { SCHEMA_VERSION } from '../options.ts';
import type { EventRecord } from '../schema/events.ts';
import type { SimulationEvent } from '../simulate/types.ts';
import type { LineSink } from '../io/atomic.ts';
import { jsonQuote, round } from '../util/json.ts';
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
/** {@link LINE_HEAD} as bytes (ASCII). */
const LINE_HEAD_BYTES = asciiBytes(LINE_HEAD);
/** Digits of a seq at most (below 2^53). */
const MAX_SEQ_DIGITS = 16;

/** The bytes of `text`, which is ASCII. */
function asciiBytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Whether `text` is ASCII (below 0x80), so its UTF-8 bytes are its UTF-16 units. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Writes the decimal digits of `n` (a non-negative safe integer) into `bytes` from `at`.
 * @returns the offset after the last digit
 */
function writeDigits(bytes: Uint8Array, at: number, n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = n;
  for (let i = at + digits - 1; i >= at; i--) {
    const digit = rest % 10;
    bytes[i] = 0x30 + digit;
    rest = (rest - digit) / 10;
  }
  return at + digits;
}

/** A task event: a reroute (contract section 4.5) or a steal (4.6). */
export type TaskMoveType = 'task_rerouted' | 'task_stolen';

/**
 * Numbers events and writes their events.jsonl lines to `sink`.
 *
 * Speed (issue 10): a circuit opening reroutes its whole queue at one simulated time, so at 10^6
 * rows almost every line is a `task_rerouted` (3.8 million) and most share their time, wave and
 * agents with the line before. A task event ({@link addTaskMove}, or one given to
 * {@link add}) whose task id needs no escaping is written as bytes straight into the sink's
 * buffer, from five pieces: the head, the seq's digits, the bytes from `,"type"` to
 * `"task_id":"` (kept while type, time and wave stay the same), the task id, and the bytes from
 * its closing quote to the end (kept per pair of agents, when ASCII): no string, no object.
 * Every other event goes through {@link eventLine} and {@link LineSink.append}.
 * test/run/events.test.ts checks both give `jsonLine(eventRecord(...))`'s bytes.
 */
export class EventLog {
  #lastTimeS = Number.NaN;
  #lastTime = '';
  #lastRounded = 0;
  /** The bytes from `,"type"` to `"task_id":"` of the last task event, and what they were built from. */
  #middle: Uint8Array = new Uint8Array(0);
  #middleType = '';
  #middleWave: number | null = null;
  #middleTimeS = Number.NaN;
  /** `","from_agent_id":F,"to_agent_id":T,"reason":null}\n` by from agent, then to agent; null when not ASCII. */
  readonly #tails = new Map<string, Map<string, Uint8Array | null>>();

  /** @param written - records already in the file (0 for a fresh run; the checkpoint's count on resume) */
  constructor(
    private readonly calendar: SimulatedCalendar,
    private readonly sink: LineSink,
    private written = 0,
  ) {}

  /** Records in the file so far (the last seq). */
  get count(): number {
    return this.written;
  }

  add(event: RunEvent): void {
    if (event.type === 'task_rerouted' || event.type === 'task_stolen') {
      this.addTaskMove(event.type, event.taskId, event.fromAgentId, event.toAgentId, event.timeS, event.wave);
      return;
    }
    this.#emit(event, 'wave' in event ? event.wave : null);
  }

  /** An engine event of wave `wave` (the same record as {@link add} of it with its wave). */
  addSimulation(event: SimulationEvent, wave: number): void {
    if (event.type === 'task_rerouted' || event.type === 'task_stolen') {
      this.addTaskMove(event.type, event.taskId, event.fromAgentId, event.toAgentId, event.timeS, wave);
      return;
    }
    this.#emit(event, wave);
  }

  /**
   * A reroute or steal of wave `wave` at `timeS` (simulated seconds since the epoch): the same
   * record as {@link add} of the event with these fields, without the event object.
   */
  addTaskMove(type: TaskMoveType, taskId: string, fromAgentId: string, toAgentId: string, timeS: number, wave: number): void {
    this.written += 1;
    this.#formatTime(timeS);
    const tail = this.#tailOf(fromAgentId, toAgentId);
    if (tail !== null) {
      const middle = this.#middleOf(type, wave);
      const sink = this.sink;
      const bytes = sink.reserve(LINE_HEAD_BYTES.length + MAX_SEQ_DIGITS + middle.length + taskId.length + tail.length);
      const start = sink.end;
      bytes.set(LINE_HEAD_BYTES, start);
      let at = writeDigits(bytes, start + LINE_HEAD_BYTES.length, this.written);
      bytes.set(middle, at);
      at += middle.length;
      let plain = true;
      for (let i = 0; i < taskId.length; i++) {
        const c = taskId.charCodeAt(i);
        // isJsonPlain's test, fused with the copy.
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
          plain = false;
          break;
        }
        bytes[at + i] = c;
      }
      if (plain) {
        at += taskId.length;
        bytes.set(tail, at);
        sink.wrote(at + tail.length - start);
        return;
      }
    }
    this.sink.append(eventLine(this.written, { type, taskId, fromAgentId, toAgentId, timeS }, wave, this.#lastTime, this.#lastRounded));
  }

  #emit(event: RunEvent | SimulationEvent, wave: number | null): void {
    this.written += 1;
    this.#formatTime(event.timeS);
    this.sink.append(eventLine(this.written, event, wave, this.#lastTime, this.#lastRounded));
  }

  /** Formats `timeS` unless it is the last time formatted: reroutes come in bursts at one time. */
  #formatTime(timeS: number): void {
    if (timeS !== this.#lastTimeS) {
      this.#lastTimeS = timeS;
      this.#lastTime = this.calendar.iso(timeS);
      this.#lastRounded = round(timeS);
    }
  }

  /** The bytes of `,"type":…,"task_id":"` for a task event of `type` in `wave` at the last time formatted. */
  #middleOf(type: TaskMoveType, wave: number): Uint8Array {
    if (type !== this.#middleType || wave !== this.#middleWave || this.#lastTimeS !== this.#middleTimeS) {
      this.#middleType = type;
      this.#middleWave = wave;
      this.#middleTimeS = this.#lastTimeS;
      // The ISO time and the numbers are ASCII.
      this.#middle = asciiBytes(`,"type":"${type}","time":"${this.#lastTime}","time_s":${this.#lastRounded},"wave":${wave},"agent_id":null,"task_id":"`);
    }
    return this.#middle;
  }

  /** The bytes of `","from_agent_id":…,"reason":null}\n` for a move from `from` to `to`, or null when they are not ASCII. */
  #tailOf(from: string, to: string): Uint8Array | null {
    let byTo = this.#tails.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.#tails.set(from, byTo);
    }
    let tail = byTo.get(to);
    if (tail === undefined) {
      const text = `","from_agent_id":${jsonQuote(from)},"to_agent_id":${jsonQuote(to)},"reason":null}\n`;
      tail = isAscii(text) ? asciiBytes(text) : null;
      byTo.set(to, tail);
    }
    return tail;
  }
}
