/**
 * Pass 1's per-wave step (contract section 15): once a wave's rows are read and validated (in
 * the tree, after the wave's own files; in the flat layout, after both files), its dependencies
 * are checked against the waves before it, its quarantined tasks are left out, and what the run
 * needs later is kept: the wave's outline (task count), each task's longest predicted time (the
 * horizon bound), the tasks later waves depend on, the agents, and the figures of the load
 * warnings. The rows themselves are then dropped (unless `keep`, the in-memory reference that
 * tests compare the streamed plan with).
 */
import type { AgentProfile, WaveOutline, WavePlan } from '../plan/model.ts';
import { isCapable } from '../plan/model.ts';
import { buildWave } from '../plan/build.ts';
import { DependencyChecker } from './dependencies.ts';
import type { TaskIndex } from './task-index.ts';
import { taskKey } from './wave-source.ts';

const NO_CAPABILITIES = { capabilities: [] as readonly string[] };

/** Collects the outline of every wave, one batch of waves at a time (see the file comment). */
export class WaveCollector {
  readonly checker = new DependencyChecker();
  /** The waves to run, ascending (the N lowest with tasks when `--waves N`). */
  readonly outlines: WaveOutline[] = [];
  /** Every wave with a task to run, ascending, selected or not (for the `--waves` check). */
  readonly waveNumbers: number[] = [];
  readonly longestTimesS: Float64Array[] = [];
  readonly dependedOnLater = new Set<string>();
  /** Agents with a prediction of a task kept, in any wave. */
  readonly agentIds = new Set<string>();
  /** The plans built, when `keep`. */
  readonly kept: WavePlan[] = [];
  /** Tasks of the waves to run that Phase 20's schedule suggests no single agent for. */
  unsuggested = 0;
  /** Tasks of the waves to run that no candidate agent is capable of. */
  incapable = 0;

  /**
   * @param waves run the N lowest waves; null = all (an invalid N selects as far as it can: the loader refuses it at the end)
   * @param profiles the agents file's profiles by agent id (agents without one have no capabilities)
   * @param keep keep every plan built (the in-memory reference); otherwise only the outlines
   */
  constructor(
    private readonly waves: number | null,
    private readonly profiles: ReadonlyMap<string, AgentProfile>,
    private readonly keep: boolean,
  ) {}

  /**
   * Takes the rows of a batch of waves (every wave in `index` or in `rejected` that is in the
   * batch), in ascending wave order: each must be above every wave taken before.
   * @param index the accepted rows of the batch (tasks the dependency rules quarantine are deleted from it)
   * @param rejected wave -> ids of tasks with a rejected prediction line (may hold other waves)
   * @param batchWave the batch's one wave (tree), or null for every wave present (flat)
   */
  addBatch(index: TaskIndex, rejected: ReadonlyMap<number, ReadonlySet<string>>, batchWave: number | null): void {
    const present = new Set(index.byWave.keys());
    if (batchWave === null) for (const wave of rejected.keys()) present.add(wave);
    else if (rejected.has(batchWave)) present.add(batchWave);
    for (const wave of [...present].sort((a, b) => a - b)) {
      if (batchWave !== null && wave !== batchWave) continue;
      const tasks = index.byWave.get(wave);
      const quarantined = this.checker.addWave(wave, tasks, rejected.get(wave));
      if (tasks === undefined) continue;
      for (const taskId of quarantined) tasks.delete(taskId);
      index.byWave.delete(wave);
      if (tasks.size === 0) continue;
      for (const slot of tasks.values()) for (const prediction of slot.predictions) this.agentIds.add(prediction.agentId);
      this.waveNumbers.push(wave);
      if (this.waves !== null && this.outlines.length >= this.waves) continue;
      const plan = buildWave(wave, tasks, (taskId) => {
        const earlier = this.checker.resolve(taskId, wave);
        return earlier === null ? null : { wave: earlier, taskId };
      });
      this.note(plan);
      if (this.keep) this.kept.push(plan);
    }
  }

  /** The figures of a wave to run. */
  private note(plan: WavePlan): void {
    this.outlines.push({ wave: plan.wave, taskCount: plan.tasks.length });
    const longest = new Float64Array(plan.tasks.length);
    plan.tasks.forEach((task, i) => {
      let most = 0;
      for (const prediction of task.predictions) if (prediction.predictedTimeS > most) most = prediction.predictedTimeS;
      longest[i] = most;
      if (task.suggested !== null && task.suggested.agentId === null) this.unsuggested++;
      if (task.requiredCapabilities.length > 0 && !task.predictions.some((p) => isCapable(this.profiles.get(p.agentId) ?? NO_CAPABILITIES, task))) this.incapable++;
      for (const ref of task.dependsOn) if (ref.wave < task.wave) this.dependedOnLater.add(taskKey(ref));
    });
    this.longestTimesS.push(longest);
  }
}
