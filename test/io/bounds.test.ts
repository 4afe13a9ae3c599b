/**
 * Ranges that keep every computation and artifact valid (docs/decisions.md, input), entries
 * under the input that are not read, and the cap on named unknown fields.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.ts';
import { loadAgentsFile } from '../../src/io/agents-file.ts';
import { loadInput } from '../../src/io/load.ts';
import { MAX_NAMED_UNKNOWN_FIELDS } from '../../src/io/validate.ts';
import { InputError } from '../../src/errors.ts';
import { jsonl, loadError, makeInput, pred, request, sched } from './helpers.ts';

async function problems(files: Readonly<Record<string, string>>): Promise<string[]> {
  const dir = await makeInput(files);
  return (await loadError(request(dir))).diagnostics.map((d) => formatDiagnostic(d).slice(dir.length + 1));
}

describe('value ranges', () => {
  it('refuses predicted_execution_time above 10^9 s and schedule times above 10^12 s', async () => {
    expect(
      await problems({
        'wave_1/agent_0/predicted_tasks.jsonl': jsonl(
          pred('t1', 'agent_0', 0.5, { predicted_execution_time: 1e9 }),
          pred('t2', 'agent_0', 0.5, { predicted_execution_time: 1e13 }),
          pred('t3', 'agent_0', 0.5, { predicted_execution_time: 5e-324 }),
        ),
        'wave_1/agent_0/predicted_schedule.jsonl': jsonl(sched('t1', 'agent_0', 0, 1e12), sched('t3', 'agent_0', 1e300, 2e300)),
      }),
    ).toEqual([
      'wave_1/agent_0/predicted_tasks.jsonl:2: predicted_execution_time: must be <= 1000000000, got 10000000000000',
      'wave_1/agent_0/predicted_schedule.jsonl:2: predicted_start_time: must be <= 1000000000000, got 1e+300',
      'wave_1/agent_0/predicted_schedule.jsonl:2: predicted_end_time: must be <= 1000000000000, got 2e+300',
    ]);
  });

  it('holds timestamps to 1970-01-01T00:00:00Z .. 8999-12-31T23:59:59.999Z, offsets included', async () => {
    const at = (taskId: string, timestamp: string): string => pred(taskId, 'agent_0', 0.5, { timestamp });
    expect(
      await problems({
        'wave_1/agent_0/predicted_tasks.jsonl': jsonl(
          at('ok1', '1970-01-01T00:00:00Z'),
          at('ok2', '8999-12-31T23:59:59.999999+00:00'),
          at('ok3', '1970-01-01T00:30:00-01:00'),
          at('bad1', '9999-12-31T23:59:59.999Z'),
          at('bad2', '1969-12-31T23:59:59.999Z'),
          at('bad3', '1970-01-01T00:30:00+01:00'),
          at('bad4', '8999-12-31T23:00:00-02:00'),
          at('bad5', '0000-01-01T00:00:00Z'),
        ),
      }),
    ).toEqual([
      'wave_1/agent_0/predicted_tasks.jsonl:4: timestamp: must be in the years 1970 to 8999, got "9999-12-31T23:59:59.999Z"',
      'wave_1/agent_0/predicted_tasks.jsonl:5: timestamp: must be in the years 1970 to 8999, got "1969-12-31T23:59:59.999Z"',
      'wave_1/agent_0/predicted_tasks.jsonl:6: timestamp: must be in the years 1970 to 8999, got "1970-01-01T00:30:00+01:00"',
      'wave_1/agent_0/predicted_tasks.jsonl:7: timestamp: must be in the years 1970 to 8999, got "8999-12-31T23:00:00-02:00"',
      'wave_1/agent_0/predicted_tasks.jsonl:8: timestamp: must be in the years 1970 to 8999, got "0000-01-01T00:00:00Z"',
    ]);
  });

  it('takes flat waves up to 2^53 - 1 exactly and refuses larger ones, already rounded by JSON', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        '{"task_id":"a","agent_id":"agent_0","predicted_success_probability":0.5,"wave":9007199254740991}',
        '{"task_id":"b","agent_id":"agent_0","predicted_success_probability":0.5,"wave":9007199254740993}',
        '{"task_id":"c","agent_id":"agent_0","predicted_success_probability":0.5,"wave":1e300}',
      ),
      'predicted_schedule.jsonl': jsonl('{"task_id":"a","agent_id":"agent_0","predicted_start_time":0,"predicted_end_time":1,"wave":9007199254740992}'),
    });
    const file = join(dir, 'predicted_tasks.jsonl');
    expect((await loadError(request(dir))).diagnostics.map(formatDiagnostic)).toEqual([
      `${file}:2: wave: must be an integer <= 9007199254740991, got 9007199254740992 (numbers this large lose precision in JSON)`,
      `${file}:3: wave: must be an integer <= 9007199254740991, got 1e+300 (numbers this large lose precision in JSON)`,
      `${join(dir, 'predicted_schedule.jsonl')}:1: wave: must be an integer <= 9007199254740991, got 9007199254740992 (numbers this large lose precision in JSON)`,
    ]);
    const loaded = await loadInput(request(dir, { onInvalid: 'quarantine' }));
    expect(loaded.plan.waves.map((w) => w.wave)).toEqual([9007199254740991]);
    expect(loaded.rejected.map((r) => r.line)).toEqual([2, 3, 1]);
  });

  it('holds agent speed to (0, 10^6]', async () => {
    const dir = await makeInput({ 'agents.json': JSON.stringify({ agents: [{ agent_id: 'a', speed: 1e6 }, { agent_id: 'b', speed: 1e300 }] }) });
    const error = await loadAgentsFile(join(dir, 'agents.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([`${join(dir, 'agents.json')}: agents[1].speed: must be <= 1000000, got 1e+300`]);
  });
});

describe('entries under the input that are not read', () => {
  const files = {
    'wave_1/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.5)),
    'Wave_2/agent_0/predicted_tasks.jsonl': jsonl(pred('t2', 'agent_0', 0.5)),
    'wave_1/.agent_9/predicted_tasks.jsonl': jsonl(pred('t3', 'agent_9', 0.5)),
    'notes.txt': 'hello',
    'metrics.jsonl': '{}\n',
  };

  it('makes input-like ones errors in fail mode; unknown ones stay warnings', async () => {
    const dir = await makeInput(files);
    expect((await loadError(request(dir))).diagnostics.map((d) => `${d.severity} ${formatDiagnostic(d).slice(dir.length + 1)}`)).toEqual([
      'error Wave_2: (folder): a wave folder must be named wave_<integer from 1 to 9007199254740991>, in lower case and without leading zeros (e.g. wave_1)',
      'error wave_1/.agent_9: (folder): a hidden folder; hidden entries are not read',
    ]);
  });

  it('names every one in a warning in quarantine mode and counts them as skipped', async () => {
    const dir = await makeInput(files);
    const loaded = await loadInput(request(dir, { onInvalid: 'quarantine' }));
    expect(loaded.warnings.map((d) => `${d.severity} ${formatDiagnostic(d).slice(dir.length + 1)}`).slice(0, 3)).toEqual([
      'warning Wave_2: (folder): a wave folder must be named wave_<integer from 1 to 9007199254740991>, in lower case and without leading zeros (e.g. wave_1); left out of the run',
      'warning notes.txt: (file): not part of the Phase 20 layout; ignored',
      'warning wave_1/.agent_9: (folder): a hidden folder; hidden entries are not read; left out of the run',
    ]);
    expect(loaded.skippedPaths).toEqual([join(dir, 'Wave_2'), join(dir, 'notes.txt'), join(dir, 'wave_1', '.agent_9')]);
    expect(loaded.plan.waves.map((w) => w.tasks.map((t) => t.taskId))).toEqual([['t1']]);
  });
});

describe('unknown fields', () => {
  it(`names the first ${MAX_NAMED_UNKNOWN_FIELDS} per file type and counts the rest in one warning`, async () => {
    const extra = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x${i}`, i]));
    const dir = await makeInput({ 'wave_1/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.5, extra), pred('t2', 'agent_0', 0.5, { x24: 1, x0: 1 })) });
    const loaded = await loadInput(request(dir));
    const texts = loaded.warnings.map((d) => formatDiagnostic(d).slice(dir.length + 1));
    expect(texts).toHaveLength(MAX_NAMED_UNKNOWN_FIELDS + 1);
    expect(texts[0]).toBe('wave_1/agent_0/predicted_tasks.jsonl:1: x0: unknown field ignored (in 2 predicted_tasks.jsonl rows)');
    expect(texts[MAX_NAMED_UNKNOWN_FIELDS]).toBe(
      'wave_1/agent_0/predicted_tasks.jsonl:1: (line): more unknown fields ignored, 6 times in predicted_tasks.jsonl rows (only the first 20 are named)',
    );
  });
});

describe('overlong lines', () => {
  it('make the file unreadable in both modes, naming the line (it could not be kept verbatim)', async () => {
    const dir = await makeInput({ 'wave_1/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.5)) });
    const file = join(dir, 'wave_1', 'agent_1', 'predicted_tasks.jsonl');
    await mkdir(join(dir, 'wave_1', 'agent_1'));
    await writeFile(file, `${pred('t1', 'agent_1', 0.5)}\n${pred('t2', 'agent_1', 0.5, { reasoning: 'r'.repeat(17 * 1024 * 1024) })}\n`);
    for (const onInvalid of ['fail', 'quarantine'] as const) {
      expect((await loadError(request(dir, { onInvalid }))).diagnostics.map(formatDiagnostic)).toEqual([`${file}:2: (file): line longer than 16777216 bytes`]);
    }
  });
});
