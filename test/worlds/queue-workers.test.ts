/**
 * Worker processes on a real Redis: one killed with SIGKILL mid-run loses nothing and counts
 * nothing twice; beyond maxStalledCount the attempt fails, once; SIGTERM stops a worker with
 * 143; a bad URL or an unreachable Redis is exit 2 with one line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseQueueUrl, type RedisTarget } from '../../src/worlds/queue/connection.ts';
import { QueueCommandRunner } from '../../src/worlds/queue/runner.ts';
import type { AttemptPayload, CommandSpec } from '../../src/worlds/subprocess/runner.ts';
import { harness } from '../cli/harness.ts';
import { TestCommandRunner } from '../helpers/command-runner.ts';
import { freePort, REDIS_SERVER, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../helpers/redis.ts';

const ENTRY = join(import.meta.dirname, 'queue-worker-entry.ts');
const never = new AbortController().signal;
const spec = (command: string[]): CommandSpec => ({ command, timeoutS: 30, killGraceS: 1, maxOutputBytes: 1000, env: {} });
const payload = (taskId: string): AttemptPayload => ({ wave: 1, task_id: taskId, agent_id: 'A', attempt: 0, p: 0.5, predicted_time_s: 1 });

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts a worker process and resolves once it takes jobs. */
async function startWorker(url: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--queue', url, '--concurrency', '2', '--lock-duration', '1', '--stalled-interval', '0.5', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  await expect.poll(() => err.includes('worker: taking jobs') || child.exitCode !== null, { timeout: 30_000, interval: 50 }).toBe(true);
  expect(err).toContain('worker: taking jobs');
  return { child, stderr: () => err, exited };
}

/** Lines `start|end WORKER_PID COMMAND_PID TASK` the commands append to `log`. */
function entries(log: string): { phase: string; worker: number; pid: number; task: string }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => {
    const [phase = '', worker = '', pid = '', task = ''] = l.split(' ');
    return { phase, worker: Number(worker), pid: Number(pid), task };
  });
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

if (REDIS_SERVER === null) it.skip(REDIS_SKIP_REASON, () => undefined);

describe.skipIf(REDIS_SERVER === null)('worker processes on a real Redis', () => {
  let redis: RedisServer;
  let target: RedisTarget;
  const workers: WorkerProcess[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    target = parseQueueUrl(redis.url);
  });
  afterAll(async () => {
    for (const w of workers) killQuietly(w.child.pid ?? -1, 'SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    // Commands a killed worker left behind (their own process groups) end now.
    for (const log of logs) for (const e of entries(log)) killQuietly(-e.pid, 'SIGKILL');
    await redis.stop();
  });

  const newLog = (): string => {
    const log = join(mkdtempSync(join(tmpdir(), 'phase21-workers-')), 'log');
    logs.push(log);
    return log;
  };
  const command = (log: string, task: string, sleepS: number): string[] => [
    'sh',
    '-c',
    `echo "start $PPID $$ ${task}" >> ${log}; sleep ${sleepS}; echo "end $PPID $$ ${task}" >> ${log}`,
  ];

  it('two workers, one killed with SIGKILL mid-run: every attempt completes, each counted once', async () => {
    const a = await startWorker(redis.url);
    const b = await startWorker(redis.url);
    workers.push(a, b);
    const runner = await QueueCommandRunner.open({ target, runId: 'killed-worker', now: () => performance.now(), pollS: 1 });
    const log = newLog();
    const tasks = Array.from({ length: 16 }, (_, i) => `t${i}`);
    const resolved = new Map<string, number>();
    try {
      const all = Promise.all(
        tasks.map(async (task) => {
          const outcome = await runner.run(spec(command(log, task, 0.4)), payload(task), never);
          resolved.set(task, (resolved.get(task) ?? 0) + 1);
          return outcome;
        }),
      );
      const aPid = a.child.pid ?? -1;
      await expect.poll(() => entries(log).some((e) => e.phase === 'start' && e.worker === aPid), { timeout: 20_000, interval: 20 }).toBe(true);
      a.child.kill('SIGKILL');
      const outcomes = await all;
      expect(outcomes.every((o) => o.succeeded && o.exitCode === 0)).toBe(true);
      expect([...resolved.keys()].sort()).toEqual([...tasks].sort());
      expect([...resolved.values()].every((n) => n === 1)).toBe(true);
      expect(runner.pendingCount).toBe(0);
      // What A held when it died ran again on B: started on A, ended on B.
      const bPid = b.child.pid ?? -1;
      const seen = entries(log);
      const rerun = tasks.filter((t) => seen.some((e) => e.task === t && e.worker === aPid && e.phase === 'start') && seen.some((e) => e.task === t && e.worker === bPid && e.phase === 'end'));
      expect(rerun.length).toBeGreaterThan(0);
      expect(await a.exited).toBeNull();
    } finally {
      await runner.close();
    }
  });

  it('beyond --max-stalled-count the attempt fails, once, with the reason', async () => {
    const a = await startWorker(redis.url, ['--max-stalled-count', '0']);
    workers.push(a);
    const runner = await QueueCommandRunner.open({ target, runId: 'stalled-out', now: () => performance.now(), pollS: 1 });
    const log = newLog();
    try {
      // Only A and the worker of the first test (if alive) take jobs: stop B's part by using A alone.
      for (const w of workers) if (w !== a && w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await Promise.all(workers.filter((w) => w !== a).map((w) => w.exited));
      const pending = runner.run(spec(command(log, 'doomed', 5)), payload('doomed'), never);
      await expect.poll(() => entries(log).length, { timeout: 20_000, interval: 20 }).toBe(1);
      a.child.kill('SIGKILL');
      const c = await startWorker(redis.url, ['--max-stalled-count', '0']);
      workers.push(c);
      const outcome = await pending;
      expect(outcome.succeeded).toBe(false);
      expect(outcome.exitCode).toBeNull();
      expect(outcome.stderr).toBe('queue: job stalled more than allowable limit');
      expect(runner.pendingCount).toBe(0);
    } finally {
      await runner.close();
    }
  });

  it('SIGTERM stops a worker: exit 143, its job back on the queue for another worker', async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    const a = await startWorker(redis.url);
    workers.push(a);
    const runner = await QueueCommandRunner.open({ target, runId: 'sigterm', now: () => performance.now(), pollS: 1 });
    const log = newLog();
    try {
      const pending = runner.run(spec(command(log, 'moved', 1)), payload('moved'), never);
      await expect.poll(() => entries(log).length, { timeout: 20_000, interval: 20 }).toBe(1);
      const first = entries(log)[0];
      a.child.kill('SIGTERM');
      expect(await a.exited).toBe(143);
      expect(a.stderr()).toContain('worker: SIGTERM: stopping; running jobs go back to the queue');
      // Its command was ended with it (the runner kills the group on abort).
      await expect.poll(() => alive(first?.pid ?? -1), { timeout: 5_000 }).toBe(false);
      const b = await startWorker(redis.url);
      workers.push(b);
      const outcome = await pending;
      expect(outcome.succeeded).toBe(true);
      expect(entries(log).filter((e) => e.phase === 'end').map((e) => e.worker)).toEqual([b.child.pid]);
    } finally {
      await runner.close();
    }
  });
});

describe('worker command errors (exit 2, one line, nothing started)', () => {
  const run = async (argv: string[]): Promise<{ code: number; stderr: string }> => {
    const h = harness();
    const code = await main(['worker', ...argv], h.io, { commandRunner: () => new TestCommandRunner() });
    return { code, stderr: h.stderr() };
  };

  it('a bad URL', async () => {
    const { code, stderr } = await run(['--queue', 'localhost:6379']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('--queue: unknown scheme "localhost"; expected redis://HOST:PORT (or rediss://, optional user:password@ and /DB) (got "localhost:6379")');
    expect(stderr).not.toContain('    at ');
  });

  it('an unreachable Redis', async () => {
    const port = await freePort();
    const { code, stderr } = await run(['--queue', `redis://127.0.0.1:${port}`]);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`--queue: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('no --queue, or a bad number', async () => {
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('--queue: required') as unknown });
    expect(await run(['--queue', 'redis://h:1', '--concurrency', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--concurrency: must be an integer >= 1') as unknown });
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
