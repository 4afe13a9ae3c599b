import { describe, expect, it } from 'vitest';
import { fixed, fixedVs, percent, plural } from '../src/util/format.ts';

describe('text formatting', () => {
  it('counts with the right noun, irregular plurals included', () => {
    expect(plural(1, 'retry', 'retries')).toBe('1 retry');
    expect(plural(3, 'retry', 'retries')).toBe('3 retries');
    expect(plural(0, 'reroute')).toBe('0 reroutes');
  });
  it('rounds the decimal value a reader sees, never printing -0', () => {
    // 0.6375 x 100 is 63.74999999999999 in float64; the reader expects 63.8.
    expect(percent(0.6375)).toBe('63.8%');
    expect(fixed(-0.0001, 2)).toBe('0.00');
  });
  it('adds decimals until a figure no longer prints equal to its threshold', () => {
    expect(fixedVs(0.499, 0.5)).toBe('0.499');
    expect(fixedVs(0.41, 0.5)).toBe('0.41');
  });
});
