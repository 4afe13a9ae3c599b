import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchShape, formatTable, parseGnuTimeRss, parseSize, phaseNodeArgs, targetVerdicts, type SizeResult } from '../../scripts/bench.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const result = (rows: number, wallS: number, rssBytes: number): SizeResult => ({
  rows,
  reroutesPerTask: 1.5,
  outLines: 0,
  outBytes: 0,
  wallS,
  rssBytes,
  floorWallS: wallS / 4,
  floorRssBytes: 1e8,
});

describe('bench helpers', () => {
  it('runs the harness with the phase script\'s node flags', () => {
    expect(phaseNodeArgs(ROOT)).toEqual(['dist/cli/main.js', 'phase']);
  });
  it('reads peak RSS from GNU time -v in bytes', () => {
    expect(parseGnuTimeRss('\tMaximum resident set size (kbytes): 969776\n')).toBe(969776 * 1024);
    expect(parseGnuTimeRss('no such line')).toBeNull();
  });
  it('accepts sizes that fill 4 waves x 4 agents', () => {
    expect(parseSize('1e5')).toBe(100000);
    expect(() => parseSize('10')).toThrow(/--sizes/);
    expect(() => parseSize('')).toThrow(/--sizes/);
  });
  it('keeps 4 waves up to 10^6 rows, then adds waves of 62,500 tasks', () => {
    expect([1e4, 1e5, 1e6, 2e6, 1e7].map(benchShape)).toEqual([
      { waves: 4, tasks: 625 },
      { waves: 4, tasks: 6250 },
      { waves: 4, tasks: 62500 },
      { waves: 8, tasks: 62500 },
      { waves: 40, tasks: 62500 },
    ]);
  });
  it('judges the five targets of issue 10', () => {
    const verdicts = targetVerdicts([result(10000, 0.25, 1e8), result(100000, 1.2, 2.3e8), result(1000000, 10, 9e8), result(10000000, 110, 1.2e9)]);
    expect(verdicts).toEqual([
      '10^4 rows under 0.3 s: PASS (0.25 s)',
      '10^5 rows under 0.9 s: FAIL (1.20 s)',
      // floor = wall / 4 in result()
      '10^6 rows within 1.5x the floor: FAIL (4.00x)',
      '10^7 rows under 1 GB peak RSS: FAIL (1200 MB)',
      // per row: 12, 10 and 11 us; mean 11; largest deviation 1/11 = 9%
      'time per row within +-20% from 10^5 rows up: PASS (largest deviation from the mean 9%)',
    ]);
    const fast = { ...result(1000000, 10, 9e8), floorWallS: 8 };
    expect(targetVerdicts([fast])[2]).toBe('10^6 rows within 1.5x the floor: PASS (1.25x)');
    // 10 and 20 us per row: mean 15, deviation 5/15
    expect(targetVerdicts([result(100000, 1, 1), result(1000000, 20, 1)])[4]).toBe('time per row within +-20% from 10^5 rows up: FAIL (largest deviation from the mean 33%)');
    expect(targetVerdicts([result(1000000, 10, 9e8)])).toEqual([
      '10^4 rows under 0.3 s: not measured (add 1e4 to --sizes)',
      '10^5 rows under 0.9 s: not measured (add 1e5 to --sizes)',
      '10^6 rows within 1.5x the floor: FAIL (4.00x)',
      '10^7 rows under 1 GB peak RSS: not measured (--large, or add 1e7 to --sizes)',
      'time per row within +-20% from 10^5 rows up: not measured (needs two sizes >= 1e5)',
    ]);
  });
  it('prints a Markdown table with rows/s and the harness/floor ratio', () => {
    expect(formatTable([result(100000, 3.2, 2.34e8)]).split('\n')[2]).toBe('| 100,000 | 31,250 | 3.20 | 32.0 | 234 | 0.80 | 100 | 4.00x | 1.5 |');
  });
});
