/**
 * Pass 2 of the streamed input (contract section 15): the {@link PlanSource} that `scanInput`
 * (`load.ts`) returns. Pass 1 validated every line and kept a compact index; here a wave's
 * files are read again when the run reaches it (tree: the wave's own files; flat: the flat
 * files, keeping the rows of that wave), the lines pass 1 rejected or quarantined are left out,
 * and the wave's plan is built as `buildPlan` builds it (`buildWave`). Each file's SHA-256 is
 * recomputed while reading and compared with pass 1's: a file that changed in between is an
 * input error, not a different plan.
 */
import type { Diagnostic } from '../errors.ts';
import { buildWave } from '../plan/build.ts';
import type { ScheduleRecord, TaskRows, PredictionRecord } from '../plan/build.ts';
import type { AgentProfile, PlanSource, TaskRef, WaveOutline, WavePlan } from '../plan/model.ts';
import { PredictionRowSchema, ScheduleRowSchema } from '../schema/input.ts';
import type { PredictionRowInput, ScheduleRowInput } from '../schema/input.ts';
import type { DependencyChecker } from './dependencies.ts';
import { errorAt, inputError } from './diagnostics.ts';
import type { DiscoveredFile } from './discover.ts';
import { fastPredictionRow, fastScheduleRow } from './fast-rows.ts';
import { LineReadError, readLines } from './lines.ts';
import { normalisePrediction, normaliseSchedule } from './validate.ts';

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
  readonly predictions: PredictionRecord[];
  readonly schedule: ScheduleRecord[];
}

/** The file's row as its schema parses it, or null when it does not parse (the file changed since pass 1). */
function parseRow<R>(text: string, fast: (raw: Record<string, unknown>) => R | null, schema: { safeParse(raw: unknown): { success: true; data: R } | { success: false } }): R | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const row = fast(raw as Record<string, unknown>);
  if (row !== null) return row;
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function changed(path: string): Diagnostic {
  return errorAt(path, null, '(file)', 'changed while the harness read it; run again');
}

/**
 * Reads one file again, handing each kept row of `wave` to `take`.
 * @throws InputError when the file's bytes differ from pass 1's, or it cannot be read again
 */
async function readWaveRows(read: ReadFile, skip: ReadonlySet<number> | undefined, wave: number, take: (row: PredictionRowInput | ScheduleRowInput) => void): Promise<void> {
  const { file } = read;
  const tasks = file.kind === 'predicted_tasks';
  const seen = { unreadable: false };
  let sha256: string;
  try {
    const stats = await readLines(file.realPath, (text, lineNo) => {
      if (skip?.has(lineNo) === true) return;
      const row = tasks ? parseRow(text, fastPredictionRow, PredictionRowSchema) : parseRow(text, fastScheduleRow, ScheduleRowSchema);
      if (row === null) {
        seen.unreadable = true;
        return;
      }
      if ((file.wave ?? row.wave ?? null) === wave) take(row);
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
  const groups = new Map<string, Group>();
  for (const [index, read] of parts.files.entries()) {
    if (read.file.wave !== null && read.file.wave !== wave) continue;
    const skip = parts.skip.get(index);
    if (read.file.kind === 'predicted_tasks') {
      await readWaveRows(read, skip, wave, (row) => {
        const prediction = normalisePrediction(row as PredictionRowInput, wave);
        const group = groups.get(prediction.taskId);
        if (group === undefined) groups.set(prediction.taskId, { taskId: prediction.taskId, predictions: [prediction], schedule: [] });
        else group.predictions.push(prediction);
      });
    } else {
      await readWaveRows(read, skip, wave, (row) => {
        const schedule = normaliseSchedule(row as ScheduleRowInput, wave);
        groups.get(schedule.taskId)?.schedule.push(schedule);
      });
    }
  }
  return groups;
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
