/**
 * Pass 1's per-wave step (contract section 15): once a wave's rows are read and validated (in
 * the tree, after the wave's own files; in the flat layout, after both files), its dependencies
 * are checked against the waves before it, its quarantined tasks are left out, and what the run
 * needs later is kept: the wave's outline (task count), each task's longest predicted time (the
 * horizon bound), the tasks later waves depend on, the agents, and the figures of the load
 * warnings. The rows themselves are then dropped (unless `keep`, the in-memory reference that
 * tests compare the streamed plan with).
 */
import type { AgentProfile, TaskRef, WaveOutline, WavePlan } from '../plan/model.ts';
import { isCapable } from '../plan/model.ts';
import { buildWave } from '../plan/build.ts';
import type { TaskRows } from '../plan/build.ts';
import { DependencyChecker } from './dependencies.ts';
import type { TaskIndex, TaskSlot } from './task-index.ts';
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
      for (const slot of tasks.values()) for (const agentId of slot.predictionAgents) this.agentIds.add(agentId);
      this.waveNumbers.push(wave);
      if (this.waves !== null && this.outlines.length >= this.waves) continue;
      this.note(wave, tasks);
      if (this.keep) this.kept.push(buildWave(wave, keptRows(tasks), (taskId) => this.#earlier(taskId, wave)));
    }
  }

  /** The task of an earlier wave that `taskId` names from `wave` (the checker's resolution). */
  #earlier(taskId: string, wave: number): TaskRef | null {
    const earlier = this.checker.resolve(taskId, wave);
    return earlier === null ? null : { wave: earlier, taskId };
  }

  /**
   * The figures of a wave to run, from what its slots kept (the plan is not built here: it would
   * double what a wave holds). As `buildPlan` makes them: a task's longest time over its
   * candidates (kept in read order, see `PlanSource.longestTimesS`), no single suggested agent
   * when its best schedule rows tie (`chooseSuggested`; `TaskSlot.suggestionTied`), the
   * capabilities of its rows (they agree), and its dependencies on earlier waves.
   */
  private note(wave: number, tasks: ReadonlyMap<string, TaskSlot>): void {
    this.outlines.push({ wave, taskCount: tasks.size });
    const longest = new Float64Array(tasks.size);
    let i = 0;
    for (const slot of tasks.values()) {
      longest[i++] = slot.longestTimeS;
      if (slot.suggestionTied) this.unsuggested++;
      if (slot.requiredCapabilities.length > 0 && !slot.predictionAgents.some((agentId) => isCapable(this.profiles.get(agentId) ?? NO_CAPABILITIES, slot))) this.incapable++;
      for (const id of slot.dependsOn) {
        if (tasks.has(id)) continue;
        const ref = this.#earlier(id, wave);
        if (ref !== null) this.dependedOnLater.add(taskKey(ref));
      }
    }
    this.longestTimesS.push(longest);
  }
}

/** The rows the slots kept (an index that keeps rows). */
function keptRows(tasks: ReadonlyMap<string, TaskSlot>): Map<string, TaskRows> {
  const rows = new Map<string, TaskRows>();
  for (const [taskId, slot] of tasks) if (slot.rows !== null) rows.set(taskId, slot.rows);
  return rows;
}
