/**
 * A whole `phase --world subprocess --queue` run on a real Redis with two `npm run worker`
 * processes, one SIGKILLed mid-run (issue 8): the run completes, every task is in
 * task_outcomes.jsonl once, every attempt in executed_tasks once; and the executor conformance
 * suite through the queue runner. Skipped, with the reason shown, without redis-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { getWorld } from '../../src/worlds/registry.ts';
import { openCommandRunner } from '../../src/worlds/queue/open.ts';
import { startQueueWorker, type QueueWorker } from '../../src/worlds/queue/worker.ts';
import { parseQueueUrl } from '../../src/worlds/queue/settings.ts';
import { SubprocessExecutor } from '../../src/worlds/subprocess/executor.ts';
import { LocalCommandRunner } from '../../src/worlds/subprocess/local-runner.ts';
import { NODE_TIMERS, RealTimeScheduler } from '../../src/worlds/subprocess/realtime-scheduler.ts';
import type { CommandRunner } from '../../src/worlds/subprocess/runner.ts';
import { profile } from '../helpers/builders.ts';
import { executedRows, gridPredictions, outArgs, PROJECT_ROOT, readJsonl, removeTempDirs, runCli, runDirs, tempDir, writeAgentsFile, writeTreeInput } from '../e2e/helpers.ts';
import { freePort, REDIS_SERVER, REDIS_SKIP_REASON, startRedis, type RedisServer } from '../helpers/redis.ts';
import { describeExecutorConformance } from './executor-conformance.ts';

const MAIN = path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts');

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

/** `npm run worker` (the sources through tsx) with 1 s locks, resolved once it takes jobs. */
async function startWorker(url: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--queue', url, '--concurrency', '3', '--lock-duration', '1', '--stalled-interval', '0.5'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  await expect.poll(() => err.includes('worker: taking jobs') || child.exitCode !== null, { timeout: 30_000, interval: 50 }).toBe(true);
  expect(err).toContain('worker: taking jobs');
  return { child, exited };
}

/** Lines `start|end WORKER_PID COMMAND_PID TASK` the agent appends to `log`. */
function entries(log: string): { phase: string; worker: number; pid: number; task: string }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const [phase = '', worker = '', pid = '', task = ''] = l.split(' ');
    return { phase, worker: Number(worker), pid: Number(pid), task };
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** The agent: logs its worker (its parent) and itself, sleeps 0.3 s, exits 0 for even tasks t1_N, 3 for odd. */
const agent = (log: string): string[] => [
  'sh',
  '-c',
  `IFS= read -r line; task=$(printf '%s' "$line" | sed 's/.*"task_id":"\\([^"]*\\)".*/\\1/'); ` +
    `echo "start $PPID $$ $task" >> ${log}; sleep 0.3; echo "end $PPID $$ $task" >> ${log}; ` +
    `[ $(( \${task##*_} % 2 )) -eq 0 ]`,
];

if (REDIS_SERVER === null) it.skip(REDIS_SKIP_REASON, () => undefined);

describe('phase --world subprocess --queue with Redis unreachable', () => {
  it('is exit 2 with one line, and nothing is written', async () => {
    const dirs = runDirs('p21-queue-down-');
    const input = path.join(dirs.root, 'input');
    writeTreeInput(input, gridPredictions(1, 2, 1, () => 0.6));
    const config = path.join(dirs.root, 'config.json');
    writeFileSync(config, JSON.stringify({ subprocess: { command: ['true'] } }));
    const port = await freePort();
    const { code, stderr } = await runCli(['--config', config, '--world', 'subprocess', '--queue', `redis://127.0.0.1:${port}`, '--input', input, ...outArgs(dirs), '--quiet']);
    expect(code).toBe(2);
    expect(stderr).toBe(`--queue: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(existsSync(dirs.out)).toBe(false);
  });
});

describe.skipIf(REDIS_SERVER === null)('phase --world subprocess --queue on a real Redis', () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const w of workers) killQuietly(w.child.pid ?? -1);
    await Promise.all(workers.map((w) => w.exited));
    // Commands the killed worker left behind (their own process groups) end now.
    for (const log of logs) for (const e of entries(log)) killQuietly(-e.pid);
    await redis.stop();
    removeTempDirs();
  });

  it('two workers, one SIGKILLed mid-run: the run completes, each task and each attempt recorded once', async () => {
    const dirs = runDirs('p21-queue-run-');
    const input = path.join(dirs.root, 'input');
    const tasks = 36;
    writeTreeInput(input, gridPredictions(1, tasks, 2, () => 0.6));
    const agentsFile = path.join(dirs.root, 'agents.json');
    writeAgentsFile(agentsFile, [{ agent_id: 'agent_0', max_concurrency: 3 }, { agent_id: 'agent_1', max_concurrency: 3 }]);
    const log = path.join(tempDir('p21-queue-log-'), 'log');
    logs.push(log);
    const config = path.join(dirs.root, 'config.json');
    writeFileSync(config, JSON.stringify({ subprocess: { command: agent(log), timeout_s: 30, kill_grace_s: 0.5 } }));
    const [a, b] = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
    workers.push(a, b);

    const run = runCli(['--config', config, '--world', 'subprocess', '--queue', redis.url, '--input', input, '--agents-file', agentsFile, ...outArgs(dirs), '--strategy', 'round_robin', '--max-attempts', '2', '--retry', 'fixed', '--backoff-base', '10', '--jitter', 'none', '--time-scale', '0.01', '--no-steal', '--min-probability', '0', '--quiet']);
    const aPid = a.child.pid ?? -1;
    // Kill A once it has commands running and some tasks have ended (the middle of the run).
    await expect.poll(() => {
      const seen = entries(log);
      return seen.some((e) => e.phase === 'start' && e.worker === aPid) && seen.filter((e) => e.phase === 'end').length >= 6;
    }, { timeout: 60_000, interval: 20 }).toBe(true);
    a.child.kill('SIGKILL');
    const { code, stderr } = await run;
    expect([0, 1], stderr).toContain(code);

    const outcomes = readJsonl(dirs.out, 'task_outcomes.jsonl');
    const ids = outcomes.map((o) => String(o.task_id)).sort();
    const expected = Array.from({ length: tasks }, (_, i) => `t1_${i + 1}`).sort();
    expect(ids).toEqual(expected);
    for (const o of outcomes) expect(o.status).toBe(Number(String(o.task_id).split('_')[1]) % 2 === 0 ? 'succeeded' : 'failed');

    const rows = executedRows(dirs.out) as { task_id: string; attempts: number; attempt_log: { attempt: number; source: string }[] }[];
    expect(rows.map((r) => r.task_id).sort()).toEqual(expected);
    for (const row of rows) {
      // Attempts 0..k-1, each once: a job a dead worker held ran again but counted once.
      expect(row.attempt_log.map((x) => x.attempt)).toEqual(Array.from({ length: row.attempt_log.length }, (_, i) => i));
      expect(row.attempt_log.length).toBe(Number(row.task_id.split('_')[1]) % 2 === 0 ? 1 : 2);
      for (const x of row.attempt_log) expect(x.source).toBe('subprocess');
    }
    // A held jobs when it died, and B ran them again.
    const seen = entries(log);
    const bPid = b.child.pid ?? -1;
    const rerun = expected.filter((t) => seen.some((e) => e.task === t && e.worker === aPid && e.phase === 'start') && seen.some((e) => e.task === t && e.worker === bPid && e.phase === 'end'));
    expect(rerun.length).toBeGreaterThan(0);
  });
});

describe.skipIf(REDIS_SERVER === null)('conformance through the queue runner', () => {
  let redis: RedisServer | null = null;
  let worker: QueueWorker | null = null;
  const opened: Promise<CommandRunner>[] = [];
  let seq = 0;
  beforeAll(async () => {
    redis = await startRedis();
    worker = await startQueueWorker({ target: parseQueueUrl(redis.url), concurrency: 4, runner: new LocalCommandRunner(), stall: { lockDurationS: 1, stalledIntervalS: 0.5, maxStalledCount: 1 }, log: () => undefined });
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map(async (p) => (await p).close()));
    await worker?.stop();
    await redis?.stop();
  });

  /**
   * The queue runner of a fresh run id (the suite repeats a request, and one attempt is one job
   * per run), opened lazily: the suite builds executors synchronously.
   */
  function queueRunner(): CommandRunner {
    if (redis === null) throw new Error('redis not started');
    const opening = openCommandRunner({ queue: redis.url }, { now: () => performance.now(), runId: () => `conformance-${process.pid}-${++seq}` });
    opened.push(opening);
    return {
      name: 'queue',
      run: async (spec, payload, signal) => (await opening).run(spec, payload, signal),
      close: async () => (await opening).close(),
    };
  }

  it('the prepared world names the queue, and its close closes the runner', async () => {
    if (redis === null) throw new Error('redis not started');
    const options = { ...DEFAULT_OPTIONS, world: 'subprocess' as const, queue: redis.url, subprocess: { ...DEFAULT_OPTIONS.subprocess, command: ['agent.sh'] } };
    const plan = { waves: [], agents: [profile('A')], latestTimestamp: null };
    const prepared = await getWorld('subprocess').prepare({ options, plan, progress: SILENT_PROGRESS, runId: () => 'prepared-test' });
    try {
      expect(prepared.detail).toBe(`real commands (agent.sh) on workers of the queue at ${redis.url}, timeout 600 s, kill grace 5 s`);
    } finally {
      await prepared.close?.();
    }
  });

  let latest: RealTimeScheduler | null = null;
  describeExecutorConformance('subprocess --queue', {
    scheduler: (startS) => (latest = new RealTimeScheduler({ nowMs: () => performance.now(), timers: NODE_TIMERS, startS })),
    executor: (scheduler) => {
      if (latest === null || latest !== scheduler) throw new Error('the executor must run on the scheduler built last');
      return new SubprocessExecutor(queueRunner(), latest, new Map([['A', ['sh', '-c', 'cat > /dev/null; sleep 0.02']]]), { command: null, timeoutS: 10, killGraceS: 0.5, maxOutputBytes: 1000, env: {} }, new AbortController().signal);
    },
    sources: ['subprocess'],
    deterministic: false,
    // The executor completes at max(now, start + duration) and duration is the worker's: the gap
    // is the queue's latency (adding the job, a worker taking it, the completion event) and
    // here the lazy opening of the runner, well under a second on loopback.
    toleranceS: 1,
  });
});
