import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.ts';
import { loadInput } from '../../src/io/load.ts';
import { jsonl, loadError, makeInput, pred, request, sched } from './helpers.ts';


const AGENT_PATTERN = '/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/';

describe('predicted_tasks.jsonl field rules (flat layout)', () => {
  it('reports every problem of every bad line as file:line: field: problem', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        pred('t1', 'agent_0', 0.8, { wave: 1 }),
        '{"task_id": "t2",',
        '[1, 2]',
        JSON.stringify({
          task_id: '',
          agent_id: 'bad id',
          predicted_success_probability: 1.5,
          predicted_execution_time: 0,
          risk_assessment: 'low',
          timestamp: '2026-01-01 00:00:00',
          wave: 0,
          priority: 4,
          depends_on: ['ok', 5],
        }),
        '{"task_id": 5, "agent_id": "agent_0", "predicted_success_probability": "0.5", "wave": 1.5}',
        '{"agent_id": "agent_0", "wave": 1}',
        pred('t1', 'agent_0', 0.5, { wave: 1 }),
        pred('t3', 'agent_0', 0.5),
        '   ',
        pred('t1', 'agent_0', 0.5, { wave: 2 }),
        '"just a string"',
        '{"task_id": "t5", "agent_id": "agent_0", "predicted_success_probability": -0.1, "wave": 1, "risk_assessment": null, "reasoning": null}',
      ),
    });
    const file = join(dir, 'predicted_tasks.jsonl');
    const error = await loadError(request(dir));
    const texts = error.diagnostics.map(formatDiagnostic);
    expect(texts[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: \\(line\\): invalid JSON: .+`));
    expect(texts.slice(1)).toEqual([
      `${file}:3: (line): must be a JSON object, got an array`,
      `${file}:4: task_id: must not be empty`,
      `${file}:4: agent_id: must match ${AGENT_PATTERN}, got "bad id"`,
      `${file}:4: predicted_success_probability: must be <= 1, got 1.5`,
      `${file}:4: predicted_execution_time: must be > 0, got 0`,
      `${file}:4: risk_assessment: must be one of LOW, MEDIUM, HIGH, got "low"`,
      `${file}:4: timestamp: must be an ISO-8601 date-time with a time zone (e.g. 2026-01-02T03:04:05Z), got "2026-01-01 00:00:00"`,
      `${file}:4: wave: must be >= 1, got 0`,
      `${file}:4: priority: must be <= 3, got 4`,
      `${file}:4: depends_on[1]: must be a string, got number 5`,
      `${file}:5: task_id: must be a string, got number 5`,
      `${file}:5: predicted_success_probability: must be a number, got string "0.5"`,
      `${file}:5: wave: must be an integer, got 1.5`,
      `${file}:6: task_id: required`,
      `${file}:6: predicted_success_probability: required`,
      `${file}:7: (line): duplicate of line 1 (wave 1, task_id "t1", agent_id "agent_0")`,
      `${file}:8: wave: required in the flat layout`,
      `${file}:11: (line): must be a JSON object, got string "just a string"`,
      `${file}:12: predicted_success_probability: must be >= 0, got -0.1`,
    ]);
    expect(error.message).toBe(`20 errors in the input; first: ${texts[0] ?? ''}`);
    expect(error.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('enforces task_id length 1-128 and agent_id at most 64 characters', async () => {
    const long = 'a'.repeat(64);
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(pred('t'.repeat(128), long, 0.5, { wave: 1 }), pred('t'.repeat(129), `${long}b`, 0.5, { wave: 1 })),
    });
    const error = await loadError(request(dir));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${join(dir, 'predicted_tasks.jsonl')}:2: task_id: must be at most 128 characters, got 129`,
      `${join(dir, 'predicted_tasks.jsonl')}:2: agent_id: must match ${AGENT_PATTERN}, got "${'a'.repeat(40)}..."`,
    ]);
  });

  it('accepts timestamps with Z, +00:00, other offsets and microseconds; refuses zone-less ones', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        pred('a', 'x', 0.5, { wave: 1, timestamp: '2026-11-21T23:05:01.347585+00:00' }),
        pred('b', 'x', 0.5, { wave: 1, timestamp: '2026-11-21T23:05:02Z' }),
        pred('c', 'x', 0.5, { wave: 1, timestamp: '2026-11-22T01:05:01.9+02:00' }),
      ),
    });
    const result = await loadInput(request(dir));
    expect(result.plan.latestTimestamp).toBe('2026-11-21T23:05:02.000Z');

    const bad = await makeInput({ 'predicted_tasks.jsonl': jsonl(pred('a', 'x', 0.5, { wave: 1, timestamp: '2026-11-21T23:05:01' })) });
    const error = await loadError(request(bad));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${join(bad, 'predicted_tasks.jsonl')}:1: timestamp: must be an ISO-8601 date-time with a time zone (e.g. 2026-01-02T03:04:05Z), got "2026-11-21T23:05:01"`,
    ]);
  });

  it('rounds microseconds down in latestTimestamp and takes the latest across both file types', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(pred('a', 'x', 0.5, { wave: 1, timestamp: '2026-11-21T23:05:01.999999+00:00' })),
      'predicted_schedule.jsonl': jsonl(sched('a', 'x', 0, 1, { wave: 1, timestamp: '2026-11-21T23:05:01.000500+00:00' })),
    });
    expect((await loadInput(request(dir))).plan.latestTimestamp).toBe('2026-11-21T23:05:01.999Z');
    const later = await makeInput({
      'predicted_tasks.jsonl': jsonl(pred('a', 'x', 0.5, { wave: 1, timestamp: '2026-11-21T23:05:01Z' })),
      'predicted_schedule.jsonl': jsonl(sched('a', 'x', 0, 1, { wave: 1, timestamp: '2026-11-21T23:07:00.1234-01:00' })),
    });
    expect((await loadInput(request(later))).plan.latestTimestamp).toBe('2026-11-22T00:07:00.123Z');
  });

  it('applies the defaults: execution time 30, risk from p, priority 2', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        pred('t1', 'a', 0.85, { wave: 1 }),
        pred('t1', 'b', 0.849, { wave: 1 }),
        pred('t1', 'c', 0.7, { wave: 1 }),
        pred('t1', 'd', 0.699, { wave: 1, predicted_execution_time: 12.5, confidence_delta_estimate: 0.02 }),
        pred('t2', 'a', 0.1, { wave: 1, risk_assessment: 'LOW' }),
      ),
    });
    const { plan } = await loadInput(request(dir));
    const [t1, t2] = plan.waves[0]?.tasks ?? [];
    expect(t1?.priority).toBe(2);
    expect(t1?.predictions).toEqual([
      { agentId: 'a', p: 0.85, predictedTimeS: 30, risk: 'LOW', confidenceDelta: null },
      { agentId: 'b', p: 0.849, predictedTimeS: 30, risk: 'MEDIUM', confidenceDelta: null },
      { agentId: 'c', p: 0.7, predictedTimeS: 30, risk: 'MEDIUM', confidenceDelta: null },
      { agentId: 'd', p: 0.699, predictedTimeS: 12.5, risk: 'HIGH', confidenceDelta: 0.02 },
    ]);
    expect(t2?.predictions[0]?.risk).toBe('LOW');
    expect(t1?.suggested).toBeNull();
    expect(plan.latestTimestamp).toBeNull();
  });

  it('names each unknown field once per file type, with its first place and row count', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(pred('t1', 'a', 0.5, { wave: 1 }), pred('t2', 'a', 0.5, { wave: 1, foo: 1, bar: 2 }), pred('t3', 'a', 0.5, { wave: 1, foo: 3 })),
      'predicted_schedule.jsonl': jsonl(sched('t1', 'a', 0, 1, { wave: 1, foo: 1 })),
    });
    const result = await loadInput(request(dir));
    expect(result.warnings.map(formatDiagnostic)).toEqual([
      `${join(dir, 'predicted_tasks.jsonl')}:2: foo: unknown field ignored (in 2 predicted_tasks.jsonl rows)`,
      `${join(dir, 'predicted_tasks.jsonl')}:2: bar: unknown field ignored (in 1 predicted_tasks.jsonl row)`,
      `${join(dir, 'predicted_schedule.jsonl')}:1: foo: unknown field ignored (in 1 predicted_schedule.jsonl row)`,
    ]);
    expect(result.warnings.every((w) => w.severity === 'warning')).toBe(true);
  });

  it('carries depends_on into the task, resolved to (wave, task_id), in row order without repeats', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        pred('t1', 'b', 0.5, { wave: 2, depends_on: ['y', 'x', 'y', 't0'] }),
        pred('t1', 'a', 0.5, { wave: 2, depends_on: ['y', 'x', 't0'] }),
        pred('t0', 'a', 0.5, { wave: 1 }),
        pred('x', 'a', 0.5, { wave: 1 }),
        pred('x', 'a', 0.5, { wave: 2 }),
        pred('y', 'a', 0.5, { wave: 2 }),
      ),
    });
    const tasks = (await loadInput(request(dir))).plan.waves[1]?.tasks;
    expect(tasks?.map((t) => [t.taskId, t.dependsOn])).toEqual([
      ['t1', [{ wave: 2, taskId: 'y' }, { wave: 2, taskId: 'x' }, { wave: 1, taskId: 't0' }]],
      ['x', []],
      ['y', []],
    ]);
  });
});

describe('predicted_schedule.jsonl rules (flat layout)', () => {
  it('checks types, end >= start, duplicates and the matching prediction', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.8, { wave: 1 }), pred('t4', 'agent_0', 2, { wave: 1 })),
      'predicted_schedule.jsonl': jsonl(
        sched('t1', 'agent_0', 0, 10, { wave: 1 }),
        sched('t1', 'agent_0', 0, 10, { wave: 1 }),
        sched('t1', 'agent_1', 10, 5, { wave: 1 }),
        sched('t9', 'agent_0', 0, 1, { wave: 1, priority: 0 }),
        sched('t4', 'agent_0', 0, 1, { wave: 1 }),
        sched('t1', 'agent_0', 0, 1),
        '{"task_id": "t1", "agent_id": "agent_0", "wave": 1, "predicted_start_time": "0"}',
      ),
    });
    const tasks = join(dir, 'predicted_tasks.jsonl');
    const file = join(dir, 'predicted_schedule.jsonl');
    const error = await loadError(request(dir));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${tasks}:2: predicted_success_probability: must be <= 1, got 2`,
      `${file}:2: (line): duplicate of line 1 (wave 1, task_id "t1", agent_id "agent_0")`,
      `${file}:3: predicted_end_time: must be >= predicted_start_time (10), got 5`,
      `${file}:3: (line): no prediction for wave 1, task_id "t1", agent_id "agent_1" in predicted_tasks.jsonl`,
      `${file}:4: priority: must be >= 1, got 0`,
      `${file}:5: (line): its prediction (${tasks}:2) was rejected`,
      `${file}:6: wave: required in the flat layout`,
      `${file}:7: predicted_start_time: must be a number, got string "0"`,
      `${file}:7: predicted_end_time: required`,
    ]);
  });
});

describe('--waves', () => {
  const rows = jsonl(pred('a', 'x', 0.5, { wave: 5 }), pred('a', 'x', 0.5, { wave: 1 }), pred('b', 'x', 0.5, { wave: 3 }));

  it('keeps the N lowest waves present', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': rows });
    expect((await loadInput(request(dir, { waves: 2 }))).plan.waves.map((w) => w.wave)).toEqual([1, 3]);
    expect((await loadInput(request(dir))).plan.waves.map((w) => w.wave)).toEqual([1, 3, 5]);
  });

  it('refuses more waves than present, in both modes', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': rows });
    expect((await loadError(request(dir, { waves: 4 }))).message).toBe('--waves 4 but the input has 3 waves (1, 3, 5)');
    expect((await loadError(request(dir, { waves: 4, onInvalid: 'quarantine' }))).message).toBe('--waves 4 but the input has 3 waves (1, 3, 5)');
  });

  it('still validates the waves it leaves out', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': jsonl(pred('a', 'x', 0.5, { wave: 1 }), pred('a', 'x', 1.5, { wave: 2 })) });
    const error = await loadError(request(dir, { waves: 1 }));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([`${join(dir, 'predicted_tasks.jsonl')}:2: predicted_success_probability: must be <= 1, got 1.5`]);
  });
});
