/**
 * Conformance suite for the Executor port: any backend (simulated today, subprocess later)
 * must pass it. Call `describeExecutorConformance(name, make)` from a test file.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptRequest, AttemptResult, Executor } from '../../src/simulate/executor.ts';
import { VirtualScheduler, type Scheduler } from '../../src/simulate/scheduler.ts';
import { pred, profile, task } from '../helpers/builders.ts';

export type MakeExecutor = (scheduler: Scheduler) => Executor;

const request = (attempt: number, taskId = 't1'): AttemptRequest => ({
  wave: 1,
  task: task(taskId, [pred('A', 0.7, 12)]),
  agent: profile('A'),
  attempt,
  p: 0.7,
  predictedTimeS: 12,
});

async function runOnce(make: MakeExecutor, req: AttemptRequest): Promise<{ result: AttemptResult; calls: number; endS: number; sync: boolean }> {
  const scheduler = new VirtualScheduler(100);
  const executor = make(scheduler);
  const seen: { calls: number; result: AttemptResult | null; endS: number; sync: boolean } = { calls: 0, result: null, endS: Number.NaN, sync: false };
  let returned = false;
  executor.start(req, (r) => {
    seen.calls++;
    seen.result = r;
    seen.endS = scheduler.now();
    seen.sync = !returned;
  });
  returned = true;
  await scheduler.runUntil(() => seen.calls > 0);
  if (seen.result === null) throw new Error('no result');
  return { result: seen.result, calls: seen.calls, endS: seen.endS, sync: seen.sync };
}

export function describeExecutorConformance(name: string, make: MakeExecutor): void {
  describe(`Executor conformance: ${name}`, () => {
    it('completes exactly once, asynchronously, at start + duration', async () => {
      const { result, calls, endS, sync } = await runOnce(make, request(0));
      expect(calls).toBe(1);
      expect(sync).toBe(false);
      expect(result.durationS).toBeGreaterThan(0);
      expect(Number.isFinite(result.durationS)).toBe(true);
      expect(endS).toBeCloseTo(100 + result.durationS, 9);
    });
    it('gives the same result for the same request, whatever ran before', async () => {
      const first = await runOnce(make, request(1));
      await runOnce(make, request(0, 'other'));
      const again = await runOnce(make, request(1));
      expect(again.result).toEqual(first.result);
    });
    it('has a non-empty name', () => {
      expect(make(new VirtualScheduler()).name).not.toBe('');
    });
  });
}
