/**
 * Line-by-line validation of the JSONL input (contract section 2): JSON -> schema (zod) ->
 * rules (`rules.ts`) -> what pass 1 keeps of the row (`task-index.ts`). Each bad line becomes
 * one error Diagnostic per problem and one {@link RejectedLine}; of a good line the index keeps
 * its agent, location and the few figures pass 1 needs (the whole normalised record,
 * `normalise.ts`, only for the in-memory reference).
 *
 * Hot path (10^6 rows): one `JSON.parse` and the schema's fast path (`fast-rows.ts`; zod's
 * `safeParse` only for a row it refuses, to word the errors) per line, the task's slot (most
 * often guessed from file order, else two Map look-ups: wave, task_id) and a short scan of the
 * task's agents; rule functions and the state object are allocated once, and timestamps are
 * compared as strings (`timestamps.ts`). Per accepted row only the parsed JSON and the slot's
 * array entries are allocated; per task, the slot and its first row's lists.
 */
import type { Diagnostic } from '../errors.ts';
import { PREDICTION_FIELDS, PredictionRowSchema, SCHEDULE_FIELDS, ScheduleRowSchema } from '../schema/input.ts';
import { AGENT_ID_PATTERN, agentFolderName } from './paths.ts';
import { errorAt, warningAt } from './diagnostics.ts';
import { fastPredictionRow, fastScheduleRow } from './fast-rows.ts';
import { describeValue, issueProblems } from './issues.ts';
import type { FieldProblem } from './issues.ts';
import type { InputKind } from './discover.ts';
import { agentMatchesFolder, packLocation, PREDICTION_RULES, rowKey, SCHEDULE_RULES, unpackLocation, waveMatchesLayout } from './rules.ts';
import type { KeyedRow, Rule, RuleState, TaskSoFar } from './rules.ts';
import { TaskIndex } from './task-index.ts';
import type { TaskSlot } from './task-index.ts';
import { LatestInstant } from './timestamps.ts';
import { sortedUnique } from '../util/lists.ts';
import { DEFAULT_EXECUTION_TIME_S, dependencyList, normalisePrediction, normaliseSchedule } from './normalise.ts';

/** A line left out of the run (quarantine mode), kept verbatim. */
export interface RejectedLine {
  readonly file: string;
  readonly line: number;
  /** The line's text without its line ending; a BOM on line 1 removed. */
  readonly raw: string;
  /** Every problem, as `field: problem`. */
  readonly reasons: readonly string[];
}

/** A file being validated. */
export interface SourceFile {
  readonly path: string;
  readonly kind: InputKind;
  readonly wave: number | null;
  readonly agentFolder: string | null;
}

/** Unknown fields named in warnings per file type; the rest are counted in one more warning. */
export const MAX_NAMED_UNKNOWN_FIELDS = 20;

interface UnknownField {
  count: number;
  readonly file: string;
  readonly line: number;
}

/** Copies a string so a kept line does not pin the whole decoded chunk it was sliced from. */
function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * Validates input files one at a time: `beginFile`, then `onLine` for each non-blank line (pass
 * it to `readLines`), then `endFile`. Tasks files must all come before schedule files, so a
 * schedule row can be matched with its prediction.
 */
export class InputValidator implements RuleState {
  /**
   * What pass 1 keeps of the accepted rows (`task-index.ts`), grouped by wave and task, since
   * the last {@link takeIndex}: the loader takes it after each wave of the tree (or after the
   * whole flat layout), so only the waves being read are held.
   */
  get index(): TaskIndex {
    return this.#index;
  }
  /** Latest timestamp over accepted rows of both types. */
  readonly timestamps = new LatestInstant();
  /** One error per problem of each bad line, in file and line order. */
  readonly errors: Diagnostic[] = [];
  /** Bad lines with their reasons; text kept only when `keepRaw`. */
  readonly rejected: RejectedLine[] = [];
  /** Accepted prediction rows. */
  predictionCount = 0;

  // RuleState, updated per file and per line.
  fileWave: number | null = null;
  agentFolder: string | null = null;
  wave: number | null = null;

  /** The current line's task slot and task_id (set by `resolve`). */
  private slot: TaskSlot | undefined = undefined;
  private slotTaskId = '';
  private readonly rejectedPredictions = new Map<string, number>();
  private readonly files: SourceFile[] = [];
  private file: SourceFile | null = null;
  private fileIndex = -1;
  private accepted = 0;
  private rejectedInFile = 0;
  private readonly unknown = new Map<InputKind, Map<string, UnknownField>>([
    ['predicted_tasks', new Map()],
    ['predicted_schedule', new Map()],
  ]);
  /** Unknown fields past the named ones, per file type: occurrences, and where the first was. */
  private readonly otherUnknown = new Map<InputKind, UnknownField>();
  /** Distinct accepted agent ids -> packed location of their first row. */
  private readonly agentFirstSeen = new Map<string, number>();

  #index: TaskIndex;

  /**
   * @param keepRaw keep each rejected line's text (quarantine mode)
   * @param keepRows keep every accepted row, normalised, in the index (the in-memory reference)
   */
  constructor(
    private readonly keepRaw: boolean,
    private readonly keepRows = false,
  ) {
    this.#index = new TaskIndex(keepRows);
  }

  /**
   * Hands over the rows accepted since the last call and starts an empty index. Rows of a wave
   * taken may not come again: the key rules would not see them.
   */
  takeIndex(): TaskIndex {
    const taken = this.#index;
    this.#index = new TaskIndex(this.keepRows);
    return taken;
  }

  /** Starts a file; its lines follow through {@link onLine}. */
  beginFile(file: SourceFile): void {
    this.files.push(file);
    this.file = file;
    this.fileIndex = this.files.length - 1;
    this.fileWave = file.wave;
    this.agentFolder = file.agentFolder;
    this.accepted = 0;
    this.rejectedInFile = 0;
  }

  /** Ends the current file. @returns its accepted and rejected row counts */
  endFile(): { readonly accepted: number; readonly rejected: number } {
    this.file = null;
    return { accepted: this.accepted, rejected: this.rejectedInFile };
  }

  earlierRow(agentId: string): number | undefined {
    if (this.slot === undefined) return undefined;
    return this.file?.kind === 'predicted_schedule' ? this.slot.scheduleLine(agentId) : this.slot.predictionLine(agentId);
  }

  firstPrediction(): TaskSoFar | undefined {
    return this.slot;
  }

  hasPrediction(agentId: string): boolean {
    return this.slot?.predictionLine(agentId) !== undefined;
  }

  rejectedPrediction(agentId: string): number | undefined {
    return this.wave === null ? undefined : this.rejectedPredictions.get(rowKey(this.wave, this.slotTaskId, agentId));
  }

  /** `line 3` within the current file, else `path:3`. */
  where(location: number): string {
    const { fileIndex, line } = unpackLocation(location);
    if (fileIndex === this.fileIndex) return `line ${line}`;
    return `${this.files[fileIndex]?.path ?? '?'}:${line}`;
  }

  /** Validates one non-blank line of the current file (a `LineHandler`). */
  readonly onLine = (text: string, lineNo: number): void => {
    const file = this.file;
    if (file === null) throw new Error('InputValidator.onLine called outside beginFile/endFile');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error: unknown) {
      const detail = error instanceof Error ? error.message : String(error);
      this.reject(file, text, lineNo, [{ field: '(line)', problem: `invalid JSON: ${detail}` }]);
      return;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      this.reject(file, text, lineNo, [{ field: '(line)', problem: `must be a JSON object, got ${describeValue(raw)}` }]);
      return;
    }
    this.noteUnknownFields(file, raw, lineNo);
    if (file.kind === 'predicted_tasks') this.predictionLine(file, raw, text, lineNo);
    else this.scheduleLine(file, raw, text, lineNo);
  };

  private predictionLine(file: SourceFile, raw: object, text: string, lineNo: number): void {
    let row = fastPredictionRow(raw as Record<string, unknown>);
    if (row === null) {
      const parsed = PredictionRowSchema.safeParse(raw);
      if (!parsed.success) {
        this.noteRejectedPrediction(file, raw, lineNo);
        this.reject(file, text, lineNo, this.withFolderProblems(issueProblems(parsed.error, raw), raw));
        return;
      }
      row = parsed.data;
    }
    this.resolve(row);
    const problems = runRules(PREDICTION_RULES, row, this);
    const location = packLocation(this.fileIndex, lineNo);
    if (problems !== null || this.wave === null) {
      if (this.wave !== null) this.rememberRejected(rowKey(this.wave, row.task_id, row.agent_id), location);
      this.reject(file, text, lineNo, problems ?? []);
      return;
    }
    const slot = this.slot ?? this.index.getOrCreate(this.wave, row.task_id);
    if (slot.predictionCount === 0) slot.setAgreed(dependencyList(row.depends_on), sortedUnique(row.required_capabilities));
    const timeS = row.predicted_execution_time ?? DEFAULT_EXECUTION_TIME_S;
    slot.addPrediction(row.agent_id, row.predicted_success_probability, timeS, location, this.keepRows ? normalisePrediction(row, this.wave) : null);
    if (!this.agentFirstSeen.has(row.agent_id)) this.agentFirstSeen.set(row.agent_id, location);
    if (typeof row.timestamp === 'string') this.timestamps.offer(row.timestamp);
    this.predictionCount++;
    this.accepted++;
  }

  private scheduleLine(file: SourceFile, raw: object, text: string, lineNo: number): void {
    let row = fastScheduleRow(raw as Record<string, unknown>);
    if (row === null) {
      const parsed = ScheduleRowSchema.safeParse(raw);
      if (!parsed.success) {
        this.reject(file, text, lineNo, this.withFolderProblems(issueProblems(parsed.error, raw), raw));
        return;
      }
      row = parsed.data;
    }
    this.resolve(row);
    const problems = runRules(SCHEDULE_RULES, row, this);
    if (problems !== null || this.wave === null || this.slot === undefined) {
      this.reject(file, text, lineNo, problems ?? []);
      return;
    }
    const record = this.keepRows ? normaliseSchedule(row, this.wave) : null;
    this.slot.addSchedule(row.agent_id, row.predicted_success_probability ?? null, row.predicted_end_time, packLocation(this.fileIndex, lineNo), record);
    if (typeof row.timestamp === 'string') this.timestamps.offer(row.timestamp);
    this.accepted++;
  }

  /**
   * For a line that failed its schema, adds the layout and folder problems its raw `wave` and
   * `agent_id` already show (when those fields are themselves valid), so one pass reports
   * them all. Key rules (duplicates, schedule match) need the whole row and are skipped.
   */
  private withFolderProblems(problems: FieldProblem[], raw: object): FieldProblem[] {
    const { agent_id: agentId, wave } = raw as Record<string, unknown>;
    const knownWave = wave === undefined || wave === null ? null : typeof wave === 'number' && Number.isSafeInteger(wave) && wave >= 1 ? wave : undefined;
    const validAgent = typeof agentId === 'string' && AGENT_ID_PATTERN.test(agentId) ? agentId : null;
    if (knownWave !== undefined) {
      const problem = waveMatchesLayout({ task_id: '', agent_id: validAgent ?? '', wave: knownWave }, this);
      if (problem !== null) problems.push(problem);
    }
    if (validAgent !== null) {
      const problem = agentMatchesFolder({ task_id: '', agent_id: validAgent }, this);
      if (problem !== null) problems.push(problem);
    }
    return problems;
  }

  /** Sets the current line's wave (the folder's in the tree, else the row's) and task slot. */
  private resolve(row: KeyedRow): void {
    this.wave = this.fileWave ?? row.wave ?? null;
    this.slotTaskId = row.task_id;
    this.slot = this.wave === null ? undefined : this.index.get(this.wave, row.task_id);
  }

  private rememberRejected(key: string, location: number): void {
    if (!this.rejectedPredictions.has(key)) this.rejectedPredictions.set(key, location);
  }

  /** For a prediction line that failed its schema: remember its key where the raw values allow. */
  private noteRejectedPrediction(file: SourceFile, raw: object, lineNo: number): void {
    const { task_id: taskId, agent_id: agentId, wave: rowWave } = raw as Record<string, unknown>;
    if (typeof taskId !== 'string' || typeof agentId !== 'string') return;
    const wave = file.wave ?? (typeof rowWave === 'number' && Number.isInteger(rowWave) ? rowWave : null);
    if (wave === null || this.index.get(wave, taskId)?.predictionLine(agentId) !== undefined) return;
    this.rememberRejected(rowKey(wave, taskId, agentId), packLocation(this.fileIndex, lineNo));
  }

  private reject(file: SourceFile, text: string, lineNo: number, problems: readonly FieldProblem[]): void {
    this.rejectedInFile++;
    const reasons: string[] = [];
    for (const { field, problem } of problems) {
      this.errors.push(errorAt(file.path, lineNo, field, problem));
      reasons.push(`${field}: ${problem}`);
    }
    this.rejected.push({ file: file.path, line: lineNo, raw: this.keepRaw ? detach(text) : '', reasons });
  }

  private noteUnknownFields(file: SourceFile, raw: object, lineNo: number): void {
    const known = file.kind === 'predicted_tasks' ? PREDICTION_FIELDS : SCHEDULE_FIELDS;
    for (const field in raw) {
      if (known.has(field)) continue;
      const fields = this.unknown.get(file.kind);
      const seen = fields?.get(field);
      if (seen !== undefined) seen.count++;
      else if (fields !== undefined && fields.size < MAX_NAMED_UNKNOWN_FIELDS) fields.set(field, { count: 1, file: file.path, line: lineNo });
      else {
        const other = this.otherUnknown.get(file.kind);
        if (other === undefined) this.otherUnknown.set(file.kind, { count: 1, file: file.path, line: lineNo });
        else other.count++;
      }
    }
  }

  /**
   * One warning per unknown field per file type, at its first occurrence:
   * `path:1: foo: unknown field ignored (in 834 predicted_tasks.jsonl rows)`. Past
   * {@link MAX_NAMED_UNKNOWN_FIELDS} names per file type, one more warning counts the rest.
   */
  unknownFieldWarnings(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [kind, fields] of this.unknown) {
      for (const [field, seen] of fields) {
        const rows = `${seen.count} ${kind}.jsonl row${seen.count === 1 ? '' : 's'}`;
        out.push(warningAt(seen.file, seen.line, field, `unknown field ignored (in ${rows})`));
      }
      const other = this.otherUnknown.get(kind);
      if (other !== undefined) {
        const times = `${other.count} time${other.count === 1 ? '' : 's'}`;
        out.push(warningAt(other.file, other.line, '(line)', `more unknown fields ignored, ${times} in ${kind}.jsonl rows (only the first ${MAX_NAMED_UNKNOWN_FIELDS} are named)`));
      }
    }
    return out;
  }

  /**
   * Agent ids that differ only by letter case, or that map to the same output folder ignoring
   * case (`0` and `agent_0` both use `agent_0`): they would collide on a case-insensitive
   * filesystem. One error per colliding id, at its first row, naming the id it collides with.
   */
  agentCollisions(): Diagnostic[] {
    const byId = new Map<string, string>();
    const byFolder = new Map<string, string>();
    const out: Diagnostic[] = [];
    for (const [agentId, location] of this.agentFirstSeen) {
      const folder = agentFolderName(agentId);
      const sameId = byId.get(agentId.toLowerCase());
      const sameFolder = byFolder.get(folder.toLowerCase());
      const other = sameId ?? sameFolder;
      if (other === undefined) {
        byId.set(agentId.toLowerCase(), agentId);
        byFolder.set(folder.toLowerCase(), agentId);
        continue;
      }
      const { fileIndex, line } = unpackLocation(location);
      const first = unpackLocation(this.agentFirstSeen.get(other) ?? 0);
      const where = `${this.files[first.fileIndex]?.path ?? '?'}:${first.line}`;
      const why = sameId !== undefined ? 'the ids differ only by letter case' : `both map to the folder ${agentFolderName(other)}`;
      const problem = `${JSON.stringify(agentId)} collides with ${JSON.stringify(other)} (${where}): ${why}, which clashes on a case-insensitive filesystem`;
      out.push(errorAt(this.files[fileIndex]?.path ?? '?', line, 'agent_id', problem));
    }
    return out;
  }

  /** The display path of the file read `fileIndex`-th ('?' when there is none). */
  filePath(fileIndex: number): string {
    return this.files[fileIndex]?.path ?? '?';
  }

  /** wave -> ids of tasks with a rejected prediction line (from the keys of those lines). */
  rejectedTaskIds(): Map<number, Set<string>> {
    const out = new Map<number, Set<string>>();
    for (const key of this.rejectedPredictions.keys()) {
      // rowKey joins wave, task_id and agent_id by tabs; agent ids hold no tab, task ids may.
      const first = key.indexOf('\t');
      const last = key.lastIndexOf('\t');
      const wave = Number(key.slice(0, first));
      let ids = out.get(wave);
      if (ids === undefined) out.set(wave, (ids = new Set()));
      ids.add(key.slice(first + 1, last));
    }
    return out;
  }

  /** Every agent id with an accepted prediction (first-seen order). */
  agentIds(): string[] {
    return [...this.agentFirstSeen.keys()];
  }
}

/** Runs every rule; null when all pass (the common case allocates nothing). */
function runRules<R>(rules: readonly Rule<R>[], row: R, state: RuleState): FieldProblem[] | null {
  let problems: FieldProblem[] | null = null;
  for (const rule of rules) {
    const problem = rule(row, state);
    if (problem !== null) (problems ??= []).push(problem);
  }
  return problems;
}
