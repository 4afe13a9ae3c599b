/**
 * `npm run worker -- --queue redis://HOST:PORT [--concurrency N]` (contract section 11,
 * "Distributed"): takes the subprocess world's attempts from the BullMQ queue on that Redis and
 * runs each command on this machine, until SIGINT or SIGTERM. On the first signal it stops
 * taking jobs, ends the commands it runs (their process groups) and puts their jobs back on the
 * queue for another worker, closes its connections, and exits 130 or 143; a second signal
 * exits at once. A bad URL or an unreachable Redis is exit 2 with one line, before any job.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError, type ExitCode } from '../../errors.ts';
import { DEFAULT_STALL, parseQueueUrl, type StallOptions } from '../../worlds/queue/settings.ts';
import { exitCodeOfSignal, watchSignals } from '../signals.ts';
import type { CliCommand, CommandContext } from '../program.ts';

const DESCRIPTION =
  'Runs the attempts of harness runs started with --world subprocess --queue URL: takes jobs ' +
  'from the queue on that Redis, runs each command here, and hands the outcome back. Stop it ' +
  'with SIGINT or SIGTERM: the jobs it runs go back to the queue for another worker.';

/** The number options: flag, what it accepts, the check. */
const NUMBER_OPTIONS = {
  concurrency: { flag: '--concurrency', accepts: 'an integer >= 1 (commands run at once)', ok: (x: number) => Number.isInteger(x) && x >= 1 && x <= 10_000 },
  lockDurationS: { flag: '--lock-duration', accepts: 'seconds > 0 (a job lock; renewed at half of it)', ok: (x: number) => x > 0 && x <= 86_400 },
  stalledIntervalS: { flag: '--stalled-interval', accepts: 'seconds > 0 (how often dead workers are looked for)', ok: (x: number) => x > 0 && x <= 86_400 },
  maxStalledCount: { flag: '--max-stalled-count', accepts: 'an integer >= 0 (stalls before a job fails)', ok: (x: number) => Number.isInteger(x) && x >= 0 && x <= 1000 },
} as const;

const ACCEPTS: Readonly<Record<string, string>> = {
  '--queue': 'a Redis URL, redis://HOST:PORT',
  ...Object.fromEntries(Object.values(NUMBER_OPTIONS).map((o) => [o.flag, o.accepts])),
};

/** The worker command. */
export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'run the subprocess world\'s attempts from a Redis queue (npm run worker -- --help)',
  usage: 'npm run worker -- --queue redis://HOST:PORT [options]',
  configure(command: Command): void {
    command
      .description(DESCRIPTION)
      .option('--queue <url>', 'the Redis server of the queue: redis://HOST:PORT (rediss:// for TLS, /DB for a database)')
      .option('--concurrency <n>', 'commands run at once', '1')
      .option('--lock-duration <s>', 'seconds a job stays locked to this worker without renewal (renewed at half)', String(DEFAULT_STALL.lockDurationS))
      .option('--stalled-interval <s>', 'seconds between looks for jobs of dead workers', String(DEFAULT_STALL.stalledIntervalS))
      .option('--max-stalled-count <n>', 'times a job may lose its worker before it fails (the harness then counts the attempt failed)', String(DEFAULT_STALL.maxStalledCount))
      .option('--debug', 'print the stack of an internal error', false);
  },
  accepts: (flag) => ACCEPTS[flag],
  run: runWorker,
};

const rawOptions = z.object({
  queue: z.string().optional(),
  concurrency: z.string(),
  lockDuration: z.string(),
  stalledInterval: z.string(),
  maxStalledCount: z.string(),
  debug: z.boolean(),
});

function numberOption(option: (typeof NUMBER_OPTIONS)[keyof typeof NUMBER_OPTIONS], text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !option.ok(value)) throw new UsageError(`${option.flag}: must be ${option.accepts} (got ${JSON.stringify(text)})`);
  return value;
}

/** The parsed command line. */
export interface WorkerCommandLine {
  readonly queue: string;
  readonly concurrency: number;
  readonly stall: StallOptions;
  readonly debug: boolean;
}

/**
 * The command line commander parsed into `command`.
 * @throws UsageError for a missing `--queue` or a bad number
 */
export function workerCommandLineOf(command: Command): WorkerCommandLine {
  const raw = rawOptions.parse(command.opts());
  if (raw.queue === undefined) throw new UsageError('--queue: required: the Redis server of the queue, redis://HOST:PORT');
  return {
    queue: raw.queue,
    concurrency: numberOption(NUMBER_OPTIONS.concurrency, raw.concurrency),
    stall: {
      lockDurationS: numberOption(NUMBER_OPTIONS.lockDurationS, raw.lockDuration),
      stalledIntervalS: numberOption(NUMBER_OPTIONS.stalledIntervalS, raw.stalledInterval),
      maxStalledCount: numberOption(NUMBER_OPTIONS.maxStalledCount, raw.maxStalledCount),
    },
    debug: raw.debug,
  };
}

async function runWorker(command: Command, ctx: CommandContext): Promise<ExitCode> {
  const line = workerCommandLineOf(command);
  ctx.failure.debug = line.debug;
  const target = parseQueueUrl(line.queue);
  const makeRunner = ctx.deps.commandRunner;
  if (makeRunner === undefined) throw new Error('no command runner');
  const log = (text: string): void => {
    ctx.io.stderr.write(`${text}\n`);
  };
  const cancellation = watchSignals(ctx.io.signals, {
    onCancel: (signal) => {
      log(`worker: ${signal}: stopping; running jobs go back to the queue`);
    },
    onForce: (signal) => {
      log(`worker: ${signal} again: exiting now`);
    },
  });
  const { startQueueWorker } = await import('../../worlds/queue/worker.ts');
  const runner = makeRunner();
  try {
    const worker = await startQueueWorker({ target, concurrency: line.concurrency, runner, stall: line.stall, log }).catch(async (error: unknown) => {
      await runner.close();
      throw error;
    });
    if (!cancellation.signal.aborted) {
      await new Promise((resolve) => {
        cancellation.signal.addEventListener('abort', resolve, { once: true });
      });
    }
    await worker.stop();
  } finally {
    await cancellation.close();
  }
  return exitCodeOfSignal(cancellation.received() ?? 'SIGTERM');
}
