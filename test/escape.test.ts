import { describe, expect, it } from 'vitest';
import { formatDiagnostic, formatDiagnostics } from '../src/errors.ts';
import { clip, escapeText } from '../src/util/escape.ts';

describe('escapeText', () => {
  it('writes controls as JSON does: short escapes for \\b \\t \\n \\f \\r, \\uXXXX for the rest', () => {
    expect(escapeText('a\nb\r\tc\b\f')).toBe('a\\nb\\r\\tc\\b\\f');
    expect(escapeText('\u0000\u0007\u001b[2J\u001f')).toBe('\\u0000\\u0007\\u001b[2J\\u001f');
  });

  it('escapes DEL, C1 controls (CSI U+009B), line and paragraph separators, bidi controls and lone surrogates', () => {
    expect(escapeText('x\u007fy\u0085z\u009b31m')).toBe('x\\u007fy\\u0085z\\u009b31m');
    expect(escapeText('\u2028\u2029')).toBe('\\u2028\\u2029');
    expect(escapeText('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c')).toBe(
      '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c',
    );
    expect(escapeText('a\ud800b\udc00')).toBe('a\\ud800b\\udc00');
  });

  it('leaves printable text alone: backslashes, quotes, accents, emoji (surrogate pairs), CJK', () => {
    for (const text of ['C:\\data\\wave_1', '"quoted"', 'é ß ü', 'task 😀 ok', '任务', 'tab-free', '']) expect(escapeText(text)).toBe(text);
  });

  it('never leaves a byte below 0x20 or a line break, whatever the input (every code unit 0..0xFFFF)', () => {
    let all = '';
    for (let c = 0; c <= 0xffff; c++) all += String.fromCharCode(c);
    const out = escapeText(all);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(out)).toBe(false);
    expect(out.split('\n')).toHaveLength(1);
  });
});

describe('clip', () => {
  it('cuts long names with ..., never inside a surrogate pair', () => {
    expect(clip('abc', 5)).toBe('abc');
    expect(clip('abcdef', 5)).toBe('abcde...');
    expect(clip('abcd😀', 5)).toBe('abcd...');
    expect(clip('x'.repeat(1000))).toBe(`${'x'.repeat(120)}...`);
  });
});

describe('formatDiagnostic', () => {
  it('prints a forged diagnostic inside a field name on the same line, escaped', () => {
    const field = 'x\nwave_9/agent_0/predicted_tasks.jsonl:1: task_id: FORGED';
    const line = formatDiagnostic({ severity: 'warning', file: 'in/wave_1/agent_0/predicted_tasks.jsonl', line: 3, field, problem: 'unknown field ignored (in 1 predicted_tasks.jsonl row)' });
    expect(line).toBe('in/wave_1/agent_0/predicted_tasks.jsonl:3: x\\nwave_9/agent_0/predicted_tasks.jsonl:1: task_id: FORGED: unknown field ignored (in 1 predicted_tasks.jsonl row)');
    expect(line.includes('\n')).toBe(false);
  });

  it('escapes terminal escapes in the file, the field and the problem, and cuts a huge field name', () => {
    const line = formatDiagnostic({ severity: 'error', file: 'in/wave_1/agent_0\n/predicted_tasks.jsonl', line: null, field: `\u001b]0;title\u0007${'f'.repeat(500)}`, problem: 'bad \u001b[31mvalue\u001b[0m' });
    expect(line).toBe(`in/wave_1/agent_0\\n/predicted_tasks.jsonl: \\u001b]0;title\\u0007${'f'.repeat(110)}...: bad \\u001b[31mvalue\\u001b[0m`);
  });

  it('keeps one line per diagnostic in a list', () => {
    const lines = formatDiagnostics([{ severity: 'error', file: 'a\nb', line: 1, field: 'c\rd', problem: 'e\u2028f' }]);
    expect(lines).toEqual(['a\\nb:1: c\\rd: e\\u2028f']);
  });
});
