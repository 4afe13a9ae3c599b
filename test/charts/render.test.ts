/**
 * The SVG renderer (src/charts/render.ts): real SVG from vega in Node, the same bytes on every
 * render, whatever was rendered before, and in every time zone.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileSpec, renderSvg, type ChartSpec } from '../../src/charts/render.ts';
import { sampleBarSpec, sampleTimeSpec } from './samples.ts';

const run = promisify(execFile);
const CHILD = path.join(import.meta.dirname, 'render-child.ts');

async function svgInZone(tz: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, TZ: tz }, maxBuffer: 1 << 24 });
  return stdout;
}

describe('renderSvg', () => {
  it('draws an SVG document of the spec size with the data as marks', async () => {
    const svg = await renderSvg(sampleTimeSpec());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    // Two bars, one per datum: vega writes each rect mark item as a <path> in the bar's group.
    const marks = /<g class="mark-rect role-mark marks"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    expect(marks.match(/<path /g)?.length).toBe(2);
    // UTC labels: 23:30 on the clock of the data, not of the machine.
    expect(svg).toContain('>23:30<');
    expect(svg).toContain('font-family="DejaVu Sans, Verdana, Arial, sans-serif"');
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
  });

  it('gives the same bytes again, and after another chart was rendered in between', async () => {
    const first = await renderSvg(sampleTimeSpec());
    const bar = await renderSvg(sampleBarSpec());
    const again = await renderSvg(sampleTimeSpec());
    expect(again).toBe(first);
    // Both charts clip, so both hold a clip id; the counter restarts for each chart.
    expect(first).toContain('id="clip1"');
    expect(bar).toContain('id="clip1"');
  });

  it('gives the same bytes in Asia/Kolkata, America/St_Johns and UTC (child processes)', async () => {
    const here = await renderSvg(sampleTimeSpec());
    const [kolkata, stJohns, utc] = await Promise.all([svgInZone('Asia/Kolkata'), svgInZone('America/St_Johns'), svgInZone('UTC')]);
    expect(kolkata).toBe(here);
    expect(stJohns).toBe(here);
    expect(utc).toBe(here);
  });

  it('merges the fixed config under the spec own config', () => {
    const compiled = compileSpec({ ...sampleBarSpec(), config: { background: '#fafafa' } });
    expect(compiled.background).toBe('#fafafa');
    const plain = compileSpec(sampleBarSpec());
    expect(plain.background).toBe('white');
  });

  it('rejects a spec that compiles with a warning (here a format type it would drop)', async () => {
    const bad: ChartSpec = {
      data: { values: [{ t: 0 }] },
      mark: 'tick',
      encoding: { x: { field: 't', type: 'temporal', axis: { format: '%H', formatType: 'utc' } } },
    };
    await expect(renderSvg(bad)).rejects.toThrow(/^vega-lite: .*customFormatTypes/);
  });

  it('rejects a spec that does not compile', async () => {
    await expect(renderSvg({ mark: 'no-such-mark' } as unknown as ChartSpec)).rejects.toThrow();
  });
});
