/**
 * Critical path and makespan lower bound of a wave (contract section 10).
 *
 * Each task weighs its least predicted_execution_time x speed over its capable candidates (all
 * its candidates when none is capable): the shortest it can take anywhere it may run. The
 * critical path is the heaviest chain through the wave's dependency DAG (dependencies on
 * earlier waves are already decided, so they add nothing); without dependencies it is the
 * longest task. No schedule can beat max(critical path, least total work / total slots): the
 * makespan lower bound (the classic bound of list scheduling, Graham 1969). Makespan
 * efficiency = lower bound / makespan, in (0, 1] when the wave ran on the predicted times.
 */
import type { AgentProfile, Task, WavePlan } from '../plan/model.ts';
import { isCapable } from '../plan/model.ts';
import { round } from '../util/json.ts';

/** A wave's bound figures, seconds (rounded to 6 decimals as every artifact figure). */
export interface WaveBound {
  readonly critical_path_s: number;
  readonly makespan_lower_bound_s: number;
}

/**
 * The least predicted time x speed of each task over its capable candidates, seconds, in plan
 * order. Agents missing from `agents` count with speed 1.
 */
export function leastWork(wave: WavePlan, agents: readonly AgentProfile[]): Float64Array {
  const byId = new Map(agents.map((agent) => [agent.agentId, agent]));
  const least = new Float64Array(wave.tasks.length);
  wave.tasks.forEach((task, i) => {
    let best = Infinity;
    let bestCapable = Infinity;
    for (const prediction of task.predictions) {
      const agent = byId.get(prediction.agentId);
      const work = prediction.predictedTimeS * (agent?.speed ?? 1);
      if (work < best) best = work;
      if (agent !== undefined && isCapable(agent, task) && work < bestCapable) bestCapable = work;
    }
    least[i] = bestCapable === Infinity ? best : bestCapable;
  });
  return least;
}

/**
 * The wave's critical path and makespan lower bound.
 * @param agents - the run's agents (speed and max_concurrency; total slots = their sum)
 */
export function waveBound(wave: WavePlan, agents: readonly AgentProfile[]): WaveBound {
  const least = leastWork(wave, agents);
  const index = new Map(wave.tasks.map((task, i) => [task.taskId, i]));
  // finish[i] = heaviest chain ending with task i (-1 until known); computed depth first without
  // recursion. Every index below is a task index of this wave.
  const finish = new Float64Array(wave.tasks.length).fill(-1);
  const onStack = new Uint8Array(wave.tasks.length);
  let critical = 0;
  for (let root = 0; root < wave.tasks.length; root++) {
    if ((finish[root] as number) >= 0) continue;
    const stack: number[] = [root];
    while (stack.length > 0) {
      const i = stack[stack.length - 1] as number;
      const task = wave.tasks[i] as Task;
      onStack[i] = 1;
      let pending = false;
      let longest = 0;
      for (const ref of task.dependsOn) {
        const j = ref.wave === wave.wave ? index.get(ref.taskId) : undefined;
        if (j === undefined) continue;
        const done = finish[j] as number;
        if (done >= 0) longest = Math.max(longest, done);
        else if (onStack[j] === 1) continue; // a cycle (validation rejects them): the back edge adds nothing
        else {
          stack.push(j);
          pending = true;
        }
      }
      if (pending) continue;
      stack.pop();
      onStack[i] = 0;
      const chain = longest + (least[i] as number);
      finish[i] = chain;
      critical = Math.max(critical, chain);
    }
  }
  let total = 0;
  for (const work of least) total += work;
  let slots = 0;
  for (const agent of agents) slots += agent.maxConcurrency;
  const spread = slots > 0 ? total / slots : 0;
  return { critical_path_s: round(critical), makespan_lower_bound_s: round(Math.max(critical, spread)) };
}

/** Lower bound / makespan, rounded; null when the makespan is 0 (nothing ran). */
export function makespanEfficiency(lowerBoundS: number, makespanS: number): number | null {
  return makespanS > 0 ? round(lowerBoundS / makespanS) : null;
}
