import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/errors.ts';
import { discoverInput, waveOfSuffix } from '../../src/io/discover.ts';
import type { Discovery } from '../../src/io/discover.ts';
import { makeInput } from './helpers.ts';

async function failure(input: string, followLinks = false): Promise<string[]> {
  const error = await discoverInput(input, { followLinks }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).diagnostics.map(formatDiagnostic);
}

/** Strays as `relative path | field | inputLike`. */
function strays(found: Discovery, dir: string): string[] {
  return found.strays.map((s) => `${s.path.slice(dir.length + 1)} | ${s.field} | ${s.inputLike ? 'input-like' : 'other'}`);
}

const TASKS = 'wave_1/agent_0/predicted_tasks.jsonl';

describe('discoverInput', () => {
  it('reads the tree in wave order, then agent folders in natural order, tasks files before schedule files', async () => {
    const dir = await makeInput({
      'wave_10/agent_1/predicted_tasks.jsonl': '',
      'wave_2/agent_10/predicted_tasks.jsonl': '',
      'wave_2/agent_10/predicted_schedule.jsonl': '',
      'wave_2/agent_2/predicted_tasks.jsonl': '',
      'wave_2/agent_2/predicted_schedule.jsonl': '',
      'metrics.jsonl': '',
      'phase16/phase20_feedback.jsonl': '',
    });
    const found = await discoverInput(dir);
    expect(found.layout).toBe('tree');
    expect(found.files.map((f) => [f.path.slice(dir.length + 1), f.kind, f.wave, f.agentFolder])).toEqual([
      ['wave_2/agent_2/predicted_tasks.jsonl', 'predicted_tasks', 2, 'agent_2'],
      ['wave_2/agent_10/predicted_tasks.jsonl', 'predicted_tasks', 2, 'agent_10'],
      ['wave_10/agent_1/predicted_tasks.jsonl', 'predicted_tasks', 10, 'agent_1'],
      ['wave_2/agent_2/predicted_schedule.jsonl', 'predicted_schedule', 2, 'agent_2'],
      ['wave_2/agent_10/predicted_schedule.jsonl', 'predicted_schedule', 2, 'agent_10'],
    ]);
    expect(found.strays).toEqual([]);
  });

  it('finds the flat layout, paths joined to the input as given, opened at their real paths', async () => {
    const dir = await makeInput({ 'predicted_schedule.jsonl': '', 'predicted_tasks.jsonl': '', 'metrics.jsonl': '' });
    const real = await realpath(dir);
    const found = await discoverInput(dir);
    expect(found.layout).toBe('flat');
    expect(found.files).toEqual([
      { path: join(dir, 'predicted_tasks.jsonl'), realPath: join(real, 'predicted_tasks.jsonl'), kind: 'predicted_tasks', wave: null, agentFolder: null },
      { path: join(dir, 'predicted_schedule.jsonl'), realPath: join(real, 'predicted_schedule.jsonl'), kind: 'predicted_schedule', wave: null, agentFolder: null },
    ]);
  });

  it('refuses a mixed layout', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': '', [TASKS]: '' });
    expect(await failure(dir)).toEqual([`${dir}: (layout): mixed layout: flat predicted_tasks.jsonl beside wave_<w>/<agent>/ files; keep one layout`]);
  });

  it('refuses a folder without input files, naming the folder and every input-like entry it holds', async () => {
    const dir = await makeInput({ 'metrics.jsonl': '', 'notes.txt': '', 'Wave_1/agent_0/predicted_tasks.jsonl': '' });
    expect(await failure(dir)).toEqual([
      `${dir}: (input): no predicted_tasks.jsonl found (expected wave_<w>/<agent>/predicted_tasks.jsonl or a flat predicted_tasks.jsonl)`,
      `${join(dir, 'Wave_1')}: (folder): a wave folder must be named wave_<integer from 1 to 9007199254740991>, in lower case and without leading zeros (e.g. wave_1)`,
    ]);
  });

  it('refuses a tree with schedule files only', async () => {
    const dir = await makeInput({ 'wave_1/agent_0/predicted_schedule.jsonl': '' });
    expect((await failure(dir))[0]).toContain(`${dir}: (input): no predicted_tasks.jsonl found`);
  });

  it('refuses a missing folder and a file given as the folder', async () => {
    const dir = await makeInput({ 'file.txt': 'x' });
    expect(await failure(join(dir, 'nope'))).toEqual([`${join(dir, 'nope')}: (input): input folder not found`]);
    expect(await failure(join(dir, 'file.txt'))).toEqual([`${join(dir, 'file.txt')}: (input): is not a folder`]);
  });

  it('takes wave folders named wave_<1..2^53-1> exactly, and reports every other wave-like name as input-like', async () => {
    const dir = await makeInput({ [TASKS]: '', 'wave_9007199254740991/agent_0/predicted_tasks.jsonl': '', 'wave_9007199254740993/agent_0/predicted_tasks.jsonl': '' });
    for (const name of ['wave_0', 'wave_01', 'wave_x', 'Wave_1', 'WAVE_2', 'wave_-1', 'wave_1.0', 'wave_10000000000000000', `wave_${'9'.repeat(250)}`]) await mkdir(join(dir, name));
    const found = await discoverInput(dir);
    expect(found.files.map((f) => f.wave)).toEqual([1, 9007199254740991]);
    // Natural order, by UTF-16 code unit outside digit runs: upper case first.
    expect(strays(found, dir)).toEqual([
      'WAVE_2 | (folder) | input-like',
      'Wave_1 | (folder) | input-like',
      'wave_-1 | (folder) | input-like',
      'wave_0 | (folder) | input-like',
      'wave_1.0 | (folder) | input-like',
      'wave_01 | (folder) | input-like',
      'wave_9007199254740993 | (folder) | input-like',
      'wave_10000000000000000 | (folder) | input-like',
      `wave_${'9'.repeat(250)} | (folder) | input-like`,
      'wave_x | (folder) | input-like',
    ]);
  });

  it('accounts for every entry: input-like ones outside the layout, unknown root entries, known Phase 20 root entries quietly', async () => {
    const dir = await makeInput({
      [TASKS]: '',
      'wave_1/agent_0/PREDICTED_TASKS.jsonl': '',
      'wave_1/agent_0/notes.txt': '',
      'wave_1/agent_0/sub/predicted_tasks.jsonl': '',
      'wave_1/.agent_9/predicted_tasks.jsonl': '',
      'wave_1/Agent_1/predicted_tasks.jsonl': '',
      'wave_1/agent 2/predicted_tasks.jsonl': '',
      'wave_1/agent_3\n/predicted_tasks.jsonl': '',
      'wave_1/predicted_tasks.jsonl': '',
      'wave_1/stray.jsonl': '',
      '.wave_2/agent_0/predicted_tasks.jsonl': '',
      'agent_0/predicted_tasks.jsonl': '',
      'extra.jsonl': '',
      'Predicted_Tasks.jsonl': '',
      'notes.txt': '',
      '.DS_Store': '',
      'other/wave_1/agent_0/predicted_tasks.jsonl': '',
      // known: quiet
      'metrics.jsonl': '',
      'learning_signals.jsonl': '',
      'anomalies.jsonl': '',
      'system_health.json': '',
      'PHASE_20_AUTONOMOUS_EXECUTION.md': '',
      'phase16/x.jsonl': '',
      'phase18/x.jsonl': '',
    });
    const found = await discoverInput(dir);
    expect(found.files.map((f) => f.path)).toEqual([join(dir, TASKS)]);
    // Walk order: each folder's entries in natural order, a wave folder's agent folders visited in turn.
    expect(strays(found, dir)).toEqual([
      '.DS_Store | (file) | other',
      '.wave_2 | (folder) | input-like',
      'Predicted_Tasks.jsonl | (file) | input-like',
      'agent_0 | (folder) | input-like',
      'extra.jsonl | (file) | input-like',
      'notes.txt | (file) | other',
      'other | (folder) | other',
      'wave_1/.agent_9 | (folder) | input-like',
      'wave_1/Agent_1 | (folder) | input-like',
      'wave_1/agent 2 | (folder) | input-like',
      'wave_1/agent_0/PREDICTED_TASKS.jsonl | (file) | input-like',
      'wave_1/agent_0/notes.txt | (file) | input-like',
      'wave_1/agent_0/sub | (folder) | input-like',
      'wave_1/agent_3\n | (folder) | input-like',
      'wave_1/predicted_tasks.jsonl | (file) | input-like',
      'wave_1/stray.jsonl | (file) | input-like',
    ]);
    const problems = Object.fromEntries(found.strays.map((s) => [s.path.slice(dir.length + 1), s.problem]));
    expect(problems['wave_1/.agent_9']).toBe('a hidden folder; hidden entries are not read');
    expect(problems['wave_1/Agent_1']).toBe('an agent folder is named agent_<id>, in lower case');
    expect(problems['wave_1/agent 2']).toBe('an agent folder must be named like an agent id (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)');
    expect(problems['wave_1/stray.jsonl']).toBe('a file in a wave folder outside any agent folder');
    expect(problems['wave_1/agent_0/notes.txt']).toBe('not an input file (an agent folder holds predicted_tasks.jsonl and predicted_schedule.jsonl)');
    expect(problems['notes.txt']).toBe('not part of the Phase 20 layout; ignored');
  });
});

describe.skipIf(process.platform === 'win32')('symbolic links', () => {
  async function withOutside(): Promise<{ dir: string; outside: string }> {
    const outside = await makeInput({ 'secret.jsonl': 'SECRET\n', 'agent/predicted_tasks.jsonl': 'SECRET\n' });
    const dir = await makeInput({ [TASKS]: '' });
    return { dir, outside };
  }

  it('follows links that resolve inside the input folder, opening the target', async () => {
    const dir = await makeInput({ [TASKS]: '', 'data/tasks.jsonl': '', 'shared/predicted_tasks.jsonl': '' });
    await symlink(join(dir, 'data', 'tasks.jsonl'), join(dir, 'wave_1', 'agent_0', 'predicted_schedule.jsonl'));
    await mkdir(join(dir, 'wave_2'));
    await symlink('../shared', join(dir, 'wave_2', 'agent_1'));
    const real = await realpath(dir);
    const found = await discoverInput(dir);
    expect(found.files.map((f) => [f.path.slice(dir.length + 1), f.realPath.slice(real.length + 1)])).toEqual([
      [TASKS, TASKS],
      ['wave_2/agent_1/predicted_tasks.jsonl', 'shared/predicted_tasks.jsonl'],
      ['wave_1/agent_0/predicted_schedule.jsonl', 'data/tasks.jsonl'],
    ]);
  });

  it('refuses a link to a file or a folder outside the input folder, naming the link and reading nothing', async () => {
    const { dir, outside } = await withOutside();
    await symlink(join(outside, 'secret.jsonl'), join(dir, 'wave_1', 'agent_0', 'predicted_schedule.jsonl'));
    await symlink(join(outside, 'agent'), join(dir, 'wave_1', 'agent_1'));
    await symlink(outside, join(dir, 'wave_2'));
    const problems = await failure(dir);
    const why = 'a symbolic link to a path outside the input folder; not read (links are followed only within the input folder)';
    expect(problems).toEqual([
      `${join(dir, 'wave_1', 'agent_0', 'predicted_schedule.jsonl')}: (file): ${why}`,
      `${join(dir, 'wave_1', 'agent_1')}: (folder): ${why}`,
      `${join(dir, 'wave_2')}: (folder): ${why}`,
    ]);
    expect(problems.join('\n')).not.toContain('SECRET');
  });

  it('follows links out of the input folder with followLinks', async () => {
    const { dir, outside } = await withOutside();
    await symlink(join(outside, 'agent'), join(dir, 'wave_1', 'agent_1'));
    const found = await discoverInput(dir, { followLinks: true });
    expect(found.files.map((f) => f.realPath)).toEqual([join(await realpath(dir), TASKS), join(await realpath(outside), 'agent', 'predicted_tasks.jsonl')]);
  });

  it('refuses a link that loops or is broken, in the flat layout and the tree', async () => {
    const flat = await makeInput({});
    await symlink('predicted_tasks.jsonl', join(flat, 'predicted_tasks.jsonl'));
    expect(await failure(flat)).toEqual([`${join(flat, 'predicted_tasks.jsonl')}: (file): a symbolic link that loops (ELOOP)`]);
    const tree = await makeInput({ [TASKS]: '' });
    await symlink('nowhere', join(tree, 'wave_1', 'agent_0', 'predicted_schedule.jsonl'));
    await symlink('wave_3', join(tree, 'wave_3'));
    expect(await failure(tree)).toEqual([
      `${join(tree, 'wave_1', 'agent_0', 'predicted_schedule.jsonl')}: (file): a broken symbolic link (its target does not exist)`,
      `${join(tree, 'wave_3')}: (folder): a symbolic link that loops (ELOOP)`,
    ]);
  });

  it('does not follow links outside the layout: they are reported as strays', async () => {
    const { dir, outside } = await withOutside();
    await symlink(outside, join(dir, 'wave_1', '.agent_9'));
    await symlink(join(outside, 'secret.jsonl'), join(dir, 'metrics.jsonl'));
    const found = await discoverInput(dir);
    expect(strays(found, dir)).toEqual(['wave_1/.agent_9 | (link) | input-like']);
  });

  it('refuses a named pipe where a file must be (reading it would block)', async () => {
    const dir = await makeInput({ 'wave_1/agent_0/predicted_schedule.jsonl': '' });
    execFileSync('mkfifo', [join(dir, TASKS)]);
    expect(await failure(dir)).toEqual([`${join(dir, TASKS)}: (file): must be a regular file`]);
  });

  it('refuses a file where a folder must be, and a folder where a file must be', async () => {
    const dir = await makeInput({ 'wave_1/agent_0/predicted_tasks.jsonl/x': '', 'wave_2': '' });
    await writeFile(join(dir, 'wave_1', 'agent_0', 'predicted_schedule.jsonl'), '');
    expect(await failure(dir)).toEqual([
      `${join(dir, TASKS)}: (file): must be a file, not a folder`,
      `${join(dir, 'wave_2')}: (folder): must be a folder`,
    ]);
  });
});

describe('waveOfSuffix', () => {
  it('reads canonical integers from 1 to 2^53 - 1, comparing digits as text', () => {
    expect(waveOfSuffix('1')).toBe(1);
    expect(waveOfSuffix('9007199254740991')).toBe(9007199254740991);
    for (const bad of ['0', '01', '', '-1', '+1', '1e3', '1.0', ' 1', '9007199254740992', '9007199254740993', '10000000000000000', '9'.repeat(250)]) {
      expect(waveOfSuffix(bad), bad).toBeNull();
    }
  });
});
