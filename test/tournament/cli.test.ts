/**
 * `npm run tournament` end to end with real child processes (contract section 14): the same
 * bytes with --jobs 1 and --jobs 2, replication 3 equal to the plain run with --seed 3, and
 * the errors: bad options (exit 2, nothing written), a folder that is not a tournament's, and
 * a replication that fails (exit 2 naming it, no child left running).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { tournamentSchema } from '../../src/tournament/schema.ts';
import { gridPredictions, PROJECT_ROOT, readTree, readTreeWithoutManifest, removeTempDirs, tempDir, writeTreeInput } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

interface Ran {
  readonly code: number;
  readonly stderr: string;
}

/** Runs `main` in-process; its replications are real child processes of the CLI entry. */
async function cli(argv: readonly string[]): Promise<Ran> {
  const err: string[] = [];
  const code = await main(argv, {
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s) },
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
    isTTY: false,
    now: () => 0,
    self: { execPath: process.execPath, execArgv: ['--import', 'tsx'], script: path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts') },
  });
  return { code, stderr: err.join('') };
}

let root = '';
let input = '';
const EPOCH = ['--epoch', '2026-01-01T00:00:00Z'];

beforeAll(() => {
  root = tempDir('p21-tourney-');
  input = path.join(root, 'in');
  writeTreeInput(input, gridPredictions(2, 12, 3, (w, t, a) => 0.35 + ((w * 7 + t * 5 + a * 11) % 60) / 100, (w, t) => 10 + ((w + t) % 4) * 5));
});

const TOURNAMENT = (out: string, jobs: number): string[] => ['tournament', '--input', input, '--strategies', 'load_balanced,round_robin', '--replications', '3', '--jobs', String(jobs), '--out', out, ...EPOCH, '--max-attempts', '3'];

describe('tournament: bytes and replications', () => {
  let one = '';
  let two = '';
  let firstRun: Ran;

  beforeAll(async () => {
    one = path.join(root, 'jobs1');
    two = path.join(root, 'jobs2');
    firstRun = await cli(TOURNAMENT(one, 1));
    await cli([...TOURNAMENT(two, 2), '--quiet']);
  }, 300_000);

  it('finishes with progress and a closing line on stderr', () => {
    expect(firstRun.code).toBe(0);
    expect(firstRun.stderr).toContain('tournament: 2 strategies x 3 replications = 6 runs, 1 at a time');
    expect(firstRun.stderr).toMatch(/\[6\/6\] round_robin seed 3: health \d+\.\d\d \| \d+:\d\d elapsed, ETA 0:00/);
    expect(firstRun.stderr).toContain('tournament.md, tournament.json, tournament.svg');
  });

  it('--jobs 1 and --jobs 2 write the same bytes: tournament files and every run folder (run.json aside)', () => {
    for (const file of ['tournament.json', 'tournament.md', 'tournament.svg']) {
      expect(fs.readFileSync(path.join(two, file), 'utf8'), file).toBe(fs.readFileSync(path.join(one, file), 'utf8'));
    }
    // Each run folder's run.json holds its paths and wall-clock times (contract section 8).
    const withoutManifests = (dir: string): Map<string, string> => new Map([...readTree(dir)].filter(([file]) => !file.endsWith('/run.json')));
    const a = withoutManifests(path.join(one, 'runs'));
    const b = withoutManifests(path.join(two, 'runs'));
    expect(a.size).toBeGreaterThan(6 * 10);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [file, text] of a) expect(b.get(file), file).toBe(text);
  });

  it('tournament.json lists every replication by strategy then seed and passes its schema and the published JSON Schema', () => {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(one, 'tournament.json'), 'utf8'));
    const published = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'schemas', 'tournament.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(published);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const doc = tournamentSchema.parse(json);
    expect(doc.runs.map((r) => r.run)).toEqual(['load_balanced', 'round_robin'].flatMap((s) => [1, 2, 3].map((i) => `runs/${s}/seed_${i}`)));
    expect(doc.options).toEqual({ epoch: '2026-01-01T00:00:00.000Z', max_attempts: 3 });
    const health = JSON.parse(fs.readFileSync(path.join(one, 'runs', 'round_robin', 'seed_2', 'phase21_system_health.json'), 'utf8')) as { run: { health: { score: number } } };
    expect(doc.runs.find((r) => r.run === 'runs/round_robin/seed_2')?.health_score).toBe(health.run.health.score);
  });

  it('replication 3 of round_robin is byte for byte the plain run with --strategy round_robin --seed 3', async () => {
    const plain = path.join(root, 'plain');
    const ran = await cli(['phase', '--input', input, '--strategy', 'round_robin', '--seed', '3', '--out', plain, '--report-dir', path.join(plain, 'reports'), ...EPOCH, '--max-attempts', '3', '--quiet']);
    expect(ran.code).toBe(0);
    const expected = readTreeWithoutManifest(plain);
    const actual = readTreeWithoutManifest(path.join(one, 'runs', 'round_robin', 'seed_3'));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected) expect(actual.get(file), file).toBe(text);
  });

  it('a second tournament into the same folder replaces it whole', async () => {
    const ran = await cli(['tournament', '--input', input, '--strategies', 'priority', '--replications', '1', '--jobs', '1', '--out', two, ...EPOCH, '--quiet']);
    expect(ran.code).toBe(0);
    expect(fs.readdirSync(path.join(two, 'runs'))).toEqual(['priority']);
    expect(fs.readFileSync(path.join(two, 'tournament.md'), 'utf8')).toContain('One strategy: no pair to compare.');
  }, 120_000);
});

describe('tournament: errors', () => {
  it('an unknown strategy is exit 2 naming the nearest, nothing written', async () => {
    const out = path.join(root, 'bad1');
    const ran = await cli(['tournament', '--input', input, '--strategies', 'load_balanced,round_robbin', '--out', out]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--strategies: unknown strategy "round_robbin" (did you mean round_robin?)');
    expect(fs.existsSync(out)).toBe(false);
  });

  it.each([
    [['--replications', '0'], '--replications: expected an integer >= 1, got "0"'],
    [['--jobs', 'two'], '--jobs: expected an integer >= 1, got "two"'],
    [['--strategies', 'priority,priority'], '--strategies: priority is listed twice'],
    [['--strategies', 'priority,'], '--strategies: expected a comma-separated list'],
    [['--waves', '0'], '--waves: expected an integer >= 1, got "0"'],
    [['--seed', '3'], '--seed: unknown option'],
    [['--strategy', 'priority'], '--strategy: unknown option (did you mean --strategies?)'],
  ])('%j is exit 2: %s', async (args, message) => {
    const out = path.join(root, 'bad2');
    const ran = await cli(['tournament', '--input', input, '--out', out, ...args]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(message);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a non-empty folder that is not a tournament folder is refused and left alone', async () => {
    const out = path.join(root, 'mine');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'keep me');
    const ran = await cli(['tournament', '--input', input, '--strategies', 'priority', '--replications', '1', '--out', out]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('is not empty and not a tournament folder');
    expect(readTree(out)).toEqual(new Map([['notes.txt', 'keep me']]));
  });

  it('--out holding the input is refused', async () => {
    const ran = await cli(['tournament', '--input', input, '--strategies', 'priority', '--replications', '1', '--out', root]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`--out: refusing ${JSON.stringify(root)}`);
    expect(ran.stderr).toContain('holds the --input folder');
  });

  it('a replication that fails is exit 2 naming it, with its stderr, and no tournament files', async () => {
    const bad = path.join(root, 'bad-input');
    writeTreeInput(bad, gridPredictions(1, 3, 2, () => 0.8));
    fs.appendFileSync(path.join(bad, 'wave_1', 'agent_0', 'predicted_tasks.jsonl'), '{"task_id": "x"}\n');
    const out = path.join(root, 'failed');
    const ran = await cli(['tournament', '--input', bad, '--strategies', 'priority,confidence', '--replications', '2', '--jobs', '2', '--out', out, '--quiet']);
    expect(ran.code).toBe(2);
    // With two at a time, either of the first two may fail first; the other is stopped.
    expect(ran.stderr).toMatch(/^tournament: replication runs\/priority\/seed_([12]) \(phase --strategy priority --seed \1\) exited with code 2; the other runs were stopped\nits stderr:\n/);
    expect(ran.stderr).toContain('predicted_tasks.jsonl:4');
    expect(fs.existsSync(path.join(out, 'tournament.json'))).toBe(false);
  }, 120_000);
});
