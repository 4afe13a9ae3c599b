/**
 * Pairing the task outcomes of two runs on (wave, task_id) (contract section 13): the columns of
 * `task_outcomes.jsonl` the comparison reads (contract section 8), a compact table of run A's
 * rows, the cause of each flip, and the accumulator that meets run B's rows one by one. Pure:
 * the file reading is in `read.ts`.
 *
 * Memory: A's rows are held as small integers in parallel arrays (strings interned), plus one
 * Map entry per task; B is never held. About 150 bytes a task with its task_id (measured: 145 MB
 * of heap for 10^6 tasks).
 */
import { z } from 'zod';
import type { FlipCause, Flip, OneRunTask } from '../schema/comparison.ts';
import { taskStatusSchema } from '../schema/records.ts';
import { naturalCompare } from '../util/natural.ts';
import { mcnemarExact } from './mcnemar.ts';

/**
 * The columns of one `task_outcomes.jsonl` row the comparison needs (contract section 8 names;
 * other columns are ignored). `agent_id` and `first_agent_id` may be null (a task blocked before
 * any attempt), but `first_agent_id` must be present: the comparison needs it to tell a flip
 * caused by another agent from one caused by a draw.
 */
export const outcomeColumnsSchema = z.object({
  wave: z.number().int().min(1),
  task_id: z.string().min(1),
  agent_id: z.string().nullable(),
  first_agent_id: z.string().nullable(),
  status: taskStatusSchema,
  attempts: z.number().int().min(0),
  first_attempt_success: z.boolean().nullable(),
  gate: z.string().nullable(),
});
export type OutcomeRow = z.infer<typeof outcomeColumnsSchema>;
export type TaskStatus = OutcomeRow['status'];

const STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'blocked'];

/** Run A's outcomes, compactly: one index per task, columns as arrays of small integers. */
export class OutcomeTable {
  /** wave -> task_id -> index: no key string is built per row. */
  readonly #index = new Map<number, Map<string, number>>();
  readonly #strings: string[] = [];
  readonly #stringIds = new Map<string, number>();
  readonly #waves: number[] = [];
  readonly #taskIds: string[] = [];
  readonly #status: number[] = [];
  readonly #attempts: number[] = [];
  /** -1 null, 0 false, 1 true. */
  readonly #firstSuccess: number[] = [];
  /** Interned string ids; -1 for null. */
  readonly #agent: number[] = [];
  readonly #firstAgent: number[] = [];
  readonly #gate: number[] = [];

  /** Number of tasks held. */
  get size(): number {
    return this.#waves.length;
  }

  /**
   * Adds a row; returns its index, or null when (wave, task_id) is already held (the caller
   * reports the duplicate).
   */
  add(row: OutcomeRow): number | null {
    let wave = this.#index.get(row.wave);
    if (wave === undefined) {
      wave = new Map();
      this.#index.set(row.wave, wave);
    }
    if (wave.has(row.task_id)) return null;
    const i = this.#waves.length;
    wave.set(row.task_id, i);
    this.#waves.push(row.wave);
    this.#taskIds.push(row.task_id);
    this.#status.push(STATUSES.indexOf(row.status));
    this.#attempts.push(row.attempts);
    this.#firstSuccess.push(row.first_attempt_success === null ? -1 : row.first_attempt_success ? 1 : 0);
    this.#agent.push(this.#intern(row.agent_id));
    this.#firstAgent.push(this.#intern(row.first_agent_id));
    this.#gate.push(this.#intern(row.gate));
    return i;
  }

  /** The index of (wave, task_id), or undefined. */
  indexOf(wave: number, taskId: string): number | undefined {
    return this.#index.get(wave)?.get(taskId);
  }

  /** The row at `index` (0 <= index < size), rebuilt. */
  row(index: number): OutcomeRow {
    return {
      wave: this.#at(this.#waves, index),
      task_id: this.#taskIds[index] ?? '',
      agent_id: this.#string(this.#at(this.#agent, index)),
      first_agent_id: this.#string(this.#at(this.#firstAgent, index)),
      status: STATUSES[this.#at(this.#status, index)] ?? 'failed',
      attempts: this.#at(this.#attempts, index),
      first_attempt_success: [null, false, true][this.#at(this.#firstSuccess, index) + 1] ?? null,
      gate: this.#string(this.#at(this.#gate, index)),
    };
  }

  #at(column: readonly number[], index: number): number {
    const value = column[index];
    if (value === undefined) throw new RangeError(`outcome index ${index} out of range (size ${this.size})`);
    return value;
  }

  #intern(text: string | null): number {
    if (text === null) return -1;
    let id = this.#stringIds.get(text);
    if (id === undefined) {
      id = this.#strings.length;
      this.#strings.push(text);
      this.#stringIds.set(text, id);
    }
    return id;
  }

  #string(id: number): string | null {
    return id < 0 ? null : (this.#strings[id] ?? null);
  }
}

function taskKey(wave: number, taskId: string): string {
  return `${wave}\n${taskId}`;
}

/**
 * Why a task that ran in both runs ended differently, by precedence (docs/compare.md):
 * 1. a gate refused it in one run: `dependency` when that gate is `dependencies`, else `gate`;
 * 2. `other_agent`: the agent of its first attempt or its final agent differs;
 * 3. `other_attempt_count`: same agents, and the run where it failed stopped before the attempt
 *    at which the other run succeeded (fewer attempts allowed, e.g. `--max-attempts`);
 * 4. `another_draw`: same agents, and the failing run made at least as many attempts as the
 *    succeeding run needed, so the luck (seed) or the success probability differed.
 * Call only for rows whose status differs.
 */
export function flipCause(a: OutcomeRow, b: OutcomeRow): FlipCause {
  if (a.gate !== b.gate) return a.gate === 'dependencies' || b.gate === 'dependencies' ? 'dependency' : 'gate';
  if (a.first_agent_id !== b.first_agent_id || a.agent_id !== b.agent_id) return 'other_agent';
  const [won, lost] = a.status === 'succeeded' ? [a, b] : [b, a];
  return lost.attempts < won.attempts ? 'other_attempt_count' : 'another_draw';
}

/** Paired 2x2 counts of one binary outcome: both, A only (b), B only (c), neither. */
export interface PairCounts {
  pairs: number;
  both: number;
  b: number;
  c: number;
  neither: number;
}

function emptyCounts(): PairCounts {
  return { pairs: 0, both: 0, b: 0, c: 0, neither: 0 };
}

function tally(counts: PairCounts, inA: boolean, inB: boolean): void {
  counts.pairs++;
  if (inA && inB) counts.both++;
  else if (inA) counts.b++;
  else if (inB) counts.c++;
  else counts.neither++;
}

/** p-value of McNemar's exact test on `counts` (see mcnemar.ts). */
export function pValueOf(counts: PairCounts): number {
  return mcnemarExact(counts.b, counts.c).pValue;
}

/** Everything the pairing found, once B has been read whole. */
export interface PairingResult {
  /** Task outcome (succeeded or not) over tasks in both runs. */
  readonly taskOutcome: PairCounts;
  /** First-attempt success over tasks attempted in both runs. */
  readonly firstAttempt: PairCounts;
  /** The same two tables per wave, by wave. */
  readonly perWave: ReadonlyMap<number, { readonly taskOutcome: PairCounts; readonly firstAttempt: PairCounts }>;
  /** Every flip, by wave then natural task_id order. */
  readonly flips: readonly Flip[];
  /** Tasks of A only, then tasks of B only, each by wave then natural task_id order. */
  readonly oneRunOnly: readonly OneRunTask[];
  readonly onlyInA: number;
  readonly onlyInB: number;
  /** Rows of B (for the run identity). */
  readonly tasksB: number;
}

/**
 * Meets B's rows one by one with A's table. Keeps counts, flips and the B-only tasks; B's rows
 * themselves are not kept.
 */
export class Pairing {
  readonly #a: OutcomeTable;
  readonly #seen: Uint8Array;
  readonly #bKeys = new Set<string>();
  readonly #taskOutcome = emptyCounts();
  readonly #firstAttempt = emptyCounts();
  readonly #perWave = new Map<number, { taskOutcome: PairCounts; firstAttempt: PairCounts }>();
  readonly #flips: Flip[] = [];
  readonly #onlyInB: OneRunTask[] = [];
  #tasksB = 0;

  constructor(a: OutcomeTable) {
    this.#a = a;
    this.#seen = new Uint8Array(a.size);
  }

  /** Adds one row of B; returns false when B already had (wave, task_id) (a duplicate). */
  add(row: OutcomeRow): boolean {
    const index = this.#a.indexOf(row.wave, row.task_id);
    if (index === undefined) {
      const key = taskKey(row.wave, row.task_id);
      if (this.#bKeys.has(key)) return false;
      this.#bKeys.add(key);
      this.#tasksB++;
      this.#onlyInB.push({ wave: row.wave, task_id: row.task_id, run: 'b', status: row.status });
      return true;
    }
    if (this.#seen[index] === 1) return false;
    this.#seen[index] = 1;
    this.#tasksB++;
    const a = this.#a.row(index);
    const wave = this.#waveCounts(row.wave);
    tally(this.#taskOutcome, a.status === 'succeeded', row.status === 'succeeded');
    tally(wave.taskOutcome, a.status === 'succeeded', row.status === 'succeeded');
    if (a.first_attempt_success !== null && row.first_attempt_success !== null) {
      tally(this.#firstAttempt, a.first_attempt_success, row.first_attempt_success);
      tally(wave.firstAttempt, a.first_attempt_success, row.first_attempt_success);
    }
    if (a.status !== row.status) this.#flips.push(flipOf(a, row));
    return true;
  }

  /** The result; call once, after the last row of B. */
  finish(): PairingResult {
    const onlyInA: OneRunTask[] = [];
    for (let i = 0; i < this.#a.size; i++) {
      if (this.#seen[i] === 1) continue;
      const row = this.#a.row(i);
      onlyInA.push({ wave: row.wave, task_id: row.task_id, run: 'a', status: row.status });
    }
    return {
      taskOutcome: this.#taskOutcome,
      firstAttempt: this.#firstAttempt,
      perWave: new Map([...this.#perWave].sort(([x], [y]) => x - y)),
      flips: sortTasks(this.#flips),
      oneRunOnly: [...sortTasks(onlyInA), ...sortTasks(this.#onlyInB)],
      onlyInA: onlyInA.length,
      onlyInB: this.#onlyInB.length,
      tasksB: this.#tasksB,
    };
  }

  #waveCounts(wave: number): { taskOutcome: PairCounts; firstAttempt: PairCounts } {
    let counts = this.#perWave.get(wave);
    if (counts === undefined) {
      counts = { taskOutcome: emptyCounts(), firstAttempt: emptyCounts() };
      this.#perWave.set(wave, counts);
    }
    return counts;
  }
}

function flipOf(a: OutcomeRow, b: OutcomeRow): Flip {
  return {
    wave: a.wave,
    task_id: a.task_id,
    status_a: a.status,
    status_b: b.status,
    cause: flipCause(a, b),
    agent_id_a: a.agent_id,
    agent_id_b: b.agent_id,
    first_agent_id_a: a.first_agent_id,
    first_agent_id_b: b.first_agent_id,
    attempts_a: a.attempts,
    attempts_b: b.attempts,
    gate_a: a.gate,
    gate_b: b.gate,
  };
}

/** A copy sorted by wave, then task_id in natural order. */
function sortTasks<T extends { readonly wave: number; readonly task_id: string }>(items: readonly T[]): T[] {
  return [...items].sort((x, y) => x.wave - y.wave || naturalCompare(x.task_id, y.task_id));
}
