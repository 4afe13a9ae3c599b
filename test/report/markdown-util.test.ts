import { describe, expect, it } from 'vitest';
import {
  cell,
  code,
  fixed,
  listText,
  pct,
  oneLine,
  secs,
  signedPp,
  sparkChar,
  sparkline,
  table,
  trendDirection,
} from '../../src/report/markdown-util.ts';

describe('number formatting', () => {
  it('prints fixed decimals and n/a for null', () => {
    expect(fixed(64.1)).toBe('64.10');
    expect(fixed(0.187649, 4)).toBe('0.1876');
    expect(fixed(null)).toBe('n/a');
    expect(fixed(1234567.891, 1)).toBe('1234567.9'); // no thousands separators
  });

  it('never prints a negative zero', () => {
    expect(fixed(-0.0001)).toBe('0.00');
    expect(fixed(-0)).toBe('0.00');
    expect(fixed(-0.004, 0)).toBe('0');
    expect(fixed(-0.006)).toBe('-0.01');
  });

  it('prints shares as percentages with one decimal', () => {
    expect(pct(0.75)).toBe('75.0%');
    expect(pct(0.8124)).toBe('81.2%');
    expect(pct(1)).toBe('100.0%');
    expect(pct(null)).toBe('n/a');
  });

  it('prints gaps in signed percentage points', () => {
    expect(signedPp(-0.1333)).toBe('-13.3 pp');
    expect(signedPp(0.1)).toBe('+10.0 pp');
    expect(signedPp(0)).toBe('0.0 pp');
    expect(signedPp(-0.0001)).toBe('0.0 pp');
    expect(signedPp(null)).toBe('n/a');
  });

  it('prints seconds with one decimal', () => {
    expect(secs(250.26)).toBe('250.3');
    expect(secs(null)).toBe('n/a');
  });
});

describe('markdown escaping', () => {
  it('escapes pipes and flattens line breaks in cells', () => {
    expect(cell('a|b')).toBe('a\\|b');
    // Character references would render as the character: their `&` is escaped, others stay.
    expect(cell('R&amp;D &#38; &#x26; &lt;x&gt; & co &;')).toBe('R&amp;amp;D &amp;#38; &amp;#x26; &amp;lt;x&amp;gt; & co &;');
    expect(cell('line1\r\nline2\nline3')).toBe('line1 line2 line3');
  });

  it('escapes controls, separators and bidirectional overrides in cells and code spans, so no input adds a line or hides text', () => {
    expect(cell('a\u001b[31mred\u2028b\u202egnp.exe')).toBe('a\\u001b[31mred\\u2028b\\u202egnp.exe');
    expect(code('in\u0000put\tdir')).toBe('`in\\u0000put\\tdir`');
    expect(oneLine('ok: agent_1, 12.5%')).toBe('ok: agent_1, 12.5%');
  });

  it('builds a table with a delimiter row and right-aligned columns', () => {
    expect(table(['name', 'n'], [['x|y', '3']], [1])).toBe('| name | n |\n| --- | ---: |\n| x\\|y | 3 |');
  });

  it('fences code spans around backticks', () => {
    expect(code('out')).toBe('`out`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
  });

  it('lists items in prose', () => {
    expect(listText([])).toBe('');
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b'])).toBe('a and b');
    expect(listText(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('sparkline', () => {
  it('scales over [0, 100] in 8 bins of 12.5 points', () => {
    // floor(s * 8 / 100): 0 -> 0, 50 -> 4, 100 -> 8 clamped to 7.
    expect(sparkline([0, 50, 100])).toBe('▁▅█');
    expect(sparkline([12.49, 12.5, 25, 37.5, 62.5, 75, 87.49, 87.5])).toBe('▁▂▃▄▆▇▇█');
  });

  it('does not rescale to the series min-max', () => {
    // A min-max scale would give '▁█'; over [0, 100] both sit in bin 7.
    expect(sparkline([90, 95])).toBe('██');
  });

  it('clamps out-of-range scores', () => {
    expect(sparkChar(-5)).toBe('▁');
    expect(sparkChar(140)).toBe('█');
    expect(sparkChar(Number.NaN)).toBe('▁');
  });
});

describe('trendDirection', () => {
  it('is steady within 2 points, compared in hundredths', () => {
    expect(trendDirection(64.1, 66.1)).toBe('steady'); // 66.1 - 64.1 is 2.0000000000000057 in floats
    expect(trendDirection(60, 58)).toBe('steady');
    expect(trendDirection(60, 62.01)).toBe('improving');
    expect(trendDirection(60, 57.99)).toBe('declining');
    expect(trendDirection(60, 65, 5)).toBe('steady');
  });
});
