/**
 * Record schemas of the per-task and per-wave artifacts (contract section 8). The zod schemas
 * are the single source: TypeScript types are inferred from them and `npm run schemas` turns
 * them into the JSON Schemas in `schemas/`. Key order here is the key order in the files.
 */
import { z } from 'zod';
import { SCHEMA_VERSION, STRATEGY_NAMES } from '../options.ts';

const isoTime = z.iso.datetime().describe('ISO-8601 UTC instant: --epoch plus simulated seconds');
const seconds = z.number().min(0).describe('seconds (simulated)');
const probability = z.number().min(0).max(1);
export const taskStatusSchema = z.enum(['succeeded', 'failed', 'blocked']);
const schemaVersion = z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)');

/** `task_outcomes.jsonl`: one flat row per task, every wave, for notebooks. */
export const taskOutcomeRecordSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    task_id: z.string(),
    agent_id: z.string().describe('the agent the task ended on'),
    assigned_agent_id: z.string().describe('the agent the strategy first chose'),
    suggested_agent_id: z.string().nullable().describe("Phase 20's suggested agent, from the schedule"),
    priority: z.number().int().min(1).max(3),
    status: taskStatusSchema,
    attempts: z.number().int().min(0),
    first_attempt_success: z.boolean().nullable().describe('null when blocked before any attempt'),
    predicted_success_probability: probability.describe('p(t, a) for the agent of the first attempt (or the blocking agent)'),
    predicted_execution_time_s: seconds,
    duration_s: seconds.describe('sum of attempt durations'),
    waiting_s: seconds.describe('from wave start to the first attempt (or the refusal)'),
    start_time: isoTime,
    end_time: isoTime,
    gate: z.string().nullable().describe('name of the gate that blocked the task'),
    reroutes: z.number().int().min(0),
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
    succeeded: z.boolean(),
    probe: z.boolean().describe('the half-open probe of its circuit'),
  })
  .strict();

/** `wave_<w>/agent_<a>/executed_tasks.jsonl`: one row per task, in the folder of its final agent. */
export const executedTaskRecordSchema = z
  .object({
    schema_version: schemaVersion,
    wave: z.number().int().min(1),
    task_id: z.string(),
    status: taskStatusSchema,
    attempts: z.number().int().min(0),
    agent_id: z.string(),
    assigned_agent_id: z.string(),
    start_time: isoTime,
    end_time: isoTime,
    waiting_s: seconds,
    duration_s: seconds,
    retry_delays_s: z.array(seconds),
    gate: z.string().nullable(),
    gate_reason: z.string().nullable(),
    reroutes: z.number().int().min(0),
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
    reason: z.string().nullable(),
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
