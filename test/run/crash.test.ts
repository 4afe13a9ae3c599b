/**
 * Crash safety in the SQLite manner (contract section 12): a run "killed" at the N-th call of
 * the writing layer, then `--resume`, must leave exactly the files of an uninterrupted run.
 *
 * In-process, a kill is {@link crashingFs}: the N-th call does not happen (a `write` writes
 * half its bytes), and every later call throws, so nothing reaches the disk after the crash
 * point whatever error handling runs, exactly as after SIGKILL. The lock, which a real kill
 * leaves behind, is released in-process; test/run/process.test.ts kills real processes.
 *
 * `npm test` runs a seeded sample of the points (all of them with CRASH_ALL=1);
 * `npm run crash` kills real processes at every point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingFs, crashingFs, NODE_OUTPUT_FS, type OutputFs, type OutputOp } from '../../src/io/output-fs.ts';
import { readJson, removeTempDirs } from '../e2e/helpers.ts';
import { artifactsOf, freshDirs, leftovers, run, samplePoints, smallOptions, testEnv, writeSmallInput, type SmallInput } from './helpers.ts';

afterAll(removeTempDirs);

/**
 * node:fs without fsync: a killed process's writes survive in the page cache, so syncing
 * changes nothing that this test can see, and skipping it makes each run ~5x faster here.
 * The syncs are still calls of the port, so they are still crash points.
 */
const NO_SYNC: OutputFs = {
  ...NODE_OUTPUT_FS,
  fsync: (): void => undefined,
  syncDir: (): void => undefined,
  fsyncAsync: (): Promise<void> => Promise.resolve(),
  syncDirAsync: (): Promise<void> => Promise.resolve(),
};

/** Thrown by the crashing port in place of SIGKILL. */
class SimulatedCrash extends Error {}

/** Runs until the `at`-th call; returns the operation it died at, or null when the run finished first. */
async function crashAt(small: SmallInput, out: ReturnType<typeof freshDirs>, at: number): Promise<OutputOp | null> {
  let died: OutputOp | null = null;
  const outputFs = crashingFs(NO_SYNC, at, (op) => {
    died ??= op;
    throw new SimulatedCrash(`killed at call ${at} (${op})`);
  });
  try {
    await run(smallOptions(small, out), testEnv({ outputFs }));
  } catch (error: unknown) {
    if (!(error instanceof SimulatedCrash)) throw error;
  }
  return died;
}

describe('kill at any call of the writing layer, then --resume', () => {
  let small: SmallInput;
  let reference = new Map<string, string>();
  let total = 0;

  beforeAll(async () => {
    small = writeSmallInput();
    const dirs = freshDirs();
    const outputFs = countingFs(NO_SYNC, () => {
      total += 1;
    });
    await run(smallOptions(small, dirs), testEnv({ outputFs }));
    reference = artifactsOf(dirs);
  });

  it('the uninterrupted run makes a few hundred calls and writes every artifact', () => {
    expect(total).toBeGreaterThan(200);
    expect([...reference.keys()]).toContain('out/checkpoint.json');
    expect([...reference.keys()]).toContain('out/events.jsonl');
  });

  it('at each sampled point: the resumed run writes the same bytes, and leaves no temporary file or lock', async () => {
    const points = process.env.CRASH_ALL === '1' ? Array.from({ length: total }, (_, i) => i + 1) : samplePoints(total, 24);
    const ops = new Set<OutputOp>();
    for (const at of points) {
      const dirs = freshDirs();
      const op = await crashAt(small, dirs, at);
      expect(op, `call ${at} of ${total} was reached`).not.toBeNull();
      if (op !== null) ops.add(op);
      const resumed = await run(smallOptions(small, dirs, { resume: true }), testEnv({ outputFs: NO_SYNC }));
      expect(resumed.status, `killed at call ${at} (${op ?? ''})`).toBe('completed');
      const files = artifactsOf(dirs);
      expect([...files.keys()], `killed at call ${at} (${op ?? ''})`).toEqual([...reference.keys()]);
      for (const [rel, text] of reference) expect(files.get(rel) === text, `${rel} differs after a kill at call ${at} (${op ?? ''})`).toBe(true);
      expect(leftovers(dirs.out), `killed at call ${at}`).toEqual([]);
      expect(readJson(dirs.out, 'run.json').status).toBe('completed');
    }
    // The sample reaches the main kinds of call.
    for (const op of ['create', 'write', 'fsync', 'rename'] as const) expect(ops.has(op), op).toBe(true);
  }, 120_000);

  it('a kill during the resumed run is resumed too', async () => {
    const dirs = freshDirs();
    await crashAt(small, dirs, Math.floor(total * 0.6));
    let died = false;
    const outputFs = crashingFs(NO_SYNC, 25, () => {
      died = true;
      throw new SimulatedCrash('killed again');
    });
    await run(smallOptions(small, dirs, { resume: true }), testEnv({ outputFs })).catch((error: unknown) => {
      if (!(error instanceof SimulatedCrash)) throw error;
    });
    expect(died).toBe(true);
    expect(readJson(dirs.out, 'run.json').resumes).toHaveLength(1);
    const resumed = await run(smallOptions(small, dirs, { resume: true }));
    expect(resumed.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
    expect(readJson(dirs.out, 'run.json').resumes).toHaveLength(2);
  });

  it('a kill while a new run empties an old run\'s folder leaves a folder the next run (without --resume) empties', async () => {
    // The old run: another seed, so its files differ from the reference.
    const points = samplePoints(70, 12, 5);
    for (const at of points) {
      const dirs = freshDirs();
      await run(smallOptions(small, dirs, { seed: 99 }), testEnv({ outputFs: NO_SYNC }));
      let died = false;
      const outputFs = crashingFs(NO_SYNC, at, () => {
        died = true;
        throw new SimulatedCrash(`killed at call ${at}`);
      });
      await run(smallOptions(small, dirs), testEnv({ outputFs })).catch((error: unknown) => {
        if (!(error instanceof SimulatedCrash)) throw error;
      });
      expect(died).toBe(true);
      const again = await run(smallOptions(small, dirs), testEnv({ outputFs: NO_SYNC }));
      expect(again.status, `killed at call ${at}`).toBe('completed');
      expect(artifactsOf(dirs), `killed at call ${at}`).toEqual(reference);
      expect(leftovers(dirs.out)).toEqual([]);
    }
    // 15 whole runs: the timeout guards against a hang, like the sampled points' above; 60 s
    // was reached once with the machine's load average at 10.
  }, 120_000);
});
