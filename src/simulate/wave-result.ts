/**
 * The immutable record of a finished wave (./types.ts) built from the engine's mutable
 * bookkeeping (./lane.ts).
 */
import { predictionOn } from '../plan/model.ts';
import type { Lane, TaskRun } from './lane.ts';
import type { AgentWaveStats, GateDecision, TaskOutcome, WaveExecution } from './types.ts';

/**
 * A finished wave: ends at its last task's end (the start when it has none), charges each
 * not-closed circuit its open time up to that end (contract section 6, `availability`), and lists
 * one outcome per task in plan order and one figure set per agent in run order.
 * @throws RangeError when a task was never assigned, did not finish, or lost its agent: a bug
 */
export function waveExecution(wave: number, startS: number, runs: readonly (TaskRun | undefined)[], lanes: readonly Lane[], gateDecisions: readonly GateDecision[]): WaveExecution {
  let endS = startS;
  for (const run of runs) if (run !== undefined && run.endS > endS) endS = run.endS;
  for (const lane of lanes) {
    if (lane.breaker.kind !== 'closed') lane.addOpenTime(lane.breaker.downSinceS, endS, startS);
  }
  const outcomes = runs.map((run) => {
    if (run === undefined) throw new RangeError(`wave ${wave} has an unassigned task`);
    return taskOutcome(run, lanes);
  });
  const agents: AgentWaveStats[] = lanes.map((lane) => ({
    agentId: lane.profile.agentId,
    tasks: lane.tasks,
    attempts: lane.attempts,
    successfulAttempts: lane.successfulAttempts,
    busyS: lane.busyS,
    openS: lane.openS,
    circuitOpenings: lane.circuitOpenings,
    steals: lane.steals,
  }));
  return { wave, startS, endS, outcomes, agents, gateDecisions };
}

/**
 * One task's outcome; its prediction is that of the agent of its first attempt (or refusal).
 * @throws RangeError when the task did not finish or lost its agent: a bug
 */
function taskOutcome(run: TaskRun, lanes: readonly Lane[]): TaskOutcome {
  if (run.status === null) throw new RangeError(`task ${run.task.taskId} did not finish`);
  const finalLane = lanes[run.lane];
  const firstLane = lanes[run.firstLane ?? run.lane];
  if (finalLane === undefined || firstLane === undefined) throw new RangeError(`task ${run.task.taskId} lost its agent`);
  const { p, predictedTimeS } = predictionOn(run.task, firstLane.profile.agentId);
  return {
    wave: run.task.wave,
    taskId: run.task.taskId,
    priority: run.task.priority,
    assignedAgentId: run.assignedAgentId,
    agentId: finalLane.profile.agentId,
    suggestedAgentId: run.task.suggested?.agentId ?? null,
    status: run.status,
    attempts: run.attempts,
    retryDelaysS: run.retryDelaysS,
    refusal: run.refusal,
    reroutes: run.reroutes,
    steals: run.steals,
    readyS: run.readyS,
    startS: run.startS,
    endS: run.endS,
    predictedP: p,
    predictedTimeS,
  };
}
