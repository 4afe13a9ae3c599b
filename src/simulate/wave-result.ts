/**
 * The immutable record of a finished wave (./types.ts) built from the engine's mutable
 * bookkeeping (./lane.ts).
 */
import { predictionOn } from '../plan/model.ts';
import type { Lane, TaskRun } from './lane.ts';
import type { AgentWaveStats, GateDecision, TaskOutcome, TaskStatus, WaveExecution } from './types.ts';

/**
 * A finished wave: ends at its last task's end (the start when it has none), charges each
 * not-closed circuit its open time up to that end (contract section 6, `availability`), and lists
 * one outcome per task in plan order and one figure set per agent in run order.
 * @param runs - every task of the wave, each ended; `lane` and `firstLane` index `lanes`
 */
export function waveExecution(wave: number, startS: number, runs: readonly TaskRun[], lanes: readonly Lane[], gateDecisions: readonly GateDecision[]): WaveExecution {
  let endS = startS;
  for (const run of runs) endS = Math.max(endS, run.endS);
  for (const lane of lanes) {
    if (lane.breaker.kind !== 'closed') lane.addOpenTime(lane.breaker.downSinceS, endS, startS);
  }
  const outcomes = runs.map((run) => taskOutcome(run, lanes));
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

/** One ended task's outcome; its prediction is that of the agent of its first attempt (or refusal). */
function taskOutcome(run: TaskRun, lanes: readonly Lane[]): TaskOutcome {
  const finalLane = lanes[run.lane] as Lane;
  const firstLane = lanes[run.firstLane ?? run.lane] as Lane;
  const { p, predictedTimeS } = predictionOn(run.task, firstLane.profile.agentId);
  return {
    wave: run.task.wave,
    taskId: run.task.taskId,
    priority: run.task.priority,
    assignedAgentId: run.assignedAgentId,
    agentId: finalLane.profile.agentId,
    suggestedAgentId: run.task.suggested?.agentId ?? null,
    // The wave ends once every task has ended (#record counts each task once, setting its status).
    status: run.status as TaskStatus,
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
