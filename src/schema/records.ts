/**
 * Record schemas of the per-task and per-wave artifacts (contract section 8). The zod schemas
 * are the single source: TypeScript types are inferred from them and `npm run schemas` turns
 * them into the JSON Schemas in `schemas/`. Key order here is the key order in the files.
 */
import { z } from 'zod';
import { SCHEMA_VERSION, STRATEGY_NAMES } from '../options.ts';
import { ATTEMPT_SOURCES } from '../ports.ts';

const isoTime = z.iso.datetime().describe('ISO-8601 UTC instant: --epoch plus simulated seconds');
const seconds = z.number().min(0).describe('seconds (simulated)');
const probability = z.number().min(0).max(1);
export const taskStatusSchema = z.enum(['succeeded', 'failed', 'blocked']);
const schemaVersion = z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)');

/**
 * `task_outcomes.jsonl`: one flat row per task, every wave, for notebooks. The columns of
 * contract section 8 in its order, `first_attempt_duration_s` beside `duration_s`, then two
 * columns the contract does not list (`assigned_agent_id`, `priority`). A field with no value
 * is null, never 0 or the epoch: a task blocked before any attempt has null
 * `first_agent_id`, `first_attempt_success`, durations, waiting and times. Every column has
 * one type (or null) in every run.
 */
export const taskOutcomeRecordSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    task_id: z.string(),
    agent_id: z.string().describe('the agent the task ended on (for a task blocked before any attempt: the agent the gate refused)'),
    first_agent_id: z.string().nullable().describe('the agent of the first attempt, the one calibration credits; null when never attempted'),
    suggested_agent_id: z.string().nullable().describe("Phase 20's suggested agent, from the schedule; null when none"),
    status: taskStatusSchema,
    attempts: z.number().int().min(0),
    first_attempt_success: z.boolean().nullable().describe('null when never attempted'),
    predicted_success_probability: probability.describe(
      'p(t, a) on first_agent_id (on agent_id when never attempted); the mean of the task\'s predictions when that agent is no candidate',
    ),
    predicted_execution_time_s: seconds.describe('predicted_execution_time(t, a) on the same agent as predicted_success_probability'),
    duration_s: seconds.nullable().describe('sum of the attempts\' durations; null when never attempted'),
    first_attempt_duration_s: seconds.nullable().describe('duration of the first attempt (what duration_mape compares); null when never attempted'),
    waiting_s: seconds.nullable().describe('from the wave\'s start to the first attempt; null when never attempted'),
    start_time: isoTime.nullable().describe('start of the first attempt; null when never attempted'),
    end_time: isoTime.nullable().describe('end of the last attempt (or the refusal after it); null when never attempted'),
    gate: z.string().nullable().describe('name of the gate that blocked the task; null when none did'),
    reroutes: z.number().int().min(0),
    steals: z.number().int().min(0).describe('times an idle agent took the task from another\'s queue (work stealing), apart from reroutes'),
    assigned_agent_id: z.string().describe('the agent the strategy chose (not in the contract\'s list)'),
    priority: z.number().int().min(1).max(3).describe('1 = highest (not in the contract\'s list)'),
  })
  .strict();
export type TaskOutcomeRecord = z.infer<typeof taskOutcomeRecordSchema>;

/** One attempt inside an `executed_tasks.jsonl` row. */
export const attemptRecordSchema = z
  .object({
    attempt: z.number().int().min(0),
    agent_id: z.string(),
    start_time: isoTime,
    end_time: isoTime,
    duration_s: seconds,
    success: z.boolean(),
    probe: z.boolean().describe('the half-open probe of its circuit'),
    source: z.enum(ATTEMPT_SOURCES).describe('where the outcome came from: simulated (drawn, contract section 3), recorded (--outcomes), subprocess (a real command)'),
    exit_code: z.number().int().nullable().describe('subprocess world: the command\'s exit code; null when a signal ended it, and in other worlds'),
    signal: z.string().nullable().describe('subprocess world: the signal that ended the command (SIGTERM, SIGKILL); null otherwise'),
    timed_out: z.boolean().nullable().describe('subprocess world: the command ran past timeout_s and was killed; null in other worlds'),
    stdout: z.string().nullable().describe('subprocess world: standard output, cut to max_output_bytes; null in other worlds'),
    stderr: z.string().nullable().describe('subprocess world: standard error, cut to max_output_bytes; null in other worlds'),
    output_truncated: z.boolean().nullable().describe('subprocess world: stdout or stderr was cut to max_output_bytes; null in other worlds'),
  })
  .strict();

/**
 * `wave_<w>/agent_<a>/executed_tasks.jsonl`: one row per task, in the folder of its final
 * agent. The same null rule as task_outcomes: times, waiting and duration are null for a task
 * blocked before any attempt.
 */
export const executedTaskRecordSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    task_id: z.string(),
    status: taskStatusSchema,
    attempts: z.number().int().min(0),
    agent_id: z.string(),
    assigned_agent_id: z.string(),
    start_time: isoTime.nullable(),
    end_time: isoTime.nullable(),
    waiting_s: seconds.nullable(),
    duration_s: seconds.nullable(),
    retry_delays_s: z.array(seconds),
    gate: z.string().nullable(),
    gate_reason: z.string().nullable(),
    reroutes: z.number().int().min(0),
    steals: z.number().int().min(0),
    attempt_log: z.array(attemptRecordSchema),
  })
  .strict();
export type ExecutedTaskRecord = z.infer<typeof executedTaskRecordSchema>;

/** `wave_<w>/agent_<a>/agent_assignments.jsonl`: the strategy's placement of each task. */
export const assignmentRecordSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    task_id: z.string(),
    agent_id: z.string(),
    strategy: z.enum(STRATEGY_NAMES),
    order: z.number().int().min(0).describe("position in the strategy's order of taking tasks"),
    priority: z.number().int().min(1).max(3),
    predicted_success_probability: probability,
    predicted_execution_time_s: seconds,
    work_s: seconds.describe('predicted_execution_time x speed added to the agent'),
    suggested_agent_id: z.string().nullable(),
  })
  .strict();
export type AssignmentRecord = z.infer<typeof assignmentRecordSchema>;

/** `wave_<w>/gate_decisions.jsonl`: the gates' verdict before every attempt. */
export const gateDecisionRecordSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    task_id: z.string(),
    agent_id: z.string(),
    attempt: z.number().int().min(0),
    time: isoTime.nullable().describe('null in a dry run, where nothing is timed'),
    decision: z.enum(['allow', 'refuse']),
    gate: z.string().nullable(),
    gate_reason: z.string().nullable(),
  })
  .strict();
export type GateDecisionRecord = z.infer<typeof gateDecisionRecordSchema>;

/** `rejected.jsonl` (quarantine mode): every bad input line, verbatim. */
export const rejectedRecordSchema = z
  .object({
    schema_version: schemaVersion,
    file: z.string(),
    line: z.number().int().min(1),
    reasons: z.array(z.string()).min(1),
    raw: z.string().describe('the line as read, without its line ending'),
  })
  .strict();
export type RejectedRecord = z.infer<typeof rejectedRecordSchema>;
