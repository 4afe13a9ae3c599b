import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.ts';
import { loadInput } from '../../src/io/load.ts';
import { jsonl, loadError, makeInput, pred, request, sched } from './helpers.ts';


describe('Phase 20 tree layout', () => {
  it('takes the wave from the folder and accepts a folder named agent_<id> or <id>', async () => {
    const dir = await makeInput({
      'wave_1/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.6), pred('t2', 'agent_0', 0.6, { wave: 1 })),
      'wave_1/agent_7/predicted_tasks.jsonl': jsonl(pred('t1', '7', 0.7)),
      'wave_1/x.y/predicted_tasks.jsonl': jsonl(pred('t1', 'x.y', 0.7)),
      'wave_2/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.5)),
    });
    const result = await loadInput(request(dir));
    expect(result.layout).toBe('tree');
    expect(result.plan.waves.map((w) => [w.wave, w.tasks.map((t) => [t.taskId, t.predictions.map((p) => p.agentId)])])).toEqual([
      [1, [['t1', ['7', 'agent_0', 'x.y']], ['t2', ['agent_0']]]],
      [2, [['t1', ['agent_0']]]],
    ]);
    expect(result.plan.agents.map((a) => a.agentId)).toEqual(['7', 'agent_0', 'x.y']);
  });

  it('refuses a row whose agent_id or wave does not match its folders, with its other problems', async () => {
    const dir = await makeInput({
      'wave_1/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.6), pred('t2', 'agent_1', 0.6, { wave: 2 }), pred('t3', 'agent_1', 7, { wave: 4 })),
      'wave_1/agent_0/predicted_schedule.jsonl': jsonl(sched('t1', 'agent_0', 0, 5, { wave: 3 })),
    });
    const error = await loadError(request(dir));
    const tasks = join(dir, 'wave_1/agent_0/predicted_tasks.jsonl');
    const schedule = join(dir, 'wave_1/agent_0/predicted_schedule.jsonl');
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${tasks}:2: wave: 2 does not match its folder wave_1`,
      `${tasks}:2: agent_id: "agent_1" does not match its folder agent_0`,
      `${tasks}:3: predicted_success_probability: must be <= 1, got 7`,
      `${tasks}:3: wave: 4 does not match its folder wave_1`,
      `${tasks}:3: agent_id: "agent_1" does not match its folder agent_0`,
      `${schedule}:1: wave: 3 does not match its folder wave_1`,
    ]);
  });

  it('reads agent folders in natural order: agent_2 before agent_10', async () => {
    const dir = await makeInput({
      'wave_1/agent_10/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_10', 0.6)),
      'wave_1/agent_2/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_2', 0.6)),
      'wave_1/agent_1/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_1', 0.6)),
    });
    const result = await loadInput(request(dir));
    expect(result.files.map((f) => f.path.slice(dir.length + 1))).toEqual([
      'wave_1/agent_1/predicted_tasks.jsonl',
      'wave_1/agent_2/predicted_tasks.jsonl',
      'wave_1/agent_10/predicted_tasks.jsonl',
    ]);
    expect(result.plan.agents.map((a) => a.agentId)).toEqual(['agent_1', 'agent_2', 'agent_10']);
  });

  it('names the earlier file when a duplicate key spans two folders of one agent', async () => {
    const dir = await makeInput({
      'wave_1/7/predicted_tasks.jsonl': jsonl(pred('t1', '7', 0.6)),
      'wave_1/agent_7/predicted_tasks.jsonl': jsonl(pred('t2', '7', 0.6), pred('t1', '7', 0.6)),
    });
    const error = await loadError(request(dir));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${join(dir, 'wave_1/agent_7/predicted_tasks.jsonl')}:2: (line): duplicate of ${join(dir, 'wave_1/7/predicted_tasks.jsonl')}:1 (wave 1, task_id "t1", agent_id "7")`,
    ]);
  });

  it('refuses agent ids equal but for letter case, or sharing an output folder, in both modes', async () => {
    const dir = await makeInput({
      'wave_1/agent_a/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_a', 0.6)),
      'wave_2/agent_A/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_A', 0.6)),
      'wave_2/agent_0/predicted_tasks.jsonl': jsonl(pred('t1', 'agent_0', 0.6)),
      'wave_2/0/predicted_tasks.jsonl': jsonl(pred('t2', '0', 0.6)),
    });
    const first = join(dir, 'wave_1/agent_a/predicted_tasks.jsonl');
    const expected = [
      `${join(dir, 'wave_2/agent_0/predicted_tasks.jsonl')}:1: agent_id: "agent_0" collides with "0" (${join(dir, 'wave_2/0/predicted_tasks.jsonl')}:1): both map to the folder agent_0, which clashes on a case-insensitive filesystem`,
      `${join(dir, 'wave_2/agent_A/predicted_tasks.jsonl')}:1: agent_id: "agent_A" collides with "agent_a" (${first}:1): the ids differ only by letter case, which clashes on a case-insensitive filesystem`,
    ];
    expect((await loadError(request(dir))).diagnostics.map(formatDiagnostic)).toEqual(expected);
    expect((await loadError(request(dir, { onInvalid: 'quarantine' }))).diagnostics.map(formatDiagnostic)).toEqual(expected);
  });

  it('reports an unreadable (non-UTF-8) file as a file problem in both modes', async () => {
    const dir = await makeInput({
      'wave_1/agent_0/predicted_tasks.jsonl': Buffer.concat([Buffer.from(`${pred('t1', 'agent_0', 0.6)}\n{"task_id":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    });
    const expected = [`${join(dir, 'wave_1/agent_0/predicted_tasks.jsonl')}:2: (file): not valid UTF-8`];
    expect((await loadError(request(dir))).diagnostics.map(formatDiagnostic)).toEqual(expected);
    expect((await loadError(request(dir, { onInvalid: 'quarantine' }))).diagnostics.map(formatDiagnostic)).toEqual(expected);
  });
});

describe('suggested agent and priority', () => {
  it('picks the highest schedule p, then the earliest end; identical best rows suggest no agent', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        ...['a', 'b', 'c'].flatMap((t) => ['agent_10', 'agent_2', 'agent_3'].map((a) => pred(t, a, 0.5, { wave: 1 }))),
      ),
      'predicted_schedule.jsonl': jsonl(
        // task a: agent_3 has the highest p
        sched('a', 'agent_10', 0, 5, { wave: 1, predicted_success_probability: 0.7 }),
        sched('a', 'agent_3', 0, 9, { wave: 1, predicted_success_probability: 0.8 }),
        sched('a', 'agent_2', 0, 1, { wave: 1, predicted_success_probability: 0.7 }),
        // task b: equal p, agent_10 ends first
        sched('b', 'agent_2', 0, 6, { wave: 1, predicted_success_probability: 0.7 }),
        sched('b', 'agent_10', 0, 5, { wave: 1, predicted_success_probability: 0.7 }),
        // task c: identical values (real Phase 20): no single agent is suggested
        sched('c', 'agent_10', 3, 5, { wave: 1, predicted_success_probability: 0.7 }),
        sched('c', 'agent_3', 3, 5, { wave: 1, predicted_success_probability: 0.7 }),
        sched('c', 'agent_2', 3, 5, { wave: 1, predicted_success_probability: 0.7 }),
      ),
    });
    const tasks = (await loadInput(request(dir))).plan.waves[0]?.tasks ?? [];
    expect(tasks.map((t) => t.suggested)).toEqual([
      { agentId: 'agent_3', plannedStartS: 0, plannedEndS: 9 },
      { agentId: 'agent_10', plannedStartS: 0, plannedEndS: 5 },
      { agentId: null, plannedStartS: 3, plannedEndS: 5 },
    ]);
  });

  it('takes priority from a prediction row (first agent in natural order), else the chosen schedule row, else 2', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(
        pred('p', 'agent_10', 0.5, { wave: 1, priority: 3 }),
        pred('p', 'agent_2', 0.5, { wave: 1, priority: 1 }),
        pred('q', 'agent_2', 0.5, { wave: 1 }),
        pred('r', 'agent_2', 0.5, { wave: 1 }),
        pred('s', 'agent_2', 0.5, { wave: 1 }),
        pred('s', 'agent_3', 0.9, { wave: 1 }),
      ),
      'predicted_schedule.jsonl': jsonl(
        sched('p', 'agent_2', 0, 1, { wave: 1, priority: 2 }),
        sched('q', 'agent_2', 0, 1, { wave: 1, priority: 3 }),
        // s: no schedule p, so the predictions' p decide: agent_3 (0.9) is chosen, its priority 1 wins
        sched('s', 'agent_2', 0, 1, { wave: 1, priority: 3 }),
        sched('s', 'agent_3', 0, 1, { wave: 1, priority: 1 }),
      ),
    });
    const tasks = (await loadInput(request(dir))).plan.waves[0]?.tasks ?? [];
    expect(tasks.map((t) => [t.taskId, t.priority, t.suggested?.agentId ?? null])).toEqual([
      ['p', 1, 'agent_2'],
      ['q', 3, 'agent_2'],
      ['r', 2, null],
      ['s', 1, 'agent_3'],
    ]);
  });
});
