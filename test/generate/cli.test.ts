import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGenerateArgs } from '../../scripts/generate.ts';
import { UsageError } from '../../src/errors.ts';
import { DEFAULT_BASE_TIME } from '../../src/generate/phase20.ts';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const script = path.join(projectRoot, 'scripts', 'generate.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-cli-'));
afterAll(() => { fs.rmSync(root, { recursive: true, force: true }); });

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: projectRoot, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full), fs.readFileSync(full, 'utf8'));
    }
  }
  return files;
}

describe('parseGenerateArgs', () => {
  it('defaults to the committed sample data', () => {
    expect(parseGenerateArgs([])).toEqual({
      config: { waves: 3, tasks: 200, agents: 4, seed: 20, baseTime: DEFAULT_BASE_TIME, dependencies: 0, capabilities: false },
      out: 'data/phase20',
      layout: 'tree',
      agentsOut: null,
      help: false,
    });
  });

  it('reads every option', () => {
    const args = parseGenerateArgs(['--waves', '4', '--tasks', '62500', '--agents', '2', '--seed', '0', '--out', 'x', '--layout', 'flat', '--agents-out', 'a.json', '--base-time', '2020-01-01T00:00:00Z', '--dependencies', '3', '--capabilities', '-h']);
    expect(args).toEqual({
      config: { waves: 4, tasks: 62500, agents: 2, seed: 0, baseTime: '2020-01-01T00:00:00Z', dependencies: 3, capabilities: true },
      out: 'x',
      layout: 'flat',
      agentsOut: 'a.json',
      help: true,
    });
  });

  it.each([
    [['--waves', '0'], /--waves must be an integer >= 1/],
    [['--tasks', '1.5'], /--tasks must be an integer >= 1/],
    [['--agents', 'four'], /--agents must be an integer >= 1/],
    [['--seed=-3'], /--seed must be an integer >= 0/],
    [['--seed', '-3'], /^Option '--seed' argument is ambiguous\.[^\n]*\(see --help\)$/],
    [['--layout', 'nested'], /--layout must be tree or flat/],
    [['--base-time', 'noon'], /--base-time/],
    [['--bogus'], /bogus/],
    [['stray'], /stray/],
    [['--out', ''], /--out/],
    [['--dependencies', '-1'], /argument is ambiguous/],
    [['--dependencies', 'x'], /--dependencies must be an integer >= 0/],
    [['--dependencies', '101'], /^--dependencies must be an integer from 0 to 100, got 101$/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseGenerateArgs(argv)).toThrow(UsageError);
    expect(() => parseGenerateArgs(argv)).toThrow(message);
  });
});

describe('generate CLI', () => {
  it('reproduces the committed data/phase20 and data/agents.json byte for byte', () => {
    const out = path.join(root, 'phase20');
    const agentsOut = path.join(root, 'agents.json');
    const result = run(['--waves', '3', '--tasks', '200', '--agents', '4', '--seed', '20', '--out', out, '--agents-out', agentsOut]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/2400 prediction rows, 600 schedule rows/);
    const committed = readTree(path.join(projectRoot, 'data', 'phase20'));
    expect(committed.size).toBe(24);
    expect(readTree(out)).toEqual(committed);
    expect(fs.readFileSync(agentsOut, 'utf8')).toBe(fs.readFileSync(path.join(projectRoot, 'data', 'agents.json'), 'utf8'));
  });

  it('prints help and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run generate/);
    expect(result.stdout).toMatch(/--layout/);
  });

  it('reports a bad value on one line, without a stack, and exits 2', () => {
    const result = run(['--waves', 'three']);
    expect(result.status).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('npm warn'));
    expect(lines).toEqual(['generate: error: --waves must be an integer >= 1, got "three"']);
  });

  it('refuses to wipe a folder with user files, exits 2 and leaves it alone', () => {
    const out = path.join(root, 'user');
    fs.mkdirSync(path.join(out, 'wave_1'), { recursive: true });
    fs.writeFileSync(path.join(out, 'notes.md'), 'mine');
    const result = run(['--waves', '1', '--tasks', '1', '--agents', '1', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/notes\.md.*refusing/);
    expect(fs.readFileSync(path.join(out, 'notes.md'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(path.join(out, 'wave_1'))).toEqual([]);
  });
});
