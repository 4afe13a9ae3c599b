/**
 * Pass 2 of the streamed input (contract section 15): the {@link PlanSource} that `scanInput`
 * (`load.ts`) returns. Pass 1 validated every line and kept a compact index; here a wave's
 * files are read again when the run reaches it (tree: the wave's own files; flat: the flat
 * files, keeping the rows of that wave), the lines pass 1 rejected or quarantined are left out,
 * and the wave's plan is built as `buildPlan` builds it (`buildWave`). Each file's SHA-256 is
 * recomputed while reading and compared with pass 1's: a file that changed in between is an
 * input error, not a different plan.
 *
 * So pass 2 does not validate again: a kept line of an unchanged file is one pass 1 accepted,
 * and it is only parsed (`JSON.parse`) and normalised. A line that no longer parses, or whose
 * row cannot be normalised, is noted; at the file's end a changed SHA-256 makes it an input
 * error (the file changed), an unchanged one a bug.
 *
 * Rows are grouped by task_id. Phase 20 writes every agent's file of a wave in the same task
 * order, so the group of a row is first guessed as the one after the previous row's group and
 * looked up in the map only when the guess misses (at 62,500 tasks a wave, a map look-up of a
 * freshly parsed string costs about as much as parsing the line's numbers).
 */
import type { Diagnostic } from '../errors.ts';
import { buildWave } from '../plan/build.ts';
import type { ScheduleRecord, TaskRows, PredictionRecord } from '../plan/build.ts';
import type { AgentProfile, PlanSource, TaskRef, WaveOutline, WavePlan } from '../plan/model.ts';
import type { PredictionRowInput, ScheduleRowInput } from '../schema/input.ts';
import type { DependencyChecker } from './dependencies.ts';
import { errorAt, inputError } from './diagnostics.ts';
import type { DiscoveredFile } from './discover.ts';
import { LineReadError, readLines } from './lines.ts';
import { normalisePrediction, normaliseSchedule } from './normalise.ts';

/** An input file as pass 1 read it. */
export interface ReadFile {
  readonly file: DiscoveredFile;
  /** SHA-256 of its bytes in pass 1, lowercase hex. */
  readonly sha256: string;
}

/** What pass 1 hands to pass 2. */
export interface SourceParts {
  readonly waves: readonly WaveOutline[];
  readonly agents: readonly AgentProfile[];
  readonly latestTimestamp: string | null;
  readonly longestTimesS: readonly Float64Array[];
  /** Every input file, in discovery order (tasks files, then schedule files). */
  readonly files: readonly ReadFile[];
  /** Line numbers to leave out (rejected or quarantined), by index into `files`. */
  readonly skip: ReadonlyMap<number, ReadonlySet<number>>;
  /** Pass 1's dependency checker: resolves ids to earlier waves, knows each wave's tasks. */
  readonly checker: DependencyChecker;
  /** `refKey`s of the tasks a later wave to run depends on. */
  readonly dependedOnLater: ReadonlySet<string>;
}

/** Key of a task reference in {@link SourceParts.dependedOnLater}. */
export function taskKey(ref: TaskRef): string {
  return `${ref.wave}\u0000${ref.taskId}`;
}

interface Group {
  readonly taskId: string;
  /** Position in the wave's groups, in the order first seen. */
  readonly at: number;
  readonly predictions: PredictionRecord[];
  readonly schedule: ScheduleRecord[];
}

/** The line's JSON object, or null when it is not one (the file changed since pass 1). */
function parseObject(text: string): Record<string, unknown> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
}

/**
 * A wave's rows grouped by task_id, in the order tasks are first seen; {@link find} guesses
 * the group after the last one found before it looks in the map (see the file comment).
 */
class Groups {
  readonly byTask = new Map<string, Group>();
  readonly #order: Group[] = [];
  #next = 0;

  /** The group of `taskId`, or undefined. */
  find(taskId: string): Group | undefined {
    const guess = this.#order[this.#next];
    const group = guess !== undefined && guess.taskId === taskId ? guess : this.byTask.get(taskId);
    if (group !== undefined) this.#next = group.at + 1;
    return group;
  }

  /** A new group for `taskId` (none exists). */
  add(taskId: string): Group {
    const group: Group = { taskId, at: this.#order.length, predictions: [], schedule: [] };
    this.byTask.set(taskId, group);
    this.#order.push(group);
    this.#next = this.#order.length;
    return group;
  }
}

function changed(path: string): Diagnostic {
  return errorAt(path, null, '(file)', 'changed while the harness read it; run again');
}

/**
 * Reads one file again, handing each kept line's object of `wave` to `take` (which normalises
 * it, and may throw on a row pass 1 would have refused: then the file changed, or it is a bug).
 * @throws InputError when the file's bytes differ from pass 1's, or it cannot be read again
 */
async function readWaveRows(read: ReadFile, skip: ReadonlySet<number> | undefined, wave: number, take: (row: Record<string, unknown>) => void): Promise<void> {
  const { file } = read;
  const seen = { unreadable: false };
  let sha256: string;
  try {
    const stats = await readLines(file.realPath, (text, lineNo) => {
      if (skip?.has(lineNo) === true) return;
      const row = parseObject(text);
      if (row === null) {
        seen.unreadable = true;
        return;
      }
      if ((file.wave ?? row.wave ?? null) !== wave) return;
      try {
        take(row);
      } catch {
        seen.unreadable = true;
      }
    });
    sha256 = stats.sha256;
  } catch (error: unknown) {
    if (error instanceof LineReadError) throw inputError([changed(file.path)]);
    if (error instanceof Error && 'code' in error) throw inputError([errorAt(file.path, null, '(file)', `cannot read again (${String(error.code)})`)]);
    throw error;
  }
  if (sha256 !== read.sha256) throw inputError([changed(file.path)]);
  if (seen.unreadable) throw new Error(`${file.path}: a line validated in pass 1 does not parse again, yet the file's SHA-256 is unchanged`);
}

/**
 * The rows of `wave` that pass 1 accepted and kept, grouped by task_id, each group's rows in
 * read order (as the validator's index holds them).
 */
async function waveRows(parts: SourceParts, wave: number): Promise<Map<string, TaskRows>> {
  const groups = new Groups();
  for (const [index, read] of parts.files.entries()) {
    if (read.file.wave !== null && read.file.wave !== wave) continue;
    const skip = parts.skip.get(index);
    if (read.file.kind === 'predicted_tasks') {
      await readWaveRows(read, skip, wave, (row) => {
        // Pass 1 accepted this line of this unchanged file: it is a PredictionRowInput.
        const prediction = normalisePrediction(row as unknown as PredictionRowInput, wave);
        (groups.find(prediction.taskId) ?? groups.add(prediction.taskId)).predictions.push(prediction);
      });
    } else {
      await readWaveRows(read, skip, wave, (row) => {
        const schedule = normaliseSchedule(row as unknown as ScheduleRowInput, wave);
        groups.find(schedule.taskId)?.schedule.push(schedule);
      });
    }
  }
  return groups.byTask;
}

/**
 * The streamed plan over pass 1's index (see the file comment).
 * @throws (from `loadWave`) InputError when a file changed since pass 1 or cannot be read again;
 *   RangeError for an index outside `waves`
 */
export function streamedPlan(parts: SourceParts): PlanSource {
  const running = new Set(parts.waves.map((w) => w.wave));
  return {
    waves: parts.waves,
    agents: parts.agents,
    latestTimestamp: parts.latestTimestamp,
    longestTimesS: parts.longestTimesS,
    hasTask: (wave, taskId) => running.has(wave) && parts.checker.hasTask(wave, taskId),
    dependedOnLater: (ref) => parts.dependedOnLater.has(taskKey(ref)),
    loadWave: async (index: number): Promise<WavePlan> => {
      const outline = parts.waves[index];
      if (outline === undefined) throw new RangeError(`no wave at index ${index} (the run has ${parts.waves.length})`);
      const { wave } = outline;
      const rows = await waveRows(parts, wave);
      const plan = buildWave(wave, rows, (taskId) => {
        const earlier = parts.checker.resolve(taskId, wave);
        return earlier === null ? null : { wave: earlier, taskId };
      });
      if (plan.tasks.length !== outline.taskCount) throw new Error(`wave ${wave}: read ${plan.tasks.length} tasks again, pass 1 counted ${outline.taskCount}`);
      return plan;
    },
  };
}
