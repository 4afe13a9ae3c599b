import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTable, parseGnuTimeRss, parseSize, phaseNodeArgs, targetVerdicts, type SizeResult } from '../../scripts/bench.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const result = (rows: number, wallS: number, rssBytes: number): SizeResult => ({
  rows,
  outLines: 0,
  outBytes: 0,
  wallS,
  rssBytes,
  floorWallS: wallS / 4,
  floorRssBytes: 1e8,
});

describe('bench helpers', () => {
  it('runs the harness with the phase script\'s node flags', () => {
    expect(phaseNodeArgs(ROOT)).toEqual(['--heap-growing-percent=50', 'dist/cli/main.js', 'phase']);
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
  it('judges the two targets on 10^5 wall time and 10^6 peak RSS', () => {
    expect(targetVerdicts([result(100000, 3.21, 2.3e8), result(1000000, 21.14, 1.04e9)])).toEqual([
      'target 1: 10^5 rows in under 10 s: PASS (3.21 s)',
      'target 2: 10^6 rows with peak RSS under 1.5 GB: PASS (1040 MB)',
    ]);
    expect(targetVerdicts([result(1000000, 21.14, 1.576e9)])[1]).toBe('target 2: 10^6 rows with peak RSS under 1.5 GB: FAIL (1576 MB)');
  });
  it('prints a Markdown table with rows/s and the harness/floor ratio', () => {
    expect(formatTable([result(100000, 3.2, 2.34e8)]).split('\n')[2]).toBe('| 100,000 | 31,250 | 3.20 | 234 | 0.80 | 100 | 4.0x |');
  });
});
