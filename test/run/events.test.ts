import { describe, expect, it } from 'vitest';
import { EventLog, eventRecord, type RunEvent } from '../../src/run/events.ts';
import { eventRecordSchema } from '../../src/schema/events.ts';
import { jsonLine } from '../../src/util/json.ts';
import { SCHEMA_VERSION } from '../../src/options.ts';
import { SimulatedCalendar } from '../../src/util/time.ts';
import { MemoryLineSink } from '../helpers/line-sink.ts';
import { mulberry32 } from '../helpers/random.ts';

const calendar = new SimulatedCalendar(Date.parse('2026-02-01T00:00:00.000Z'));

const EVENTS: readonly RunEvent[] = [
  { type: 'run_started', timeS: 0 },
  { type: 'wave_started', wave: 1, timeS: 0 },
  { type: 'circuit_opened', wave: 1, agentId: 'agent_1', timeS: 12.3456789 },
  { type: 'task_rerouted', wave: 1, taskId: 'weird "id"\\ é', fromAgentId: 'agent_1', toAgentId: 'agent_0', timeS: 12.3456789 },
  { type: 'task_rerouted', wave: 1, taskId: 't2', fromAgentId: 'agent_1', toAgentId: 'agent_2', timeS: 12.3456789 },
  { type: 'circuit_half_open', wave: 2, agentId: 'agent_1', timeS: 72.3456789 },
  { type: 'circuit_closed', wave: 2, agentId: 'agent_1', timeS: 80.0000004 },
  { type: 'wave_completed', wave: 2, timeS: 99.5 },
  { type: 'checkpoint_written', wave: 2, timeS: 99.5 },
  { type: 'run_aborted', timeS: 99.5, reason: '3 of 4 tasks of wave 2 failed or were blocked (75.0%), above --abort-on-failure-rate 0.5' },
  { type: 'run_canceled', timeS: 99.5, reason: 'canceled by SIGINT; --resume continues it' },
  { type: 'run_completed', timeS: 1e6 + 0.1234567 },
];

describe('events.jsonl records', () => {
  it('the log writes exactly JSON.stringify of the record, numbered from the count it starts at', () => {
    const sink = new MemoryLineSink();
    const { lines } = sink;
    const log = new EventLog(calendar, sink, 4);
    for (const event of EVENTS) log.add(event);
    expect(log.count).toBe(4 + EVENTS.length);
    expect(lines).toEqual(EVENTS.map((event, i) => jsonLine(eventRecord(5 + i, event, calendar))));
    for (const line of lines) expect(eventRecordSchema.parse(JSON.parse(line))).toBeDefined();
  });

  it("an engine event with its wave gives the same line as the run event that carries the wave", () => {
    const a = new MemoryLineSink();
    const b = new MemoryLineSink();
    const viaAdd = new EventLog(calendar, a);
    const viaEngine = new EventLog(calendar, b);
    viaAdd.add({ type: 'task_rerouted', wave: 3, taskId: 't', fromAgentId: 'agent_1', toAgentId: 'agent_0', timeS: 5 });
    viaEngine.addSimulation({ type: 'task_rerouted', taskId: 't', fromAgentId: 'agent_1', toAgentId: 'agent_0', timeS: 5 }, 3);
    viaAdd.add({ type: 'circuit_closed', wave: 4, agentId: 'agent_2', timeS: 6 });
    viaEngine.addSimulation({ type: 'circuit_closed', agentId: 'agent_2', timeS: 6 }, 4);
    expect(b.lines).toEqual(a.lines);
  });

  it('fills the keys an event has and leaves the others null; times are the epoch plus simulated seconds', () => {
    expect(eventRecord(7, EVENTS[3] as RunEvent, calendar)).toEqual({
      schema_version: SCHEMA_VERSION,
      seq: 7,
      type: 'task_rerouted',
      time: '2026-02-01T00:00:12.345Z',
      time_s: 12.345679,
      wave: 1,
      agent_id: null,
      task_id: 'weird "id"\\ é',
      from_agent_id: 'agent_1',
      to_agent_id: 'agent_0',
      reason: null,
    });
    expect(eventRecord(1, EVENTS[2] as RunEvent, calendar)).toMatchObject({ type: 'circuit_opened', wave: 1, agent_id: 'agent_1', task_id: null });
    expect(eventRecord(1, EVENTS[0] as RunEvent, calendar)).toMatchObject({ wave: null, time: '2026-02-01T00:00:00.000Z', time_s: 0 });
  });
});

describe('events.jsonl lines of task events, assembled from cached pieces', () => {
  const ids = ['t1', 'task_000042', 'weird "id"', 'back\\slash', 'é', 'tab\there', '\u007f', '\ud800', '😀', '', ' ~!#$%&()*+,-./:;<=>?@[]^_`{|}'];
  const agents = ['agent_0', 'agent_1', 'agent_2', 'a "quoted" agent', 'ägent'];

  it('every line is jsonLine(eventRecord(...)), over 20,000 random events in bursts with every kind mixed in', () => {
    const random = mulberry32(20261126);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const events: RunEvent[] = [];
    let timeS = 0;
    let wave = 1;
    for (let i = 0; i < 20_000; i++) {
      const r = random();
      if (r < 0.05) timeS += random() * 100; // a new burst
      else if (r < 0.06) wave += 1;
      else if (r < 0.07) timeS = random() * 1e5; // back in time (a resumed run's first event)
      const kind = random();
      if (kind < 0.6) events.push({ type: 'task_rerouted', wave, taskId: random() < 0.8 ? `t${Math.floor(random() * 1000)}` : pick(ids), fromAgentId: pick(agents), toAgentId: pick(agents), timeS });
      else if (kind < 0.8) events.push({ type: 'task_stolen', wave, taskId: pick(ids), fromAgentId: pick(agents), toAgentId: pick(agents), timeS });
      else events.push(pick(EVENTS));
    }
    const sink = new MemoryLineSink();
    const { lines } = sink;
    const log = new EventLog(calendar, sink, 10);
    for (const event of events) {
      // Task events also arrive without an object (the engine's onTaskMoved) and as engine events.
      const how = random();
      if ((event.type === 'task_rerouted' || event.type === 'task_stolen') && how < 0.4) {
        log.addTaskMove(event.type, event.taskId, event.fromAgentId, event.toAgentId, event.timeS, event.wave);
      } else if ((event.type === 'task_rerouted' || event.type === 'task_stolen') && how < 0.6) {
        const { wave, ...simulation } = event;
        log.addSimulation(simulation, wave);
      } else {
        log.add(event);
      }
    }
    expect(lines).toEqual(events.map((event, i) => jsonLine(eventRecord(11 + i, event, calendar))));
  });

  it('writes the seq in full at every length, up to 2^53 - 1', () => {
    for (const before of [0, 8, 9, 99, 12_345_678, 999_999_999, 2 ** 31 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER - 1]) {
      const sink = new MemoryLineSink();
      const log = new EventLog(calendar, sink, before);
      log.addTaskMove('task_rerouted', 't1', 'agent_0', 'agent_1', 3.5, 2);
      log.addTaskMove('task_stolen', 'weird "id"', 'agent_1', 'agent_0', 3.5, 2);
      expect(sink.lines).toEqual([
        jsonLine(eventRecord(before + 1, { type: 'task_rerouted', wave: 2, taskId: 't1', fromAgentId: 'agent_0', toAgentId: 'agent_1', timeS: 3.5 }, calendar)),
        jsonLine(eventRecord(before + 2, { type: 'task_stolen', wave: 2, taskId: 'weird "id"', fromAgentId: 'agent_1', toAgentId: 'agent_0', timeS: 3.5 }, calendar)),
      ]);
      expect(sink.lines[0]).toContain(`"seq":${String(before + 1)},`);
    }
  });

  it('a task event after another kind at the same time, or in another wave at the same time, gets its own type and wave', () => {
    const sink = new MemoryLineSink();
    const { lines } = sink;
    const log = new EventLog(calendar, sink);
    log.addSimulation({ type: 'task_rerouted', taskId: 'a', fromAgentId: 'agent_0', toAgentId: 'agent_1', timeS: 1 }, 1);
    log.addSimulation({ type: 'task_stolen', taskId: 'a', fromAgentId: 'agent_0', toAgentId: 'agent_1', timeS: 1 }, 1);
    log.addSimulation({ type: 'task_stolen', taskId: 'a', fromAgentId: 'agent_1', toAgentId: 'agent_0', timeS: 1 }, 2);
    expect(lines).toEqual([
      '{"schema_version":"2.1.0","seq":1,"type":"task_rerouted","time":"2026-02-01T00:00:01.000Z","time_s":1,"wave":1,"agent_id":null,"task_id":"a","from_agent_id":"agent_0","to_agent_id":"agent_1","reason":null}\n',
      '{"schema_version":"2.1.0","seq":2,"type":"task_stolen","time":"2026-02-01T00:00:01.000Z","time_s":1,"wave":1,"agent_id":null,"task_id":"a","from_agent_id":"agent_0","to_agent_id":"agent_1","reason":null}\n',
      '{"schema_version":"2.1.0","seq":3,"type":"task_stolen","time":"2026-02-01T00:00:01.000Z","time_s":1,"wave":2,"agent_id":null,"task_id":"a","from_agent_id":"agent_1","to_agent_id":"agent_0","reason":null}\n',
    ]);
  });
});

