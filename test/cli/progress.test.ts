import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { colorEnabled, colorsFor, isCiEnvironment } from '../../src/cli/io.ts';
import { barLine, createBarProgress, REDRAW_INTERVAL_MS } from '../../src/cli/progress-bar.ts';
import { createLineProgress, createProgress } from '../../src/cli/progress.ts';
import type { CliProgress } from '../../src/cli/progress.ts';
import { formatWaveFigures, waveLabel } from '../../src/cli/progress-text.ts';

const PLAIN = colorsFor({}, false);
const FIGURES = { successRate: 0.712, health: 64.1, makespanS: 1234.5 };

/** A stream that keeps every write, with a terminal width, and a clock the test moves by hand. */
function fakes(columns = 80) {
  const writes: string[] = [];
  let t = 0;
  return {
    writes,
    stream: { write: (chunk: string) => writes.push(chunk), columns },
    now: () => t,
    setTime: (ms: number) => {
      t = ms;
    },
  };
}

/** A control sequence at the start of a string: ESC [ digits letter. */
const CSI = new RegExp(`^${String.fromCharCode(27)}\\[(\\d*)([GKJAB])`);

/**
 * What a terminal shows after `writes`: lines of text, given the escapes cli-progress and the
 * CLI use (CR, LF, ESC[nG column, ESC[0K erase to end of line, ESC[0J erase below, ESC[nA up).
 */
function screen(writes: readonly string[]): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const text = writes.join('');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const esc = CSI.exec(text.slice(i));
    if (esc !== null) {
      const n = esc[1] === '' ? 0 : Number(esc[1]);
      const line = lines[row] ?? '';
      if (esc[2] === 'G') col = Math.max(0, n - 1);
      else if (esc[2] === 'K') lines[row] = line.slice(0, col);
      else if (esc[2] === 'J') lines.splice(row, lines.length - row, line.slice(0, col));
      else if (esc[2] === 'A') row = Math.max(0, row - Math.max(1, n));
      else row += Math.max(1, n);
      i += esc[0].length - 1;
    } else if (ch === '\n') {
      row += 1;
      col = 0;
      if (lines[row] === undefined) lines[row] = '';
    } else if (ch === '\r') {
      col = 0;
    } else {
      const line = (lines[row] ?? '').padEnd(col);
      lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
      col += 1;
    }
  }
  return lines;
}

describe('labels and figures', () => {
  it('labels a wave n/total, or names both when the number is not its position', () => {
    expect(waveLabel(2, 2, 3)).toBe('wave 2/3');
    expect(waveLabel(7, 3, 3)).toBe('wave 7 (3/3)');
  });
  it("prints a wave's figures with the report's formatter", () => {
    expect(formatWaveFigures(FIGURES)).toBe('success 71.2%, health 64.10, makespan 1234.5 s');
    expect(formatWaveFigures({ successRate: 0.6375, health: 0.004, makespanS: 0.04 })).toBe('success 63.8%, health 0.00, makespan 0.0 s');
  });
});

describe('createLineProgress (plain mode)', () => {
  it('writes one line per stage, warning and finished wave, with tasks done, rate, elapsed and ETA', () => {
    const f = fakes();
    const sink = createLineProgress(f.stream, f.now, PLAIN);
    sink.stage('load', 'reading data/phase20');
    f.setTime(1000);
    sink.waveStarted(1, 1, 3, 2502);
    sink.waveProgress(1200, 2502);
    f.setTime(4000);
    sink.warn('2 unknown fields ignored: foo, bar');
    sink.waveFinished(1, FIGURES);
    sink.waveStarted(2, 2, 3, 2502);
    f.setTime(6000);
    sink.waveFinished(2, { successRate: 0.5, health: 49.5, makespanS: 99 });
    sink.note('SIGINT: canceling');
    sink.finish();
    // Wave 1: 2502 tasks in 3 s = 834 tasks/s; 2 waves left x 3 s = ETA 0:06.
    // Wave 2: 5004 tasks in 5 s = 1000.8 tasks/s -> 1001; 1 wave left x 2.5 s = ETA 0:02.
    expect(f.writes).toEqual([
      'load: reading data/phase20\n',
      'warning: 2 unknown fields ignored: foo, bar\n',
      'wave 1/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s | 2502 tasks done, 834 tasks/s, elapsed 0:04, ETA 0:06\n',
      'wave 2/3: 2502 tasks, success 50.0%, health 49.50, makespan 99.0 s | 5004 tasks done, 1001 tasks/s, elapsed 0:06, ETA 0:02\n',
      'SIGINT: canceling\n',
    ]);
  });
  it('times only the waves it saw (a resumed run starts at a later wave)', () => {
    const f = fakes();
    const sink = createLineProgress(f.stream, f.now, PLAIN);
    sink.waveStarted(9, 3, 4, 40);
    f.setTime(8000);
    sink.waveFinished(9, { successRate: 1, health: 90, makespanS: 1 });
    expect(f.writes).toEqual(['wave 9 (3/4): 40 tasks, success 100.0%, health 90.00, makespan 1.0 s | 40 tasks done, 5.0 tasks/s, elapsed 0:08, ETA 0:08\n']);
  });
  it('prints nothing for load progress and ticks (logs get the stage lines only)', () => {
    const f = fakes();
    const sink = createLineProgress(f.stream, f.now, PLAIN);
    sink.loadProgress(500, 1000, 50000);
    sink.waveStarted(1, 1, 1, 4);
    sink.waveProgress(2, 4);
    expect(f.writes).toEqual([]);
  });
});

describe('barLine', () => {
  const chars = { complete: '#', incomplete: '-' };
  const payload = { label: 'wave 2/3', tail: ['1251/2502 tasks', '250 tasks/s', 'ETA 0:05', 'elapsed 0:06'] };
  const tail = '1251/2502 tasks | 250 tasks/s | ETA 0:05 | elapsed 0:06';
  it('fits the bar between the label and the tail to the width, within 10 to 30 cells', () => {
    // 80 - 1 - (8 + 2 + 55) = 14 cells, half filled.
    expect(barLine(0.5, payload, 80, chars)).toBe(`wave 2/3 ${'#'.repeat(7)}${'-'.repeat(7)} ${tail}`);
    expect(barLine(0.5, payload, 200, chars)).toBe(`wave 2/3 ${'#'.repeat(15)}${'-'.repeat(15)} ${tail}`);
    expect(barLine(0, { ...payload, label: '\u001b[1mwave 2/3\u001b[22m' }, 80, chars)).toContain(` ${'-'.repeat(14)} `);
  });
  it('drops the last parts of the tail on a narrow terminal', () => {
    // 60 columns: with 4 parts, 60 - 1 - 65 < 10; with 3, 60 - 1 - 50 = 9 < 10; with 2: 20 cells.
    expect(barLine(1, payload, 60, chars)).toBe(`wave 2/3 ${'#'.repeat(20)} 1251/2502 tasks | 250 tasks/s`);
    expect(barLine(1, payload, 60, chars)).toHaveLength(59);
    expect(barLine(0, payload, 20, chars)).toBe(`wave 2/3 ${'-'.repeat(10)} 1251/2502 tasks`);
  });
});

describe('createBarProgress (terminal mode)', () => {
  beforeEach(() => {
    vi.useFakeTimers(); // cli-progress's own redraw timer must not fire between the test's steps
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Drives a stage, a wave with ticks, a warning in the middle; returns the screen mid-wave. */
  function midWave(columns: number): { f: ReturnType<typeof fakes>; sink: CliProgress; mid: string[] } {
    const f = fakes(columns);
    const sink = createBarProgress(f.stream, f.now, PLAIN);
    sink.stage('load', 'reading data/phase20');
    f.setTime(1000);
    sink.waveStarted(2, 2, 3, 2502);
    f.setTime(6000);
    sink.waveProgress(1251, 2502);
    sink.warn('2 unknown fields ignored: foo, bar');
    return { f, sink, mid: screen(f.writes) };
  }

  it('draws the bar with tasks done, rate, elapsed and ETA, fitted to the width, lines above it', () => {
    // 1251 tasks in 5 s: 250.2 tasks/s -> 250; 1251 left / 250.2 = 5 s; elapsed since start 6 s.
    const tail = '1251/2502 tasks | 250 tasks/s | ETA 0:05 | elapsed 0:06';
    expect(midWave(80).mid).toEqual(['load: reading data/phase20', 'warning: 2 unknown fields ignored: foo, bar', `wave 2/3 ${'█'.repeat(7)}${'░'.repeat(7)} ${tail}`]);
    expect(midWave(120).mid.at(-1)).toBe(`wave 2/3 ${'█'.repeat(15)}${'░'.repeat(15)} ${tail}`);
  });
  it('replaces the finished bar with the plain line of the wave', () => {
    const { f, sink } = midWave(80);
    f.setTime(11000);
    sink.waveFinished(2, FIGURES);
    sink.stage('measure', 'run metrics');
    sink.finish();
    // 2502 tasks in 10 s = 250.2 -> 250 tasks/s; 1 wave left x 10 s = ETA 0:10.
    expect(screen(f.writes)).toEqual([
      'load: reading data/phase20',
      'warning: 2 unknown fields ignored: foo, bar',
      'wave 2/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s | 2502 tasks done, 250 tasks/s, elapsed 0:11, ETA 0:10',
      'measure: run metrics',
      '',
    ]);
  });
  it('finish() clears a bar left open (a failed or canceled run), and a note prints above the bar', () => {
    const { f, sink } = midWave(80);
    sink.note('SIGINT: canceling after the wave under way');
    expect(screen(f.writes).at(-2)).toBe('SIGINT: canceling after the wave under way');
    sink.finish();
    sink.finish();
    expect(screen(f.writes)).toEqual(['load: reading data/phase20', 'warning: 2 unknown fields ignored: foo, bar', 'SIGINT: canceling after the wave under way', '']);
  });
  it(`redraws at most once per ${REDRAW_INTERVAL_MS} ms of progress ticks, and at the last task`, () => {
    const f = fakes();
    const sink = createBarProgress(f.stream, f.now, PLAIN);
    sink.waveStarted(1, 1, 1, 1000);
    for (let i = 1; i <= 199; i++) {
      f.setTime(i * 5); // a tick every 5 ms for about 1 s
      sink.waveProgress(i, 1000);
    }
    sink.waveProgress(1000, 1000);
    const draws = f.writes.filter((w) => w.includes(' tasks | '));
    // The start, then t = 100, 200, ..., 900 (9 draws), then the last task: 11.
    expect(draws).toHaveLength(11);
    expect(screen(f.writes).at(-1)).toMatch(/^wave 1\/1 █+ 1000\/1000 tasks \| 1005 tasks\/s \| ETA 0:00 \| elapsed 0:00$/);
  });
  it('draws the share of bytes read while loading, then gives way to the next stage line', () => {
    const f = fakes();
    const sink = createBarProgress(f.stream, f.now, PLAIN);
    f.setTime(100);
    sink.loadProgress(100, 1000, 50000);
    expect(screen(f.writes)).toEqual([`load ${'█'.repeat(3)}${'░'.repeat(27)} 10%, 50000 lines`]);
    f.setTime(150);
    sink.loadProgress(200, 1000, 100000); // within 100 ms: not drawn
    expect(screen(f.writes)).toEqual([`load ${'█'.repeat(3)}${'░'.repeat(27)} 10%, 50000 lines`]);
    f.setTime(300);
    sink.loadProgress(1000, 1000, 500000);
    expect(screen(f.writes)).toEqual([`load ${'█'.repeat(30)} 100%, 500000 lines`]);
    sink.stage('plan', '3 waves');
    expect(screen(f.writes)).toEqual(['plan: 3 waves', '']);
  });
});

describe('createProgress', () => {
  async function kindOf(isTTY: boolean, env: Record<string, string>, quiet: boolean): Promise<'bar' | 'lines' | 'silent'> {
    vi.useFakeTimers();
    try {
      const f = fakes();
      const sink = await createProgress({ stream: f.stream, isTTY, env, quiet, now: f.now });
      sink.waveStarted(1, 1, 1, 4);
      sink.warn('w');
      sink.finish();
      if (f.writes.length === 0) return 'silent';
      return f.writes.some((w) => w.includes('\u001b[')) ? 'bar' : 'lines';
    } finally {
      vi.useRealTimers();
    }
  }
  it('picks silent when quiet, the bar on a terminal outside CI, else lines', async () => {
    expect(await kindOf(true, {}, true)).toBe('silent');
    expect(await kindOf(false, {}, true)).toBe('silent');
    expect(await kindOf(true, { NO_COLOR: '1' }, false)).toBe('bar');
    expect(await kindOf(true, { CI: 'false', NO_COLOR: '1' }, false)).toBe('bar');
    expect(await kindOf(true, { CI: 'true', NO_COLOR: '1' }, false)).toBe('lines');
    expect(await kindOf(false, {}, false)).toBe('lines');
  });
  it('still prints notes when quiet', async () => {
    const f = fakes();
    (await createProgress({ stream: f.stream, isTTY: false, env: {}, quiet: true, now: f.now })).note('SIGINT: canceling');
    expect(f.writes).toEqual(['SIGINT: canceling\n']);
  });
});

describe('environment', () => {
  it('CI counts as set unless empty, 0 or false', () => {
    expect(isCiEnvironment({ CI: 'true' })).toBe(true);
    expect(isCiEnvironment({ CI: '1' })).toBe(true);
    expect(isCiEnvironment({})).toBe(false);
    expect(isCiEnvironment({ CI: '' })).toBe(false);
    expect(isCiEnvironment({ CI: 'false' })).toBe(false);
    expect(isCiEnvironment({ CI: '0' })).toBe(false);
  });
  it('colour: NO_COLOR (non-empty) wins, then FORCE_COLOR (unless 0 or false), then a terminal that is not dumb', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, false)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(colorsFor({ FORCE_COLOR: '1' }, false).bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(colorsFor({}, false).bold('x')).toBe('x');
  });

  it('off a terminal under CI, even when the stream reports isTTY as undefined (picocolors would fall back to its own CI detection)', () => {
    const notATerminal = undefined as unknown as boolean;
    expect(colorEnabled({ CI: '1' }, notATerminal)).toBe(false);
    expect(colorsFor({ CI: '1' }, notATerminal).bold('wave 1/8')).toBe('wave 1/8');
  });
});
