/**
 * The validator's index of accepted rows: wave -> task_id -> {@link TaskSlot}. It answers the
 * key questions of the rules (is this (wave, task_id, agent_id) taken, and on which line?) and
 * keeps of each task only what pass 1 needs once the wave's lines are read (contract section
 * 15): its agents and line locations, its first row's `depends_on` and
 * `required_capabilities` (the rows of a task agree), its longest predicted time, and whether
 * Phase 20's best schedule rows tie. The normalised rows themselves are kept only for the
 * in-memory reference (`keepRows`): holding a record per row until the wave's end made pass 1's
 * garbage collections copy every one of them (issue 10).
 *
 * Nested maps, not one map of composite string keys: at 10^6 rows, hashing a freshly built
 * key string per row cost six times more than two look-ups of strings JSON.parse produced.
 */
import type { PredictionRecord, ScheduleRecord, TaskRows } from '../plan/build.ts';
import type { TaskSoFar } from './rules.ts';

/** Above this many rows of one type in one task, agents are indexed by a Map (no O(n^2) scans). */
const SCAN_LIMIT = 8;

const NONE: readonly string[] = [];

/** Position of `agentId` in `agents`, or -1. */
function locate(agents: readonly string[], index: Map<string, number> | null, agentId: string): number {
  if (index !== null) return index.get(agentId) ?? -1;
  for (let i = 0; i < agents.length; i++) if (agents[i] === agentId) return i;
  return -1;
}

function indexAfterPush(agents: readonly string[], index: Map<string, number> | null): Map<string, number> | null {
  const last = agents.length - 1;
  if (index !== null) {
    index.set(agents[last] ?? '', last);
    return index;
  }
  if (agents.length <= SCAN_LIMIT) return null;
  const built = new Map<string, number>();
  agents.forEach((agent, i) => built.set(agent, i));
  return built;
}

/** The rows of a task the in-memory reference keeps. */
interface KeptRows extends TaskRows {
  readonly predictions: PredictionRecord[];
  readonly schedule: ScheduleRecord[];
}

/** What pass 1 keeps of one task's accepted rows (see the file comment). */
export class TaskSlot implements TaskSoFar {
  /** The agents of the accepted predictions, in read order. */
  readonly predictionAgents: string[] = [];
  /** `predictionLines[i]`: packed location of the line of `predictionAgents[i]`. */
  private readonly predictionLines: number[] = [];
  /** `predictionPs[i]`: its predicted_success_probability. */
  private readonly predictionPs: number[] = [];
  private readonly scheduleAgents: string[] = [];
  private readonly scheduleLines: number[] = [];
  private predictionIndex: Map<string, number> | null = null;
  private scheduleIndex: Map<string, number> | null = null;
  /** The first accepted prediction's `depends_on`, in row order without repeats. */
  dependsOn: readonly string[] = NONE;
  /** The first accepted prediction's `required_capabilities`, sorted and unique. */
  requiredCapabilities: readonly string[] = NONE;
  /** Longest predicted_execution_time over the predictions, seconds. */
  longestTimeS = 0;
  /** The best schedule rows so far (highest p, then earliest end) and how many share them. */
  #bestP = -1;
  #bestEndS = 0;
  #bestCount = 0;
  /** Every accepted row, normalised, when the index keeps rows; else null. */
  readonly rows: KeptRows | null;

  /**
   * @param taskId the task's id
   * @param ordinal the task's position in its wave, in read order (0 for the first task seen)
   * @param keepRows keep every normalised row in {@link rows}
   */
  constructor(
    readonly taskId: string,
    readonly ordinal: number = 0,
    keepRows = false,
  ) {
    this.rows = keepRows ? { taskId, predictions: [], schedule: [] } : null;
  }

  /** Accepted predictions. */
  get predictionCount(): number {
    return this.predictionAgents.length;
  }

  /** Accepted schedule rows. */
  get scheduleCount(): number {
    return this.scheduleAgents.length;
  }

  /** The agent of the first accepted prediction ('' before any). */
  get firstAgentId(): string {
    return this.predictionAgents[0] ?? '';
  }

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
    const i = locate(this.predictionAgents, this.predictionIndex, agentId);
    return i < 0 ? undefined : this.predictionLines[i];
  }

  /** Location of the accepted schedule row of `agentId`, or undefined. */
  scheduleLine(agentId: string): number | undefined {
    const i = locate(this.scheduleAgents, this.scheduleIndex, agentId);
    return i < 0 ? undefined : this.scheduleLines[i];
  }

  /**
   * True when Phase 20's best schedule rows tie: two or more rows share the highest p and then
   * the earliest end (`chooseSuggested`'s `tied`, which does not depend on the agents' order).
   */
  get suggestionTied(): boolean {
    return this.#bestCount > 1;
  }

  /**
   * Sets what the task's rows agree on, from its first prediction: call it before that
   * prediction's {@link addPrediction} (when {@link predictionCount} is 0).
   * @param dependsOn its `depends_on` in row order without repeats
   * @param requiredCapabilities its `required_capabilities`, sorted and unique
   */
  setAgreed(dependsOn: readonly string[], requiredCapabilities: readonly string[]): void {
    this.dependsOn = dependsOn;
    this.requiredCapabilities = requiredCapabilities;
  }

  /**
   * Adds a prediction whose agent has none here yet.
   * @param predictedTimeS its predicted_execution_time, default applied
   * @param record the normalised row, kept when the index keeps rows
   */
  addPrediction(agentId: string, p: number, predictedTimeS: number, location: number, record: PredictionRecord | null): void {
    this.predictionAgents.push(agentId);
    this.predictionLines.push(location);
    this.predictionPs.push(p);
    this.predictionIndex = indexAfterPush(this.predictionAgents, this.predictionIndex);
    if (predictedTimeS > this.longestTimeS) this.longestTimeS = predictedTimeS;
    if (record !== null) this.rows?.predictions.push(record);
  }

  /**
   * Adds a schedule row whose agent has none here yet and has a prediction here.
   * @param p the row's predicted_success_probability, or null for its prediction's
   * @param endS its predicted_end_time
   * @param record the normalised row, kept when the index keeps rows
   */
  addSchedule(agentId: string, p: number | null, endS: number, location: number, record: ScheduleRecord | null): void {
    this.scheduleAgents.push(agentId);
    this.scheduleLines.push(location);
    this.scheduleIndex = indexAfterPush(this.scheduleAgents, this.scheduleIndex);
    const rowP = p ?? this.predictionPs[locate(this.predictionAgents, this.predictionIndex, agentId)] ?? 0;
    if (this.#bestCount === 0 || rowP > this.#bestP || (rowP === this.#bestP && endS < this.#bestEndS)) {
      this.#bestP = rowP;
      this.#bestEndS = endS;
      this.#bestCount = 1;
    } else if (rowP === this.#bestP && endS === this.#bestEndS) {
      this.#bestCount++;
    }
    if (record !== null) this.rows?.schedule.push(record);
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

  /** @param keepRows keep every normalised row in the slots (`TaskSlot.rows`) */
  constructor(readonly keepRows = false) {}

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
    const slot = new TaskSlot(taskId, this.#waveSlots.length, this.keepRows);
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
