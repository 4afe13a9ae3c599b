import { describe, expect, it } from 'vitest';
import { createBarProgress, createLineProgress, createProgress, drawBar, isCiEnvironment, loadBarText, waveLabel } from '../../src/cli/progress.ts';
import type { CliProgress } from '../../src/cli/progress.ts';

const ESC_K = '\u001b[K';

/** A stream that keeps every write, and a clock the test moves by hand. */
function fakes() {
  const writes: string[] = [];
  let t = 0;
  return {
    writes,
    stream: { write: (chunk: string) => writes.push(chunk) },
    now: () => t,
    setTime: (ms: number) => {
      t = ms;
    },
  };
}

const FIGURES = { successRate: 0.712, health: 64.1, makespanS: 1234.5 };

/** Drives a sink through one stage, one warning and one wave. */
function driveOneWave(sink: CliProgress, setTime: (ms: number) => void): void {
  sink.stage('load', 'reading data/phase20');
  setTime(0);
  sink.waveStarted(2, 2, 3, 2502);
  setTime(20);
  sink.waveProgress(1234, 2502);
  setTime(60);
  sink.waveProgress(1251, 2502);
  setTime(70);
  sink.warn('2 unknown fields ignored: foo, bar');
  setTime(80);
  sink.waveProgress(2502, 2502);
  sink.waveFinished(2, FIGURES);
  sink.finish();
}

describe('drawBar', () => {
  it('fills done/tasks of 20 cells, rounded down', () => {
    expect(drawBar(1234, 2502)).toBe('[#########-----------]'); // 20 x 0.4932 = 9.86 -> 9
    expect(drawBar(1251, 2502)).toBe('[##########----------]');
    expect(drawBar(0, 10)).toBe('[--------------------]');
    expect(drawBar(10, 10)).toBe('[####################]');
    expect(drawBar(0, 0)).toBe('[####################]');
  });
});

describe('waveLabel', () => {
  it('is n/total when the wave number is its position, else names both', () => {
    expect(waveLabel(2, 2, 3)).toBe('wave 2/3');
    expect(waveLabel(7, 3, 3)).toBe('wave 7 (3/3)');
  });
});

describe('createLineProgress (plain mode)', () => {
  it('writes one line per stage, warning and finished wave', () => {
    const f = fakes();
    driveOneWave(createLineProgress(f.stream), f.setTime);
    expect(f.writes).toEqual([
      'load: reading data/phase20\n',
      'warning: 2 unknown fields ignored: foo, bar\n',
      'wave 2/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s\n',
    ]);
  });
  it('labels a wave that is not numbered by position', () => {
    const f = fakes();
    const sink = createLineProgress(f.stream);
    sink.waveStarted(9, 1, 2, 40);
    sink.waveFinished(9, { successRate: 0.5, health: 49.5, makespanS: 0.04 });
    expect(f.writes).toEqual(['wave 9 (1/2): 40 tasks, success 50.0%, health 49.50, makespan 0.0 s\n']);
  });
});

describe('createBarProgress (terminal mode)', () => {
  it('redraws the bar in place, prints lines above it and keeps the finished bar', () => {
    const f = fakes();
    driveOneWave(createBarProgress(f.stream, f.now), f.setTime);
    expect(f.writes).toEqual([
      'load: reading data/phase20\n',
      `\rwave 2/3 [--------------------] 0/2502 tasks${ESC_K}`,
      // t=20: throttled (20 ms since the last draw); t=60: drawn.
      `\rwave 2/3 [##########----------] 1251/2502 tasks${ESC_K}`,
      `\rwarning: 2 unknown fields ignored: foo, bar${ESC_K}\n`,
      `\rwave 2/3 [##########----------] 1251/2502 tasks${ESC_K}`,
      // t=80: only 10 ms after the redraw, but the wave is complete, so it draws.
      `\rwave 2/3 [####################] 2502/2502 tasks${ESC_K}`,
      `\rwave 2/3 [####################] 2502/2502 tasks: success 71.2%, health 64.10, makespan 1234.5 s${ESC_K}\n`,
    ]);
  });
  it('redraws at most 20 times per second of progress ticks', () => {
    const f = fakes();
    const sink = createBarProgress(f.stream, f.now);
    sink.waveStarted(1, 1, 1, 1000);
    for (let i = 1; i <= 200; i++) {
      f.setTime(i * 5); // a tick every 5 ms for 1 s
      sink.waveProgress(i, 1000);
    }
    // Draws at t = 50, 100, ..., 1000 after the start's draw at t = 0.
    expect(f.writes.length - 1).toBe(20);
    expect(f.writes.at(-1)).toBe(`\rwave 1/1 [####----------------] 200/1000 tasks${ESC_K}`);
  });
  it('finish() ends a half-drawn bar so the next line starts clean, once', () => {
    const f = fakes();
    const sink = createBarProgress(f.stream, f.now);
    sink.waveStarted(1, 1, 2, 5);
    sink.finish();
    sink.finish();
    expect(f.writes).toEqual([`\rwave 1/2 [--------------------] 0/5 tasks${ESC_K}`, '\n']);
  });
  it('starts a new line for a wave that starts while a bar is open', () => {
    const f = fakes();
    const sink = createBarProgress(f.stream, f.now);
    sink.waveStarted(1, 1, 2, 5);
    sink.waveStarted(2, 2, 2, 5);
    expect(f.writes).toEqual([
      `\rwave 1/2 [--------------------] 0/5 tasks${ESC_K}`,
      '\n',
      `\rwave 2/2 [--------------------] 0/5 tasks${ESC_K}`,
    ]);
  });
});

describe('load progress', () => {
  it('draws the share of bytes read and the lines so far', () => {
    expect(loadBarText(260, 1000, 1200)).toBe('load [#####---------------] 26%, 1200 lines');
    expect(loadBarText(0, 0, 0)).toBe('load [####################] 100%, 0 lines');
  });
  it('redraws the load bar at most every 50 ms and replaces it with the next stage line', () => {
    const f = fakes();
    const sink = createBarProgress(f.stream, f.now);
    f.setTime(100);
    sink.loadProgress(100, 1000, 50000);
    f.setTime(120);
    sink.loadProgress(200, 1000, 100000); // within 50 ms: skipped
    f.setTime(200);
    sink.loadProgress(1000, 1000, 500000);
    sink.stage('plan', '3 waves');
    expect(f.writes).toEqual([
      `\rload [##------------------] 10%, 50000 lines${ESC_K}`,
      `\rload [####################] 100%, 500000 lines${ESC_K}`,
      `\rplan: 3 waves${ESC_K}\n`,
    ]);
  });
  it('prints nothing in plain mode (logs get the stage lines only)', () => {
    const f = fakes();
    createLineProgress(f.stream).loadProgress(500, 1000, 50000);
    expect(f.writes).toEqual([]);
  });
});

describe('isCiEnvironment', () => {
  it('is true for CI set to a non-false value', () => {
    expect(isCiEnvironment({ CI: 'true' })).toBe(true);
    expect(isCiEnvironment({ CI: '1' })).toBe(true);
    expect(isCiEnvironment({})).toBe(false);
    expect(isCiEnvironment({ CI: '' })).toBe(false);
    expect(isCiEnvironment({ CI: 'false' })).toBe(false);
    expect(isCiEnvironment({ CI: '0' })).toBe(false);
  });
});

describe('createProgress', () => {
  function kindOf(isTTY: boolean, env: Record<string, string>, quiet: boolean): 'bar' | 'lines' | 'silent' {
    const f = fakes();
    const sink = createProgress({ stream: f.stream, isTTY, env, quiet, now: f.now });
    sink.waveStarted(1, 1, 1, 4);
    sink.warn('w');
    if (f.writes.length === 0) return 'silent';
    return f.writes[0]?.startsWith('\r') === true ? 'bar' : 'lines';
  }
  it('picks silent when quiet, the bar on a terminal outside CI, else lines', () => {
    expect(kindOf(true, {}, true)).toBe('silent');
    expect(kindOf(false, {}, true)).toBe('silent');
    expect(kindOf(true, {}, false)).toBe('bar');
    expect(kindOf(true, { CI: 'false' }, false)).toBe('bar');
    expect(kindOf(true, { CI: 'true' }, false)).toBe('lines');
    expect(kindOf(false, {}, false)).toBe('lines');
  });
});
