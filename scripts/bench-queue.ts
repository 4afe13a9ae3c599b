/**
 * `npm run bench:queue -- [--jobs 2000] [--concurrency 1,4,16] [--workers 2] [--repeat 3]`
 *
 * What the distributed world costs per attempt (issue 8, "Speed"): starts its own redis-server on
 * a free loopback port, `--workers` worker processes (`npm run worker`, the real command line and
 * local runner) each with `--concurrency C`, and submits `--jobs` attempts of a no-op command
 * (`true`) at once through {@link QueueCommandRunner}; jobs/s is jobs over the wall time from the
 * first submission to the last outcome. Also the round trip of one attempt alone (median of 50):
 * the queue's latency on top of the command. Prints a Markdown table. Needs redis-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { parseQueueUrl, type RedisTarget } from '../src/worlds/queue/connection.ts';
import { QueueCommandRunner } from '../src/worlds/queue/runner.ts';
import type { AttemptPayload, CommandSpec } from '../src/worlds/subprocess/runner.ts';
import { startRedis } from '../test/helpers/redis.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const NO_OP: CommandSpec = { command: ['true'], timeoutS: 30, killGraceS: 1, maxOutputBytes: 1000, env: {} };
const never = new AbortController().signal;

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,4,16' },
    workers: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
  },
});
const JOBS = Number(values.jobs);
const WORKERS = Number(values.workers);
const REPEAT = Number(values.repeat);
const CONCURRENCIES = values.concurrency.split(',').map(Number);

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
}

async function startWorker(url: string, concurrency: number): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--queue', url, '--concurrency', String(concurrency)], { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      if (err.includes('worker: taking jobs')) resolve();
    });
    child.once('exit', () => {
      reject(new Error(`worker exited: ${err}`));
    });
  });
  return { child, exited };
}

let seq = 0;
const payload = (i: number): AttemptPayload => ({ wave: 1, task_id: `t${i}`, agent_id: 'A', attempt: 0, p: 0.5, predicted_time_s: 1 });

/** Jobs per second for `jobs` no-op attempts submitted at once. */
async function throughput(target: RedisTarget, jobs: number): Promise<number> {
  const runner = await QueueCommandRunner.open({ target, runId: `bench-${process.pid}-${++seq}`, now: () => performance.now() });
  try {
    const t0 = performance.now();
    const outcomes = await Promise.all(Array.from({ length: jobs }, (_, i) => runner.run(NO_OP, payload(i), never)));
    const s = (performance.now() - t0) / 1000;
    if (!outcomes.every((o) => o.succeeded)) throw new Error('a no-op attempt failed');
    return jobs / s;
  } finally {
    await runner.close();
  }
}

/** Median milliseconds of one attempt alone, submission to outcome, and of its command. */
async function roundTrip(target: RedisTarget, n: number): Promise<{ totalMs: number; commandMs: number }> {
  const runner = await QueueCommandRunner.open({ target, runId: `bench-rt-${process.pid}-${++seq}`, now: () => performance.now() });
  const totals: number[] = [];
  const commands: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const outcome = await runner.run(NO_OP, payload(i), never);
      totals.push(performance.now() - t0);
      commands.push(outcome.durationS * 1000);
    }
  } finally {
    await runner.close();
  }
  return { totalMs: median(totals), commandMs: median(commands) };
}

const redis = await startRedis();
const target = parseQueueUrl(redis.url);
const rows: string[] = [];
try {
  for (const concurrency of CONCURRENCIES) {
    const workers: Worker[] = [];
    for (let w = 0; w < WORKERS; w++) workers.push(await startWorker(redis.url, concurrency));
    try {
      await throughput(target, Math.min(200, JOBS)); // warm-up
      const rates: number[] = [];
      for (let r = 0; r < REPEAT; r++) rates.push(await throughput(target, JOBS));
      const rt = await roundTrip(target, 50);
      rows.push(`| ${WORKERS} x ${concurrency} | ${JOBS} | ${median(rates).toFixed(0)} (${rates.map((x) => x.toFixed(0)).join(', ')}) | ${rt.totalMs.toFixed(1)} | ${rt.commandMs.toFixed(1)} |`);
      process.stderr.write(`${rows.at(-1) ?? ''}\n`);
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
  }
} finally {
  await redis.stop();
}
process.stdout.write(
  ['| workers x concurrency | jobs | jobs/s, median (runs) | one attempt alone, ms | its command, ms |', '|---|---:|---:|---:|---:|', ...rows].join('\n') + '\n',
);
