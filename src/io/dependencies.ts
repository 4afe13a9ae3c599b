/**
 * The task-level dependency rules of contract section 10, run once every line has been read
 * (a dependency may be named before the task it names): each `depends_on` id must name a task
 * of the same wave or an earlier one, never the task itself, and a wave's dependencies must
 * hold no cycle. In quarantine mode, a task that depends, directly or through others, on a
 * quarantined task is quarantined too.
 *
 * Incremental, so that the input can be streamed (contract section 15): {@link DependencyChecker}
 * takes one wave at a time, ascending, with the validator's index of that wave's accepted rows
 * and the ids of its tasks whose rows were rejected, and keeps of it only the task ids. An id
 * that names no task of its wave or an earlier one is worded at the end ({@link
 * DependencyChecker.finish}), once every wave is known ("unknown" or "of a later wave"). The
 * row-level rule (rows of one task agree) runs while reading, in `rules.ts`.
 *
 * Resolution (as `resolveDependency` in `src/plan/build.ts`): an id names the task of the
 * same wave when that wave has one, else the task of the nearest earlier wave that has one.
 * Tasks whose every prediction line was rejected still count as present here, so a dependency
 * on one is a cascade ("is quarantined"), not an unknown id.
 *
 * Cycles: Tarjan's strongly connected components of each wave's same-wave graph; for each
 * component with a cycle, one error naming the shortest cycle through its first task (first
 * in read order: the task whose first prediction line comes first), at that task's first
 * line. Naming every elementary cycle could explode (a component of n tasks can hold
 * exponentially many); one per component is enough to find and break them all in turn.
 */
import { cyclicComponents, shortestCycleThrough } from '../util/dag.ts';
import type { DependencyGraph } from '../util/dag.ts';
import { PackedIds } from './packed-ids.ts';
import type { TaskSlot } from './task-index.ts';

/** A task-level problem, reported once at the task's first prediction line. */
export interface DependencyError {
  /** Packed location (see `packLocation`) of the task's first accepted prediction line. */
  readonly location: number;
  /** The problem, without the `depends_on: ` field prefix. */
  readonly problem: string;
}

/** A task that cannot run: its own problems, and each dependency that is quarantined. */
export interface QuarantinedTask {
  readonly wave: number;
  readonly taskId: string;
  /** Reasons without the field prefix, in the order found: own problems, then quarantined dependencies. */
  readonly reasons: readonly string[];
  /** Packed locations of the task's accepted lines: prediction lines, then schedule lines. */
  readonly locations: readonly number[];
  /** How many of `locations` are prediction lines. */
  readonly predictions: number;
}

/** What {@link DependencyChecker.finish} finds. */
export interface DependencyCheck {
  /** Own problems of tasks (unknown id, later wave, itself, cycle): errors in both modes. */
  readonly errors: readonly DependencyError[];
  /** Every task to leave out in quarantine mode: those with errors and those that depend on them. Waves ascending, read order. */
  readonly quarantined: readonly QuarantinedTask[];
}

/** Unknown or later-wave ids named per task; the rest are counted in one more problem (hostile input). */
export const MAX_PROBLEMS_PER_TASK = 20;

/** What the checker keeps of a checked wave: task ids only. */
interface CheckedWave {
  readonly wave: number;
  /** Tasks with an accepted prediction line, quarantined ones included (packed: there are millions). */
  readonly ids: { has(taskId: string): boolean };
  /** Tasks with a rejected prediction line. */
  readonly rejected: ReadonlySet<string>;
  /** Tasks quarantined. */
  readonly quarantined: ReadonlySet<string>;
}

/** An id naming no task of `wave` or earlier: "unknown" or "of a later wave", known only at the end. */
interface Unresolved {
  readonly id: string;
  readonly wave: number;
}

type Problem = string | Unresolved;

interface PendingTask {
  readonly wave: number;
  readonly taskId: string;
  readonly reasons: readonly Problem[];
  readonly locations: readonly number[];
  readonly predictions: number;
}

const NO_IDS: ReadonlySet<string> = new Set();

function quote(taskId: string): string {
  return JSON.stringify(taskId);
}

/** The dependency ids of a task: its first accepted row's (the rows agree, `rules.ts`). */
function dependencyIds(slot: TaskSlot): readonly string[] {
  return slot.dependsOn;
}

/**
 * Checks every task's `depends_on` (contract section 10), one wave at a time: call
 * {@link addWave} for every wave of the input (with accepted or rejected rows) in ascending
 * order, then {@link finish}.
 */
export class DependencyChecker {
  /** Checked waves, ascending. */
  readonly #waves: CheckedWave[] = [];
  readonly #errors: { readonly location: number; readonly problem: Problem }[] = [];
  readonly #quarantined: PendingTask[] = [];

  /**
   * Checks one wave against itself and the waves before it.
   * @param tasks the wave's accepted tasks, task_id -> slot, in read order (slot ordinals 0..n-1); undefined when none
   * @param rejected ids of the wave's tasks that have a rejected prediction line
   * @returns the ids of the wave's tasks to quarantine (in quarantine mode; in fail mode they are errors)
   * @throws RangeError when `wave` is not above every wave added before
   */
  addWave(wave: number, tasks: ReadonlyMap<string, TaskSlot> | undefined, rejected: ReadonlySet<string> = NO_IDS): ReadonlySet<string> {
    const last = this.#waves.at(-1);
    if (last !== undefined && last.wave >= wave) throw new RangeError(`waves must be added in ascending order: ${wave} after ${last.wave}`);
    const quarantinedHere = new Set<string>();
    this.#waves.push({ wave, ids: tasks === undefined ? NO_IDS : PackedIds.from(tasks.keys()), rejected, quarantined: quarantinedHere });
    if (tasks === undefined) return quarantinedHere;
    const slots = [...tasks.values()];
    const n = slots.length;
    const own: (Problem[] | undefined)[] = new Array<Problem[] | undefined>(n);
    const viaOther: (string[] | undefined)[] = new Array<string[] | undefined>(n);
    const offsets = new Int32Array(n + 1);
    const targets: number[] = [];
    const bad = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const slot = slots[i];
      if (slot === undefined) continue;
      let unnamed = 0;
      for (const id of dependencyIds(slot)) {
        if (id === slot.taskId) {
          (own[i] ??= []).push(`${quote(id)} is the task itself`);
          continue;
        }
        const same = tasks.get(id);
        if (same !== undefined) {
          targets.push(same.ordinal);
          continue;
        }
        if (rejected.has(id)) {
          (viaOther[i] ??= []).push(`${quote(id)} is quarantined (its rows were rejected)`);
          continue;
        }
        const earlier = this.#nearestEarlier(id);
        if (earlier !== undefined) {
          if (earlier.quarantined.has(id)) (viaOther[i] ??= []).push(`${quote(id)} (wave ${earlier.wave}) is quarantined`);
          else if (!earlier.ids.has(id)) (viaOther[i] ??= []).push(`${quote(id)} (wave ${earlier.wave}) is quarantined (its rows were rejected)`);
          continue;
        }
        const problems = (own[i] ??= []);
        if (problems.length >= MAX_PROBLEMS_PER_TASK) {
          unnamed++;
          continue;
        }
        problems.push({ id, wave });
      }
      if (unnamed > 0) own[i]?.push(`and ${unnamed} more ids that are unknown or of a later wave`);
      offsets[i + 1] = targets.length;
    }
    const graph: DependencyGraph = { n, offsets, targets: Int32Array.from(targets) };
    for (let i = 0; i < n; i++) {
      const location = slots[i]?.firstLocation() ?? 0;
      for (const problem of own[i] ?? []) this.#errors.push({ location, problem });
    }
    // Each cyclic component: one error naming a shortest cycle through its first task.
    const component = new Int32Array(n).fill(-1);
    for (const members of cyclicComponents(graph)) {
      const first = members[0] ?? 0;
      const cycle = shortestCycleThrough(graph, members, first);
      const named = `cycle: ${cycle.map((i) => slots[i]?.taskId ?? '?').join(' -> ')}`;
      this.#errors.push({ location: slots[first]?.firstLocation() ?? 0, problem: named });
      const onCycle = new Set(cycle);
      for (const member of members) {
        component[member] = first;
        (own[member] ??= []).push(onCycle.has(member) ? named : `in a dependency cycle with ${quote(slots[first]?.taskId ?? '?')} (${named})`);
      }
    }
    for (let i = 0; i < n; i++) if (own[i] !== undefined || viaOther[i] !== undefined) bad[i] = 1;
    cascade(graph, bad);
    for (let i = 0; i < n; i++) {
      const slot = slots[i];
      if (bad[i] !== 1 || slot === undefined) continue;
      const reasons: Problem[] = [...(own[i] ?? []), ...(viaOther[i] ?? [])];
      for (let e = offsets[i] ?? 0; e < (offsets[i + 1] ?? 0); e++) {
        const dep = targets[e] ?? 0;
        const sameCycle = component[i] !== -1 && component[dep] === component[i];
        if (bad[dep] === 1 && !sameCycle) reasons.push(`${quote(slots[dep]?.taskId ?? '?')} is quarantined`);
      }
      quarantinedHere.add(slot.taskId);
      this.#quarantined.push({ wave, taskId: slot.taskId, reasons, locations: slot.locations(), predictions: slot.predictionCount });
    }
    return quarantinedHere;
  }

  /**
   * The wave a dependency on `taskId` resolves to from a later wave: the nearest checked wave
   * with a task of that id (accepted or rejected), or null. For a task that was not
   * quarantined, that wave's task is accepted and not quarantined.
   */
  resolve(taskId: string, below: number): number | null {
    for (let i = this.#waves.length - 1; i >= 0; i--) {
      const checked = this.#waves[i];
      if (checked === undefined || checked.wave >= below) continue;
      if (checked.ids.has(taskId) || checked.rejected.has(taskId)) return checked.wave;
    }
    return null;
  }

  /** True when `taskId` is an accepted, not quarantined task of checked wave `wave`. */
  hasTask(wave: number, taskId: string): boolean {
    const checked = this.#find(wave);
    return checked !== undefined && checked.ids.has(taskId) && !checked.quarantined.has(taskId);
  }

  /** Every error and quarantined task, worded now that every wave is known. */
  finish(): DependencyCheck {
    const word = (problem: Problem): string => (typeof problem === 'string' ? problem : this.#unresolved(problem));
    return {
      errors: this.#errors.map(({ location, problem }) => ({ location, problem: word(problem) })),
      quarantined: this.#quarantined.map((task) => ({ ...task, reasons: [...new Set(task.reasons.map(word))] })),
    };
  }

  #nearestEarlier(taskId: string): CheckedWave | undefined {
    // The wave being checked is the last one: look below it.
    for (let i = this.#waves.length - 2; i >= 0; i--) {
      const checked = this.#waves[i];
      if (checked !== undefined && (checked.ids.has(taskId) || checked.rejected.has(taskId))) return checked;
    }
    return undefined;
  }

  #find(wave: number): CheckedWave | undefined {
    let lo = 0;
    let hi = this.#waves.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const checked = this.#waves[mid];
      if (checked === undefined) return undefined;
      if (checked.wave === wave) return checked;
      if (checked.wave < wave) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  #unresolved({ id, wave }: Unresolved): string {
    const later = this.#waves.find((w) => w.wave > wave && (w.ids.has(id) || w.rejected.has(id)));
    if (later !== undefined) return `${quote(id)} is a task of a later wave (${later.wave}); a task may depend only on tasks of its own wave or earlier`;
    return `unknown task id ${quote(id)} (no task of wave ${wave} or earlier has it)`;
  }
}

/** Marks every task that depends, directly or through others, on a marked one (same wave). */
function cascade(graph: DependencyGraph, bad: Uint8Array): void {
  const { n, offsets, targets } = graph;
  if (targets.length === 0) return;
  // Dependents lists, then a breadth-first walk from every marked task.
  const counts = new Int32Array(n + 1);
  for (const target of targets) counts[target + 1] = (counts[target + 1] ?? 0) + 1;
  for (let i = 0; i < n; i++) counts[i + 1] = (counts[i + 1] ?? 0) + (counts[i] ?? 0);
  const fill = counts.slice(0, n);
  const dependents = new Int32Array(targets.length);
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i] ?? 0; e < (offsets[i + 1] ?? 0); e++) {
      const target = targets[e] ?? 0;
      const at = fill[target] ?? 0;
      dependents[at] = i;
      fill[target] = at + 1;
    }
  }
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (bad[i] === 1) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] ?? 0;
    for (let e = counts[v] ?? 0; e < (counts[v + 1] ?? 0); e++) {
      const w = dependents[e] ?? 0;
      if (bad[w] === 1) continue;
      bad[w] = 1;
      queue.push(w);
    }
  }
}
