/**
 * The harness side of the distributed world (contract section 11, "Distributed"): a
 * {@link CommandRunner} whose attempts are BullMQ jobs on Redis, run by `npm run worker`
 * processes on any machine. The harness keeps queues, breakers, retries and measures; a worker
 * only runs the command and returns its {@link CommandOutcome} as the job's return value.
 *
 * Exactly once: one attempt is one job under a deterministic id (src/worlds/queue/job.ts), each
 * id is resolved once (a duplicate completion, or an event of another run, is ignored), a
 * worker killed mid-attempt leaves its job to BullMQ's stalled-job check (run again by another
 * worker, or failed beyond `maxStalledCount`, which this runner reports as one failed attempt).
 */
import { Queue, QueueEvents, QueueEventsProducer, type QueueEventsListener } from 'bullmq';
import { QueueError } from '../../errors.ts';
import type { AttemptPayload, CommandOutcome, CommandRunner, CommandSpec } from '../subprocess/runner.ts';
import { connectionOptions, probeRedis, QUEUE_NAME, type RedisTarget } from './connection.ts';
import { ATTEMPT_JOB_NAME, CANCEL_EVENT, READY_EVENT, checkOutcome, failedOutcome, JOB_PROTOCOL, jobIdOf, RUN_ID_PATTERN, type AttemptJobData } from './job.ts';

/** How long finished jobs stay in Redis for inspection (`removeOnComplete`/`removeOnFail`), seconds. */
export const KEEP_COMPLETED_S = 3600;
export const KEEP_FAILED_S = 86_400;

/** Options of {@link QueueCommandRunner.open}. */
export interface QueueRunnerOptions {
  readonly target: RedisTarget;
  /** This run's id, unique per invocation ({@link RUN_ID_PATTERN}); every job id starts with it. */
  readonly runId: string;
  /** Monotonic milliseconds (the failed-job duration); injected, `performance.now` at the edge. */
  readonly now: () => number;
  /**
   * Seconds between looks at the state of jobs pending longer than this, the safety net for an
   * event missed while the events connection was down; default 5.
   */
  readonly pollS?: number;
  /** Consecutive failed looks (Redis gone) before every pending attempt rejects; default 3. */
  readonly maxPollFailures?: number;
}

interface Pending {
  readonly promise: Promise<CommandOutcome>;
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly startMs: number;
  /** The signal of the run call that added it (a repeated call shares the first one's). */
  readonly signal: AbortSignal;
}

/** Runs attempts as BullMQ jobs. Build with {@link QueueCommandRunner.open}. */
export class QueueCommandRunner implements CommandRunner {
  readonly name = 'queue';
  private readonly pending = new Map<string, Pending>();
  private readonly chores = new Set<Promise<unknown>>();
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly timer: ReturnType<typeof setInterval>;
  private closing: Promise<void> | null = null;
  private pollFailures = 0;
  private polling = false;

  private constructor(
    private readonly options: QueueRunnerOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly producer: QueueEventsProducer,
  ) {
    events.on('completed', ({ jobId, returnvalue }) => {
      this.complete(jobId, returnvalue);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      this.fail(jobId, failedReason);
    });
    // Connection errors while reconnecting: the poll decides when Redis is gone for good.
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    producer.on('error', () => undefined);
    const pollS = options.pollS ?? 5;
    this.timer = setInterval(() => {
      this.track(this.poll(pollS));
    }, pollS * 1000);
  }

  /**
   * Checks Redis, then connects the queue and its events, and waits until the events reader
   * reads (so no completion after `open` is missed).
   * @throws QueueError when Redis cannot be reached or its connections are not ready within
   *   {@link OPEN_TIMEOUT_S}; Error for a run id outside {@link RUN_ID_PATTERN}
   */
  static async open(options: QueueRunnerOptions): Promise<QueueCommandRunner> {
    if (!RUN_ID_PATTERN.test(options.runId)) throw new Error(`run id ${JSON.stringify(options.runId)}: must match ${String(RUN_ID_PATTERN)}`);
    await probeRedis(options.target);
    const connection = connectionOptions(options.target, 'service');
    const queue = new Queue<AttemptJobData, CommandOutcome>(QUEUE_NAME, { connection });
    queue.on('error', () => undefined);
    const events = new QueueEvents(QUEUE_NAME, { connection });
    const producer = new QueueEventsProducer(QUEUE_NAME, { connection });
    events.on('error', () => undefined);
    producer.on('error', () => undefined);
    try {
      await withTimeout(
        (async () => {
          await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), producer.waitUntilReady()]);
          await untilListening(events, producer, options.runId);
        })(),
        OPEN_TIMEOUT_S,
        `--queue: Redis at ${options.target.display} did not answer within ${OPEN_TIMEOUT_S} s`,
      );
    } catch (error: unknown) {
      await Promise.allSettled([events.close(), producer.close(), queue.close()]);
      throw error instanceof QueueError ? error : new QueueError(`--queue: cannot use Redis at ${options.target.display}: ${messageOf(error)}`);
    }
    return new QueueCommandRunner(options, queue, events, producer);
  }

  /**
   * Adds the attempt's job and resolves with the outcome its worker returned, or a failed
   * outcome (`stderr: "queue: REASON"`) when the job failed on the queue's side. Asking again
   * for the same attempt (same wave, task, attempt) returns the same promise, governed by
   * the first call's signal.
   * @throws signal's reason when aborted (the job is removed, or its worker told to stop it);
   *   QueueError when closed, when the job cannot be added, or when Redis stays unreachable
   */
  run(spec: CommandSpec, payload: AttemptPayload, signal: AbortSignal): Promise<CommandOutcome> {
    if (this.closing !== null) return Promise.reject(new QueueError('--queue: the queue runner is closed'));
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const jobId = jobIdOf(this.options.runId, payload);
    const known = this.pending.get(jobId);
    if (known !== undefined) return known.promise;
    let resolve: (outcome: CommandOutcome) => void = () => undefined;
    let reject: (error: unknown) => void = () => undefined;
    const promise = new Promise<CommandOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.pending.set(jobId, { promise, resolve, reject, startMs: this.options.now(), signal });
    this.watch(signal);
    const data: AttemptJobData = { protocol: JOB_PROTOCOL, spec, payload };
    this.queue
      .add(ATTEMPT_JOB_NAME, data, { jobId, attempts: 1, removeOnComplete: { age: KEEP_COMPLETED_S }, removeOnFail: { age: KEEP_FAILED_S } })
      .catch((error: unknown) => {
        this.settle(jobId, { kind: 'reject', error: new QueueError(`--queue: cannot add job ${jobId} at ${this.options.target.display}: ${messageOf(error)}`) });
      });
    return promise;
  }

  /**
   * One abort listener per signal (an engine passes one signal to thousands of attempts): when
   * it fires, every pending attempt started under it rejects with its reason and is canceled.
   */
  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        for (const [jobId, entry] of [...this.pending]) {
          if (entry.signal !== signal) continue;
          this.settle(jobId, { kind: 'reject', error: signal.reason });
          this.track(this.cancel(jobId));
        }
      },
      { once: true },
    );
  }

  /**
   * Rejects every pending attempt, removes this run's jobs not yet taken by a worker, tells
   * workers to stop the ones they run, and closes the connections. The shared queue itself
   * stays (other runs may use it); finished jobs expire after {@link KEEP_COMPLETED_S} /
   * {@link KEEP_FAILED_S}. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Attempts submitted and not yet resolved. */
  get pendingCount(): number {
    return this.pending.size;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    const ids = [...this.pending.keys()];
    for (const id of ids) {
      this.settle(id, { kind: 'reject', error: new QueueError('--queue: the queue runner was closed') });
      this.track(this.cancel(id));
    }
    while (this.chores.size > 0) await Promise.allSettled([...this.chores]);
    await Promise.allSettled([this.events.close(), this.producer.close(), this.queue.close()]);
  }

  private complete(jobId: string, returnvalue: unknown): void {
    const entry = this.pending.get(jobId);
    if (entry === undefined) return; // another run's job, or a duplicate completion
    const checked = checkOutcome(returnvalue);
    const outcome = checked.kind === 'ok' ? checked.value : failedOutcome(`the worker returned an invalid outcome: ${checked.problem}`, this.elapsedS(entry));
    this.settle(jobId, { kind: 'resolve', outcome });
  }

  private fail(jobId: string, reason: string): void {
    const entry = this.pending.get(jobId);
    if (entry === undefined) return;
    this.settle(jobId, { kind: 'resolve', outcome: failedOutcome(reason, this.elapsedS(entry)) });
  }

  /** Resolves or rejects `jobId` once; later calls for it are ignored. */
  private settle(jobId: string, how: { readonly kind: 'resolve'; readonly outcome: CommandOutcome } | { readonly kind: 'reject'; readonly error: unknown }): void {
    const entry = this.pending.get(jobId);
    if (entry === undefined) return;
    this.pending.delete(jobId);
    if (how.kind === 'resolve') entry.resolve(how.outcome);
    else entry.reject(how.error);
  }

  private elapsedS(entry: Pending): number {
    return (this.options.now() - entry.startMs) / 1000;
  }

  /** Removes a job no worker holds; for a job a worker runs, publishes a cancel event. */
  private async cancel(jobId: string): Promise<void> {
    try {
      const removed = await this.queue.remove(jobId);
      if (removed === 0) await this.producer.publishEvent({ eventName: CANCEL_EVENT, jobId });
    } catch {
      // Redis gone: the job stays until its worker finishes it, and nobody waits for it.
    }
  }

  /** The safety net: jobs pending longer than `pollS` are looked up; finished ones settle. */
  private async poll(pollS: number): Promise<void> {
    if (this.polling || this.closing !== null) return;
    this.polling = true;
    try {
      const now = this.options.now();
      for (const [jobId, entry] of this.pending) {
        if (now - entry.startMs < pollS * 1000) continue;
        const job = await this.queue.getJob(jobId);
        if (job === undefined) continue; // not added yet, or removed while we looked
        if (job.finishedOn === undefined) continue;
        const reason: unknown = job.failedReason; // absent on a completed job
        if (typeof reason === 'string' && reason !== '') this.fail(jobId, reason);
        else this.complete(jobId, job.returnvalue);
      }
      this.pollFailures = 0;
    } catch (error: unknown) {
      this.pollFailures++;
      if (this.pollFailures >= (this.options.maxPollFailures ?? 3)) {
        const lost = new QueueError(`--queue: lost Redis at ${this.options.target.display}: ${messageOf(error)}`);
        for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'reject', error: lost });
      }
    } finally {
      this.polling = false;
    }
  }

  private track(chore: Promise<unknown>): void {
    this.chores.add(chore);
    void chore.finally(() => this.chores.delete(chore));
  }
}

/** Events the runner publishes and reads besides BullMQ's own. */
interface RunnerEvents extends QueueEventsListener {
  [READY_EVENT]: (args: { runId: string }, id: string) => void;
}

/** Seconds {@link QueueCommandRunner.open} waits for its connections and events reader. */
export const OPEN_TIMEOUT_S = 15;

/** `promise`, or a QueueError with `message` after `seconds`. */
async function withTimeout<T>(promise: Promise<T>, seconds: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new QueueError(message));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How often the ready marker is published until the events reader sees it, milliseconds. */
const READY_RETRY_MS = 50;

/**
 * Resolves once `events` reads the stream: it publishes a marker event until `events` sees it,
 * so every job completion after this point reaches the runner (a reader starts at the stream's
 * end, `$`, at its first read, which may come after `waitUntilReady`).
 */
async function untilListening(events: QueueEvents, producer: QueueEventsProducer, runId: string): Promise<void> {
  let timer: ReturnType<typeof setInterval> | undefined;
  await new Promise<void>((resolve, reject) => {
    const publish = (): void => {
      producer.publishEvent({ eventName: READY_EVENT, runId }).catch(reject);
    };
    events.on<RunnerEvents>(READY_EVENT, (args: { runId: string }) => {
      if (args.runId === runId) resolve();
    });
    publish();
    timer = setInterval(publish, READY_RETRY_MS);
  }).finally(() => {
    clearInterval(timer);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
