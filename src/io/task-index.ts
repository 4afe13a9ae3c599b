/**
 * The validator's index of accepted rows: wave -> task_id -> {@link TaskSlot}. It answers the
 * key questions of the rules (is this (wave, task_id, agent_id) taken, and on which line?) and
 * is handed to `buildPlan` as its `RowsByWave`, so rows are grouped once.
 *
 * Nested maps, not one map of composite string keys: at 10^6 rows, hashing a freshly built
 * key string per row cost six times more than two look-ups of strings JSON.parse produced.
 */
import type { PredictionRecord, ScheduleRecord, TaskRows } from '../plan/build.ts';

/** Above this many rows of one type in one task, agents are indexed by a Map (no O(n^2) scans). */
const SCAN_LIMIT = 8;

interface HasAgent {
  readonly agentId: string;
}

function locate(rows: readonly HasAgent[], lines: readonly number[], index: Map<string, number> | null, agentId: string): number | undefined {
  if (index !== null) {
    const i = index.get(agentId);
    return i === undefined ? undefined : lines[i];
  }
  for (let i = 0; i < rows.length; i++) if (rows[i]?.agentId === agentId) return lines[i];
  return undefined;
}

function indexAfterPush(rows: readonly HasAgent[], index: Map<string, number> | null): Map<string, number> | null {
  const last = rows.length - 1;
  if (index !== null) {
    index.set(rows[last]?.agentId ?? '', last);
    return index;
  }
  if (rows.length <= SCAN_LIMIT) return null;
  const built = new Map<string, number>();
  rows.forEach((row, i) => built.set(row.agentId, i));
  return built;
}

/** The accepted rows of one task, with the packed location of each row's line. */
export class TaskSlot implements TaskRows {
  readonly predictions: PredictionRecord[] = [];
  readonly schedule: ScheduleRecord[] = [];
  private readonly predictionLines: number[] = [];
  private readonly scheduleLines: number[] = [];
  private predictionIndex: Map<string, number> | null = null;
  private scheduleIndex: Map<string, number> | null = null;

  /**
   * @param taskId the task's id
   * @param ordinal the task's position in its wave, in read order (0 for the first task seen)
   */
  constructor(
    readonly taskId: string,
    readonly ordinal: number = 0,
  ) {}

  /** Location of the task's first accepted prediction line (0 when it has none). */
  firstLocation(): number {
    return this.predictionLines[0] ?? 0;
  }

  /** Locations of every accepted line of the task: prediction lines, then schedule lines. */
  locations(): readonly number[] {
    return [...this.predictionLines, ...this.scheduleLines];
  }

  /** Location of the accepted prediction of `agentId`, or undefined. */
  predictionLine(agentId: string): number | undefined {
    return locate(this.predictions, this.predictionLines, this.predictionIndex, agentId);
  }

  /** Location of the accepted schedule row of `agentId`, or undefined. */
  scheduleLine(agentId: string): number | undefined {
    return locate(this.schedule, this.scheduleLines, this.scheduleIndex, agentId);
  }

  /** Adds a prediction whose agent has none here yet. */
  addPrediction(record: PredictionRecord, location: number): void {
    this.predictions.push(record);
    this.predictionLines.push(location);
    this.predictionIndex = indexAfterPush(this.predictions, this.predictionIndex);
  }

  /** Adds a schedule row whose agent has none here yet. */
  addSchedule(record: ScheduleRecord, location: number): void {
    this.schedule.push(record);
    this.scheduleLines.push(location);
    this.scheduleIndex = indexAfterPush(this.schedule, this.scheduleIndex);
  }
}

/**
 * wave -> task_id -> slot; slots exist only for tasks with an accepted prediction.
 *
 * Look-ups guess first: Phase 20 writes every agent's file of a wave in the same task order, so
 * the slot asked for is most often the one created after the slot found last. The guess costs
 * one string comparison; a miss falls back to the map. (At 62,500 tasks a wave, a map look-up
 * of a string `JSON.parse` just made is about 0.5 us, mostly cache misses: a tenth of pass 1.)
 */
export class TaskIndex {
  readonly byWave = new Map<number, Map<string, TaskSlot>>();
  /** The slots of each wave in creation order (`slots[i].ordinal === i`). */
  readonly #slots = new Map<number, TaskSlot[]>();
  /** The wave of the last look-up, its slots, and the ordinal guessed next. */
  #wave = Number.NaN;
  #waveSlots: TaskSlot[] = [];
  #next = 0;

  get(wave: number, taskId: string): TaskSlot | undefined {
    if (wave !== this.#wave) this.#enter(wave);
    const guess = this.#waveSlots[this.#next];
    const slot = guess !== undefined && guess.taskId === taskId ? guess : this.byWave.get(wave)?.get(taskId);
    if (slot !== undefined) this.#next = slot.ordinal + 1;
    return slot;
  }

  getOrCreate(wave: number, taskId: string): TaskSlot {
    const found = this.get(wave, taskId);
    if (found !== undefined) return found;
    let tasks = this.byWave.get(wave);
    if (tasks === undefined) {
      tasks = new Map();
      this.byWave.set(wave, tasks);
    }
    const slot = new TaskSlot(taskId, this.#waveSlots.length);
    tasks.set(taskId, slot);
    this.#waveSlots.push(slot);
    this.#next = this.#waveSlots.length;
    return slot;
  }

  /** Makes `wave` the wave of the look-ups that follow. */
  #enter(wave: number): void {
    let slots = this.#slots.get(wave);
    if (slots === undefined) {
      slots = [];
      this.#slots.set(wave, slots);
    }
    this.#wave = wave;
    this.#waveSlots = slots;
    this.#next = 0;
  }
}
