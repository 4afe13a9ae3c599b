/**
 * `npm run import -- wfcommons ...`: arguments, messages and exit codes, through the CLI entry
 * (`main(['import', ...])`) with fake streams, and once through a real process.
 *
 * The schema is the real WfFormat schema when ../shared/fixtures is present, else a schema
 * that accepts everything (the importer's own rules still run).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { DIAMOND, makeInstance, PROJECT_ROOT, SCHEMA_PATH, schemaPresent } from './helpers.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
afterAll(() => { fs.rmSync(root, { recursive: true, force: true }); });
let counter = 0;
const fresh = (): string => path.join(root, `out-${++counter}`);

const schema = schemaPresent ? SCHEMA_PATH : path.join(root, 'any-schema.json');
if (!schemaPresent) fs.writeFileSync(schema, '{}');

function writeJson(name: string, value: unknown): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

const diamondFile = writeJson('diamond.json', makeInstance(DIAMOND, 'diamond'));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Fake process streams: not a terminal, empty environment, clock at 0. */
function fakeIo(stdout: CliIo['stdout'], stderr: CliIo['stderr']): CliIo {
  return { stdout, stderr, env: {}, isTTY: false, now: () => 0 };
}

async function run(argv: readonly string[], wfformatSchemaPath = schema): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['import', ...argv], fakeIo({ write: (t: string) => (stdout += t) }, { write: (t: string) => (stderr += t) }), { version: 'test', wfformatSchemaPath });
  return { code, stdout, stderr };
}

describe('help', () => {
  it('lists the wfcommons command', async () => {
    const result = await run(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: npm run import -- \[options\] \[command\]/);
    expect(result.stdout).toMatch(/wfcommons \[options\] <instance>/);
  });

  it('describes every option of wfcommons, with defaults and an example', async () => {
    const result = await run(['wfcommons', '--help']);
    expect(result.code).toBe(0);
    for (const text of ['Usage: npm run import -- wfcommons [options] <instance>', '--out <dir>', '--agents <n>', '(default: "4")', '--seed <s>', '(default: "20")', '--schema <file>', 'npm run phase -- --input data/montage']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('prints help on stderr and exits 2 without a command', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: npm run import --/);
  });
});

describe('usage errors: exit 2, one message and the hint, nothing written', () => {
  it.each([
    [['pegasus', 'x.json'], "unknown command 'pegasus'"],
    [['wfcommons', 'x.json'], "required option '--out <dir>' not specified"],
    [['wfcommons', '--out', 'o'], "missing required argument 'instance'"],
    [['wfcommons', 'x.json', '--out', 'o', '--bogus'], '--bogus: unknown option'],
    [['wfcommons', 'x.json', '--out', 'o', '--agent', '3'], '--agent: unknown option (did you mean --agents?)'],
    [['wfcommons', 'x.json', '--out'], '--out: missing value; expected an output folder that does not exist or is empty'],
    [['wfcommons', 'x.json', '--out', ''], '--out: must not be empty'],
    [['wfcommons', 'x.json', '--out', 'o', '--debug=yes'], '--debug: takes no value, got "yes"'],
    [['wfcommons', 'x.json', 'y.json', '--out', 'o'], "too many arguments for 'wfcommons'. Expected 1 argument but got 2."],
    [['wfcommons', 'x.json', '--out', 'o', '--agents', '0'], '--agents: must be an integer from 1 to 1000, got "0"'],
    [['wfcommons', 'x.json', '--out', 'o', '--agents', '1001'], '--agents: must be an integer from 1 to 1000, got "1001"'],
    [['wfcommons', 'x.json', '--out', 'o', '--agents', 'four'], '--agents: must be an integer from 1 to 1000, got "four"'],
    [['wfcommons', 'x.json', '--out', 'o', '--seed', '1.5'], '--seed: must be a safe integer, got "1.5"'],
  ])('%j', async (argv, message) => {
    expect(await run(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\nRun with --help for usage.\n` });
  });

  it('refuses an --out that holds anything', async () => {
    const out = fresh();
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
    expect(await run(['wfcommons', diamondFile, '--out', out])).toEqual({
      code: 2,
      stdout: '',
      stderr: `--out: ${out} exists and is not empty; choose a new or empty folder\nRun with --help for usage.\n`,
    });
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  it('says where the default schema was looked for when it is absent', async () => {
    const missing = path.join(root, 'no-such-schema.json');
    const result = await run(['wfcommons', diamondFile, '--out', fresh()], missing);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `--schema: the WfFormat 1.5 JSON Schema is not at ${missing}; pass --schema FILE (wfcommons-schema.json from github.com/wfcommons/WfFormat)\nRun with --help for usage.\n`,
    });
  });

  it('refuses a --schema file that is not a JSON Schema', async () => {
    const result = await run(['wfcommons', diamondFile, '--out', fresh(), '--schema', diamondFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`--schema: ${diamondFile}: not a usable JSON Schema: strict mode: unknown keyword: "name"\nRun with --help for usage.\n`);
  });
});

describe('input errors: exit 2, file: field: problem, nothing written', () => {
  it('names a missing instance', async () => {
    const out = fresh();
    const file = path.join(root, 'missing.json');
    expect(await run(['wfcommons', file, '--out', out])).toEqual({
      code: 2,
      stdout: '',
      stderr: `${file}: (file): cannot read (ENOENT)\ninput error: 1 error in the input; nothing was written\n`,
    });
    expect(fs.existsSync(out)).toBe(false);
  });

  it('names every rule broken, with the warnings first', async () => {
    const file = writeJson('broken.json', makeInstance([{ id: 'a', parents: ['c', 'c'] }, { id: 'b', parents: ['a', 'ghost'] }, { id: 'c', parents: ['b'] }]));
    const out = fresh();
    expect(await run(['wfcommons', file, '--out', out])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `warning: ${file}: workflow.specification.tasks.0.parents.1: "c" is listed twice; kept once\n` +
        `${file}: workflow.specification.tasks.1.parents.1: unknown task "ghost"\n` +
        `${file}: workflow.specification.tasks.0.parents: cycle: a -> b -> c -> a\n` +
        'input error: 2 errors in the input; nothing was written\n',
    });
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('a successful import', () => {
  it('writes the tree, prints warnings and one closing line, exits 0', async () => {
    const file = writeJson('partial.json', makeInstance([...DIAMOND.slice(0, 3), { id: 'merge', parents: ['align.left_1', 'align.right_2'], runtime: null }], 'partial'));
    const out = fresh();
    expect(await run(['wfcommons', file, '--out', out, '--agents', '3', '--seed', '-4'])).toEqual({
      code: 0,
      stdout: '',
      stderr:
        `warning: ${file}: workflow.execution.tasks: 1 task has no runtime record ("merge"); it gets 30 s\n` +
        `imported partial (4 tasks, 4 dependencies, 1 root, 1 runtime raised to 0.01 s, 1 task without runtime) for 3 agents: 12 rows -> ${out}/wave_1\n`,
    });
    expect(fs.readdirSync(path.join(out, 'wave_1')).sort()).toEqual(['agent_0', 'agent_1', 'agent_2']);
  });
});

describe('internal errors', () => {
  async function failingRun(argv: readonly string[]): Promise<Run> {
    let stderr = '';
    const failing = { write: (): never => { throw new Error('stdout closed'); } };
    const code = await main(['import', ...argv], fakeIo(failing, { write: (t: string) => (stderr += t) }), { version: 'test', wfformatSchemaPath: schema });
    return { code, stdout: '', stderr };
  }

  it('are reported as a bug with exit 3, the stack only with --debug', async () => {
    expect(await failingRun(['wfcommons', '--help'])).toEqual({ code: 3, stdout: '', stderr: 'internal error (this is a bug, please report it): stdout closed\n' });
    const debug = await failingRun(['wfcommons', '--help', '--debug']);
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/^internal error \(this is a bug, please report it\): stdout closed\nError: stdout closed\n\s+at /);
  });
});

describe('the npm script entry', () => {
  it('runs as a process: exit 0 and the tree, then exit 2 for the same --out', () => {
    const out = fresh();
    // What `npm run import -- wfcommons ...` runs.
    const args = ['--import', 'tsx', path.join('src', 'cli', 'main.ts'), 'import', 'wfcommons', diamondFile, '--out', out, '--schema', schema, '--agents', '2'];
    const first = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(first.stderr).toBe(`imported diamond (4 tasks, 4 dependencies, 1 root, 1 runtime raised to 0.01 s) for 2 agents: 8 rows -> ${out}/wave_1\n`);
    expect(first.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'wave_1', 'agent_1', 'predicted_tasks.jsonl'), 'utf8').split('\n')[0]).toBe(
      '{"task_id": "fetch", "agent_id": "agent_1", "predicted_success_probability": 0.8743, "predicted_execution_time": 10.0, "depends_on": []}',
    );
    const second = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(second.status).toBe(2);
    expect(second.stderr).toBe(`--out: ${out} exists and is not empty; choose a new or empty folder\nRun with --help for usage.\n`);
  });
});
