import { execFileSync } from 'node:child_process';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/errors.ts';
import { DEFAULT_AGENTS_FILE, loadAgentsFile, MAX_AGENTS_FILE_BYTES, resolveAgentsFile } from '../../src/io/agents-file.ts';
import { loadInput } from '../../src/io/load.ts';
import { jsonl, makeInput, pred } from './helpers.ts';

async function agentsError(content: string): Promise<string[]> {
  const dir = await makeInput({ 'agents.json': content });
  const error = await loadAgentsFile(join(dir, 'agents.json')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).diagnostics.map((d) => formatDiagnostic(d).replace(`${dir}/`, ''));
}

describe('agents file', () => {
  it('applies the defaults: max_concurrency 2, speed 1, reliability_offset 0, no capabilities', async () => {
    const dir = await makeInput({
      'agents.json': JSON.stringify({ agents: [{ agent_id: 'agent_0' }, { agent_id: 'agent_1', max_concurrency: 4, speed: 1.5, reliability_offset: -0.2, capabilities: ['gpu'] }] }, null, 2),
    });
    const file = await loadAgentsFile(join(dir, 'agents.json'));
    expect(file.profiles).toEqual([
      { agentId: 'agent_0', maxConcurrency: 2, speed: 1, reliabilityOffset: 0, capabilities: [] },
      { agentId: 'agent_1', maxConcurrency: 4, speed: 1.5, reliabilityOffset: -0.2, capabilities: ['gpu'] },
    ]);
    expect(file.lines).toBe(16);
    expect(file.warnings).toEqual([]);
  });

  it('reports every field problem as <file>: agents[i].field: problem', async () => {
    expect(
      await agentsError(
        JSON.stringify({
          agents: [{ agent_id: 'agent_0', speed: 0 }, { agent_id: 'bad id' }, { agent_id: 'agent_1', max_concurrency: 1.5, reliability_offset: 2, capabilities: 'gpu' }],
        }),
      ),
    ).toEqual([
      'agents.json: agents[0].speed: must be > 0, got 0',
      'agents.json: agents[1].agent_id: must match /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, got "bad id"',
      'agents.json: agents[2].max_concurrency: must be an integer, got 1.5',
      'agents.json: agents[2].reliability_offset: must be <= 1, got 2',
      'agents.json: agents[2].capabilities: must be an array, got string "gpu"',
    ]);
  });

  it('refuses repeated ids, bad JSON, a non-object and a missing agents list', async () => {
    expect(await agentsError(JSON.stringify({ agents: [{ agent_id: 'a' }, { agent_id: 'b' }, { agent_id: 'a' }] }))).toEqual([
      'agents.json: agents[2].agent_id: duplicate of agents[0] ("a")',
    ]);
    expect((await agentsError('{"agents": [')).map((t) => t.startsWith('agents.json: (file): invalid JSON: '))).toEqual([true]);
    expect(await agentsError('[]')).toEqual(['agents.json: (file): must be a JSON object {"agents": [...]}, got an array']);
    expect(await agentsError('{}')).toEqual(['agents.json: agents: required']);
  });

  it('reports a missing agents file', async () => {
    const dir = await makeInput({});
    const error = await loadAgentsFile(join(dir, 'none.json')).catch((e: unknown) => e);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([`${join(dir, 'none.json')}: (file): agents file not found`]);
  });

  it('names unknown fields once', async () => {
    const dir = await makeInput({ 'agents.json': JSON.stringify({ version: 1, agents: [{ agent_id: 'a', colour: 'red' }, { agent_id: 'b', colour: 'blue' }] }) });
    const file = await loadAgentsFile(join(dir, 'agents.json'));
    expect(file.warnings.map((d) => formatDiagnostic(d).replace(`${dir}/`, ''))).toEqual([
      'agents.json: version: unknown field ignored',
      'agents.json: agents[0].colour: unknown field ignored (in 2 profiles)',
    ]);
  });
});

describe('agents file in loadInput', () => {
  it('uses profiles of agents in the input, defaults for the others, and warns about absent agents', async () => {
    const dir = await makeInput({
      'in/predicted_tasks.jsonl': jsonl(pred('t', 'agent_2', 0.5, { wave: 1 }), pred('t', 'agent_10', 0.5, { wave: 1 })),
      'agents.json': JSON.stringify({ agents: [{ agent_id: 'agent_9', speed: 2 }, { agent_id: 'agent_10', speed: 3 }] }),
    });
    const agentsPath = join(dir, 'agents.json');
    const result = await loadInput({ input: join(dir, 'in'), agentsFile: agentsPath, waves: null, onInvalid: 'fail' });
    expect(result.plan.agents).toEqual([
      { agentId: 'agent_2', maxConcurrency: 2, speed: 1, reliabilityOffset: 0, capabilities: [] },
      { agentId: 'agent_10', maxConcurrency: 2, speed: 3, reliabilityOffset: 0, capabilities: [] },
    ]);
    expect(result.warnings.map(formatDiagnostic)).toEqual([`${agentsPath}: agents[0].agent_id: "agent_9" has no predictions in the input; profile ignored`]);
    expect(result.files.map((f) => [f.kind, f.lines, f.acceptedRows, f.rejectedRows])).toEqual([
      ['predicted_tasks', 2, 2, 0],
      ['agents', 1, 2, 0],
    ]);
  });

  it('throws for a bad agents file even in quarantine mode', async () => {
    const dir = await makeInput({
      'in/predicted_tasks.jsonl': jsonl(pred('t', 'a', 0.5, { wave: 1 })),
      'agents.json': JSON.stringify({ agents: [{ agent_id: 'a', speed: -1 }] }),
    });
    const error = await loadInput({ input: join(dir, 'in'), agentsFile: join(dir, 'agents.json'), waves: null, onInvalid: 'quarantine' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([`${join(dir, 'agents.json')}: agents[0].speed: must be > 0, got -1`]);
  });

  it('gives every agent the default profile when there is no agents file', async () => {
    const dir = await makeInput({ 'predicted_tasks.jsonl': jsonl(pred('t', 'a', 0.5, { wave: 1 })) });
    const result = await loadInput({ input: dir, agentsFile: null, waves: null, onInvalid: 'fail' });
    expect(result.plan.agents).toEqual([{ agentId: 'a', maxConcurrency: 2, speed: 1, reliabilityOffset: 0, capabilities: [] }]);
    expect(result.files.map((f) => f.kind)).toEqual(['predicted_tasks']);
  });
});

describe('hostile agents files', () => {
  it('refuses a folder, a named pipe, a file over 16 MiB and bytes that are not UTF-8, without reading past the check', async () => {
    const dir = await makeInput({ 'bad.json': Buffer.from([0x7b, 0xff, 0x7d]), 'sub/x': '' });
    const big = join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, MAX_AGENTS_FILE_BYTES + 1);
    const problems = async (file: string): Promise<string[]> => {
      const error = await loadAgentsFile(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).diagnostics.map(formatDiagnostic);
    };
    expect(await problems(join(dir, 'sub'))).toEqual([`${join(dir, 'sub')}: (file): must be a regular file`]);
    expect(await problems(big)).toEqual([`${big}: (file): larger than 16777216 bytes`]);
    expect(await problems(join(dir, 'bad.json'))).toEqual([`${join(dir, 'bad.json')}: (file): not valid UTF-8`]);
    if (process.platform !== 'win32') {
      execFileSync('mkfifo', [join(dir, 'pipe.json')]);
      expect(await problems(join(dir, 'pipe.json'))).toEqual([`${join(dir, 'pipe.json')}: (file): must be a regular file`]);
    }
  });
});

describe('resolveAgentsFile (default rule)', () => {
  const present = (): boolean => true;
  const absent = (): boolean => false;
  it('uses data/agents.json only for the default input folder, and only when it exists', () => {
    expect(resolveAgentsFile('data/phase20', null, present)).toBe(DEFAULT_AGENTS_FILE);
    expect(resolveAgentsFile('./data/phase20/', null, present)).toBe('data/agents.json');
    expect(resolveAgentsFile('data/phase20', null, absent)).toBeNull();
    expect(resolveAgentsFile('data/other', null, present)).toBeNull();
  });
  it('always takes an explicit file', () => {
    expect(resolveAgentsFile('data/phase20', 'mine.json', absent)).toBe('mine.json');
    expect(resolveAgentsFile('elsewhere', 'mine.json', absent)).toBe('mine.json');
  });
});
