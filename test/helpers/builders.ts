/** Small builders for hand-worked test inputs. */
import type { AgentProfile, Prediction, Priority, Task, TaskRef, WavePlan } from '../../src/plan/model.ts';
import { DEFAULT_PROFILE, riskFromProbability, sameWaveDependencies } from '../../src/plan/model.ts';
import { graphFromLists, topologicalOrder } from '../../src/util/dag.ts';

/** A profile with the contract's defaults, overridden by `over`. */
export function profile(agentId: string, over: Partial<Omit<AgentProfile, 'agentId'>> = {}): AgentProfile {
  return { agentId, ...DEFAULT_PROFILE, ...over };
}

/** A prediction: p and time, risk derived from p unless given. */
export function pred(agentId: string, p: number, predictedTimeS = 30, risk = riskFromProbability(p)): Prediction {
  return { agentId, p, predictedTimeS, risk, confidenceDelta: null };
}

/** A task of `wave` with the given predictions. */
export function task(
  taskId: string,
  predictions: readonly Prediction[],
  over: { wave?: number; priority?: Priority; suggested?: string; dependsOn?: readonly (string | TaskRef)[]; requires?: readonly string[] } = {},
): Task {
  return {
    wave: over.wave ?? 1,
    taskId,
    priority: over.priority ?? 2,
    predictions,
    suggested: over.suggested === undefined ? null : { agentId: over.suggested, plannedStartS: 0, plannedEndS: 30 },
    dependsOn: (over.dependsOn ?? []).map((d) => (typeof d === 'string' ? { wave: over.wave ?? 1, taskId: d } : d)),
    requiredCapabilities: over.requires ?? [],
  };
}

export function wavePlan(wave: number, tasks: readonly Task[]): WavePlan {
  const order = topologicalOrder(graphFromLists(sameWaveDependencies({ wave, tasks })));
  return { wave, tasks, topologicalOrder: order ?? tasks.map((_, i) => i) };
}
