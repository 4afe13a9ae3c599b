import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.ts';
import { loadInput } from '../../src/io/load.ts';
import { FileChangedError, readLinesAt } from '../../src/io/quarantine.ts';
import { jsonl, loadError, makeInput, pred, request, sched } from './helpers.ts';

/** A flat prediction row of `wave` with `depends_on`. */
function dep(taskId: string, wave: number, dependsOn: readonly string[] | null, agent = 'a', extra: Record<string, unknown> = {}): string {
  return pred(taskId, agent, 0.9, dependsOn === null ? { wave, ...extra } : { wave, depends_on: dependsOn, ...extra });
}

async function errorsOf(lines: readonly string[]): Promise<{ readonly file: string; readonly messages: string[] }> {
  const dir = await makeInput({ 'predicted_tasks.jsonl': jsonl(...lines) });
  const error = await loadError(request(dir));
  return { file: join(dir, 'predicted_tasks.jsonl'), messages: error.diagnostics.map(formatDiagnostic) };
}

describe('depends_on validation (contract section 10), fail mode', () => {
  it('accepts a diamond and orders it topologically', async () => {
    const dir = await makeInput({
      'predicted_tasks.jsonl': jsonl(dep('d', 1, ['b', 'c']), dep('b', 1, ['a']), dep('c', 1, ['a']), dep('a', 1, [])),
    });
    const wave = (await loadInput(request(dir))).plan.waves[0];
    expect(wave?.tasks.map((t) => [t.taskId, t.dependsOn.map((r) => r.taskId)])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
    ]);
    expect(wave?.topologicalOrder).toEqual([0, 1, 2, 3]);
  });

  it('refuses an unknown id, a task of a later wave and the task itself, once per task at its first line', async () => {
    const { file, messages } = await errorsOf([
      dep('t1', 1, ['nope']), // 1
      dep('t1', 1, ['nope'], 'b'), // 2: same task, same list: reported once, at line 1
      dep('t2', 1, ['t9']), // 3: t9 is in wave 2
      dep('t9', 2, []), // 4
      dep('t3', 1, ['t3', 't1']), // 5
    ]);
    expect(messages).toEqual([
      `${file}:1: depends_on: unknown task id "nope" (no task of wave 1 or earlier has it)`,
      `${file}:3: depends_on: "t9" is a task of a later wave (2); a task may depend only on tasks of its own wave or earlier`,
      `${file}:5: depends_on: "t3" is the task itself`,
    ]);
  });

  it('names at most 20 bad ids of one task and counts the rest', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `x${i}`);
    const { file, messages } = await errorsOf([dep('t', 1, ids)]);
    expect(messages).toHaveLength(21);
    expect(messages[19]).toBe(`${file}:1: depends_on: unknown task id "x19" (no task of wave 1 or earlier has it)`);
    expect(messages[20]).toBe(`${file}:1: depends_on: and 5 more ids that are unknown or of a later wave`);
  });

  it('names a 3-cycle in order at the line of its first task (read order)', async () => {
    const { file, messages } = await errorsOf([dep('x', 1, []), dep('b', 1, ['c']), dep('c', 1, ['a']), dep('a', 1, ['b']), dep('d', 1, ['a'])]);
    expect(messages).toEqual([`${file}:2: depends_on: cycle: b -> c -> a -> b`]);
  });

  it('names two disjoint cycles, each once, in line order; other waves are checked apart', async () => {
    const { file, messages } = await errorsOf([
      dep('p', 1, ['q']), // 1
      dep('s', 2, ['r']), // 2: wave 2's cycle s -> r -> s
      dep('q', 1, ['p']), // 3
      dep('r', 2, ['s']), // 4
      dep('u', 1, ['v']), // 5
      dep('v', 1, ['w']), // 6
      dep('w', 1, ['u', 'p']), // 7
    ]);
    expect(messages).toEqual([`${file}:1: depends_on: cycle: p -> q -> p`, `${file}:2: depends_on: cycle: s -> r -> s`, `${file}:5: depends_on: cycle: u -> v -> w -> u`]);
  });

  it('resolves a dependency on an earlier wave; --waves 1 keeps wave 1 only', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': jsonl(dep('a', 1, []), dep('b', 2, ['a']), dep('a', 2, [])) });
    const all = await loadInput(request(dir));
    // "a" exists in wave 2 too: the same wave wins.
    expect(all.plan.waves[1]?.tasks.find((t) => t.taskId === 'b')?.dependsOn).toEqual([{ wave: 2, taskId: 'a' }]);
    const dir2 = await makeInput({ 'predicted_tasks.jsonl': jsonl(dep('a', 1, []), dep('b', 3, ['a']), dep('c', 2, [])) });
    expect((await loadInput(request(dir2))).plan.waves[2]?.tasks[0]?.dependsOn).toEqual([{ wave: 1, taskId: 'a' }]);
    expect((await loadInput(request(dir2, { waves: 1 }))).plan.waves.map((w) => w.wave)).toEqual([1]);
  });

  it('requires the rows of one task to agree on depends_on and required_capabilities, as sets', async () => {
    const { file, messages } = await errorsOf([
      dep('a', 1, []),
      dep('b', 1, []),
      dep('t', 1, ['a', 'b'], 'x', { required_capabilities: ['gpu'] }), // 3: sets the task's lists
      dep('t', 1, ['b', 'a', 'a'], 'y', { required_capabilities: ['gpu', 'gpu'] }), // 4: same sets
      dep('t', 1, ['a'], 'z', { required_capabilities: ['gpu', 'python'] }), // 5: both differ
      dep('t', 1, null, 'w'), // 6: none given
    ]);
    expect(messages).toEqual([
      `${file}:5: depends_on: ["a"] differs from ["a","b"] in line 3: rows of one task must agree`,
      `${file}:5: required_capabilities: ["gpu","python"] differs from ["gpu"] in line 3: rows of one task must agree`,
      `${file}:6: depends_on: [] differs from ["a","b"] in line 3: rows of one task must agree`,
      `${file}:6: required_capabilities: [] differs from ["gpu"] in line 3: rows of one task must agree`,
    ]);
  });

  it('checks the types of depends_on and required_capabilities', async () => {
    const { file, messages } = await errorsOf([dep('t', 1, null, 'a', { depends_on: 'a', required_capabilities: ['', 3] })]);
    expect(messages).toEqual([
      `${file}:1: depends_on: must be an array, got string "a"`,
      `${file}:1: required_capabilities[0]: must not be empty`,
      `${file}:1: required_capabilities[1]: must be a string, got number 3`,
    ]);
  });

  it('does not call a dependency on a task with rejected rows unknown: the rejected row is the one error', async () => {
    const { file, messages } = await errorsOf([pred('a', 'x', 7, { wave: 1 }), dep('b', 1, ['a'])]);
    expect(messages).toEqual([`${file}:1: predicted_success_probability: must be <= 1, got 7`]);
  });
});

describe('depends_on in quarantine mode', () => {
  it('quarantines a chain of three whose first task is bad, with reasons; schedule rows follow; every line accounted for', async () => {
    const tasks = jsonl(
      dep('a', 1, ['ghost']), // 1: unknown id
      dep('b', 1, ['a']), // 2: depends on a
      dep('c', 1, ['b']), // 3: depends on b
      dep('c', 1, ['b'], 'b2'), // 4
      dep('ok', 1, []), // 5
      dep('later', 2, ['c']), // 6: depends on c of wave 1
    );
    const schedule = jsonl(sched('c', 'a', 0, 1, { wave: 1 }), sched('ok', 'a', 0, 1, { wave: 1 }));
    const dir = await makeInput({ 'predicted_tasks.jsonl': tasks, 'predicted_schedule.jsonl': schedule });
    const result = await loadInput(request(dir, { onInvalid: 'quarantine' }));
    const tasksFile = join(dir, 'predicted_tasks.jsonl');
    const scheduleFile = join(dir, 'predicted_schedule.jsonl');
    expect(result.rejected.map((r) => [r.file, r.line, r.reasons])).toEqual([
      [tasksFile, 1, ['depends_on: unknown task id "ghost" (no task of wave 1 or earlier has it)']],
      [tasksFile, 2, ['depends_on: "a" is quarantined']],
      [tasksFile, 3, ['depends_on: "b" is quarantined']],
      [tasksFile, 4, ['depends_on: "b" is quarantined']],
      [tasksFile, 6, ['depends_on: "c" (wave 1) is quarantined']],
      [scheduleFile, 1, ['(line): its task is quarantined: depends_on: "b" is quarantined']],
    ]);
    expect(result.rejected[3]?.raw).toBe(dep('c', 1, ['b'], 'b2'));
    expect(result.plan.waves.map((w) => [w.wave, w.tasks.map((t) => t.taskId)])).toEqual([[1, ['ok']]]);
    const counts = result.files.map((f) => [f.kind, f.lines, f.acceptedRows, f.rejectedRows]);
    expect(counts).toEqual([
      ['predicted_tasks', 6, 1, 5],
      ['predicted_schedule', 2, 1, 1],
    ]);
  });

  it('quarantines every task of a cycle and its dependents; a task whose rows were rejected takes its dependents along', async () => {
    const tasks = jsonl(
      dep('p', 1, ['q']), // 1
      dep('q', 1, ['p']), // 2
      dep('r', 1, ['q']), // 3
      pred('bad', 'a', 2, { wave: 1 }), // 4: rejected by its schema
      dep('s', 1, ['bad']), // 5
      dep('fine', 1, []), // 6
    );
    const dir = await makeInput({ 'predicted_tasks.jsonl': tasks });
    const result = await loadInput(request(dir, { onInvalid: 'quarantine' }));
    expect(result.rejected.map((r) => [r.line, r.reasons])).toEqual([
      [1, ['depends_on: cycle: p -> q -> p']],
      [2, ['depends_on: cycle: p -> q -> p']],
      [3, ['depends_on: "q" is quarantined']],
      [4, ['predicted_success_probability: must be <= 1, got 2']],
      [5, ['depends_on: "bad" is quarantined (its rows were rejected)']],
    ]);
    expect(result.plan.waves[0]?.tasks.map((t) => t.taskId)).toEqual(['fine']);
  });

  it('rejects the disagreeing row only; the task runs with its first row', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': jsonl(dep('a', 1, []), dep('t', 1, ['a'], 'x'), dep('t', 1, [], 'y')) });
    const result = await loadInput(request(dir, { onInvalid: 'quarantine' }));
    expect(result.rejected.map((r) => r.line)).toEqual([3]);
    expect(result.plan.waves[0]?.tasks[1]?.predictions.map((p) => p.agentId)).toEqual(['x']);
  });

  it('fails with nothing to run when every task is quarantined', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': jsonl(dep('a', 1, ['a'])) });
    const error = await loadError(request(dir, { onInvalid: 'quarantine' }));
    expect(error.diagnostics.map(formatDiagnostic)[0]).toBe(`${dir}: (input): no valid prediction rows: nothing to run`);
  });
});

describe('capabilities', () => {
  it('counts tasks no candidate is capable of in one warning; profiles capabilities are sorted and unique', async () => {
    const root = await makeInput({
      'in/predicted_tasks.jsonl': jsonl(
        dep('t1', 1, null, 'a', { required_capabilities: ['gpu'] }),
        dep('t1', 1, null, 'b', { required_capabilities: ['gpu'] }),
        dep('t2', 1, null, 'a', { required_capabilities: ['python', 'data'] }),
        dep('t3', 1, null, 'b', { required_capabilities: ['rust'] }),
      ),
      'agents.json': JSON.stringify({ agents: [{ agent_id: 'a', capabilities: ['python', 'data', 'python'] }, { agent_id: 'b', capabilities: ['gpu'] }] }),
    });
    const dir = join(root, 'in');
    const result = await loadInput(request(dir, { agentsFile: join(root, 'agents.json') }));
    expect(result.plan.agents.map((a) => a.capabilities)).toEqual([['data', 'python'], ['gpu']]);
    expect(result.plan.waves[0]?.tasks.map((t) => t.requiredCapabilities)).toEqual([['gpu'], ['data', 'python'], ['rust']]);
    expect(result.warnings.map(formatDiagnostic)).toEqual([
      `${dir}: required_capabilities: 1 task has no candidate agent with every required capability; the capabilities gate will block it`,
    ]);
  });
});

describe('depends_on across the files of a tree', () => {
  it('reports in read order (agent_2 before agent_10) and names the other file of a disagreeing row', async () => {
    const dir = await makeInput({
      'wave_1/agent_2/predicted_tasks.jsonl': jsonl(pred('a', 'agent_2', 0.9, { depends_on: ['b'] }), pred('b', 'agent_2', 0.9, { depends_on: ['a'] })),
      'wave_1/agent_10/predicted_tasks.jsonl': jsonl(pred('c', 'agent_10', 0.9, { depends_on: ['ghost'] }), pred('a', 'agent_10', 0.9, { depends_on: ['b', 'c'] })),
    });
    const first = join(dir, 'wave_1/agent_2/predicted_tasks.jsonl');
    const second = join(dir, 'wave_1/agent_10/predicted_tasks.jsonl');
    const error = await loadError(request(dir));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([
      `${first}:1: depends_on: cycle: a -> b -> a`,
      `${second}:1: depends_on: unknown task id "ghost" (no task of wave 1 or earlier has it)`,
      `${second}:2: depends_on: ["b","c"] differs from ["b"] in ${first}:1: rows of one task must agree`,
    ]);
  });
});

describe('readLinesAt', () => {
  it('returns the wanted lines, and refuses a file whose bytes changed since the first read', async () => {
    const dir = await makeInput({ 'f.jsonl': 'one\n\nthree\n' });
    const file = join(dir, 'f.jsonl');
    const other = createHash('sha256').update('one\n\nthree, edited\n').digest('hex');
    const error = await readLinesAt(file, new Set([3]), other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileChangedError);
    const real = createHash('sha256').update('one\n\nthree\n').digest('hex');
    expect([...(await readLinesAt(file, new Set([1, 3]), real))]).toEqual([
      [1, 'one'],
      [3, 'three'],
    ]);
  });
});

