import { describe, expect, it } from 'vitest';
import { asFolder, closingLine, endingOf, jsonResultLine, recordWaves } from '../../src/cli/render.ts';
import type { EndingContext, WaveLog } from '../../src/cli/render.ts';
import type { RunResult } from '../../src/pipeline.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { COMPLETED } from './fixtures.ts';

const PLANNED: RunResult = { ...COMPLETED, status: 'planned', succeeded: 0, failed: 0, successRate: null, health: null, grade: null };
const NO_WAVES: WaveLog = { lastFinished: null, total: null };
const CTX: EndingContext = { minHealth: null, abortOnFailureRate: null, signal: null, waves: NO_WAVES };
/** Wave 3 of 5 finished with 38% success: failure rate (failed + blocked) / tasks = 0.62. */
const AFTER_WAVE_3: WaveLog = { lastFinished: { wave: 3, index: 3, total: 5, successRate: 0.38 }, total: 5 };

describe('closingLine', () => {
  it('completed run: health, grade, success, scope and where the files are', () => {
    // 5344 / 7506 = 0.71196... -> 71.2%
    expect(closingLine(COMPLETED)).toBe('health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md');
  });
  it('dry run: planned scope and blocked count', () => {
    expect(closingLine(PLANNED)).toBe('planned 3 waves, 7506 tasks (12 blocked by gates) -> outputs/');
  });
  it('singular counts and an out dir that already ends in /', () => {
    const one = { ...COMPLETED, waves: 1, tasks: 1, successRate: 1, health: 100, grade: 'EXCELLENT' as const, outDir: 'out/' };
    expect(closingLine(one)).toBe('health 100.00 (EXCELLENT), success 100.0%, 1 wave, 1 task -> out/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md');
  });
  it('rounds as the report does: half up on the decimal a reader sees', () => {
    // 0.6375 x 100 is 63.749999... in float64; the report's percent() prints 63.8%.
    expect(closingLine({ ...COMPLETED, successRate: 0.6375, health: 70.125 })).toBe(
      'health 70.13 (FAIR), success 63.8%, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md',
    );
  });
  it('counts quarantined lines', () => {
    expect(closingLine({ ...COMPLETED, rejectedLines: 4 })).toBe(
      'health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks, 4 input lines rejected (see outputs/rejected.jsonl) -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md',
    );
    expect(closingLine({ ...PLANNED, rejectedLines: 1 })).toBe('planned 3 waves, 7506 tasks (12 blocked by gates), 1 input line rejected (see outputs/rejected.jsonl) -> outputs/');
  });
  it('says n/a for a health or success rate the run does not have', () => {
    expect(closingLine({ ...COMPLETED, health: null, grade: null, successRate: null })).toBe('health n/a, success n/a, 3 waves, 7506 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md');
  });
});

describe('endingOf', () => {
  it('completed: exit 0 and the closing line', () => {
    expect(endingOf(COMPLETED, CTX)).toEqual({ exitCode: 0, reason: null, closing: closingLine(COMPLETED) });
  });
  it('completed below --min-health: exit 1 and why', () => {
    expect(endingOf(COMPLETED, { ...CTX, minHealth: 70 })).toEqual({
      exitCode: 1,
      reason: 'health 64.10 is below --min-health 70: exit code 1',
      closing: closingLine(COMPLETED),
    });
    expect(endingOf(COMPLETED, { ...CTX, minHealth: 64.1 }).exitCode).toBe(0);
    // Never "50.00 is below 50": more decimals where two would print the threshold.
    expect(endingOf({ ...COMPLETED, health: 49.999 }, { ...CTX, minHealth: 50 }).reason).toBe('health 49.999 is below --min-health 50: exit code 1');
  });
  it('planned: exit 0 whatever --min-health says (a dry run has no health)', () => {
    expect(endingOf(PLANNED, { ...CTX, minHealth: 99 })).toEqual({ exitCode: 0, reason: null, closing: closingLine(PLANNED) });
  });
  it("aborted: exit 4, the wave's failure rate against the threshold, and the closing line", () => {
    const aborted: RunResult = { ...COMPLETED, status: 'aborted', tasks: 600, succeeded: 400, successRate: 400 / 600, health: 41.2, grade: 'POOR' };
    expect(endingOf(aborted, { ...CTX, abortOnFailureRate: 0.5, waves: AFTER_WAVE_3 })).toEqual({
      exitCode: 4,
      reason: "aborted: wave 3's failure rate 0.62 exceeds --abort-on-failure-rate 0.5",
      closing: 'aborted after wave 3 of 5: health 41.20 (POOR), success 66.7%, 3 waves, 600 tasks -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md',
    });
    // A rate that rounds to the threshold gets the decimals that tell them apart.
    const close: WaveLog = { lastFinished: { wave: 1, index: 1, total: 2, successRate: 0.4996 }, total: 2 };
    expect(endingOf(aborted, { ...CTX, abortOnFailureRate: 0.5, waves: close }).reason).toBe("aborted: wave 1's failure rate 0.5004 exceeds --abort-on-failure-rate 0.5");
  });
  it('canceled: 130 for SIGINT, 143 for SIGTERM, naming the last finished wave and --resume', () => {
    const canceled: RunResult = { ...COMPLETED, status: 'canceled' };
    const after2: WaveLog = { lastFinished: { wave: 2, index: 2, total: 5, successRate: 0.9 }, total: 5 };
    expect(endingOf(canceled, { ...CTX, signal: 'SIGINT', waves: after2 })).toEqual({
      exitCode: 130,
      reason: 'canceled by SIGINT after wave 2 of 5; continue with --resume (files so far in outputs/)',
      closing: null,
    });
    expect(endingOf(canceled, { ...CTX, signal: 'SIGTERM', waves: NO_WAVES })).toEqual({
      exitCode: 143,
      reason: 'canceled by SIGTERM before the first wave finished; continue with --resume (files so far in outputs/)',
      closing: null,
    });
    const numbered: WaveLog = { lastFinished: { wave: 7, index: 2, total: 3, successRate: 0.9 }, total: 3 };
    expect(endingOf(canceled, { ...CTX, signal: 'SIGINT', waves: numbered }).reason).toBe('canceled by SIGINT after wave 7 (2 of 3); continue with --resume (files so far in outputs/)');
  });
});

describe('recordWaves', () => {
  it('forwards every event and remembers the last finished wave', () => {
    const seen: string[] = [];
    const inner = { ...SILENT_PROGRESS, waveStarted: (w: number) => seen.push(`start ${w}`), waveFinished: (w: number) => seen.push(`end ${w}`), warn: (m: string) => seen.push(m) };
    const { sink, log } = recordWaves(inner);
    expect(log()).toEqual({ lastFinished: null, total: null });
    sink.waveStarted(4, 1, 2, 10);
    sink.waveFinished(4, { successRate: 0.25, health: 50, makespanS: 3 });
    sink.waveStarted(5, 2, 2, 10);
    sink.warn('w');
    expect(seen).toEqual(['start 4', 'end 4', 'start 5', 'w']);
    expect(log()).toEqual({ lastFinished: { wave: 4, index: 1, total: 2, successRate: 0.25 }, total: 2 });
  });
});

describe('jsonResultLine', () => {
  it('is one snake_case JSON line with the fields in a fixed order and the reason', () => {
    const line = jsonResultLine(COMPLETED, null);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'status', 'waves', 'tasks', 'succeeded', 'failed', 'blocked', 'rejected_lines', 'success_rate', 'health', 'grade', 'out_dir', 'report_path', 'reason',
    ]);
    expect(parsed).toEqual({
      status: 'completed', waves: 3, tasks: 7506, succeeded: 5344, failed: 2150, blocked: 12, rejected_lines: 0, success_rate: 5344 / 7506,
      health: 64.1, grade: 'FAIR', out_dir: 'outputs', report_path: 'reports/PHASE_21_AUTONOMOUS_EXECUTION.md', reason: null,
    });
    expect(JSON.parse(jsonResultLine({ ...COMPLETED, status: 'canceled' }, 'canceled by SIGINT')) as unknown).toMatchObject({ status: 'canceled', reason: 'canceled by SIGINT' });
  });
});

describe('asFolder', () => {
  it('adds one trailing slash', () => {
    expect(asFolder('outputs')).toBe('outputs/');
    expect(asFolder('outputs/')).toBe('outputs/');
  });
});
