/**
 * The charts of a real run (src/run/execute.ts with src/charts/): written into
 * `<report-dir>/charts/` with the HTML report, the same bytes from two output folders, and the
 * Gantt charts of waves an earlier run wrote but this one did not removed (and nothing else).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPORTED_GANTT, reportedCharts } from '../../src/charts/charts.ts';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/options.ts';
import { runPhase21 } from '../../src/pipeline.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { gridPredictions, readTree, removeTempDirs, runDirs, tempDir, writeTreeInput } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

let input = '';
beforeAll(() => {
  input = path.join(tempDir('p21-charts-run-'), 'in');
  writeTreeInput(input, gridPredictions(3, 8, 2, (wave, task, agent) => 0.4 + ((wave + task * 3 + agent * 5) % 6) / 10));
});

async function run(out: string, reportDir: string, more: Partial<RunOptions> = {}): Promise<void> {
  const result = await runPhase21({ ...DEFAULT_OPTIONS, input, out, reportDir, seed: 11, ...more }, { clock: { now: () => new Date(0) }, progress: SILENT_PROGRESS, version: 'charts-test', signal: undefined });
  expect(result.status).toBe('completed');
}

describe('the charts of a run', () => {
  it('writes every chart and the HTML report, the same bytes from two output folders', async () => {
    const [a, b] = [runDirs('p21-charts-a-'), runDirs('p21-charts-b-')];
    await run(a.out, a.report);
    await run(b.out, b.report);
    expect(readdirSync(path.join(a.report, 'charts')).sort()).toEqual(['agent_time.svg', 'gantt_wave_1.svg', 'gantt_wave_2.svg', 'gantt_wave_3.svg', 'health.svg', 'reliability.svg']);
    expect(readTree(b.report)).toEqual(readTree(a.report));
    const md = readFileSync(path.join(a.report, 'PHASE_21_AUTONOMOUS_EXECUTION.md'), 'utf8');
    for (const file of ['health', 'reliability', 'agent_time', 'gantt_wave_1', 'gantt_wave_3']) expect(md).toContain(`](charts/${file}.svg)`);
    expect(md).not.toContain('Health by wave (scale 0 to 100)');
    // The report is written before the charts are drawn, from reportedCharts: it shows each of them once (in its section).
    const byFile = (a: { file: string }, b: { file: string }): number => (a.file < b.file ? -1 : 1);
    const images = [...md.matchAll(/!\[([^\]]*)\]\(charts\/([^)]+)\)/g)].map((m) => ({ title: m[1] ?? '', file: m[2] ?? '' }));
    expect(images.sort(byFile)).toEqual(reportedCharts([1, 2, 3]).map((c) => ({ title: c.title, file: c.file })).sort(byFile));
    const html = readFileSync(path.join(a.report, 'PHASE_21_AUTONOMOUS_EXECUTION.html'), 'utf8');
    expect(html.match(/<figure class="chart"/g)?.length).toBe(6);
    expect(existsSync(path.join(a.out, 'wave_3', 'chart_data.json'))).toBe(true);
  });

  it('reportedCharts: the three run-level charts, then the Gantt charts of the first waves only', () => {
    const waves = Array.from({ length: MAX_REPORTED_GANTT + 5 }, (_, i) => i + 1);
    const shown = reportedCharts(waves);
    expect(shown.slice(0, 3).map((c) => [c.file, c.section])).toEqual([
      ['health.svg', 'health'],
      ['reliability.svg', 'agents'],
      ['agent_time.svg', 'agents'],
    ]);
    expect(shown).toHaveLength(3 + MAX_REPORTED_GANTT);
    expect(shown.at(-1)).toEqual({ file: `gantt_wave_${MAX_REPORTED_GANTT}.svg`, title: `Gantt chart of wave ${MAX_REPORTED_GANTT}`, section: 'waves' });
  });

  it('removes the Gantt charts of waves no longer run, and leaves other files in charts/ alone', async () => {
    const dirs = runDirs('p21-charts-stale-');
    await run(dirs.out, dirs.report);
    mkdirSync(path.join(dirs.report, 'charts'), { recursive: true });
    writeFileSync(path.join(dirs.report, 'charts', 'notes.txt'), 'mine');
    await run(dirs.out, dirs.report, { waves: 1 });
    expect(readdirSync(path.join(dirs.report, 'charts')).sort()).toEqual(['agent_time.svg', 'gantt_wave_1.svg', 'health.svg', 'notes.txt', 'reliability.svg']);
  });
});
