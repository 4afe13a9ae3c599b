/**
 * Per-wave lookups of the engine: the {@link WaveTables} (each task's predicted time and
 * capable-candidate flag per agent) and, during a reroute pass, the agents each task may go to.
 */
import type { AgentProfile, Task } from '../plan/model.ts';
import { isCapableCandidate, predictionOn } from '../plan/model.ts';
import { isCapableOn, type Lane, type TaskRun, type WaveTables } from './lane.ts';

/** Closed agents at most for which {@link CapableAmong} keeps its lists by capability mask. */
const MASKED_LANES = 30;

/**
 * The agents a task may be rerouted to during one reroute pass: the profiles of `lanes` (the
 * closed ones) whose agent is a capable candidate for the task. `profiles` itself (the profiles
 * of `lanes`, same order) when all are; otherwise one shared list per set of capable lanes (up to
 * {@link MASKED_LANES} lanes), so a pass over a queue of thousands makes a handful of lists.
 */
export class CapableAmong {
  readonly #byMask = new Map<number, readonly AgentProfile[]>();
  readonly #all: number;

  constructor(
    private readonly lanes: readonly Lane[],
    private readonly profiles: readonly AgentProfile[],
  ) {
    this.#all = lanes.length <= MASKED_LANES ? 2 ** lanes.length - 1 : -1;
  }

  of(run: TaskRun): readonly AgentProfile[] {
    const lanes = this.lanes;
    if (this.#all < 0) return lanes.flatMap((lane, i) => (isCapableOn(run, lane.index) ? [this.profiles[i] as AgentProfile] : []));
    let mask = 0;
    for (let i = 0; i < lanes.length; i++) if (isCapableOn(run, (lanes[i] as Lane).index)) mask |= 1 << i;
    if (mask === this.#all) return this.profiles;
    let some = this.#byMask.get(mask);
    if (some === undefined) {
      some = this.profiles.filter((_, i) => (mask & (1 << i)) !== 0);
      this.#byMask.set(mask, some);
    }
    return some;
  }
}

/** The wave's {@link WaveTables}: each task's predicted time and capable-candidate flag per lane. */
export function waveTables(tasks: readonly Task[], lanes: readonly Lane[]): WaveTables {
  const width = lanes.length;
  const predictedTimesS = new Float64Array(tasks.length * width);
  const capableCandidate = new Uint8Array(tasks.length * width);
  tasks.forEach((task, t) => {
    for (const lane of lanes) {
      predictedTimesS[t * width + lane.index] = predictionOn(task, lane.profile.agentId).predictedTimeS;
      capableCandidate[t * width + lane.index] = isCapableCandidate(task, lane.profile) ? 1 : 0;
    }
  });
  return { lanes: width, predictedTimesS, capableCandidate };
}
