/**
 * jsonQuote and isJsonPlain (src/util/json.ts) must give exactly JSON.stringify's bytes for any
 * string: plain printable ASCII as is, and everything JSON escapes (", \, controls, lone
 * surrogates) or keeps (other non-ASCII, DEL) through JSON.stringify itself.
 */
import { describe, expect, it } from 'vitest';
import { isJsonPlain, jsonQuote, round } from '../../src/util/json.ts';
import { mulberry32 } from '../helpers/random.ts';

describe('jsonQuote', () => {
  it('hand-picked strings: plain ASCII as is, each escaped or non-ASCII kind as JSON.stringify prints it', () => {
    expect(jsonQuote('task_0001')).toBe('"task_0001"');
    expect(jsonQuote('')).toBe('""');
    expect(jsonQuote(' ~')).toBe('" ~"');
    expect(jsonQuote('a"b')).toBe('"a\\"b"');
    expect(jsonQuote('a\\b')).toBe('"a\\\\b"');
    expect(jsonQuote('\n\t\u0000\u001f')).toBe('"\\n\\t\\u0000\\u001f"');
    expect(jsonQuote('\u007f')).toBe('"\u007f"');
    expect(jsonQuote('é😀')).toBe('"é😀"');
    expect(jsonQuote('\ud800x')).toBe('"\\ud800x"');
    expect(jsonQuote('x\udfff')).toBe('"x\\udfff"');
    expect([isJsonPlain('agent_1'), isJsonPlain(' '), isJsonPlain('~'), isJsonPlain('\u001f'), isJsonPlain('\u007f'), isJsonPlain('"'), isJsonPlain('\\'), isJsonPlain('é')]).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('agrees with JSON.stringify on 50,000 random strings over controls, ASCII, Latin-1, surrogates and astral characters', () => {
    const random = mulberry32(7);
    const ranges: readonly (readonly [number, number])[] = [[0, 0x20], [0x20, 0x7f], [0x20, 0x7f], [0x20, 0x7f], [0x7f, 0x100], [0xd800, 0xe000], [0xe000, 0x10000]];
    for (let n = 0; n < 50_000; n++) {
      let text = '';
      const length = Math.floor(random() * 12);
      for (let i = 0; i < length; i++) {
        if (random() < 0.05) {
          text += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
          continue;
        }
        const [lo, hi] = ranges[Math.floor(random() * ranges.length)] as readonly [number, number];
        text += String.fromCharCode(lo + Math.floor(random() * (hi - lo)));
      }
      expect(jsonQuote(text)).toBe(JSON.stringify(text));
      expect(isJsonPlain(text)).toBe(JSON.stringify(text) === `"${text}"` && /^[\x20-\x7e]*$/.test(text));
    }
  });
});

describe('round', () => {
  it('rounds half away from zero to 6 places and never prints -0', () => {
    expect([round(1.2345675), round(-1.2345675), round(-0.0000001), round(2.5, 0), round(Infinity)]).toEqual([1.234568, -1.234568, 0, 3, Infinity]);
    expect(Object.is(round(-0.0000001), 0)).toBe(true);
  });
});
