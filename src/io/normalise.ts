/**
 * Normalising an accepted input row into the plan's record (contract section 2): defaults
 * applied (predicted_execution_time 30 s, risk from p, priority null when absent), `depends_on`
 * without repeats, `required_capabilities` sorted and unique. Pass 1 (`validate.ts`) and pass 2
 * (`wave-source.ts`) both use it, so the two passes agree by construction.
 */
import type { Priority } from '../plan/model.ts';
import { riskFromProbability } from '../plan/model.ts';
import type { PredictionRecord, ScheduleRecord } from '../plan/build.ts';
import type { PredictionRowInput, ScheduleRowInput } from '../schema/input.ts';
import { sortedUnique, uniqueInOrder } from '../util/lists.ts';

/** Default predicted_execution_time, seconds (contract section 2). */
export const DEFAULT_EXECUTION_TIME_S = 30;

const NO_DEPENDENCIES: readonly string[] = [];

function toPriority(value: number | null | undefined): Priority | null {
  if (value === 1 || value === 2 || value === 3) return value;
  return null;
}

/** A row's `depends_on` in row order without repeats; empty when absent. */
export function dependencyList(dependsOn: readonly string[] | null | undefined): readonly string[] {
  return dependsOn === undefined || dependsOn === null ? NO_DEPENDENCIES : uniqueInOrder(dependsOn);
}

/** A schedule row that passed its schema, as the plan's record (`wave` is the row's resolved wave). */
export function normaliseSchedule(row: ScheduleRowInput, wave: number): ScheduleRecord {
  return {
    wave,
    taskId: row.task_id,
    agentId: row.agent_id,
    startS: row.predicted_start_time,
    endS: row.predicted_end_time,
    p: row.predicted_success_probability ?? null,
    priority: toPriority(row.priority),
  };
}

/** A prediction row that passed its schema, defaults applied (`wave` is the row's resolved wave). */
export function normalisePrediction(row: PredictionRowInput, wave: number): PredictionRecord {
  const p = row.predicted_success_probability;
  return {
    wave,
    taskId: row.task_id,
    agentId: row.agent_id,
    p,
    predictedTimeS: row.predicted_execution_time ?? DEFAULT_EXECUTION_TIME_S,
    risk: row.risk_assessment ?? riskFromProbability(p),
    confidenceDelta: row.confidence_delta_estimate ?? null,
    priority: toPriority(row.priority),
    dependsOn: dependencyList(row.depends_on),
    requiredCapabilities: sortedUnique(row.required_capabilities),
  };
}
