/**
 * The queue runner and worker against a real redis-server (started on a free loopback port,
 * stopped in afterAll), with workers in this process.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOptions, parseQueueUrl, QUEUE_NAME, type RedisTarget } from '../../src/worlds/queue/connection.ts';
import { jobIdOf } from '../../src/worlds/queue/job.ts';
import { QueueCommandRunner } from '../../src/worlds/queue/runner.ts';
import { startQueueWorker, type QueueWorker } from '../../src/worlds/queue/worker.ts';
import type { AttemptPayload, CommandOutcome, CommandRunner, CommandSpec } from '../../src/worlds/subprocess/runner.ts';
import { TestCommandRunner } from '../helpers/command-runner.ts';
import { REDIS_SERVER, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../helpers/redis.ts';

const FAST_STALL = { lockDurationS: 1, stalledIntervalS: 0.5, maxStalledCount: 1 };

export const spec = (command: string[], timeoutS = 20): CommandSpec => ({ command, timeoutS, killGraceS: 1, maxOutputBytes: 1000, env: {} });
export const payload = (taskId: string, attempt = 0): AttemptPayload => ({ wave: 1, task_id: taskId, agent_id: 'A', attempt, p: 0.7, predicted_time_s: 12 });

const never = new AbortController().signal;
let runSeq = 0;
const nextRunId = (): string => `t${process.pid}-${++runSeq}`;

if (REDIS_SERVER === null) it.skip(REDIS_SKIP_REASON, () => undefined);

describe.skipIf(REDIS_SERVER === null)('queue runner and worker on a real Redis', () => {
  let redis: RedisServer;
  let target: RedisTarget;
  beforeAll(async () => {
    redis = await startRedis();
    target = parseQueueUrl(redis.url);
  });
  afterAll(async () => {
    await redis.stop();
  });

  async function withRun<T>(
    local: CommandRunner,
    body: (runner: QueueCommandRunner, worker: QueueWorker, runId: string) => Promise<T>,
  ): Promise<T> {
    const runId = nextRunId();
    const runner = await QueueCommandRunner.open({ target, runId, now: () => performance.now(), pollS: 1 });
    const worker = await startQueueWorker({ target, concurrency: 2, runner: local, stall: FAST_STALL, log: () => undefined });
    try {
      return await body(runner, worker, runId);
    } finally {
      await runner.close();
      await worker.stop();
    }
  }

  it('returns the command outcome the worker produced: stdin payload, stdout, exit code', async () => {
    const local = new TestCommandRunner();
    await withRun(local, async (runner) => {
      const ok = await runner.run(spec(['sh', '-c', 'cat']), payload('t1'), never);
      expect(ok.succeeded).toBe(true);
      expect(ok.exitCode).toBe(0);
      expect(JSON.parse(ok.stdout)).toEqual(payload('t1'));
      const bad = await runner.run(spec(['sh', '-c', 'echo oops >&2; exit 3']), payload('t2'), never);
      expect(bad).toMatchObject({ succeeded: false, exitCode: 3, timedOut: false, stderr: 'oops\n' });
    });
    expect(local.started).toBe(2);
  });

  it('runs one attempt once when asked twice, and counts it once', async () => {
    const local = new TestCommandRunner();
    await withRun(local, async (runner, worker) => {
      const a = runner.run(spec(['sh', '-c', 'sleep 0.2; echo once']), payload('same'), never);
      const b = runner.run(spec(['sh', '-c', 'sleep 0.2; echo once']), payload('same'), never);
      expect(b).toBe(a);
      const [ra, rb] = await Promise.all([a, b]);
      expect(ra.stdout).toBe('once\n');
      expect(rb).toEqual(ra);
      expect(worker.completed()).toBe(1);
      expect(runner.pendingCount).toBe(0);
    });
    expect(local.started).toBe(1);
  });

  it('many attempts at once each resolve with their own outcome', async () => {
    const local = new TestCommandRunner();
    await withRun(local, async (runner) => {
      const ids = Array.from({ length: 12 }, (_, i) => `task-${i}`);
      const outcomes = await Promise.all(ids.map((id, i) => runner.run(spec(['sh', '-c', `exit ${i % 3 === 0 ? 1 : 0}`]), payload(id), never)));
      expect(outcomes.map((o) => o.exitCode)).toEqual(ids.map((_, i) => (i % 3 === 0 ? 1 : 0)));
    });
    expect(local.started).toBe(12);
  });

  it('a worker whose runner breaks fails the job: the harness gets one failed attempt with the reason', async () => {
    const broken: CommandRunner = {
      name: 'broken',
      run: () => Promise.reject(new Error('no such program')),
      close: () => Promise.resolve(),
    };
    await withRun(broken, async (runner) => {
      const outcome = await runner.run(spec(['whatever']), payload('t1'), never);
      expect(outcome).toMatchObject({ succeeded: false, exitCode: null, stdout: '' });
      expect(outcome.stderr).toBe('queue: worker could not run the command: no such program');
    });
  });

  it('aborting an attempt no worker took removes its job and rejects with the reason', async () => {
    const runId = nextRunId();
    const runner = await QueueCommandRunner.open({ target, runId, now: () => performance.now() });
    const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(target, 'service') });
    try {
      const controller = new AbortController();
      const pending = runner.run(spec(['true']), payload('t1'), controller.signal);
      const id = jobIdOf(runId, payload('t1'));
      await expect.poll(async () => (await queue.getJob(id))?.id).toBe(id);
      controller.abort(new Error('canceled'));
      await expect(pending).rejects.toThrow('canceled');
      await expect.poll(async () => await queue.getJob(id)).toBeUndefined();
    } finally {
      await runner.close();
      await queue.close();
    }
  });

  it('aborting an attempt a worker runs stops its command on the worker', async () => {
    const local = new TestCommandRunner();
    const pidFile = join(mkdtempSync(join(tmpdir(), 'phase21-queue-')), 'pid');
    const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(target, 'service') });
    try {
      await withRun(local, async (runner, worker, runId) => {
        const controller = new AbortController();
        const pending = runner.run(spec(['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`]), payload('slow'), controller.signal);
        await expect.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', { timeout: 10_000 }).toBe(true);
        const pid = Number(readFileSync(pidFile, 'utf8'));
        expect(alive(pid)).toBe(true);
        controller.abort(new Error('canceled'));
        await expect(pending).rejects.toThrow('canceled');
        // The worker got the cancel event: its command is killed and the job ends failed.
        const id = jobIdOf(runId, payload('slow'));
        await expect.poll(async () => (await queue.getJob(id))?.failedReason, { timeout: 10_000 }).toBe('canceled by the harness');
        expect(alive(pid)).toBe(false);
        expect(worker.completed()).toBe(0);
      });
    } finally {
      await queue.close();
    }
  });

  it('a worker stopped mid-attempt puts the job back and another worker completes it, once', async () => {
    const runId = nextRunId();
    const runner = await QueueCommandRunner.open({ target, runId, now: () => performance.now(), pollS: 1 });
    const first = new TestCommandRunner();
    const a = await startQueueWorker({ target, concurrency: 1, runner: first, stall: FAST_STALL, log: () => undefined });
    let b: QueueWorker | null = null;
    try {
      const pending = runner.run(spec(['sh', '-c', 'sleep 1; echo done']), payload('moved'), never);
      await expect.poll(() => first.started, { timeout: 10_000 }).toBe(1);
      await a.stop();
      const second = new TestCommandRunner();
      b = await startQueueWorker({ target, concurrency: 1, runner: second, stall: FAST_STALL, log: () => undefined });
      const outcome: CommandOutcome = await pending;
      expect(outcome).toMatchObject({ succeeded: true, stdout: 'done\n' });
      expect(second.started).toBe(1);
      expect(a.completed()).toBe(0);
      expect(b.completed()).toBe(1);
    } finally {
      await runner.close();
      await a.stop();
      await b?.stop();
    }
  });

  it('close rejects what is pending and is idempotent; run after close rejects', async () => {
    const runner = await QueueCommandRunner.open({ target, runId: nextRunId(), now: () => performance.now() });
    const pending = expect(runner.run(spec(['true']), payload('t1'), never)).rejects.toThrow('--queue: the queue runner was closed');
    await runner.close();
    await pending;
    await runner.close();
    await expect(runner.run(spec(['true']), payload('t2'), never)).rejects.toThrow('--queue: the queue runner is closed');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
