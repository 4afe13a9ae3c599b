/**
 * The compiled command line (scripts/build.ts): built into a fresh folder inside the project
 * (so its imports of node_modules and its package.json resolve as they do from `dist/cli/`),
 * then run as a child process. Every other test runs the TypeScript sources (in-process, or
 * `node --import tsx src/cli/main.ts`), so a stale `dist/` can hide nothing; this file checks
 * that the bundle of the current sources behaves as the sources do: the same help, version,
 * artifacts and errors, and that `--help` loads no command's work.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build.ts';
import { DEFAULT_BASE_TIME } from '../../src/generate/phase20.ts';
import { writeAgentsFile, writePhase20 } from '../../src/generate/write-tree.ts';
import { outArgs, PROJECT_ROOT, readRunFiles, removeTempDirs, runCli, runDirs, tempDir, type CliRun } from '../e2e/helpers.ts';

const OUT = path.join(PROJECT_ROOT, '.tmp', `build-test-${process.pid}`, 'cli');

/** Runs the built CLI with `argv`; never rejects. */
function runBuilt(argv: readonly string[], nodeArgs: readonly string[] = []): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, path.join(OUT, 'main.js'), ...argv], { cwd: PROJECT_ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await buildCli(OUT);
});
afterAll(() => {
  rmSync(path.dirname(OUT), { recursive: true, force: true });
  removeTempDirs();
});

describe('the built CLI', () => {
  it('is an entry file and chunks, no TypeScript', () => {
    const files = readdirSync(OUT);
    expect(files).toContain('main.js');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('prints the same --help and --version as the sources', async () => {
    for (const argv of [['--help'], ['phase', '--help'], ['compare', '--help'], ['import', 'wfcommons', '--help'], ['--version']]) {
      const [built, source] = await Promise.all([runBuilt(argv), runCli(argv)]);
      expect(built, argv.join(' ')).toEqual(source);
    }
    expect((await runBuilt(['--version'])).stdout).toBe(`${(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('loads no command work for --help: no pipeline, compare, import or tournament module', async () => {
    // A preload lists every file URL the ESM loader resolves, through a hook thread-free enough for Node 20.
    const preload = `data:text/javascript,${encodeURIComponent(
      "import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(\"export async function load(u, c, n) { if (u.startsWith('file:')) process.stderr.write('LOADED ' + u + '\\\\n'); return n(u, c); }\"));",
    )}`;
    const run = await runBuilt(['--help'], ['--import', preload]);
    expect(run.code).toBe(0);
    const loaded = run.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
    expect(loaded.some((u) => u.endsWith('/main.js'))).toBe(true);
    // ajv (import) and proper-lockfile (the output folder's lock) are external: loaded only by a run.
    expect(loaded.filter((u) => u.includes('/node_modules/'))).toEqual([]);
    const text = loaded.map((u) => readFileSync(new URL(u), 'utf8')).join('\n');
    expect(text).not.toContain('function runPhase21(');
    expect(text).not.toContain('function compareRuns(');
    expect(text).not.toContain('function checkWfCommonsInstance(');
    expect(text).not.toContain('function runTournament(');
  });

  it('writes the same artifacts as the sources, and the same errors', async () => {
    const root = tempDir('p21-build-');
    const input = path.join(root, 'in');
    const agents = path.join(root, 'agents.json');
    writePhase20({ waves: 2, tasks: 40, agents: 3, seed: 5, baseTime: DEFAULT_BASE_TIME, dependencies: 2 }, 'tree', input);
    writeAgentsFile(agents, 3);
    const [a, b] = [runDirs('p21-build-a-'), runDirs('p21-build-b-')];
    const args = ['--input', input, '--agents-file', agents, '--seed', '9', '--quiet'];
    const built = await runBuilt([...args, ...outArgs(a)]);
    const source = await runCli([...args, ...outArgs(b)]);
    expect(built.code).toBe(0);
    expect(built.code).toBe(source.code);
    const files = readRunFiles(a);
    expect(files.size).toBeGreaterThan(10);
    expect(files).toEqual(readRunFiles(b));

    const bad = ['--input', path.join(root, 'missing'), '--out', path.join(root, 'never'), '--quiet'];
    const [builtBad, sourceBad] = [await runBuilt(bad), await runCli(bad)];
    expect(builtBad.code).toBe(2);
    expect(builtBad).toEqual(sourceBad);
  });
});
