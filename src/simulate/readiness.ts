/**
 * Readiness of a wave's tasks (contract sections 4.7 and 10): a task is ready when every task
 * it depends on has succeeded. Dependencies on earlier waves are decided when the wave starts;
 * those within the wave are counted down as tasks end. When a dependency ends failed or blocked
 * (or has no outcome at all), the task is to be refused by the `dependencies` gate at that
 * moment, and so on down the graph (the engine cascades).
 */
import type { Task, TaskRef } from '../plan/model.ts';
import type { TaskStatus } from './types.ts';

/** Why a task cannot run: the first dependency that did not succeed. */
export interface DependencyFailure {
  readonly ref: TaskRef;
  /** `unknown`: the dependency has no outcome in the run (validation lets none through). */
  readonly status: 'failed' | 'blocked' | 'unknown';
}

/** What a change made: tasks now ready, and tasks now to refuse. Indexes into the wave's tasks. */
export interface Released {
  readonly ready: readonly number[];
  readonly refused: readonly { readonly index: number; readonly failure: DependencyFailure }[];
}

/** Key of a task in the run's dependency bookkeeping. */
export function refKey(ref: TaskRef): string {
  return `${ref.wave}\u0000${ref.taskId}`;
}

/** Counts every task's unfinished dependencies within its wave. Mutable; one per wave run. */
export class Readiness {
  /** Same-wave dependencies still unfinished, per task index. */
  readonly #pending: Int32Array;
  /** Same-wave dependents, per task index. */
  readonly #dependents: (number[] | undefined)[];
  readonly #initial: Released;

  /**
   * @param tasks - the wave's tasks (their order is the index used throughout)
   * @param earlier - the status of a task of an earlier wave, or undefined when the run has none
   */
  constructor(tasks: readonly Task[], wave: number, earlier: (ref: TaskRef) => TaskStatus | undefined) {
    this.#pending = new Int32Array(tasks.length);
    this.#dependents = new Array<number[] | undefined>(tasks.length);
    const index = new Map(tasks.map((task, i) => [task.taskId, i]));
    const ready: number[] = [];
    const refused: { index: number; failure: DependencyFailure }[] = [];
    tasks.forEach((task, i) => {
      let failure: DependencyFailure | null = null;
      for (const ref of task.dependsOn) {
        const j = ref.wave === wave ? index.get(ref.taskId) : undefined;
        if (j !== undefined && j !== i) {
          this.#pending[i] = (this.#pending[i] ?? 0) + 1;
          (this.#dependents[j] ??= []).push(i);
          continue;
        }
        const status = ref.wave < wave ? earlier(ref) : undefined;
        if (status !== 'succeeded') failure ??= { ref, status: status ?? 'unknown' };
      }
      if (failure !== null) refused.push({ index: i, failure });
      else if (this.#pending[i] === 0) ready.push(i);
    });
    this.#initial = { ready, refused };
  }

  /** At the wave's start: tasks ready at once, and tasks refused for an earlier wave's outcome. */
  initial(): Released {
    return this.#initial;
  }

  /**
   * Task `index` ended with `status`: its dependents become ready (the last pending dependency
   * succeeded) or are to be refused (it failed or was blocked). Dependents already refused are
   * the engine's to skip.
   */
  ended(index: number, ref: TaskRef, status: TaskStatus): Released {
    const dependents = this.#dependents[index];
    if (dependents === undefined) return { ready: [], refused: [] };
    if (status !== 'succeeded') return { ready: [], refused: dependents.map((d) => ({ index: d, failure: { ref, status } })) };
    const ready: number[] = [];
    for (const d of dependents) {
      const left = (this.#pending[d] ?? 0) - 1;
      this.#pending[d] = left;
      if (left === 0) ready.push(d);
    }
    return { ready, refused: [] };
  }
}

/**
 * The tasks a later wave depends on, as a test for `SimulationConfig.remember`: only
 * their statuses need to outlive their wave.
 */
export function crossWaveTargets(waves: readonly { readonly tasks: readonly Task[] }[]): (ref: TaskRef) => boolean {
  const keys = new Set<string>();
  for (const wave of waves) for (const task of wave.tasks) for (const ref of task.dependsOn) if (ref.wave < task.wave) keys.add(refKey(ref));
  return (ref) => keys.has(refKey(ref));
}
