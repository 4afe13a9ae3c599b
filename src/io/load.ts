/**
 * Loads, validates and plans the input (contract section 2): discovers the files
 * (`discover.ts`), streams and validates every line (`lines.ts`, `validate.ts`), reads the
 * agent profiles (`agents-file.ts`) and builds the {@link RunPlan} (`src/plan/build.ts`).
 *
 * Every wave is read and validated, even when `--waves N` keeps fewer: a bad line in a later
 * wave is reported now rather than on the run that reaches it.
 */
import { statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import type { Diagnostic } from '../errors.ts';
import type { OnInvalid } from '../options.ts';
import type { AgentProfile, RunPlan } from '../plan/model.ts';
import { buildPlan } from '../plan/build.ts';
import { loadAgentsFile, resolveAgentsFile, selectProfiles } from './agents-file.ts';
import type { AgentsFile } from './agents-file.ts';
import { errorAt, inputError, warningAt } from './diagnostics.ts';
import { discoverInput } from './discover.ts';
import type { Layout, Stray } from './discover.ts';
import { LineReadError, readLines, type LineHandler } from './lines.ts';
import { InputValidator } from './validate.ts';
import { checkDependencies } from './dependencies.ts';
import type { DependencyCheck } from './dependencies.ts';
import { dependencyDiagnostics, FileChangedError, leaveOut, readLinesAt } from './quarantine.ts';
import type { LeftOutLine } from './quarantine.ts';
import { isCapable } from '../plan/model.ts';
import type { RejectedLine } from './validate.ts';

export type { RejectedLine } from './validate.ts';

/** What to load. */
export interface LoadRequest {
  /** Input folder, as the user gave it. */
  readonly input: string;
  /** Agent profiles file; null = `data/agents.json` when `input` is `data/phase20` and it exists, else none. */
  readonly agentsFile: string | null;
  /** Run the N lowest waves; null = all. */
  readonly waves: number | null;
  /** `fail`: any bad line is an InputError. `quarantine`: bad lines are left out and returned. */
  readonly onInvalid: OnInvalid;
  /**
   * Called while reading, about every {@link PROGRESS_EVERY_LINES} lines and after each file,
   * with the bytes read so far (approximately: UTF-16 units plus line ends), the input's total
   * bytes, and the lines read so far.
   */
  readonly onProgress?: (readBytes: number, totalBytes: number, lines: number) => void;
  /**
   * Follow symbolic links that resolve outside the input folder; default false, where such a
   * link is an input error and nothing behind it is read (a command-line flag sets it).
   */
  readonly followLinks?: boolean;
}

/** How many lines pass between two progress reports. */
export const PROGRESS_EVERY_LINES = 50_000;

/** One file that was read, for `run.json`. */
export interface InputFileInfo {
  /** As displayed in messages: `join(input, relative path)`, or the agents file as given. */
  readonly path: string;
  /** `outcomes`: the replay world's `--outcomes` file (src/worlds/replay/), added after loading. */
  readonly kind: 'predicted_tasks' | 'predicted_schedule' | 'agents' | 'outcomes';
  /** SHA-256 of the file's bytes, lowercase hex. */
  readonly sha256: string;
  /** Non-blank lines. */
  readonly lines: number;
  /** Rows accepted (agents file: profiles in the file). */
  readonly acceptedRows: number;
  /** Rows rejected (always 0 for the agents file, whose problems are errors). */
  readonly rejectedRows: number;
}

/** The loaded input. */
export interface LoadResult {
  readonly plan: RunPlan;
  readonly layout: Layout;
  /** Tasks files, then schedule files, in read order; the agents file last. */
  readonly files: readonly InputFileInfo[];
  /** Non-fatal problems: unknown fields, profiles of absent agents, entries under the input not read. */
  readonly warnings: readonly Diagnostic[];
  /**
   * Entries under the input folder that were not read, each also named in a warning: in
   * quarantine mode the input-like ones (`Wave_1`, `.agent_9`...), in both modes the unknown
   * ones (`notes.txt`). Known Phase 20 root entries (`metrics.jsonl`, `phase16/`...) are not listed.
   */
  readonly skippedPaths: readonly string[];
  /** Lines left out (quarantine mode only; empty in fail mode): file order, then line order. */
  readonly rejected: readonly RejectedLine[];
}

/** Reads one JSONL file (opened at `realPath`, named `path`) through the validator; a read failure becomes a file-level Diagnostic. */
async function readInto(
  validator: InputValidator,
  realPath: string,
  path: string,
  onLine: LineHandler = validator.onLine,
): Promise<{ readonly info: Omit<InputFileInfo, 'path' | 'kind'> } | { readonly problem: Diagnostic }> {
  try {
    const stats = await readLines(realPath, onLine);
    const counts = validator.endFile();
    return { info: { sha256: stats.sha256, lines: stats.nonBlankLines, acceptedRows: counts.accepted, rejectedRows: counts.rejected } };
  } catch (error: unknown) {
    validator.endFile();
    if (error instanceof LineReadError) return { problem: errorAt(path, error.line, '(file)', error.message) };
    if (error instanceof Error && 'code' in error) return { problem: errorAt(path, null, '(file)', `cannot read (${String(error.code)})`) };
    throw error;
  }
}

/**
 * Loads the input named by `req`.
 *
 * In both modes, these always throw: a missing input folder, a mixed layout, no
 * `predicted_tasks.jsonl`, a symbolic link that loops, is broken or leaves the input folder
 * (unless `followLinks`), an unreadable or non-UTF-8 file or one with an overlong line, agent
 * ids colliding ignoring case, any agents-file problem, `--waves` beyond the waves present,
 * and an input with no accepted prediction at all. Bad lines and input-like entries outside
 * the layout (`Wave_1`, `.agent_9`, a stray `.jsonl`: see `discover.ts`) throw in `fail` mode
 * (every one reported); in `quarantine` mode bad lines are returned in `rejected` and the
 * entries are named in `warnings` and `skippedPaths`.
 *
 * @throws InputError carrying every Diagnostic when the input cannot be run
 */
export async function loadInput(req: LoadRequest): Promise<LoadResult> {
  const discovery = await discoverInput(req.input, { followLinks: req.followLinks ?? false });
  const quarantine = req.onInvalid === 'quarantine';
  const validator = new InputValidator(quarantine);
  const fileProblems: Diagnostic[] = [];
  const files: InputFileInfo[] = [];
  const strays = strayDiagnostics(discovery.strays, quarantine);
  fileProblems.push(...strays.errors);

  const progress = progressCounter(discovery.files.map((f) => f.realPath), validator.onLine, req.onProgress);
  for (const file of discovery.files) {
    validator.beginFile(file);
    const outcome = await readInto(validator, file.realPath, file.path, progress.onLine);
    progress.fileDone();
    if ('problem' in outcome) fileProblems.push(outcome.problem);
    else files.push({ path: file.path, kind: file.kind, ...outcome.info });
  }
  fileProblems.push(...validator.agentCollisions());

  const agentsPath = resolveAgentsFile(req.input, req.agentsFile);
  let agentsFile: AgentsFile | null = null;
  if (agentsPath !== null) {
    try {
      agentsFile = await loadAgentsFile(agentsPath);
    } catch (error: unknown) {
      if (!(error instanceof InputError)) throw error;
      fileProblems.push(...error.diagnostics);
    }
  }

  const check = checkDependencies(validator.index, validator.rejectedTaskIds());
  const lineErrors = inReadOrder([...validator.errors, ...dependencyDiagnostics(check, (i) => validator.filePath(i))], discovery.files);
  if (fileProblems.length > 0) throw inputError([...fileProblems, ...lineErrors]);
  if (lineErrors.length > 0 && !quarantine) throw inputError(lineErrors);
  const rejected = quarantine ? await quarantineDependents(validator, check, discovery.files, files) : [];
  if (validator.predictionCount === 0) {
    throw inputError([errorAt(req.input, null, '(input)', 'no valid prediction rows: nothing to run'), ...lineErrors]);
  }

  const warnings: Diagnostic[] = [...strays.warnings, ...validator.unknownFieldWarnings()];
  let profiles: ReadonlyMap<string, AgentProfile> = new Map();
  if (agentsFile !== null) {
    const selected = selectProfiles(agentsFile, new Set(validator.agentIds()));
    profiles = selected.profiles;
    warnings.push(...agentsFile.warnings, ...selected.warnings);
    files.push({ path: agentsFile.path, kind: 'agents', sha256: agentsFile.sha256, lines: agentsFile.lines, acceptedRows: agentsFile.profiles.length, rejectedRows: 0 });
  }

  const plan = buildPlan({ rows: validator.index.byWave, profiles, waves: req.waves, latestTimestampMs: validator.timestamps.latestMs() });
  const unsuggested = plan.waves.reduce((n, w) => n + w.tasks.filter((t) => t.suggested !== null && t.suggested.agentId === null).length, 0);
  if (unsuggested > 0) {
    warnings.push(
      warningAt(
        req.input,
        null,
        'predicted_schedule',
        `${unsuggested} tasks are scheduled on several agents with identical rows, so Phase 20 suggests no single agent for them (the schedule strategy places them by least work)`,
      ),
    );
  }
  const incapable = incapableTasks(plan);
  if (incapable > 0) {
    warnings.push(
      warningAt(
        req.input,
        null,
        'required_capabilities',
        `${incapable} task${incapable === 1 ? ' has' : 's have'} no candidate agent with every required capability; the capabilities gate will block ${incapable === 1 ? 'it' : 'them'}`,
      ),
    );
  }
  return { plan, layout: discovery.layout, files, warnings, skippedPaths: strays.skipped, rejected };
}

/** Tasks of the plan's waves that no candidate agent is capable of (contract section 10). */
function incapableTasks(plan: RunPlan): number {
  const byId = new Map(plan.agents.map((a) => [a.agentId, a]));
  let count = 0;
  for (const wave of plan.waves) {
    for (const task of wave.tasks) {
      if (task.requiredCapabilities.length === 0) continue;
      if (!task.predictions.some((p) => isCapable(byId.get(p.agentId) ?? { capabilities: [] }, task))) count++;
    }
  }
  return count;
}

/** Diagnostics sorted by file (read order), then line; stable, so a line's problems keep their order. */
function inReadOrder(diagnostics: readonly Diagnostic[], files: readonly { readonly path: string }[]): Diagnostic[] {
  const rank = new Map(files.map((f, i) => [f.path, i]));
  return [...diagnostics].sort((a, b) => (rank.get(a.file) ?? -1) - (rank.get(b.file) ?? -1) || (a.line ?? 0) - (b.line ?? 0));
}

/**
 * Quarantine mode: leaves out every task the dependency rules quarantine (with all its lines),
 * re-reads those lines' text from their files, and returns every rejected line in file and
 * line order; `files` counts are updated.
 * @throws InputError when a file changed since it was read, or cannot be read again
 */
async function quarantineDependents(
  validator: InputValidator,
  check: DependencyCheck,
  sources: readonly { readonly path: string; readonly realPath: string }[],
  files: InputFileInfo[],
): Promise<RejectedLine[]> {
  if (check.quarantined.length === 0) return validator.rejected;
  const left = leaveOut(validator.index, check);
  validator.predictionCount -= left.predictions;
  const byFile = new Map<number, LeftOutLine[]>();
  for (const line of left.lines) {
    const list = byFile.get(line.fileIndex);
    if (list === undefined) byFile.set(line.fileIndex, [line]);
    else list.push(line);
  }
  const added: RejectedLine[] = [];
  for (const [fileIndex, lines] of byFile) {
    const source = sources[fileIndex];
    const at = source === undefined ? -1 : files.findIndex((f) => f.path === source.path);
    const info = files[at];
    if (source === undefined || info === undefined) continue;
    let texts: Map<number, string>;
    try {
      texts = await readLinesAt(source.realPath, new Set(lines.map((l) => l.line)), info.sha256);
    } catch (error: unknown) {
      if (error instanceof FileChangedError) throw inputError([errorAt(source.path, null, '(file)', 'changed while the harness read it; run again')]);
      if (error instanceof LineReadError) throw inputError([errorAt(source.path, error.line, '(file)', error.message)]);
      if (error instanceof Error && 'code' in error) throw inputError([errorAt(source.path, null, '(file)', `cannot read again (${String(error.code)})`)]);
      throw error;
    }
    for (const line of lines) added.push({ file: source.path, line: line.line, raw: texts.get(line.line) ?? '', reasons: line.reasons });
    files[at] = { ...info, acceptedRows: info.acceptedRows - lines.length, rejectedRows: info.rejectedRows + lines.length };
  }
  const rank = new Map(sources.map((f, i) => [f.path, i]));
  return [...validator.rejected, ...added].sort((a, b) => (rank.get(a.file) ?? -1) - (rank.get(b.file) ?? -1) || a.line - b.line);
}

/**
 * The entries not read, as diagnostics: input-like ones are errors (`fail`) or warnings saying
 * they are left out (`quarantine`); the others are warnings in both modes.
 */
function strayDiagnostics(
  strays: readonly Stray[],
  quarantine: boolean,
): { readonly errors: Diagnostic[]; readonly warnings: Diagnostic[]; readonly skipped: string[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const skipped: string[] = [];
  for (const stray of strays) {
    if (stray.inputLike && !quarantine) {
      errors.push(errorAt(stray.path, null, stray.field, stray.problem));
      continue;
    }
    warnings.push(warningAt(stray.path, null, stray.field, stray.inputLike ? `${stray.problem}; left out of the run` : stray.problem));
    skipped.push(stray.path);
  }
  return { errors, warnings, skipped };
}

/**
 * Wraps a line handler so it reports reading progress; without a callback, returns the handler
 * itself (no cost on the hot path). Within a file, bytes are estimated from the lines' lengths;
 * at each file's end they are exact.
 */
function progressCounter(
  paths: readonly string[],
  onLine: LineHandler,
  report: LoadRequest['onProgress'],
): { readonly onLine: LineHandler; fileDone(): void } {
  if (report === undefined) return { onLine, fileDone: () => undefined };
  const sizes = paths.map(fileSize);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  let file = 0;
  let doneBytes = 0;
  let fileBytes = 0;
  let lines = 0;
  return {
    onLine: (text, lineNo) => {
      onLine(text, lineNo);
      fileBytes += text.length + 1;
      if (++lines % PROGRESS_EVERY_LINES === 0) report(doneBytes + Math.min(fileBytes, sizes[file] ?? 0), totalBytes, lines);
    },
    fileDone: () => {
      doneBytes += sizes[file] ?? 0;
      file++;
      fileBytes = 0;
      report(doneBytes, totalBytes, lines);
    },
  };
}

/** Size of a file in bytes; 0 when it cannot be read (the read itself reports why). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
