/**
 * `heuristic_feedback` signal (contract section 7, to Phase 16): one per wave, subject `all`:
 * how Phase 20's plan held. Confidence by the wave's task count. One O(n) pass over outcomes.
 */
import { SCHEMA_VERSION } from '../options.ts';
import { predictionOn, type Risk, type Task, type WavePlan } from '../plan/model.ts';
import type { WaveMetrics } from '../schema/measures.ts';
import type { HeuristicContent, HeuristicSignal, RiskOutcome } from '../schema/signals.ts';
import type { TaskOutcome, WaveExecution } from '../simulate/types.ts';
import { round } from '../util/json.ts';
import { firstAttemptDurationS, predictionAgentOf } from '../measure/metrics.ts';
import { ALL, TARGET_PHASE, confidenceFor, signalId } from './common.ts';
import { heuristicRecommendations } from './recommendations.ts';

/** A duration counts as "within" when |actual - predicted| / predicted is at most this. */
export const DURATION_TOLERANCE = 0.2;

const RISKS: readonly Risk[] = ['LOW', 'MEDIUM', 'HIGH'];

/**
 * Risk of a task as Phase 20 saw it: the risk of the prediction for the agent of its first
 * attempt (or the blocking agent); derived from the outcome's p when that agent is no candidate.
 */
export function riskOf(outcome: TaskOutcome, task: Task): Risk {
  return predictionOn(task, predictionAgentOf(outcome)).risk;
}

/** Phase 20's planned span of a wave: max planned end - min planned start over placed tasks. */
export function plannedMakespanS(plan: WavePlan): number | null {
  let start = Infinity;
  let end = -Infinity;
  for (const task of plan.tasks) {
    if (task.suggested === null) continue;
    if (task.suggested.plannedStartS < start) start = task.suggested.plannedStartS;
    if (task.suggested.plannedEndS > end) end = task.suggested.plannedEndS;
  }
  return end === -Infinity ? null : end - start;
}

/**
 * Finds a plan task by id. Outcomes and plan tasks are both in natural order of task_id, so the
 * task at the outcome's own index is tried first; a map is built only if that ever misses.
 */
function taskFinder(plan: WavePlan): (taskId: string, index: number) => Task | undefined {
  let byId: Map<string, Task> | null = null;
  return (taskId, index) => {
    const aligned = plan.tasks[index];
    if (aligned?.taskId === taskId) return aligned;
    byId ??= new Map(plan.tasks.map((t) => [t.taskId, t]));
    return byId.get(taskId);
  };
}

interface RiskCounts {
  tasks: number;
  succeeded: number;
  failed: number;
  blocked: number;
}

/**
 * The signal's content.
 * @throws RangeError when an outcome's task is not in `plan`
 */
export function heuristicContent(plan: WavePlan, execution: WaveExecution, metrics: WaveMetrics): HeuristicContent {
  const findTask = taskFinder(plan);
  const byRisk = new Map<Risk, RiskCounts>(RISKS.map((r) => [r, { tasks: 0, succeeded: 0, failed: 0, blocked: 0 }]));
  let executed = 0;
  let within = 0;
  let suggested = 0;
  let kept = 0;
  execution.outcomes.forEach((outcome, index) => {
    const task = findTask(outcome.taskId, index);
    if (task === undefined) throw new RangeError(`wave ${execution.wave}: task ${JSON.stringify(outcome.taskId)} is not in the plan`);
    const counts = byRisk.get(riskOf(outcome, task));
    if (counts !== undefined) {
      counts.tasks += 1;
      counts[outcome.status] += 1;
    }
    const durationS = firstAttemptDurationS(outcome);
    if (durationS !== null) {
      executed += 1;
      if (Math.abs(durationS - outcome.predictedTimeS) / outcome.predictedTimeS <= DURATION_TOLERANCE) within += 1;
    }
    if (outcome.suggestedAgentId !== null) {
      suggested += 1;
      if (outcome.agentId === outcome.suggestedAgentId) kept += 1;
    }
  });
  const planned = plannedMakespanS(plan);
  const outcomesByRisk: RiskOutcome[] = RISKS.map((risk) => {
    const c = byRisk.get(risk) ?? { tasks: 0, succeeded: 0, failed: 0, blocked: 0 };
    return { risk, ...c, success_rate: c.tasks === 0 ? null : round(c.succeeded / c.tasks) };
  });
  return {
    tasks: execution.outcomes.length,
    executed,
    duration_mape: metrics.duration_mape,
    within_20pct_share: executed === 0 ? null : round(within / executed),
    suggested_tasks: suggested,
    kept_on_suggested_share: suggested === 0 ? null : round(kept / suggested),
    planned_makespan_s: planned === null ? null : round(planned),
    makespan_s: metrics.makespan_s,
    makespan_ratio: planned === null || planned <= 0 ? null : round(metrics.makespan_s / planned),
    outcomes_by_risk: outcomesByRisk,
  };
}

/** The wave's heuristic-feedback signal. @throws RangeError as {@link heuristicContent} */
export function heuristicSignal(plan: WavePlan, execution: WaveExecution, metrics: WaveMetrics): HeuristicSignal {
  const content = heuristicContent(plan, execution, metrics);
  return {
    schema_version: SCHEMA_VERSION,
    signal_id: signalId(execution.wave, 'heuristic_feedback', ALL),
    signal_type: 'heuristic_feedback',
    target_phase: TARGET_PHASE.heuristic_feedback,
    wave: execution.wave,
    subject: ALL,
    confidence: confidenceFor(content.tasks),
    content,
    recommendations: heuristicRecommendations(content),
  };
}
