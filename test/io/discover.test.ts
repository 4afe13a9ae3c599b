import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/errors.ts';
import { discoverInput } from '../../src/io/discover.ts';
import { makeInput } from './helpers.ts';

async function failure(input: string): Promise<string[]> {
  const error = await discoverInput(input).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).diagnostics.map(formatDiagnostic);
}

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
      'wave_2/agent_2/notes.txt': '',
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
  });

  it('finds the flat layout, paths joined to the input as given', async () => {
    const dir = await makeInput({ 'predicted_schedule.jsonl': '', 'predicted_tasks.jsonl': '', 'metrics.jsonl': '' });
    const found = await discoverInput(dir);
    expect(found.layout).toBe('flat');
    expect(found.files).toEqual([
      { path: join(dir, 'predicted_tasks.jsonl'), kind: 'predicted_tasks', wave: null, agentFolder: null },
      { path: join(dir, 'predicted_schedule.jsonl'), kind: 'predicted_schedule', wave: null, agentFolder: null },
    ]);
  });

  it('refuses a mixed layout', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': '', 'wave_1/agent_0/predicted_tasks.jsonl': '' });
    expect(await failure(dir)).toEqual([`${dir}: (layout): mixed layout: flat predicted_tasks.jsonl beside wave_<w>/<agent>/ files; keep one layout`]);
  });

  it('refuses a folder without input files, naming the folder', async () => {
    const dir = await makeInput({ 'metrics.jsonl': '' });
    expect(await failure(dir)).toEqual([
      `${dir}: (input): no predicted_tasks.jsonl found (expected wave_<w>/<agent>/predicted_tasks.jsonl or a flat predicted_tasks.jsonl)`,
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

  it('refuses wave folders whose suffix is not an integer >= 1, every one of them', async () => {
    const dir = await makeInput({ 'wave_1/agent_0/predicted_tasks.jsonl': '', 'wave_x/agent_0/predicted_tasks.jsonl': '' });
    await mkdir(join(dir, 'wave_0'));
    await mkdir(join(dir, 'wave_01'));
    expect(await failure(dir)).toEqual([
      `${join(dir, 'wave_0')}: (folder): a wave folder must be named wave_<integer >= 1> (e.g. wave_1)`,
      `${join(dir, 'wave_01')}: (folder): a wave folder must be named wave_<integer >= 1> (e.g. wave_1)`,
      `${join(dir, 'wave_x')}: (folder): a wave folder must be named wave_<integer >= 1> (e.g. wave_1)`,
    ]);
  });
});
