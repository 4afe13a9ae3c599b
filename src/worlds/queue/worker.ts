/**
 * The worker side of the distributed world (contract section 11, "Distributed"): takes attempt
 * jobs from the shared queue, runs each command with a local {@link CommandRunner}, and returns
 * its {@link CommandOutcome} as the job's return value. A worker decides nothing: a failing
 * command is a completed job with `succeeded: false`.
 *
 * Stalled jobs (BullMQ's "stalled jobs" guide): a worker holds a lock on each job it runs,
 * renewed every `lockDuration / 2`; a worker that dies stops renewing it, and any live worker's
 * stalled-job check (every `stalledInterval`) moves the job back to the wait list, or fails it
 * once it stalled more than `maxStalledCount` times.
 */
import { QueueEvents, UnrecoverableError, WaitingError, Worker, type Job, type QueueEventsListener } from 'bullmq';
import type { CommandOutcome, CommandRunner } from '../subprocess/runner.ts';
import { connectionOptions, probeRedis, QUEUE_NAME } from './connection.ts';
import type { RedisTarget, StallOptions } from './settings.ts';
import { CANCEL_EVENT, checkJobData } from './job.ts';

/** The harness's cancel event, as the worker reads it. */
interface CancelEvents extends QueueEventsListener {
  [CANCEL_EVENT]: (args: { jobId: string }, id: string) => void;
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  readonly target: RedisTarget;
  /** Jobs run at once (>= 1). */
  readonly concurrency: number;
  /** Runs one command locally (the subprocess world's runner). */
  readonly runner: CommandRunner;
  readonly stall: StallOptions;
  /** One line per notable event (start, a failed job, a stop); no line per job. */
  readonly log: (line: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** Jobs this worker completed (with any outcome). */
  readonly completed: () => number;
  /**
   * Stops taking jobs, stops the commands running (their processes ended by the runner), puts
   * their jobs back on the wait list for another worker (not counted as a stall), and closes
   * every connection and the runner. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Checks Redis, then starts taking jobs.
 * @throws QueueError when Redis cannot be reached
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { target, runner, stall, log } = options;
  await probeRedis(target);
  const connection = connectionOptions(target, 'service');
  const stopping = new AbortController();
  const running = new Map<string, AbortController>();
  // A function, not a property read, so the check after an await is not narrowed away.
  const isStopping = (): boolean => stopping.signal.aborted;
  let completed = 0;

  const processor = async (job: Job, token?: string): Promise<CommandOutcome> => {
    const data = checkJobData(job.data);
    if (data.kind === 'invalid') throw new UnrecoverableError(`worker refused the job: ${data.problem}`);
    const id = job.id ?? '';
    const release = async (): Promise<never> => {
      await job.moveToWait(token);
      throw new WaitingError();
    };
    if (isStopping()) return release();
    const controller = new AbortController();
    running.set(id, controller);
    try {
      const outcome = await runner.run(data.value.spec, data.value.payload, controller.signal);
      completed++;
      return outcome;
    } catch (error: unknown) {
      if (isStopping()) return await release();
      if (controller.signal.aborted) throw new UnrecoverableError('canceled by the harness');
      throw new UnrecoverableError(`worker could not run the command: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      running.delete(id);
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection,
    concurrency: options.concurrency,
    lockDuration: stall.lockDurationS * 1000,
    stalledInterval: stall.stalledIntervalS * 1000,
    maxStalledCount: stall.maxStalledCount,
    autorun: true,
  });
  let lastError = '';
  worker.on('error', (error) => {
    // A Redis outage repeats one error per reconnection attempt: say it once.
    if (error.message !== lastError) log(`worker: ${error.message}`);
    lastError = error.message;
  });
  worker.on('ready', () => {
    lastError = '';
  });
  worker.on('failed', (job, error) => {
    log(`worker: job ${job?.id ?? '?'} failed: ${error.message}`);
  });
  const cancels = new QueueEvents(QUEUE_NAME, { connection });
  cancels.on('error', () => undefined);
  cancels.on<CancelEvents>(CANCEL_EVENT, (args: { jobId: string }) => {
    running.get(args.jobId)?.abort(new Error('canceled by the harness'));
  });
  await Promise.all([worker.waitUntilReady(), cancels.waitUntilReady()]);
  log(`worker: taking jobs from ${target.display} (queue ${QUEUE_NAME}, concurrency ${options.concurrency})`);

  let stopped: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    stopping.abort();
    for (const controller of running.values()) controller.abort(new Error('the worker is stopping'));
    await worker.close();
    await Promise.allSettled([cancels.close(), runner.close()]);
    log(`worker: stopped after ${completed} job${completed === 1 ? '' : 's'}`);
  };
  return {
    completed: () => completed,
    stop: () => (stopped ??= shutdown()),
  };
}
