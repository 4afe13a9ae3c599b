/**
 * `npm run crash -- [--points all|N] [--jobs J] [--seed S]`
 *
 * The crash test in the SQLite manner (contract section 12), with real processes: for every
 * call N of the writing layer (src/io/output-fs.ts) of a small three-wave run, the harness is
 * started with PHASE21_CRASH_AT=N, which makes it send itself SIGKILL at that call (a `write`
 * writes half its bytes first); then `--resume` runs in the same folder, and every artifact
 * and the report must equal an uninterrupted run's, byte for byte, with no temporary file or
 * lock left.
 *
 * `--points N` takes a seeded sample of N points instead of all; `--jobs J` runs J points at
 * once (default 2). Prints one line per failing point and a summary; exit 0 when every point
 * passed, 1 otherwise, 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { countingFs, NODE_OUTPUT_FS } from '../src/io/output-fs.ts';
import { PROJECT_ROOT, removeTempDirs } from '../test/e2e/helpers.ts';
import type { RunDirs } from '../test/e2e/helpers.ts';
import { artifactsOf, freshDirs, leftovers, run, samplePoints, smallOptions, testEnv, writeSmallInput, type SmallInput } from '../test/run/helpers.ts';

/** The command line of `smallOptions` (test/run/helpers.ts). */
function smallArgs(small: SmallInput, dirs: RunDirs): string[] {
  return [
    '--input', small.input, '--agents-file', small.agents, '--out', dirs.out, '--report-dir', dirs.report,
    '--seed', '5', '--epoch', '2026-02-01T00:00:00.000Z', '--max-attempts', '3', '--breaker', 'consecutive', '--breaker-threshold', '2', '--breaker-cooldown', '40', '--quiet',
  ];
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'main.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
}

/** Kills at `at`, resumes, compares; returns null when all is well, else what went wrong. */
async function checkPoint(small: SmallInput, reference: ReadonlyMap<string, string>, at: number): Promise<string | null> {
  const dirs = freshDirs();
  const killed = await cli(smallArgs(small, dirs), { PHASE21_CRASH_AT: String(at) });
  if (killed.signal !== 'SIGKILL') return `not killed (exit ${String(killed.code)}): ${killed.stderr.trim()}`;
  const resumed = await cli([...smallArgs(small, dirs), '--resume']);
  if (resumed.code !== 0) return `--resume exited ${String(resumed.code ?? resumed.signal)}: ${resumed.stderr.trim()}`;
  const files = artifactsOf(dirs);
  const keys = [...new Set([...files.keys(), ...reference.keys()])].sort();
  const differing = keys.filter((k) => files.get(k) !== reference.get(k));
  if (differing.length > 0) return `differs from the uninterrupted run: ${differing.join(', ')}`;
  const left = leftovers(dirs.out);
  if (left.length > 0) return `left behind: ${left.join(', ')}`;
  return null;
}

/** Runs the crash test; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { points: { type: 'string' }, jobs: { type: 'string' }, seed: { type: 'string' } } }));
  } catch (error: unknown) {
    process.stderr.write(`crash: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const jobs = Number(values.jobs ?? '2');
  const seed = Number(values.seed ?? '21');
  const pointsArg = values.points ?? 'all';
  if (!Number.isSafeInteger(jobs) || jobs < 1 || !Number.isSafeInteger(seed) || (pointsArg !== 'all' && !/^[1-9]\d*$/.test(pointsArg))) {
    process.stderr.write('crash: --points takes all or an integer >= 1, --jobs an integer >= 1, --seed an integer\n');
    return 2;
  }
  const started = performance.now();
  const small = writeSmallInput();
  const referenceDirs = freshDirs();
  let total = 0;
  await run(smallOptions(small, referenceDirs), testEnv({ outputFs: countingFs(NODE_OUTPUT_FS, () => { total += 1; }) }));
  const reference = artifactsOf(referenceDirs);
  const points = pointsArg === 'all' ? Array.from({ length: total }, (_, i) => i + 1) : samplePoints(total, Number(pointsArg), seed);
  process.stderr.write(`crash: ${points.length} of ${total} kill points, ${jobs} at a time\n`);
  const failures: string[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < points.length; i = next++) {
      const at = points[i] ?? 0;
      const problem = await checkPoint(small, reference, at);
      if (problem !== null) {
        failures.push(`PHASE21_CRASH_AT=${at}: ${problem}`);
        process.stderr.write(`crash: PHASE21_CRASH_AT=${at}: ${problem}\n`);
      }
      done += 1;
      if (done % 20 === 0) process.stderr.write(`crash: ${done}/${points.length} points\n`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  removeTempDirs();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`crash: ${points.length - failures.length} passed, ${failures.length} failed (${points.length} kill points of ${total}, ${seconds} s)\n`);
  return failures.length === 0 ? 0 : 1;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = await main(process.argv.slice(2));
