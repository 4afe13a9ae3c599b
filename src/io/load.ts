/**
 * Loads, validates and plans the input (contract sections 2 and 15): discovers the files
 * (`discover.ts`), reads the agent profiles (`agents-file.ts`), streams and validates every
 * line (`lines.ts`, `validate.ts`) and returns the plan.
 *
 * Pass 1 ({@link scanInput}) reads the tree wave by wave (the wave's tasks files, then its
 * schedule files; the flat layout as a whole) and, after each wave, keeps only what later
 * waves and the run need (`scan-waves.ts`); pass 2 (`wave-source.ts`) reads a wave again when
 * the run reaches it. {@link loadInput} loads every wave into a {@link RunPlan}, for small
 * inputs and tools.
 *
 * Every wave is read and validated, even when `--waves N` keeps fewer: a bad line in a later
 * wave is reported now rather than on the run that reaches it.
 */
import { statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import type { Diagnostic } from '../errors.ts';
import type { OnInvalid } from '../options.ts';
import type { AgentProfile, PlanSource, RunPlan, WavePlan } from '../plan/model.ts';
import { DEFAULT_PROFILE } from '../plan/model.ts';
import { naturalCompare } from '../util/natural.ts';
import { loadAgentsFile, resolveAgentsFile, selectProfiles } from './agents-file.ts';
import type { AgentsFile } from './agents-file.ts';
import { errorAt, inputError, warningAt } from './diagnostics.ts';
import { discoverInput } from './discover.ts';
import type { DiscoveredFile, Discovery, Layout, Stray } from './discover.ts';
import { LineReadError, readLines, type LineHandler } from './lines.ts';
import { InputValidator } from './validate.ts';
import type { DependencyCheck } from './dependencies.ts';
import { dependencyDiagnostics, FileChangedError, leaveOut, readLinesAt } from './quarantine.ts';
import type { LeftOutLine } from './quarantine.ts';
import type { RejectedLine } from './validate.ts';
import { WaveCollector } from './scan-waves.ts';
import { streamedPlan } from './wave-source.ts';

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

/** The input after pass 1: every line validated, each wave loaded when the run reaches it. */
export interface ScanResult extends Omit<LoadResult, 'plan'> {
  readonly plan: PlanSource;
}

/** The loaded input, every wave in memory. */
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
 * Loads the input named by `req` with every wave in memory: {@link scanInput}, then each wave
 * loaded. For small inputs, tests and tools; a run streams (`src/pipeline.ts`).
 * @throws InputError as {@link scanInput}, or when a file changed before its wave was read again
 */
export async function loadInput(req: LoadRequest): Promise<LoadResult> {
  const scanned = await scanInput(req);
  const waves: WavePlan[] = [];
  for (let i = 0; i < scanned.plan.waves.length; i++) waves.push(await scanned.plan.loadWave(i));
  return { ...scanned, plan: { waves, agents: scanned.plan.agents, latestTimestamp: scanned.plan.latestTimestamp } };
}

/**
 * The reference for the streamed plan: as {@link loadInput}, but each wave's plan is built
 * from the rows pass 1 holds instead of read again, so every row stays in memory. Tests
 * compare the two.
 */
export async function loadInputInMemory(req: LoadRequest): Promise<LoadResult> {
  const { result, kept } = await scan(req, true);
  return { ...result, plan: { waves: kept, agents: result.plan.agents, latestTimestamp: result.plan.latestTimestamp } };
}

/**
 * Pass 1 over the input named by `req` (contract sections 2 and 15): reads and validates every
 * line, keeping only a compact index; the returned plan loads each wave when asked.
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
export async function scanInput(req: LoadRequest): Promise<ScanResult> {
  return (await scan(req, false)).result;
}

/** The files in read order, in batches: the tree one wave at a time (its tasks files, then its schedule files); the flat layout as one batch. */
function readBatches(discovery: Discovery): { readonly wave: number | null; readonly files: number[] }[] {
  if (discovery.layout === 'flat') return [{ wave: null, files: discovery.files.map((_, i) => i) }];
  const byWave = new Map<number, number[]>();
  discovery.files.forEach((file, i) => {
    const wave = file.wave ?? 0;
    const list = byWave.get(wave);
    if (list === undefined) byWave.set(wave, [i]);
    else list.push(i);
  });
  // Discovery lists tasks files before schedule files, so each wave's list keeps that order.
  return [...byWave.keys()].sort((a, b) => a - b).map((wave) => ({ wave, files: byWave.get(wave) ?? [] }));
}

/** The agents file, or its problems (reported after the input's own file problems). */
async function readAgentsFile(req: LoadRequest): Promise<{ readonly file: AgentsFile | null; readonly problems: readonly Diagnostic[] }> {
  const agentsPath = resolveAgentsFile(req.input, req.agentsFile);
  if (agentsPath === null) return { file: null, problems: [] };
  try {
    return { file: await loadAgentsFile(agentsPath), problems: [] };
  } catch (error: unknown) {
    if (!(error instanceof InputError)) throw error;
    return { file: null, problems: error.diagnostics };
  }
}

async function scan(req: LoadRequest, keep: boolean): Promise<{ readonly result: ScanResult; readonly kept: WavePlan[] }> {
  const discovery = await discoverInput(req.input, { followLinks: req.followLinks ?? false });
  const quarantine = req.onInvalid === 'quarantine';
  const validator = new InputValidator(quarantine, keep);
  const strays = strayDiagnostics(discovery.strays, quarantine);
  const agents = await readAgentsFile(req);
  const collector = new WaveCollector(req.waves, new Map((agents.file?.profiles ?? []).map((p) => [p.agentId, p])), keep);

  const batches = readBatches(discovery);
  /** Files in read order: the validator's file indices. */
  const readOrder: DiscoveredFile[] = [];
  const infos: (InputFileInfo | undefined)[] = [];
  const readProblems: (Diagnostic | undefined)[] = [];
  const progress = progressCounter(batches.flatMap((b) => b.files.map((i) => discovery.files[i]?.realPath ?? '')), validator.onLine, req.onProgress);
  for (const batch of batches) {
    for (const i of batch.files) {
      const file = discovery.files[i];
      if (file === undefined) continue;
      readOrder.push(file);
      validator.beginFile(file);
      const outcome = await readInto(validator, file.realPath, file.path, progress.onLine);
      progress.fileDone();
      if ('problem' in outcome) readProblems[i] = outcome.problem;
      else infos[i] = { path: file.path, kind: file.kind, ...outcome.info };
    }
    collector.addBatch(validator.takeIndex(), validator.rejectedTaskIds(), batch.wave);
  }
  const fileProblems: Diagnostic[] = [...strays.errors, ...present(readProblems), ...validator.agentCollisions(), ...agents.problems];
  const files = present(infos);

  const check = collector.checker.finish();
  const lineErrors = inReadOrder([...validator.errors, ...dependencyDiagnostics(check, (i) => readOrder[i]?.path ?? '?')], discovery.files);
  if (fileProblems.length > 0) throw inputError([...fileProblems, ...lineErrors]);
  if (lineErrors.length > 0 && !quarantine) throw inputError(lineErrors);
  const left = quarantine ? await quarantineDependents(check, readOrder, files) : { lines: [], predictions: 0 };
  const rejected = inReadOrder([...validator.rejected, ...left.lines], discovery.files);
  if (validator.predictionCount - left.predictions === 0) {
    throw inputError([errorAt(req.input, null, '(input)', 'no valid prediction rows: nothing to run'), ...lineErrors]);
  }
  checkWaves(req.waves, collector.waveNumbers);

  const warnings: Diagnostic[] = [...strays.warnings, ...validator.unknownFieldWarnings()];
  let profiles: ReadonlyMap<string, AgentProfile> = new Map();
  if (agents.file !== null) {
    const agentsFile = agents.file;
    const selected = selectProfiles(agentsFile, new Set(validator.agentIds()));
    profiles = selected.profiles;
    warnings.push(...agentsFile.warnings, ...selected.warnings);
    files.push({ path: agentsFile.path, kind: 'agents', sha256: agentsFile.sha256, lines: agentsFile.lines, acceptedRows: agentsFile.profiles.length, rejectedRows: 0 });
  }
  warnings.push(...loadWarnings(req.input, collector));

  const latestMs = validator.timestamps.latestMs();
  const plan = streamedPlan({
    waves: collector.outlines,
    agents: [...collector.agentIds].sort(naturalCompare).map((id) => profiles.get(id) ?? { agentId: id, ...DEFAULT_PROFILE }),
    latestTimestamp: latestMs === null ? null : new Date(latestMs).toISOString(),
    longestTimesS: collector.longestTimesS,
    files: discovery.files.map((file, i) => ({ file, sha256: infos[i]?.sha256 ?? '' })),
    skip: skippedLines(discovery.files, rejected),
    checker: collector.checker,
    dependedOnLater: collector.dependedOnLater,
  });
  return { result: { plan, layout: discovery.layout, files, warnings, skippedPaths: strays.skipped, rejected }, kept: collector.kept };
}

function present<T>(list: readonly (T | undefined)[]): T[] {
  return list.filter((item): item is T => item !== undefined);
}

/**
 * `--waves N` must be an integer >= 1 and at most the number of waves with tasks.
 * @throws InputError `--waves 5 but the input has 3 waves (1, 2, 3)`
 */
function checkWaves(waves: number | null, present: readonly number[]): void {
  if (waves === null) return;
  if (!Number.isInteger(waves) || waves < 1) throw new InputError(`--waves must be an integer >= 1, got ${waves}`);
  if (waves > present.length) {
    const count = `${present.length} wave${present.length === 1 ? '' : 's'}`;
    throw new InputError(`--waves ${waves} but the input has ${count} (${present.join(', ')})`);
  }
}

/** Lines the run leaves out, by index into `files` (pass 2 skips them). */
function skippedLines(files: readonly DiscoveredFile[], rejected: readonly RejectedLine[]): Map<number, Set<number>> {
  const index = new Map(files.map((f, i) => [f.path, i]));
  const skip = new Map<number, Set<number>>();
  for (const line of rejected) {
    const i = index.get(line.file);
    if (i === undefined) continue;
    const lines = skip.get(i);
    if (lines === undefined) skip.set(i, new Set([line.line]));
    else lines.add(line.line);
  }
  return skip;
}

/** The warnings about the waves to run: tasks without a single suggested agent, tasks no candidate can run. */
function loadWarnings(input: string, collector: WaveCollector): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  const { unsuggested, incapable } = collector;
  if (unsuggested > 0) {
    warnings.push(
      warningAt(
        input,
        null,
        'predicted_schedule',
        `${unsuggested} tasks are scheduled on several agents with identical rows, so Phase 20 suggests no single agent for them (the schedule strategy places them by least work)`,
      ),
    );
  }
  if (incapable > 0) {
    warnings.push(
      warningAt(
        input,
        null,
        'required_capabilities',
        `${incapable} task${incapable === 1 ? ' has' : 's have'} no candidate agent with every required capability; the capabilities gate will block ${incapable === 1 ? 'it' : 'them'}`,
      ),
    );
  }
  return warnings;
}

/**
 * Diagnostics or lines sorted by file (in discovery order, the order of the files in run.json),
 * then line; stable, so a line's problems keep their order.
 */
function inReadOrder<T extends { readonly file: string; readonly line: number | null }>(items: readonly T[], files: readonly { readonly path: string }[]): T[] {
  const rank = new Map(files.map((f, i) => [f.path, i]));
  return [...items].sort((a, b) => (rank.get(a.file) ?? -1) - (rank.get(b.file) ?? -1) || (a.line ?? 0) - (b.line ?? 0));
}

/**
 * Quarantine mode: every line of every task the dependency rules quarantine (the collector
 * already left the tasks out of the run), with its text read again from its file; `files`
 * counts are updated.
 * @param readOrder the files in read order (the validator's file indices)
 * @returns the lines, and how many of them are prediction lines
 * @throws InputError when a file changed since it was read, or cannot be read again
 */
async function quarantineDependents(
  check: DependencyCheck,
  readOrder: readonly { readonly path: string; readonly realPath: string }[],
  files: InputFileInfo[],
): Promise<{ readonly lines: RejectedLine[]; readonly predictions: number }> {
  if (check.quarantined.length === 0) return { lines: [], predictions: 0 };
  const left = leaveOut(check);
  const byFile = new Map<number, LeftOutLine[]>();
  for (const line of left.lines) {
    const list = byFile.get(line.fileIndex);
    if (list === undefined) byFile.set(line.fileIndex, [line]);
    else list.push(line);
  }
  const added: RejectedLine[] = [];
  for (const [fileIndex, lines] of byFile) {
    const source = readOrder[fileIndex];
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
  return { lines: added, predictions: left.predictions };
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
