/**
 * What the phase command prints when the run ends (contract sections 9 and 12): the exit code,
 * the reason line of a run that did not simply finish (below `--min-health`, aborted,
 * canceled), the closing line, and the `--json` form on stdout. Numbers use the report's
 * formatter (src/util/format.ts). Pure text.
 */
import { EXIT } from '../errors.ts';
import type { ExitCode } from '../errors.ts';
import type { RunResult } from '../pipeline.ts';
import type { ProgressSink } from '../ports.ts';
import { fixed, fixedVs, percent, plural } from '../util/format.ts';
import { jsonLine } from '../util/json.ts';
import type { CancelSignal } from './io.ts';
import { exitCodeOfSignal } from './signals.ts';

/** A folder as shown to the user: with one trailing `/`. */
export function asFolder(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/** A wave as the progress sink announced it. */
export interface WavePosition {
  readonly wave: number;
  /** Its position among the waves to run, from 1. */
  readonly index: number;
  /** How many waves the run has. */
  readonly total: number;
}

/** The waves the run went through, as seen from its progress events. */
export interface WaveLog {
  /** The last wave that finished, with its success rate in [0, 1]; null before any. */
  readonly lastFinished: (WavePosition & { readonly successRate: number }) | null;
  /** The wave count of the run, once a wave has started; else null. */
  readonly total: number | null;
}

/**
 * Wraps `inner` so every event still reaches it, and records which waves started and finished:
 * what the aborted and canceled lines name (the run's result carries counts only).
 */
export function recordWaves(inner: ProgressSink): { readonly sink: ProgressSink; readonly log: () => WaveLog } {
  let started: WavePosition | null = null;
  let lastFinished: WaveLog['lastFinished'] = null;
  const sink: ProgressSink = {
    stage: (name, detail) => { inner.stage(name, detail); },
    loadProgress: (readBytes, totalBytes, lines) => { inner.loadProgress(readBytes, totalBytes, lines); },
    waveStarted: (wave, index, total, tasks) => {
      started = { wave, index, total };
      inner.waveStarted(wave, index, total, tasks);
    },
    waveProgress: (done, tasks) => { inner.waveProgress(done, tasks); },
    waveFinished: (wave, summary) => {
      if (started?.wave === wave) lastFinished = { ...started, successRate: summary.successRate };
      inner.waveFinished(wave, summary);
    },
    warn: (message) => { inner.warn(message); },
  };
  return { sink, log: () => ({ lastFinished, total: started?.total ?? null }) };
}

/** What decides the exit code and the words besides the result. */
export interface EndingContext {
  readonly minHealth: number | null;
  readonly abortOnFailureRate: number | null;
  /** The first SIGINT/SIGTERM received, or null. */
  readonly signal: CancelSignal | null;
  readonly waves: WaveLog;
}

/** How the command ends. */
export interface Ending {
  readonly exitCode: ExitCode;
  /**
   * Why it did not simply finish, printed even with `--quiet` and carried in `--json`: below
   * `--min-health`, aborted, or canceled. Null for a finished or planned run in good health.
   */
  readonly reason: string | null;
  /** The last line on stderr (not with `--quiet`); null when the reason line says it all (canceled). */
  readonly closing: string | null;
}

/** `wave 2 of 5`, or `wave 7 (2 of 3)` when the wave number is not its position. */
function waveOf(position: WavePosition): string {
  return position.wave === position.index ? `wave ${position.wave} of ${position.total}` : `wave ${position.wave} (${position.index} of ${position.total})`;
}

/**
 * The exit code and lines for `result` (contract sections 9 and 12):
 *
 * - completed: 0, or 1 with `health 45.50 is below --min-health 50: exit code 1`;
 * - planned (`--dry-run`): 0;
 * - aborted: 4, `aborted: wave 3's failure rate 0.62 exceeds --abort-on-failure-rate 0.5`
 *   (the failure rate is (failed + blocked) / tasks = 1 - the wave's success rate);
 * - canceled: 130 (SIGINT) or 143 (SIGTERM), `canceled by SIGINT after wave 2 of 5; continue
 *   with --resume (files so far in outputs/)`, which is also the last line.
 */
export function endingOf(result: RunResult, ctx: EndingContext): Ending {
  switch (result.status) {
    case 'completed': {
      const { health } = result;
      const { minHealth } = ctx;
      const unhealthy = minHealth !== null && health !== null && health < minHealth;
      return {
        exitCode: unhealthy ? EXIT.unhealthy : EXIT.ok,
        reason: unhealthy ? `health ${fixedVs(health, minHealth)} is below --min-health ${minHealth}: exit code ${EXIT.unhealthy}` : null,
        closing: closingLine(result),
      };
    }
    case 'planned':
      return { exitCode: EXIT.ok, reason: null, closing: closingLine(result) };
    case 'aborted': {
      const last = ctx.waves.lastFinished;
      const threshold = ctx.abortOnFailureRate;
      const limit = threshold === null ? '--abort-on-failure-rate' : `--abort-on-failure-rate ${threshold}`;
      const reason =
        last === null
          ? `aborted by ${limit}`
          : `aborted: wave ${last.wave}'s failure rate ${fixedVs(1 - last.successRate, threshold ?? 0)} exceeds ${limit}`;
      const after = last === null ? 'aborted' : `aborted after ${waveOf(last)}`;
      return { exitCode: EXIT.aborted, reason, closing: `${after}: ${closingLine(result)}` };
    }
    case 'canceled': {
      const signal = ctx.signal ?? 'SIGINT';
      const last = ctx.waves.lastFinished;
      const when = last === null ? 'before the first wave finished' : `after ${waveOf(last)}`;
      return {
        exitCode: exitCodeOfSignal(signal),
        reason: `canceled by ${signal} ${when}; continue with --resume (files so far in ${asFolder(result.outDir)})`,
        closing: null,
      };
    }
  }
}

/**
 * The closing line of a run with results, without a newline:
 *
 * - `health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md`
 * - `--dry-run`: `planned 3 waves, 7506 tasks (12 blocked by gates) -> outputs/`
 *
 * When lines were quarantined, `, 4 input lines rejected (see outputs/rejected.jsonl)` follows
 * the task count. Health prints with 2 decimals, success as a percentage with 1.
 */
export function closingLine(result: RunResult): string {
  const rejected =
    result.rejectedLines > 0
      ? `, ${plural(result.rejectedLines, 'input line')} rejected (see ${asFolder(result.outDir)}rejected.jsonl)`
      : '';
  const scope = `${plural(result.waves, 'wave')}, ${plural(result.tasks, 'task')}`;
  if (result.status === 'planned') {
    return `planned ${scope} (${result.blocked} blocked by gates)${rejected} -> ${asFolder(result.outDir)}`;
  }
  const health = result.health === null ? 'health n/a' : `health ${fixed(result.health, 2)} (${result.grade ?? 'no grade'})`;
  const success = result.successRate === null ? 'success n/a' : `success ${percent(result.successRate)}`;
  return `${health}, ${success}, ${scope}${rejected} -> ${asFolder(result.outDir)} and ${result.reportPath}`;
}

/**
 * The `--json` output: one line, snake_case, the RunResult's fields in a fixed order and the
 * ending's `reason` (null unless the run is below `--min-health`, aborted or canceled):
 * `{"status", "waves", "tasks", "succeeded", "failed", "blocked", "rejected_lines",
 * "success_rate", "health", "grade", "out_dir", "report_path", "reason"}`.
 */
export function jsonResultLine(result: RunResult, reason: string | null): string {
  return jsonLine({
    status: result.status,
    waves: result.waves,
    tasks: result.tasks,
    succeeded: result.succeeded,
    failed: result.failed,
    blocked: result.blocked,
    rejected_lines: result.rejectedLines,
    success_rate: result.successRate,
    health: result.health,
    grade: result.grade,
    out_dir: result.outDir,
    report_path: result.reportPath,
    reason,
  });
}
