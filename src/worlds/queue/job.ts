/**
 * What travels through Redis: one job per attempt, `{protocol, spec, payload}`, and the
 * worker's {@link CommandOutcome} as the job's return value. Both sides validate what they
 * read (a worker of another version, or a hand-made job, is a failed attempt with a reason, not
 * a crash).
 */
import { z } from 'zod';
import type { AttemptPayload, CommandOutcome, CommandSpec } from '../subprocess/runner.ts';

/** Version of the job's shape; a worker refuses a job of another version. */
export const JOB_PROTOCOL = 1;

/** The BullMQ job name of an attempt. */
export const ATTEMPT_JOB_NAME = 'attempt';

/** A custom QueueEvents event the harness publishes to stop a job a worker is running. */
export const CANCEL_EVENT = 'phase21-cancel';

/** A custom QueueEvents event a harness publishes to itself to know its events reader reads. */
export const READY_EVENT = 'phase21-ready';

/** The data of one attempt's job. */
export interface AttemptJobData {
  readonly protocol: typeof JOB_PROTOCOL;
  readonly spec: CommandSpec;
  readonly payload: AttemptPayload;
}

const specSchema = z.strictObject({
  command: z.array(z.string()).min(1),
  timeoutS: z.number().positive(),
  killGraceS: z.number().nonnegative(),
  maxOutputBytes: z.number().int().nonnegative(),
  env: z.record(z.string(), z.string()),
});

const payloadSchema = z.strictObject({
  wave: z.number().int(),
  task_id: z.string(),
  agent_id: z.string(),
  attempt: z.number().int().nonnegative(),
  p: z.number(),
  predicted_time_s: z.number(),
});

const jobDataSchema = z.strictObject({
  protocol: z.literal(JOB_PROTOCOL),
  spec: specSchema,
  payload: payloadSchema,
});

const outcomeSchema = z.strictObject({
  succeeded: z.boolean(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  outputTruncated: z.boolean(),
  durationS: z.number().nonnegative(),
});

/** A value read from Redis, checked: the value or the first problem as `field: problem`. */
export type Checked<T> = { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'invalid'; readonly problem: string };

function check<T>(schema: z.ZodType<T>, value: unknown): Checked<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { kind: 'ok', value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(value)' : issue.path.join('.');
  return { kind: 'invalid', problem: `${field}: ${issue?.message ?? 'invalid'}` };
}

/** A job's data as a worker reads it. */
export function checkJobData(value: unknown): Checked<AttemptJobData> {
  return check(jobDataSchema, value);
}

/**
 * A job's return value as the harness reads it: BullMQ hands it over as JSON text in events and
 * as a value on a fetched job; both are accepted.
 */
export function checkOutcome(value: unknown): Checked<CommandOutcome> {
  if (typeof value === 'string') {
    try {
      return check(outcomeSchema, JSON.parse(value));
    } catch {
      return { kind: 'invalid', problem: '(value): not JSON' };
    }
  }
  return check(outcomeSchema, value);
}

/**
 * The job id of an attempt: `RUN/w WAVE/a ATTEMPT/TASK`, with the task id percent-encoded (BullMQ
 * refuses `:` in ids). An attempt number is unique per task and wave (it counts across agents),
 * so one attempt is one job: BullMQ does not add a second job under an existing id, and the
 * harness resolves each id once.
 * @param runId the run's id, unique per invocation: letters, digits, `-`, `_`, `.`
 */
export function jobIdOf(runId: string, payload: Pick<AttemptPayload, 'wave' | 'task_id' | 'attempt'>): string {
  return `${runId}/w${payload.wave}/a${payload.attempt}/${encodeURIComponent(payload.task_id)}`;
}

/** Run ids {@link jobIdOf} accepts. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The outcome of an attempt whose job failed on the queue's side (a worker died beyond
 * `maxStalledCount`, refused the job, or broke): a failed attempt with the reason on stderr.
 * @param durationS seconds from the job's submission to its failure
 */
export function failedOutcome(reason: string, durationS: number): CommandOutcome {
  return {
    succeeded: false,
    exitCode: null,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr: `queue: ${reason}`,
    outputTruncated: false,
    durationS: Math.max(0, durationS),
  };
}
