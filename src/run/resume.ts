/**
 * `--resume` (contract section 12): whether the output folder holds a run this command may
 * continue, and the state to continue it from. Everything here only reads: a refusal leaves
 * the folder as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ResumeError } from '../errors.ts';
import { checkStreamPrefix, digestOf, readStreamPrefix } from '../io/atomic.ts';
import type { ScanResult } from '../io/load.ts';
import type { OutputDirState } from '../io/output-dir.ts';
import { RunMetricsAccumulator } from '../measure/metrics.ts';
import type { RunOptions } from '../options.ts';
import { ARTIFACT, STREAMS } from '../report/artifacts.ts';
import { manifestOptions, RESUME_EXEMPT_OPTIONS } from '../report/summaries.ts';
import { SignalSchema } from '../schema/signals.ts';
import { executionSummarySchema, manifestSchema, type Manifest, type ResumeRecord } from '../schema/summaries.ts';
import { readCheckpoint, restoreCheckpoint } from './checkpoint.ts';
import type { Continuation } from './execute.ts';
import type { RunResult } from './result.ts';

/** What `--resume` found in the output folder. */
export type ResumeTarget =
  /** Nothing to resume (no folder, or an empty one): a fresh run starts. */
  | { readonly kind: 'nothing' }
  /** A finished run (completed or aborted), left as it is. */
  | { readonly kind: 'finished'; readonly manifest: Manifest }
  /** An unfinished run (running: killed; failed; canceled) to continue. */
  | { readonly kind: 'unfinished'; readonly manifest: Manifest; readonly listed: readonly string[] };

function refuse(out: string, why: string): ResumeError {
  return new ResumeError(`--resume: cannot resume the run in ${out}: ${why}`);
}

/**
 * Reads the manifest of the output folder and checks it against this command, before the
 * input is read.
 * @throws ResumeError when the folder holds a manifest of another harness version or format,
 *   a dry run, or a run with other options (each differing option is named)
 */
export function examineForResume(state: OutputDirState, options: RunOptions, version: string): ResumeTarget {
  if (state.kind !== 'ours') return { kind: 'nothing' };
  const parsed = manifestSchema.safeParse(state.manifest);
  if (!parsed.success) throw refuse(options.out, 'its run.json was written by another version of the harness; run without --resume');
  const manifest = parsed.data;
  if (manifest.version !== version) throw refuse(options.out, `it was made by harness version ${manifest.version}, this is ${version}; run without --resume`);
  if (manifest.status === 'planned') throw refuse(options.out, 'it is a dry run, which has nothing to resume; run without --resume');
  const now = manifestOptions(options);
  const differences = (Object.keys(now) as (keyof typeof now)[])
    .filter((key) => !RESUME_EXEMPT_OPTIONS.includes(key))
    .filter((key) => JSON.stringify(now[key]) !== JSON.stringify(manifest.options[key]))
    .map((key) => `${key} ${JSON.stringify(manifest.options[key])} -> ${JSON.stringify(now[key])}`);
  if (differences.length > 0) throw refuse(options.out, `the options differ from the interrupted run's (${differences.join(', ')}); give the same options, or run without --resume`);
  if (manifest.status === 'completed' || manifest.status === 'aborted') return { kind: 'finished', manifest };
  return { kind: 'unfinished', manifest, listed: state.listed };
}

/**
 * Checks that the input read now is the input of the interrupted run: the same files, each
 * with the same SHA-256.
 * @throws ResumeError naming the files that differ
 */
export function checkResumeInputs(out: string, manifest: Manifest, loaded: Pick<ScanResult, 'files'>): void {
  const key = (f: { path: string; kind: string; sha256: string }): string => `${f.kind} ${f.path} ${f.sha256}`;
  const before = new Map(manifest.inputs.map((f) => [f.path, key(f)]));
  const now = new Map(loaded.files.map((f) => [f.path, key(f)]));
  const changed = [...new Set([...before.keys(), ...now.keys()])].filter((p) => before.get(p) !== now.get(p)).sort();
  if (changed.length === 0) return;
  const describe = (p: string): string => (!before.has(p) ? `${p} is new` : !now.has(p) ? `${p} is gone` : `${p} changed (sha256)`);
  throw refuse(out, `the input differs from the interrupted run's: ${changed.slice(0, 5).map(describe).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`);
}

/**
 * The state to continue from: the checkpoint's, with every file it records checked (whole
 * files by SHA-256, streams by the SHA-256 of their first bytes). Null when the interrupted
 * run finished no wave (it then starts again from the first).
 * @throws ResumeError when the checkpoint is unreadable or a file changed since it was written
 */
export function loadContinuation(out: string, loaded: ScanResult, listed: readonly string[]): Continuation | null {
  const checkpoint = readCheckpoint(out);
  if (checkpoint === null) return null;
  if ('problem' in checkpoint) throw refuse(out, `${checkpoint.problem}; run without --resume`);
  const planned = loaded.plan.waves.map((w) => w.wave);
  if (checkpoint.waves.some((w, i) => w.wave !== planned[i]) || checkpoint.waves.length !== checkpoint.waves_finished) {
    throw refuse(out, 'checkpoint.json does not match the planned waves; run without --resume');
  }
  const restored = restoreCheckpoint(checkpoint);
  const problems: string[] = [];
  for (const file of restored.files) {
    const now = digestOf(out, file.path);
    if (now === null) problems.push(`${file.path} is missing`);
    else if (now.sha256 !== file.sha256) problems.push(`${file.path} changed since the checkpoint`);
  }
  for (const stream of restored.streams) {
    const problem = checkStreamPrefix(out, stream.path, stream);
    if (problem !== null) problems.push(problem);
  }
  if (problems.length > 0) throw refuse(out, `${problems.slice(0, 5).join('; ')}; run without --resume`);
  const tasks = loaded.plan.waves.reduce((n, w) => n + w.taskCount, 0);
  const metrics = new RunMetricsAccumulator(loaded.plan.agents, tasks);
  metrics.restore(restored.metrics);
  const signalsDigest = restored.streams.find((s) => s.path === ARTIFACT.signals);
  const signals = signalsDigest === undefined ? [] : parseSignals(readStreamPrefix(out, ARTIFACT.signals, signalsDigest.bytes));
  // task_outcomes.parquet is rebuilt by the writer's resume (src/report/parquet.ts), which has opened its temporary name by now.
  const kept = new Set([ARTIFACT.manifest, ARTIFACT.checkpoint, ARTIFACT.outcomesParquet, ...STREAMS, ...restored.files.map((f) => f.path)]);
  return {
    waves: restored.waves,
    clockS: restored.clockS,
    eventsWritten: restored.eventsWritten,
    simulation: restored.simulation,
    strategy: restored.strategy,
    charts: restored.charts,
    metrics,
    signals,
    files: restored.files,
    streams: restored.streams,
    discard: listed.filter((f) => !kept.has(f)),
    keep: [ARTIFACT.checkpoint, ...restored.files.map((f) => f.path)],
  };
}

function parseSignals(text: string): ReturnType<typeof SignalSchema.parse>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => SignalSchema.parse(JSON.parse(line)));
}

/** The run.json record of this resume. */
export function resumeRecord(manifest: Manifest, resumedAt: Date, fromWave: number | null): ResumeRecord {
  const previous = manifest.status === 'failed' || manifest.status === 'canceled' ? manifest.status : 'running';
  return { resumed_at: resumedAt.toISOString(), previous_status: previous, from_wave: fromWave };
}

/**
 * The result of a finished run, from its phase21_execution_summary.json, for `--resume` on a
 * run that needs nothing more.
 * @throws ResumeError when the summary is missing or unreadable
 */
export function finishedResult(out: string, manifest: Manifest): RunResult {
  let summary;
  try {
    summary = executionSummarySchema.parse(JSON.parse(fs.readFileSync(path.join(out, ARTIFACT.summary), 'utf8')));
  } catch {
    throw refuse(out, `run.json says ${manifest.status} but ${ARTIFACT.summary} is missing or unreadable; run without --resume`);
  }
  return {
    status: summary.status,
    waves: summary.totals.waves,
    tasks: summary.totals.tasks,
    succeeded: summary.totals.succeeded,
    failed: summary.totals.failed,
    blocked: summary.totals.blocked,
    rejectedLines: summary.totals.rejected_lines,
    successRate: summary.success_rate,
    health: summary.health_score,
    grade: summary.health_grade,
    outDir: out,
    reportPath: manifest.report,
  };
}
