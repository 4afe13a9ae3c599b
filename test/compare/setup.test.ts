import { describe, expect, it } from 'vitest';
import { AGENTS_FILE_KEY, comparability, inputKey, optionDiffs, snakeCase, type RunSetup } from '../../src/compare/setup.ts';
import { SHA } from './helpers.ts';

describe('inputKey', () => {
  it('names Phase 20 files by their path below the input folder, wherever that was', () => {
    expect(inputKey({ path: 'data/phase20/wave_1/agent_0/predicted_tasks.jsonl', kind: 'predicted_tasks', sha256: '' })).toBe('wave_1/agent_0/predicted_tasks.jsonl');
    expect(inputKey({ path: '/abs/elsewhere/wave_12/agent_x/predicted_schedule.jsonl', kind: 'predicted_schedule', sha256: '' })).toBe('wave_12/agent_x/predicted_schedule.jsonl');
    expect(inputKey({ path: 'C:\\in\\wave_2\\agent_1\\predicted_tasks.jsonl', kind: 'predicted_tasks', sha256: '' })).toBe('wave_2/agent_1/predicted_tasks.jsonl');
    expect(inputKey({ path: 'flat/predicted_tasks.jsonl', kind: 'predicted_tasks', sha256: '' })).toBe('predicted_tasks.jsonl');
  });

  it('names the agents file by its role, whatever its name, and other kinds by kind and base name', () => {
    expect(inputKey({ path: 'data/agents.json', kind: 'agents', sha256: '' })).toBe(AGENTS_FILE_KEY);
    expect(inputKey({ path: '/tmp/worse.json', kind: 'agents', sha256: '' })).toBe(AGENTS_FILE_KEY);
    expect(inputKey({ path: 'rec/outcomes.jsonl', kind: 'outcomes', sha256: '' })).toBe('(outcomes) outcomes.jsonl');
  });
});

describe('optionDiffs', () => {
  it('snake_cases keys', () => {
    expect(snakeCase('maxAttempts')).toBe('max_attempts');
    expect(snakeCase('waveDeadlineS')).toBe('wave_deadline_s');
    expect(snakeCase('max_attempts')).toBe('max_attempts');
  });

  it('lists every differing leaf, deep, in key order, with null for an absent key', () => {
    const a = { strategy: 'load_balanced', retry: { policy: 'exponential', maxAttempts: 4 }, seed: 21, gates: { allowHighRisk: false }, steal: true };
    const b = { strategy: 'confidence', retry: { policy: 'exponential', maxAttempts: 2 }, seed: 21, gates: { allowHighRisk: false }, breaker: 'sampling' };
    expect(optionDiffs(a, b)).toEqual([
      { option: 'strategy', a: 'load_balanced', b: 'confidence' },
      { option: 'retry.max_attempts', a: 4, b: 2 },
      { option: 'steal', a: true, b: null },
      { option: 'breaker', a: null, b: 'sampling' },
    ]);
  });

  it('compares camelCase with snake_case manifests, and leaves out paths and output settings', () => {
    const old = { input: 'a/in', out: 'out-a', reportDir: 'r1', agentsFile: 'x.json', quiet: true, json: false, debug: false, resume: false, durationNoise: 0.25, waves: [1, 2] };
    const renamed = { input: 'b/in', out: 'out-b', report_dir: 'r2', agents_file: 'y.json', quiet: false, json: true, debug: true, resume: true, duration_noise: 0.25, waves: [1, 2] };
    expect(optionDiffs(old, renamed)).toEqual([]);
    expect(optionDiffs({ waves: [1, 2] }, { waves: [1, 3] })).toEqual([{ option: 'waves', a: [1, 2], b: [1, 3] }]);
  });
});

describe('comparability', () => {
  const setup = (over: Partial<RunSetup> = {}): RunSetup => ({
    status: 'completed',
    version: '0.1.0',
    options: { seed: 21 },
    inputs: [
      { path: 'in/wave_1/agent_0/predicted_tasks.jsonl', kind: 'predicted_tasks', sha256: SHA('a') },
      { path: 'data/agents.json', kind: 'agents', sha256: SHA('c') },
    ],
    ...over,
  });

  it('same inputs, options and version: no note', () => {
    const k = comparability(setup(), setup({ inputs: setup().inputs.map((f) => ({ ...f, path: `/elsewhere/${f.path}` })) }));
    expect(k).toMatchObject({ same_inputs: true, same_options: true, same_version: true, notes: [], options: [] });
    expect(k.inputs.map((f) => [f.file, f.change])).toEqual([
      [AGENTS_FILE_KEY, 'same'],
      ['wave_1/agent_0/predicted_tasks.jsonl', 'same'],
    ]);
  });

  it('a changed agents file, a file in B only, another seed, another version and an aborted run are all named', () => {
    const b = setup({
      status: 'aborted',
      version: '0.2.0',
      options: { seed: 22 },
      inputs: [...setup().inputs.map((f) => (f.kind === 'agents' ? { ...f, sha256: SHA('d') } : f)), { path: 'in/wave_2/agent_0/predicted_tasks.jsonl', kind: 'predicted_tasks', sha256: SHA('e') }],
    });
    const k = comparability(setup(), b);
    expect(k.same_inputs).toBe(false);
    expect(k.same_options).toBe(false);
    expect(k.same_version).toBe(false);
    expect(k.inputs.filter((f) => f.change !== 'same')).toEqual([
      { file: AGENTS_FILE_KEY, sha256_a: SHA('c'), sha256_b: SHA('d'), change: 'changed' },
      { file: 'wave_2/agent_0/predicted_tasks.jsonl', sha256_a: null, sha256_b: SHA('e'), change: 'only_in_b' },
    ]);
    expect(k.notes).toEqual([
      'run B was aborted (--abort-on-failure-rate): it covers only the waves that ran; the tasks of the others count as in one run only',
      'THE INPUTS DIFFER (1 changed, 1 only in B): tasks are paired on (wave, task_id), so a delta mixes the change of input with the change of run',
      '1 option differs: seed',
      'the runs were made by different harness versions (0.1.0 and 0.2.0)',
    ]);
  });
});
