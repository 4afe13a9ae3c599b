import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/errors.ts';
import { loadInput } from '../../src/io/load.ts';
import { makeInput, pred, sched } from './helpers.ts';

describe('--on-invalid quarantine', () => {
  it('leaves bad lines out, keeps them verbatim with every reason, and accounts for every non-blank line', async () => {
    const tasksText = [
      `\uFEFF${pred('t1', 'agent_0', 0.8)}`, // 1: BOM, accepted
      '{"task_id": "t2", "agent_id": "agent_0", "predicted_success_probability": 1.7, "risk_assessment": "none"}', // 2: two problems
      '', // 3: blank
      'not json at all', // 4
      pred('t1', 'agent_0', 0.3), // 5: duplicate of 1
      pred('t3', 'agent_0', 0.4), // 6: accepted
      pred('t4', 'agent_0', 0.2, { wave: 2 }), // 7: wrong wave for the folder
    ].join('\r\n');
    const scheduleText = [
      sched('t1', 'agent_0', 0, 4), // 1: accepted
      sched('t2', 'agent_0', 4, 8), // 2: its prediction (line 2) was rejected
      sched('t4', 'agent_0', 8, 12), // 3: its prediction (line 7) was rejected
      sched('t3', 'agent_0', 12, 11), // 4: end before start
      '   ', // 5: blank
      sched('t3', 'agent_0', 12, 16), // 6: accepted; no final newline
    ].join('\n');
    const dir = await makeInput({ 'wave_1/agent_0/predicted_tasks.jsonl': tasksText, 'wave_1/agent_0/predicted_schedule.jsonl': scheduleText });
    const tasks = join(dir, 'wave_1/agent_0/predicted_tasks.jsonl');
    const schedule = join(dir, 'wave_1/agent_0/predicted_schedule.jsonl');

    const result = await loadInput({ input: dir, agentsFile: null, waves: null, onInvalid: 'quarantine' });
    const rawTasks = tasksText.split('\r\n');
    const rawSchedule = scheduleText.split('\n');
    expect(result.rejected).toEqual([
      {
        file: tasks,
        line: 2,
        raw: rawTasks[1],
        reasons: ['predicted_success_probability: must be <= 1, got 1.7', 'risk_assessment: must be one of LOW, MEDIUM, HIGH, got "none"'],
      },
      { file: tasks, line: 4, raw: 'not json at all', reasons: [expect.stringMatching(/^\(line\): invalid JSON: /) as unknown as string] },
      { file: tasks, line: 5, raw: rawTasks[4], reasons: ['(line): duplicate of line 1 (wave 1, task_id "t1", agent_id "agent_0")'] },
      { file: tasks, line: 7, raw: rawTasks[6], reasons: ['wave: 2 does not match its folder wave_1'] },
      { file: schedule, line: 2, raw: rawSchedule[1], reasons: [`(line): its prediction (${tasks}:2) was rejected`] },
      { file: schedule, line: 3, raw: rawSchedule[2], reasons: [`(line): its prediction (${tasks}:7) was rejected`] },
      { file: schedule, line: 4, raw: rawSchedule[3], reasons: ['predicted_end_time: must be >= predicted_start_time (12), got 11'] },
    ]);

    // Every non-blank line is in the plan or in rejected.
    expect(result.files.map((f) => [f.kind, f.lines, f.acceptedRows, f.rejectedRows])).toEqual([
      ['predicted_tasks', 6, 2, 4],
      ['predicted_schedule', 5, 2, 3],
    ]);
    const tasksInPlan = result.plan.waves.flatMap((w) => w.tasks);
    expect(tasksInPlan.map((t) => [t.taskId, t.predictions.map((p) => p.p), t.suggested])).toEqual([
      ['t1', [0.8], { agentId: 'agent_0', plannedStartS: 0, plannedEndS: 4 }],
      ['t3', [0.4], { agentId: 'agent_0', plannedStartS: 12, plannedEndS: 16 }],
    ]);
    const predictionsInPlan = tasksInPlan.reduce((n, t) => n + t.predictions.length, 0);
    const schedulesInPlan = tasksInPlan.filter((t) => t.suggested !== null).length;
    const nonBlank = [...rawTasks, ...rawSchedule].filter((l) => l.trim() !== '').length;
    expect(predictionsInPlan + schedulesInPlan + result.rejected.length).toBe(nonBlank);
  });

  it('throws for the same input in fail mode, with every problem, and returns nothing rejected when clean', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': `${pred('a', 'x', 0.5, { wave: 1 })}\n${pred('b', 'x', 2, { wave: 1 })}\n` });
    const error = await loadInput({ input: dir, agentsFile: null, waves: null, onInvalid: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`1 error in the input; first: ${join(dir, 'predicted_tasks.jsonl')}:2: predicted_success_probability: must be <= 1, got 2`);

    const clean = await makeInput({ 'predicted_tasks.jsonl': `${pred('a', 'x', 0.5, { wave: 1 })}\n` });
    expect((await loadInput({ input: clean, agentsFile: null, waves: null, onInvalid: 'quarantine' })).rejected).toEqual([]);
  });

  it('keeps a rejected first line without its BOM and CRLF', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': `\uFEFF{"task_id": "a"}\r\n${pred('b', 'x', 0.5, { wave: 1 })}\r\n` });
    const result = await loadInput({ input: dir, agentsFile: null, waves: null, onInvalid: 'quarantine' });
    expect(result.rejected.map((r) => [r.line, r.raw, r.reasons])).toEqual([
      [1, '{"task_id": "a"}', ['agent_id: required', 'predicted_success_probability: required', 'wave: required in the flat layout']],
    ]);
  });

  it('refuses an input where no prediction survives', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': `${pred('a', 'x', 2, { wave: 1 })}\n` });
    const error = await loadInput({ input: dir, agentsFile: null, waves: null, onInvalid: 'quarantine' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([
      `${dir}: (input): no valid prediction rows: nothing to run`,
      `${join(dir, 'predicted_tasks.jsonl')}:1: predicted_success_probability: must be <= 1, got 2`,
    ]);
  });
});
