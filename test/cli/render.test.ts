import { describe, expect, it } from 'vitest';
import { asFolder, closingLine, jsonResultLine, minHealthFailure } from '../../src/cli/render.ts';
import type { RunResult } from '../../src/pipeline.ts';
import { COMPLETED } from './fixtures.ts';


const PLANNED: RunResult = { ...COMPLETED, status: 'planned', succeeded: 0, failed: 0, successRate: null, health: null, grade: null };

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
  it('counts quarantined lines', () => {
    expect(closingLine({ ...COMPLETED, rejectedLines: 4 })).toBe(
      'health 64.10 (FAIR), success 71.2%, 3 waves, 7506 tasks, 4 input lines rejected (see outputs/rejected.jsonl) -> outputs/ and reports/PHASE_21_AUTONOMOUS_EXECUTION.md',
    );
    expect(closingLine({ ...PLANNED, rejectedLines: 1 })).toBe('planned 3 waves, 7506 tasks (12 blocked by gates), 1 input line rejected (see outputs/rejected.jsonl) -> outputs/');
  });
});

describe('jsonResultLine', () => {
  it('is the RunResult as one JSON line', () => {
    const line = jsonResultLine(COMPLETED);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(COMPLETED);
  });
});

describe('minHealthFailure', () => {
  it('explains a health below the threshold', () => {
    expect(minHealthFailure(COMPLETED, 70)).toBe('health 64.10 is below --min-health 70');
  });
  it('is null at or above the threshold, without a threshold, or without health', () => {
    expect(minHealthFailure(COMPLETED, 64.1)).toBeNull();
    expect(minHealthFailure(COMPLETED, null)).toBeNull();
    expect(minHealthFailure(PLANNED, 90)).toBeNull();
  });
});

describe('asFolder', () => {
  it('adds one trailing slash', () => {
    expect(asFolder('outputs')).toBe('outputs/');
    expect(asFolder('outputs/')).toBe('outputs/');
  });
});
