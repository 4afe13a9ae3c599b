/**
 * A hand-built two-agent run (agents agent_1, agent_2), shared by the measure and signal tests.
 *
 * Wave 1 runs from t = 100 s to 160 s (makespan 60 s); every task is ready at 100 s.
 *
 * | task | final agent | status    | attempts (agent: start-end, ok?)          | p    | pred. time | suggested |
 * |------|-------------|-----------|-------------------------------------------|------|------------|-----------|
 * | t1   | agent_1     | succeeded | a1: 100-110 ok                            | 0.9  | 10         | agent_1   |
 * | t2   | agent_1     | succeeded | a1: 100-120 fail; a1: 122-130 ok          | 0.8  | 10         | agent_2   |
 * | t3   | agent_2     | failed    | a2: 105-115 fail; a2: 117-127 fail        | 0.6  | 20         | none      |
 * | t4   | agent_2     | blocked   | none (min_probability refused at 100)     | 0.05 | 30         | agent_2   |
 * | t5   | agent_2     | succeeded | a2: 130-145 ok (rerouted from agent_1)    | 0.7  | 12         | agent_1   |
 *
 * Agent statistics: agent_1 attempts 3 (2 ok), busy 28 s ([100,120] + [122,130]), open 10 s,
 * 1 circuit opening; agent_2 attempts 3 (1 ok), busy 35 s, never open.
 *
 * Wave 2 runs from 160 s to 200 s (makespan 40 s): t6 on agent_1, 160-180 ok, p 0.5, 20 s.
 */
import type { AgentProfile, Prediction, Task, WavePlan } from '../../src/plan/model.ts';
import type { AttemptRecord, TaskOutcome, WaveExecution } from '../../src/simulate/types.ts';

export function profile(agentId: string): AgentProfile {
  return { agentId, maxConcurrency: 2, speed: 1, reliabilityOffset: 0, capabilities: [] };
}

export const AGENTS: readonly AgentProfile[] = [profile('agent_1'), profile('agent_2')];

function attempt(attemptNo: number, agentId: string, startS: number, endS: number, succeeded: boolean): AttemptRecord {
  return { attempt: attemptNo, agentId, startS, endS, succeeded, probe: false, source: 'simulated', process: null };
}

interface OutcomeSpec {
  taskId: string;
  wave?: number;
  assigned?: string;
  agentId: string;
  suggested: string | null;
  status: TaskOutcome['status'];
  attempts: AttemptRecord[];
  reroutes?: number;
  steals?: number;
  readyS: number;
  startS: number;
  endS: number;
  p: number;
  timeS: number;
}

export function outcome(s: OutcomeSpec): TaskOutcome {
  return {
    wave: s.wave ?? 1,
    taskId: s.taskId,
    priority: 2,
    assignedAgentId: s.assigned ?? s.agentId,
    agentId: s.agentId,
    suggestedAgentId: s.suggested,
    status: s.status,
    attempts: s.attempts,
    retryDelaysS: s.attempts.length > 1 ? [2] : [],
    refusal: s.status === 'blocked' ? { gate: 'min_probability', reason: 'p 0.05 < 0.10' } : null,
    reroutes: s.reroutes ?? 0,
    steals: s.steals ?? 0,
    readyS: s.readyS,
    startS: s.startS,
    endS: s.endS,
    predictedP: s.p,
    predictedTimeS: s.timeS,
  };
}

export const WAVE_1: WaveExecution = {
  wave: 1,
  startS: 100,
  endS: 160,
  outcomes: [
    outcome({ taskId: 't1', agentId: 'agent_1', suggested: 'agent_1', status: 'succeeded', attempts: [attempt(0, 'agent_1', 100, 110, true)], readyS: 100, startS: 100, endS: 110, p: 0.9, timeS: 10 }),
    outcome({
      taskId: 't2', agentId: 'agent_1', suggested: 'agent_2', status: 'succeeded',
      attempts: [attempt(0, 'agent_1', 100, 120, false), attempt(1, 'agent_1', 122, 130, true)],
      readyS: 100, startS: 100, endS: 130, p: 0.8, timeS: 10,
    }),
    outcome({
      taskId: 't3', agentId: 'agent_2', suggested: null, status: 'failed',
      attempts: [attempt(0, 'agent_2', 105, 115, false), attempt(1, 'agent_2', 117, 127, false)],
      readyS: 100, startS: 105, endS: 127, p: 0.6, timeS: 20,
    }),
    outcome({ taskId: 't4', agentId: 'agent_2', suggested: 'agent_2', status: 'blocked', attempts: [], readyS: 100, startS: 100, endS: 100, p: 0.05, timeS: 30 }),
    outcome({
      taskId: 't5', assigned: 'agent_1', agentId: 'agent_2', suggested: 'agent_1', status: 'succeeded', reroutes: 1,
      attempts: [attempt(0, 'agent_2', 130, 145, true)], readyS: 100, startS: 130, endS: 145, p: 0.7, timeS: 12,
    }),
  ],
  agents: [
    { agentId: 'agent_1', tasks: 2, attempts: 3, successfulAttempts: 2, busyS: 28, openS: 10, circuitOpenings: 1, steals: 0 },
    { agentId: 'agent_2', tasks: 3, attempts: 3, successfulAttempts: 1, busyS: 35, openS: 0, circuitOpenings: 0, steals: 0 },
  ],
  gateDecisions: [],
};

export const WAVE_2: WaveExecution = {
  wave: 2,
  startS: 160,
  endS: 200,
  outcomes: [
    outcome({ wave: 2, taskId: 't6', agentId: 'agent_1', suggested: null, status: 'succeeded', attempts: [attempt(0, 'agent_1', 160, 180, true)], readyS: 160, startS: 160, endS: 180, p: 0.5, timeS: 20 }),
  ],
  agents: [
    { agentId: 'agent_1', tasks: 1, attempts: 1, successfulAttempts: 1, busyS: 20, openS: 0, circuitOpenings: 0, steals: 0 },
    { agentId: 'agent_2', tasks: 0, attempts: 0, successfulAttempts: 0, busyS: 0, openS: 0, circuitOpenings: 0, steals: 0 },
  ],
  gateDecisions: [],
};

function prediction(agentId: string, p: number, risk: Prediction['risk'], predictedTimeS: number): Prediction {
  return { agentId, p, predictedTimeS, risk, confidenceDelta: null };
}

function task(wave: number, taskId: string, predictions: Prediction[], suggested: Task['suggested']): Task {
  return { wave, taskId, priority: 2, predictions, suggested, dependsOn: [], requiredCapabilities: [] };
}

/**
 * The plan behind the two waves. Risks: t1 LOW (agent_1), t2 MEDIUM (agent_1), t3 HIGH,
 * t4 HIGH, t5 LOW for agent_2 (its first-attempt agent) but MEDIUM for agent_1. Schedule spans
 * 0-40 s in wave 1.
 */
export const PLAN: readonly WavePlan[] = [
  {
    wave: 1,
    tasks: [
      task(1, 't1', [prediction('agent_1', 0.9, 'LOW', 10), prediction('agent_2', 0.85, 'LOW', 10)], { agentId: 'agent_1', plannedStartS: 0, plannedEndS: 10 }),
      task(1, 't2', [prediction('agent_1', 0.8, 'MEDIUM', 10), prediction('agent_2', 0.75, 'MEDIUM', 10)], { agentId: 'agent_2', plannedStartS: 0, plannedEndS: 10 }),
      task(1, 't3', [prediction('agent_2', 0.6, 'HIGH', 20)], null),
      task(1, 't4', [prediction('agent_2', 0.05, 'HIGH', 30)], { agentId: 'agent_2', plannedStartS: 10, plannedEndS: 40 }),
      task(1, 't5', [prediction('agent_1', 0.7, 'MEDIUM', 12), prediction('agent_2', 0.7, 'LOW', 12)], { agentId: 'agent_1', plannedStartS: 10, plannedEndS: 22 }),
    ],
    topologicalOrder: [0, 1, 2, 3, 4],
  },
  { wave: 2, tasks: [task(2, 't6', [prediction('agent_1', 0.5, 'HIGH', 20)], null)], topologicalOrder: [0] },
];
