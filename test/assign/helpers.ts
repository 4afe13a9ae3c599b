/** Small builders for hand-worked strategy tests. */
import type { AgentProfile, Priority, Task, WavePlan } from '../../src/plan/model.ts';
import type { Assignment, RerouteRequest } from '../../src/assign/types.ts';
import type { AgentWaveStats, WaveExecution } from '../../src/simulate/types.ts';

export function agent(agentId: string, speed = 1): AgentProfile {
  return { agentId, maxConcurrency: 2, speed, reliabilityOffset: 0, capabilities: [] };
}

/** A prediction as [agentId, p, predictedTimeS]. */
export type Row = readonly [string, number, number];

export function task(taskId: string, rows: readonly Row[], options: { priority?: Priority; suggested?: string; wave?: number } = {}): Task {
  return {
    wave: options.wave ?? 1,
    taskId,
    priority: options.priority ?? 2,
    predictions: rows.map(([agentId, p, predictedTimeS]) => ({ agentId, p, predictedTimeS, risk: 'MEDIUM', confidenceDelta: null })),
    suggested: options.suggested === undefined ? null : { agentId: options.suggested, plannedStartS: 0, plannedEndS: 1 },
    dependsOn: [],
    requiredCapabilities: [],
  };
}

export function wave(n: number, tasks: readonly Task[]): WavePlan {
  return { wave: n, tasks, topologicalOrder: tasks.map((_, i) => i) };
}

/** Assignments as [taskId, agentId, order, workS] rows, for compact expectations. */
export function rows(assignments: readonly Assignment[]): [string, string, number, number][] {
  return assignments.map((a) => [a.taskId, a.agentId, a.order, a.workS]);
}

/** A finished wave whose only meaningful part is each agent's attempts and successes. */
export function execution(n: number, stats: readonly [string, number, number][]): WaveExecution {
  const agents: AgentWaveStats[] = stats.map(([agentId, attempts, successfulAttempts]) => ({
    agentId,
    tasks: attempts,
    attempts,
    successfulAttempts,
    busyS: 0,
    openS: 0,
    circuitOpenings: 0,
    steals: 0,
  }));
  return { wave: n, startS: 0, endS: 0, outcomes: [], agents, gateDecisions: [] };
}

/** Work per agent as a plain object, for readable expectations. */
export function work(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries(map);
}

/** Freezes a value and everything reachable from it (arrays and plain objects). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A reroute request leaving `fromId` (looked up in `agents`, the run's agents). */
export function rerouteRequest(task: Task, fromId: string, allowed: readonly AgentProfile[], agents: readonly AgentProfile[]): RerouteRequest {
  const from = agents.find((a) => a.agentId === fromId);
  if (from === undefined) throw new Error(`no agent ${fromId} in the test's agent list`);
  return { task, from, allowed, agents };
}
