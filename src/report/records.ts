/**
 * Pure builders of the per-task artifact records (src/schema/records.ts) from the
 * simulation's values. Seconds are rounded to 6 decimals; times become ISO-8601 UTC strings
 * through the run's {@link SimulatedCalendar}.
 */
import type { Assignment } from '../assign/types.ts';
import { SCHEMA_VERSION, type StrategyName } from '../options.ts';
import type { Task } from '../plan/model.ts';
import { predictionOn } from '../plan/model.ts';
import type {
  AssignmentRecord,
  ExecutedTaskRecord,
  GateDecisionRecord,
  RejectedRecord,
  TaskOutcomeRecord,
} from '../schema/records.ts';
import type { GateDecision, TaskOutcome } from '../simulate/types.ts';
import { firstAttemptDurationS } from '../measure/metrics.ts';
import { round } from '../util/json.ts';
import type { SimulatedCalendar } from '../util/time.ts';
import type { RejectedLine } from '../io/load.ts';

/** Sum of attempt durations, seconds; null when the task was never attempted. */
export function busyDurationS(outcome: TaskOutcome): number | null {
  if (outcome.attempts.length === 0) return null;
  let total = 0;
  for (const attempt of outcome.attempts) total += attempt.endS - attempt.startS;
  return total;
}

/** Time from the wave's start to the first attempt, seconds; null when the task was never attempted. */
export function waitingS(outcome: TaskOutcome): number | null {
  return outcome.attempts.length === 0 ? null : outcome.startS - outcome.readyS;
}

/** {@link round} that keeps null. */
function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}

/** The task's start and end as ISO-8601 UTC; both null when it was never attempted. */
function times(outcome: TaskOutcome, calendar: SimulatedCalendar): { start_time: string | null; end_time: string | null } {
  if (outcome.attempts.length === 0) return { start_time: null, end_time: null };
  return { start_time: calendar.iso(outcome.startS), end_time: calendar.iso(outcome.endS) };
}

/**
 * The `task_outcomes.jsonl` row of one task. Fields with no value are null (see the schema):
 * a task blocked before any attempt has no first agent, first-attempt outcome, durations,
 * waiting or times.
 */
export function taskOutcomeRecord(outcome: TaskOutcome, calendar: SimulatedCalendar): TaskOutcomeRecord {
  const first = outcome.attempts[0];
  return {
    schema_version: SCHEMA_VERSION,
    wave: outcome.wave,
    task_id: outcome.taskId,
    agent_id: outcome.agentId,
    first_agent_id: first?.agentId ?? null,
    suggested_agent_id: outcome.suggestedAgentId,
    status: outcome.status,
    attempts: outcome.attempts.length,
    first_attempt_success: first?.succeeded ?? null,
    predicted_success_probability: outcome.predictedP,
    predicted_execution_time_s: outcome.predictedTimeS,
    duration_s: roundOrNull(busyDurationS(outcome)),
    first_attempt_duration_s: roundOrNull(firstAttemptDurationS(outcome)),
    waiting_s: roundOrNull(waitingS(outcome)),
    ...times(outcome, calendar),
    gate: outcome.refusal?.gate ?? null,
    reroutes: outcome.reroutes,
    steals: outcome.steals,
    assigned_agent_id: outcome.assignedAgentId,
    priority: outcome.priority,
  };
}

/** The `executed_tasks.jsonl` row of one task, with its attempt log (same null rule as task_outcomes). */
export function executedTaskRecord(outcome: TaskOutcome, calendar: SimulatedCalendar): ExecutedTaskRecord {
  const { start_time, end_time } = times(outcome, calendar);
  return {
    schema_version: SCHEMA_VERSION,
    wave: outcome.wave,
    task_id: outcome.taskId,
    status: outcome.status,
    attempts: outcome.attempts.length,
    agent_id: outcome.agentId,
    assigned_agent_id: outcome.assignedAgentId,
    start_time,
    end_time,
    waiting_s: roundOrNull(waitingS(outcome)),
    duration_s: roundOrNull(busyDurationS(outcome)),
    retry_delays_s: outcome.retryDelaysS.map((d) => round(d)),
    gate: outcome.refusal?.gate ?? null,
    gate_reason: outcome.refusal?.reason ?? null,
    reroutes: outcome.reroutes,
    steals: outcome.steals,
    attempt_log: outcome.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      agent_id: attempt.agentId,
      start_time: calendar.iso(attempt.startS),
      end_time: calendar.iso(attempt.endS),
      duration_s: round(attempt.endS - attempt.startS),
      success: attempt.succeeded,
      probe: attempt.probe,
      source: attempt.source,
      exit_code: attempt.process?.exitCode ?? null,
      signal: attempt.process?.signal ?? null,
      timed_out: attempt.process?.timedOut ?? null,
      stdout: attempt.process?.stdout ?? null,
      stderr: attempt.process?.stderr ?? null,
      output_truncated: attempt.process?.outputTruncated ?? null,
    })),
  };
}

/** The `agent_assignments.jsonl` row of one assignment. */
export function assignmentRecord(task: Task, assignment: Assignment, strategy: StrategyName): AssignmentRecord {
  const prediction = predictionOn(task, assignment.agentId);
  return {
    schema_version: SCHEMA_VERSION,
    wave: task.wave,
    task_id: task.taskId,
    agent_id: assignment.agentId,
    strategy,
    order: assignment.order,
    priority: task.priority,
    predicted_success_probability: prediction.p,
    predicted_execution_time_s: prediction.predictedTimeS,
    work_s: round(assignment.workS),
    suggested_agent_id: task.suggested?.agentId ?? null,
  };
}

/** The `gate_decisions.jsonl` row of one verdict; `calendar` null in a dry run (no times). */
export function gateDecisionRecord(decision: GateDecision, calendar: SimulatedCalendar | null): GateDecisionRecord {
  return {
    schema_version: SCHEMA_VERSION,
    wave: decision.wave,
    task_id: decision.taskId,
    agent_id: decision.agentId,
    attempt: decision.attempt,
    time: calendar === null ? null : calendar.iso(decision.timeS),
    decision: decision.refusal === null ? 'allow' : 'refuse',
    gate: decision.refusal?.gate ?? null,
    gate_reason: decision.refusal?.reason ?? null,
  };
}

/** The `rejected.jsonl` row of one quarantined input line. */
export function rejectedRecord(line: RejectedLine): RejectedRecord {
  return { schema_version: SCHEMA_VERSION, file: line.file, line: line.line, reasons: [...line.reasons], raw: line.raw };
}
