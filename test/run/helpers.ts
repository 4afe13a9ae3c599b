/**
 * Helpers of the run-state tests (test/run): a small three-wave input whose circuit breaker
 * opens and closes across wave boundaries, in-process runs through `runPhase21` with a fixed
 * clock, and a run's files for byte comparison.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/options.ts';
import { runPhase21, type RunEnvironment, type RunResult } from '../../src/pipeline.ts';
import { SILENT_PROGRESS, type ProgressSink } from '../../src/ports.ts';
import { gridPredictions, readRunFiles, runDirs, tempDir, writeAgentsFile, writeTreeInput, type RunDirs } from '../e2e/helpers.ts';

/** The version every test run records (resume compares it). */
export const TEST_VERSION = 'test';

/** A fixed wall clock: run.json is the only file that shows it. */
export const FIXED_CLOCK = { now: (): Date => new Date('2026-03-01T12:00:00.000Z') };

/** The environment of an in-process run, with `over` replacing parts. */
export function testEnv(over: Partial<RunEnvironment> = {}): RunEnvironment {
  return { clock: FIXED_CLOCK, progress: SILENT_PROGRESS, version: TEST_VERSION, ...over };
}

/** Where the three-wave input lives. */
export interface SmallInput {
  readonly input: string;
  readonly agents: string;
}

/**
 * Three waves x 4 tasks x 2 agents; agent_1 is 45 points worse than predicted, so with
 * `--breaker-threshold 2` its circuit opens in wave 1, and with a 40 s cooldown its cooldown
 * timer is pending at a wave's end (the checkpoint must carry it).
 */
export function writeSmallInput(): SmallInput {
  const root = tempDir('p21-run-in-');
  const input = path.join(root, 'phase20');
  const agents = path.join(root, 'agents.json');
  writeTreeInput(
    input,
    gridPredictions(3, 4, 2, (w, t, a) => 0.55 + 0.05 * ((w + t + a) % 6), (w, t, a) => 10 + 3 * ((w * 7 + t * 3 + a) % 5)),
  );
  writeAgentsFile(agents, [
    { agent_id: 'agent_0', max_concurrency: 2 },
    { agent_id: 'agent_1', max_concurrency: 1, reliability_offset: -0.45 },
  ]);
  return { input, agents };
}

/** The options of a run of `small` into `dirs`. */
export function smallOptions(small: SmallInput, dirs: RunDirs, over: Partial<RunOptions> = {}): RunOptions {
  return {
    ...DEFAULT_OPTIONS,
    input: small.input,
    agentsFile: small.agents,
    out: dirs.out,
    reportDir: dirs.report,
    seed: 5,
    epoch: '2026-02-01T00:00:00.000Z',
    retry: { ...DEFAULT_OPTIONS.retry, maxAttempts: 3 },
    breaker: { ...DEFAULT_OPTIONS.breaker, policy: 'consecutive', threshold: 2, cooldownS: 40 },
    quiet: true,
    ...over,
  };
}

/** Runs in-process; resolves with the result. */
export function run(options: RunOptions, env: RunEnvironment = testEnv()): Promise<RunResult> {
  return runPhase21(options, env);
}

/** A fresh pair of output and report folders. */
export function freshDirs(): RunDirs {
  return runDirs('p21-run-');
}

/** Every artifact but run.json, and the report (when written): what must be byte-identical. */
export function artifactsOf(dirs: RunDirs): Map<string, string> {
  if (!existsSync(dirs.report)) mkdirSync(dirs.report, { recursive: true });
  return readRunFiles(dirs);
}

/** Files whose names mark them as left-overs: temporary names and the lock. */
export function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.name.startsWith('.')) found.push(rel);
      else if (entry.isDirectory()) walk(rel);
    }
  };
  walk('');
  return found.sort();
}

/** A progress sink that calls `onWave(wave)` as each wave finishes (to cancel mid-run). */
export function progressCalling(onWave: (wave: number) => void): ProgressSink {
  return { ...SILENT_PROGRESS, waveFinished: (wave) => { onWave(wave); } };
}

/** `count` distinct points of 1..total from a fixed-seed LCG, plus the first and last three. */
export function samplePoints(total: number, count: number, seed = 21): number[] {
  const points = new Set<number>([1, 2, 3, total - 2, total - 1, total].filter((n) => n >= 1 && n <= total));
  let state = seed >>> 0;
  while (points.size < Math.min(total, count)) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    points.add(1 + (state % total));
  }
  return [...points].sort((a, b) => a - b);
}
