/**
 * Conformance suite for the executor port (src/ports.ts): every world passes it. A world test
 * calls `describeExecutorConformance(name, world)` with a {@link ConformanceWorld}: how to build
 * the executor on a scheduler, and the world's properties (its attempt sources, whether it is
 * deterministic, its time tolerance). The assertions hold on a virtual clock and on a
 * real-time one alike: the end time is compared to start + duration within `toleranceS`.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptRequest, AttemptResult, AttemptSource, Executor, Scheduler } from '../../src/ports.ts';
import { VirtualScheduler } from '../../src/simulate/scheduler.ts';
import { pred, profile, task } from '../helpers/builders.ts';

/** A world under test. */
export interface ConformanceWorld {
  /** A scheduler for one attempt, its clock at `startS` seconds (virtual worlds: `new VirtualScheduler(startS)`). */
  readonly scheduler: (startS: number) => Scheduler;
  /** The executor on `scheduler`. */
  readonly executor: (scheduler: Scheduler) => Executor;
  /** Sources the world's results may carry. */
  readonly sources: readonly AttemptSource[];
  /** True when the same request gives the same result whatever ran before (simulated, replay). */
  readonly deterministic: boolean;
  /** |end - (start + duration)| allowed, seconds: 1e-9 on a virtual clock; more on a real one. */
  readonly toleranceS: number;
  /** Runs after each attempt (a real world closes what it started); optional. */
  readonly cleanup?: () => Promise<void>;
}

/** The world a default-built virtual world uses: a virtual scheduler, deterministic, exact. */
export function virtualWorld(executor: (scheduler: Scheduler) => Executor, sources: readonly AttemptSource[]): ConformanceWorld {
  return { scheduler: (startS) => new VirtualScheduler(startS), executor, sources, deterministic: true, toleranceS: 1e-9 };
}

/** The request of attempt `attempt` of `taskId` on agent A (p 0.7, predicted 12 s). */
export const conformanceRequest = (attempt: number, taskId = 't1'): AttemptRequest => ({
  wave: 1,
  task: task(taskId, [pred('A', 0.7, 12)]),
  agent: profile('A'),
  attempt,
  p: 0.7,
  predictedTimeS: 12,
});

interface Seen {
  readonly result: AttemptResult;
  readonly calls: number;
  readonly startS: number;
  readonly endS: number;
  readonly sync: boolean;
}

/** Runs one attempt on a fresh scheduler starting at 100 s; waits a little after the first `done` to catch a second one. */
async function runOnce(world: ConformanceWorld, req: AttemptRequest): Promise<Seen> {
  const scheduler = world.scheduler(100);
  const executor = world.executor(scheduler);
  const seen: { calls: number; result: AttemptResult | null; endS: number; sync: boolean } = { calls: 0, result: null, endS: Number.NaN, sync: false };
  let returned = false;
  const startS = scheduler.now();
  try {
    executor.start(req, (r) => {
      seen.calls++;
      seen.result = r;
      seen.endS = scheduler.now();
      seen.sync = !returned;
    });
    returned = true;
    await scheduler.runUntil(() => seen.calls > 0);
    // A second `done` would come later: let the loop turn and the scheduler run what is left.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await world.cleanup?.();
  }
  if (seen.result === null) throw new Error('no result');
  return { result: seen.result, calls: seen.calls, startS, endS: seen.endS, sync: seen.sync };
}

/** The suite: `name` labels the describe block. */
export function describeExecutorConformance(name: string, world: ConformanceWorld): void {
  describe(`Executor conformance: ${name}`, () => {
    it('completes exactly once, asynchronously, at start + duration', async () => {
      const { result, calls, startS, endS, sync } = await runOnce(world, conformanceRequest(0));
      expect(calls).toBe(1);
      expect(sync).toBe(false);
      expect(result.durationS).toBeGreaterThan(0);
      expect(Number.isFinite(result.durationS)).toBe(true);
      expect(Math.abs(endS - (startS + result.durationS))).toBeLessThanOrEqual(world.toleranceS);
    });

    it('marks every result with one of its sources, and a process detail only for subprocess attempts', async () => {
      for (const attempt of [0, 1, 2]) {
        const { result } = await runOnce(world, conformanceRequest(attempt));
        expect(world.sources).toContain(result.source);
        expect(typeof result.succeeded).toBe('boolean');
        if (result.source === 'subprocess') expect(result.process).toBeDefined();
        else expect(result.process).toBeUndefined();
      }
    });

    if (world.deterministic) {
      it('gives the same result for the same request, whatever ran before', async () => {
        const first = await runOnce(world, conformanceRequest(1));
        await runOnce(world, conformanceRequest(0, 'other'));
        const again = await runOnce(world, conformanceRequest(1));
        expect(again.result).toEqual(first.result);
      });
    }

    it('runs attempts side by side on one scheduler, each completing once with its own result', async () => {
      const scheduler = world.scheduler(0);
      const executor = world.executor(scheduler);
      const done = new Map<string, number>();
      try {
        for (const id of ['a', 'b', 'c']) {
          executor.start(conformanceRequest(0, id), () => {
            done.set(id, (done.get(id) ?? 0) + 1);
          });
        }
        await scheduler.runUntil(() => done.size === 3);
      } finally {
        await world.cleanup?.();
      }
      expect([...done.entries()].sort()).toEqual([['a', 1], ['b', 1], ['c', 1]]);
    });

    it('has a non-empty name', () => {
      expect(world.executor(world.scheduler(0)).name).not.toBe('');
    });
  });
}
