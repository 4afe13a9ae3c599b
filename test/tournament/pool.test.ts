/**
 * The process pool with a scripted launcher: at most J children at a time, starts in plan
 * order, the first failure stops the rest (SIGTERM to the running ones, none started after),
 * a throw while reading a finished run is that run's failure, and an abort stops the pool.
 */
import { describe, expect, it } from 'vitest';
import { runPool, type ChildExit, type ChildHandle, type PoolJob } from '../../src/tournament/pool.ts';

/** A child the test ends by hand. */
interface ScriptedChild {
  readonly args: readonly string[];
  readonly kills: string[];
  end(exit: Partial<ChildExit>): void;
}

function scripted(): { launch: (args: readonly string[]) => ChildHandle; children: ScriptedChild[]; maxRunning: () => number } {
  const children: ScriptedChild[] = [];
  let running = 0;
  let max = 0;
  const launch = (args: readonly string[]): ChildHandle => {
    let resolve: (exit: ChildExit) => void = () => undefined;
    const exited = new Promise<ChildExit>((r) => {
      resolve = r;
    });
    let done = false;
    running++;
    max = Math.max(max, running);
    const kills: string[] = [];
    const end = (exit: Partial<ChildExit>): void => {
      if (done) return;
      done = true;
      running--;
      resolve({ code: 0, signal: null, stderr: '', ...exit });
    };
    children.push({ args, kills, end });
    return {
      exited,
      kill: (signal) => {
        kills.push(signal);
        end({ code: null, signal });
      },
    };
  };
  return { launch, children, maxRunning: () => max };
}

const jobs = (n: number): PoolJob[] => Array.from({ length: n }, (_, index) => ({ index, args: [`job${index}`] }));
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runPool', () => {
  it('runs every job, at most J at a time, starting in plan order, whatever order they end in', async () => {
    const s = scripted();
    const finished: number[] = [];
    const pool = runPool(jobs(5), 2, s.launch, { onFinished: (job) => finished.push(job.index) });
    await tick();
    expect(s.children.map((c) => c.args[0])).toEqual(['job0', 'job1']);
    s.children[1]?.end({ code: 0 });
    await tick();
    expect(s.children.map((c) => c.args[0])).toEqual(['job0', 'job1', 'job2']);
    s.children[0]?.end({ code: 1 }); // exit 1 (health below --min-health) is a finished run
    await tick();
    for (const c of s.children.slice(2)) c.end({ code: 0 });
    await tick();
    for (const c of s.children.slice(2)) c.end({ code: 0 });
    await expect(pool).resolves.toEqual({ kind: 'completed' });
    expect(s.maxRunning()).toBe(2);
    expect(finished).toEqual([1, 0, 2, 3, 4]);
    expect(s.children).toHaveLength(5);
  });

  it('a failure starts nothing more, stops the running children, and is reported', async () => {
    const s = scripted();
    const pool = runPool(jobs(6), 3, s.launch, { onFinished: () => undefined });
    await tick();
    s.children[1]?.end({ code: 2, stderr: 'input error' });
    const outcome = await pool;
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.failures.map((f) => [f.job.index, f.exit.code, f.exit.stderr])).toEqual([[1, 2, 'input error']]);
    expect(s.children).toHaveLength(3);
    expect(s.children[0]?.kills).toEqual(['SIGTERM']);
    expect(s.children[2]?.kills).toEqual(['SIGTERM']);
  });

  it('a child killed by a signal from outside is a failure', async () => {
    const s = scripted();
    const pool = runPool(jobs(1), 1, s.launch, { onFinished: () => undefined });
    await tick();
    s.children[0]?.end({ code: null, signal: 'SIGKILL' });
    const outcome = await pool;
    expect(outcome.kind === 'failed' && outcome.failures[0]?.exit.signal).toBe('SIGKILL');
  });

  it('a throw while reading a finished run fails that run with the message', async () => {
    const s = scripted();
    const pool = runPool(jobs(2), 1, s.launch, {
      onFinished: () => {
        throw new Error('phase21_system_health.json: missing');
      },
    });
    await tick();
    s.children[0]?.end({ code: 0 });
    const outcome = await pool;
    expect(outcome.kind === 'failed' && outcome.failures[0]?.exit.stderr).toBe('phase21_system_health.json: missing');
    expect(s.children).toHaveLength(1);
  });

  it('an abort stops the running children and starts no more', async () => {
    const s = scripted();
    const controller = new AbortController();
    const pool = runPool(jobs(4), 2, s.launch, { onFinished: () => undefined }, controller.signal);
    await tick();
    controller.abort('SIGINT');
    await expect(pool).resolves.toEqual({ kind: 'canceled' });
    expect(s.children).toHaveLength(2);
    expect(s.children.every((c) => c.kills.includes('SIGTERM'))).toBe(true);
  });

  it('an abort before the start runs nothing', async () => {
    const s = scripted();
    const controller = new AbortController();
    controller.abort('SIGTERM');
    await expect(runPool(jobs(3), 2, s.launch, { onFinished: () => undefined }, controller.signal)).resolves.toEqual({ kind: 'canceled' });
    expect(s.children).toHaveLength(0);
  });
});
