/**
 * One run's hold on its output folder: the manifest it keeps up to date, the protocol that
 * empties the folder safely, and what happens when the run fails (docs/decisions.md, "The
 * output folder protocol").
 *
 * 1. The new run.json (status `running`) lists every file the run may write plus every file
 *    the old manifest listed, and atomically replaces the old one before anything else
 *    changes: from then on run.json lists every file the folder can hold.
 * 2. The old files are removed (a fresh run), or cut back to the last checkpoint (`--resume`).
 * 3. The run writes; each file under a temporary name, renamed when whole.
 * 4. run.json is rewritten at the end (completed, aborted, canceled, or failed with the reason)
 *    listing the files written.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Strategy } from '../assign/types.ts';
import { environmentProblem, OutputFolder, tempPathOf } from '../io/atomic.ts';
import { InputError } from '../errors.ts';
import type { ScanResult } from '../io/load.ts';
import { createFolders, removeListed } from '../io/output-dir.ts';
import type { OutputFs } from '../io/output-fs.ts';
import type { RunOptions } from '../options.ts';
import type { ProgressSink, WallClock } from '../ports.ts';
import { CHARTS_DIR, chartFileNames } from '../charts/charts.ts';
import type { ChartRenderer } from '../charts/renderer.ts';
import { ARTIFACT, plannedArtifacts } from '../report/artifacts.ts';
import { HTML_REPORT_FILE } from '../report/html.ts';
import { buildManifest } from '../report/summaries.ts';
import type { Manifest, ResumeRecord, RunState } from '../schema/summaries.ts';
import { jsonDocument } from '../util/json.ts';
import type { SimulatedCalendar } from '../util/time.ts';
import type { PreparedWorld } from '../worlds/registry.ts';

/** Chart files a run writes under `<report-dir>/charts/` (src/charts/charts.ts), as a pattern. */
const CHART_FILE = /^(health|reliability|agent_time|gantt_wave_\d+)\.svg$/;

/** The chart files present in `<reportDir>/charts/`, relative to `reportDir`. */
function staleCharts(reportDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(reportDir, CHARTS_DIR));
  } catch {
    return [];
  }
  return names.filter((n) => CHART_FILE.test(n)).sort().map((n) => `${CHARTS_DIR}/${n}`);
}

/** Everything a run reads: options, environment, the loaded input. */
export interface RunContext {
  readonly options: RunOptions;
  readonly clock: WallClock;
  readonly progress: ProgressSink;
  readonly version: string;
  readonly signal: AbortSignal | undefined;
  readonly outputFs: OutputFs;
  readonly loaded: ScanResult;
  readonly strategy: Strategy;
  /** The `--world`, prepared (src/worlds/registry.ts). */
  readonly world: PreparedWorld;
  readonly calendar: SimulatedCalendar;
  readonly startedAt: Date;
  /** The report file (inside `--report-dir`). */
  readonly reportFile: string;
  /** Non-null once another process took the output folder's lock over (src/io/lock.ts). */
  readonly lockLost: () => Error | null;
  /** Where the charts are drawn (src/charts/renderer.ts); closed by the pipeline. */
  readonly charts: ChartRenderer;
}

/** How a run began: on an empty (or emptied) folder, or continuing an interrupted run. */
export type Beginning =
  | { readonly kind: 'fresh'; readonly listed: readonly string[] }
  | { readonly kind: 'resume'; readonly manifest: Manifest; readonly listed: readonly string[] };

/** What the final manifest says. */
export interface ManifestUpdate {
  readonly status: RunState;
  readonly reason: string | null;
  readonly wavesFinished: number;
  /** Files listed: null = every file the run may write (an unfinished run). */
  readonly artifacts: readonly string[] | null;
}

/** A run's output folder while the run holds it. */
export class RunSession {
  readonly folder: OutputFolder;
  /** Every file the run may write, plus what the previous manifest listed. */
  readonly listed: readonly string[];
  /** The report file relative to the output folder when it lies inside it (it is then listed), else null. */
  readonly reportInOut: string | null;
  /** The report's companion files (`PHASE_21_AUTONOMOUS_EXECUTION.html`, `charts/*.svg`), relative to `--report-dir`. */
  readonly #companions: readonly string[];
  readonly #companionsWritten: string[] = [];
  #report: OutputFolder | null = null;
  readonly #resumes: readonly ResumeRecord[];
  readonly #startedAt: Date;

  constructor(
    private readonly ctx: RunContext,
    beginning: Beginning,
    resume: ResumeRecord | null,
  ) {
    this.folder = new OutputFolder(ctx.options.out, ctx.outputFs, '--out');
    const planned = plannedArtifacts({
      waves: ctx.loaded.plan.waves.map((w) => w.wave),
      agents: ctx.loaded.plan.agents,
      dryRun: ctx.options.dryRun,
      quarantine: ctx.options.onInvalid === 'quarantine',
    });
    const relative = path.relative(path.resolve(ctx.options.out), path.resolve(ctx.reportFile));
    this.reportInOut = relative.startsWith('..') || path.isAbsolute(relative) ? null : relative.split(path.sep).join('/');
    this.#companions = ctx.options.dryRun ? [] : [HTML_REPORT_FILE, ...chartFileNames(ctx.loaded.plan.waves.map((w) => w.wave)).map((f) => `${CHARTS_DIR}/${f}`)];
    this.listed = [...new Set([...planned, ...beginning.listed, ...this.#reportFilesInOut(this.#companions)])].sort();
    const earlier = beginning.kind === 'resume' ? beginning.manifest.resumes : [];
    this.#resumes = resume === null ? earlier : [...earlier, resume];
    this.#startedAt = beginning.kind === 'resume' ? new Date(beginning.manifest.started_at) : ctx.startedAt;
  }

  /**
   * Steps 1 and 2 of a fresh run: the new manifest, then the old files removed.
   * @throws OutputError on a fault of the environment
   */
  beginFresh(): void {
    this.writeManifest({ status: 'running', reason: null, wavesFinished: 0, artifacts: null });
    removeListed(this.folder, this.listed.filter((f) => f !== ARTIFACT.manifest));
    this.folder.syncDirs();
  }

  /**
   * Removes `files` (each with its temporary name) and the temporary names of `keep`, then the
   * folders left empty (resuming: the files of unfinished waves, and whatever a kill left half
   * written).
   */
  discard(files: readonly string[], keep: readonly string[] = []): void {
    removeListed(this.folder, files);
    for (const file of keep) this.folder.removeFile(tempPathOf(file));
    this.folder.syncDirs();
  }

  /** The report and `companions` (relative to `--report-dir`) as paths inside the output folder; [] when the report lies outside it. */
  #reportFilesInOut(companions: readonly string[]): string[] {
    if (this.reportInOut === null) return [];
    const dir = path.posix.dirname(this.reportInOut);
    return [this.reportInOut, ...companions.map((f) => (dir === '.' ? f : `${dir}/${f}`))];
  }

  #reportFolder(): OutputFolder {
    const { options, outputFs } = this.ctx;
    if (this.#report === null) {
      createFolders(options.reportDir, outputFs, '--report-dir');
      this.#report = new OutputFolder(options.reportDir, outputFs, '--report-dir');
      // The companions and the report are fsynced together by writeReport.
      this.#report.deferSyncs();
    }
    return this.#report;
  }

  /**
   * Writes a companion file of the report into `--report-dir`: the HTML report or a chart
   * (`charts/<file>.svg`), before {@link writeReport}, at its temporary name until
   * {@link writeReport} syncs and renames it with the report.
   * @param file - relative to `--report-dir`, `/`-separated
   */
  writeReportCompanion(file: string, text: string): void {
    this.#reportFolder().writeFile(file, [text]);
    this.#companionsWritten.push(file);
  }

  /**
   * Writes the report into `--report-dir` (atomically), creating the folder; the companions and
   * the report are fsynced together, then renamed into place (companions first, in writing
   * order). When companions were written, chart files of an earlier run that this run did not
   * write (`charts/gantt_wave_<w>.svg` of a wave no longer run) are removed first; nothing else
   * in the folder is touched.
   * @returns the report and its companions, relative to the output folder, when the report lies inside it; else []
   */
  async writeReport(text: string): Promise<string[]> {
    const folder = this.#reportFolder();
    const kept = new Set(this.#companionsWritten);
    if (kept.size > 0) for (const stale of staleCharts(this.ctx.options.reportDir)) if (!kept.has(stale)) folder.removeFile(stale);
    folder.writeFile(path.basename(this.ctx.reportFile), [text]);
    await folder.commit();
    await folder.syncDirsTogether();
    return this.#reportFilesInOut(this.#companionsWritten);
  }

  /** Writes run.json (atomically) with the run's facts and `update`. */
  writeManifest(update: ManifestUpdate): void {
    const { ctx } = this;
    const finished = update.status !== 'running';
    const manifest = buildManifest(ctx.options, {
      status: update.status,
      reason: update.reason,
      version: ctx.version,
      startedAt: this.#startedAt,
      finishedAt: finished ? ctx.clock.now() : null,
      node: process.version,
      backend: ctx.world.name,
      epoch: ctx.calendar.epoch,
      layout: ctx.loaded.layout,
      inputs: ctx.loaded.files,
      rejectedLines: ctx.loaded.rejected.length,
      waves: ctx.loaded.plan.waves.map((w) => w.wave),
      wavesFinished: update.wavesFinished,
      report: ctx.reportFile,
      artifacts: update.artifacts === null ? this.listed : [...new Set([...update.artifacts, ARTIFACT.manifest])].sort(),
      resumes: this.#resumes,
    });
    this.folder.writeFile(ARTIFACT.manifest, [jsonDocument(manifest)]);
    this.folder.syncDirs();
  }

  /**
   * Records a failure in run.json (status `failed` with the reason) after `error` stopped the
   * run. Never throws: when run.json cannot be written either (a full disk), the returned
   * note says so, for the caller to add to its message.
   */
  recordFailure(error: unknown, wavesFinished: number): string | null {
    // Companions of the report not yet renamed into place: the report will not be written.
    this.#report?.discardDeferred();
    const problem = environmentProblem(error);
    const message = error instanceof Error ? error.message : String(error);
    // An input file that changed while its wave was read again is the input's fault, not a bug.
    const reason = problem === null && !(error instanceof InputError) && !message.startsWith('--') ? `internal error: ${message}` : message;
    try {
      this.writeManifest({ status: 'failed', reason, wavesFinished, artifacts: null });
      return null;
    } catch (second: unknown) {
      return `run.json could not record the failure either (${second instanceof Error ? second.message : String(second)}); it still says "running"`;
    }
  }
}
