/**
 * The task-level dependency rules of contract section 10, run once every line has been read
 * (a dependency may be named before the task it names): each `depends_on` id must name a task
 * of the same wave or an earlier one, never the task itself, and a wave's dependencies must
 * hold no cycle. In quarantine mode, a task that depends, directly or through others, on a
 * quarantined task is quarantined too.
 *
 * Pure: reads the validator's index of accepted rows and the ids of tasks whose rows were
 * rejected; returns values. The row-level rule (rows of one task agree) runs while reading,
 * in `rules.ts`.
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
import type { TaskIndex, TaskSlot } from './task-index.ts';

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
}

/** What {@link checkDependencies} finds. */
export interface DependencyCheck {
  /** Own problems of tasks (unknown id, later wave, itself, cycle): errors in both modes. */
  readonly errors: readonly DependencyError[];
  /** Every task to leave out in quarantine mode: those with errors and those that depend on them. Waves ascending, read order. */
  readonly quarantined: readonly QuarantinedTask[];
}

/** Unknown or later-wave ids named per task; the rest are counted in one more problem (hostile input). */
export const MAX_PROBLEMS_PER_TASK = 20;

/** Where each task id appears (accepted or rejected), for lookups across waves; built on first need. */
type WavesById = Map<string, number[]>;

function quote(taskId: string): string {
  return JSON.stringify(taskId);
}

/** The dependency ids of a task: its first accepted row's (the rows agree, `rules.ts`). */
function dependencyIds(slot: TaskSlot): readonly string[] {
  return slot.predictions[0]?.dependsOn ?? [];
}

/**
 * Checks every task's `depends_on` (contract section 10).
 * @param index accepted rows, wave -> task_id -> slot, each wave's tasks in read order
 * @param rejectedTasks wave -> task ids that have a rejected prediction line
 */
export function checkDependencies(index: TaskIndex, rejectedTasks: ReadonlyMap<number, ReadonlySet<string>>): DependencyCheck {
  const errors: DependencyError[] = [];
  const quarantined: QuarantinedTask[] = [];
  const waves = [...new Set([...index.byWave.keys(), ...rejectedTasks.keys()])].sort((a, b) => a - b);
  /** Quarantined tasks of the waves done so far: wave -> ids. */
  const out = new Map<number, Set<string>>();
  let wavesById: WavesById | null = null;
  const byId = (): WavesById => {
    if (wavesById !== null) return wavesById;
    const built: WavesById = new Map();
    const note = (id: string, wave: number): void => {
      const list = built.get(id);
      if (list === undefined) built.set(id, [wave]);
      else if (list[list.length - 1] !== wave) list.push(wave);
    };
    for (const wave of waves) {
      for (const id of index.byWave.get(wave)?.keys() ?? []) note(id, wave);
      for (const id of rejectedTasks.get(wave) ?? []) note(id, wave);
    }
    for (const list of built.values()) list.sort((a, b) => a - b);
    wavesById = built;
    return built;
  };

  for (const wave of waves) {
    const tasks = index.byWave.get(wave);
    const rejectedHere = rejectedTasks.get(wave);
    if (tasks === undefined) {
      out.set(wave, new Set());
      continue;
    }
    const slots = [...tasks.values()];
    const n = slots.length;
    const own: (string[] | undefined)[] = new Array<string[] | undefined>(n);
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
        if (rejectedHere?.has(id) === true) {
          (viaOther[i] ??= []).push(`${quote(id)} is quarantined (its rows were rejected)`);
          continue;
        }
        const found = byId().get(id);
        const earlier = found === undefined ? undefined : nearestBelow(found, wave);
        if (earlier !== undefined) {
          if (out.get(earlier)?.has(id) === true) (viaOther[i] ??= []).push(`${quote(id)} (wave ${earlier}) is quarantined`);
          else if (index.get(earlier, id) === undefined) (viaOther[i] ??= []).push(`${quote(id)} (wave ${earlier}) is quarantined (its rows were rejected)`);
          continue;
        }
        const problems = (own[i] ??= []);
        if (problems.length >= MAX_PROBLEMS_PER_TASK) {
          unnamed++;
          continue;
        }
        const later = found?.find((w) => w > wave);
        if (later !== undefined) problems.push(`${quote(id)} is a task of a later wave (${later}); a task may depend only on tasks of its own wave or earlier`);
        else problems.push(`unknown task id ${quote(id)} (no task of wave ${wave} or earlier has it)`);
      }
      if (unnamed > 0) own[i]?.push(`and ${unnamed} more ids that are unknown or of a later wave`);
      offsets[i + 1] = targets.length;
    }
    const graph: DependencyGraph = { n, offsets, targets: Int32Array.from(targets) };
    for (let i = 0; i < n; i++) {
      const location = slots[i]?.firstLocation() ?? 0;
      for (const problem of own[i] ?? []) errors.push({ location, problem });
    }
    // Each cyclic component: one error naming a shortest cycle through its first task.
    const component = new Int32Array(n).fill(-1);
    for (const members of cyclicComponents(graph)) {
      const first = members[0] ?? 0;
      const cycle = shortestCycleThrough(graph, members, first);
      const named = `cycle: ${cycle.map((i) => slots[i]?.taskId ?? '?').join(' -> ')}`;
      errors.push({ location: slots[first]?.firstLocation() ?? 0, problem: named });
      const onCycle = new Set(cycle);
      for (const member of members) {
        component[member] = first;
        (own[member] ??= []).push(onCycle.has(member) ? named : `in a dependency cycle with ${quote(slots[first]?.taskId ?? '?')} (${named})`);
      }
    }
    for (let i = 0; i < n; i++) if (own[i] !== undefined || viaOther[i] !== undefined) bad[i] = 1;
    cascade(graph, bad);
    const quarantinedHere = new Set<string>();
    for (let i = 0; i < n; i++) {
      const slot = slots[i];
      if (bad[i] !== 1 || slot === undefined) continue;
      const reasons = [...(own[i] ?? []), ...(viaOther[i] ?? [])];
      for (let e = offsets[i] ?? 0; e < (offsets[i + 1] ?? 0); e++) {
        const dep = targets[e] ?? 0;
        const sameCycle = component[i] !== -1 && component[dep] === component[i];
        if (bad[dep] === 1 && !sameCycle) reasons.push(`${quote(slots[dep]?.taskId ?? '?')} is quarantined`);
      }
      quarantinedHere.add(slot.taskId);
      quarantined.push({ wave, taskId: slot.taskId, reasons: [...new Set(reasons)] });
    }
    out.set(wave, quarantinedHere);
  }
  return { errors, quarantined };
}

/** The largest wave in ascending `list` below `wave`, or undefined. */
function nearestBelow(list: readonly number[], wave: number): number | undefined {
  let best: number | undefined;
  for (const w of list) {
    if (w >= wave) break;
    best = w;
  }
  return best;
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
